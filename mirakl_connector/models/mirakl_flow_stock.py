# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import math
from collections import namedtuple

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_repr, float_round

from ..mirakl import errors, files

# Stock moves done within this many seconds make one export (Mirakl: STO01 once a minute).
DEBOUNCE_SECONDS = 60

# One listing as the export sees it: the quantity lines it would send (warehouse code or None,
# quantity), their total, their key, and the key Mirakl has or is importing.
StockLine = namedtuple("StockLine", "id sku key quantity lines sent_key")


class MiraklFlowStock(models.AbstractModel):
    """Stock export: publish each listing's free stock on Mirakl.

    A listing linked to a product gets the product's free quantity in the Marketplace's
    warehouses, minus the buffer (the Marketplace's or its own), never below zero; listings
    without a product are not sent. Where every warehouse has a Mirakl warehouse code, each
    warehouse gets its own quantity line. The file goes by STO01, or, on operators without the
    stock API (404), as an OF01 offer file carrying the listing's other values as last imported
    (never OF24 nor a partial mode). Scheduled runs send the changes and, once a day, every
    listing; stock moves done queue a run a minute later, which all moves meanwhile join.
    """

    _name = "mirakl.flow.stock"
    _inherit = ["mirakl.flow", "mirakl.file.export"]
    _description = "Stock Export"
    _flow_code = "stock"
    _flow_direction = "export"
    _flow_channel = "root.mirakl.stock"
    _flow_interval = (15, "minutes")
    _flow_sequence = 50
    _export_fields = {
        "key": "stock_export_key",
        "value": "exported_quantity",
        "pending_key": "stock_pending_key",
        "pending_value": "stock_pending_quantity",
        "import": "stock_import_id",
        "error": "stock_export_error",
    }
    _export_operations = ("STO01", "OF01")

    @api.model
    def _run(self, instance, full=False, **options):
        """Queue an export: the changed listings, or all of them when ``full``."""
        identity = "full" if full else "delta"
        return self._enqueue(instance, "_job_export", bool(full), identity=identity)

    @api.model
    def _on_stock_moves(self, products):
        """Stock of ``products`` moved: queue a delta export of their Marketplaces in a minute;
        a run already waiting takes these moves too."""
        if not products:
            return
        groups = (
            self.env["mirakl.listing"]
            .sudo()
            ._read_group(
                [("product_id", "in", products.ids), ("instance_id.active", "=", True)],
                ["instance_id"],
            )
        )
        for (instance,) in groups:
            self._enqueue(instance, "_job_export", False, identity="delta", eta=DEBOUNCE_SECONDS)

    @api.model
    def _push_again(self, listings):
        """Send the stock of ``listings`` again at the next export, queued now: after a
        refusal (OR21), some operators zero the offer. For the order flow to call."""
        listings = listings.sudo().filtered("product_id")
        listings.write({"stock_export_key": False})
        for instance in listings.instance_id:
            self._enqueue(instance, "_job_export", False, identity="delta")

    # -- jobs ----------------------------------------------------------------------------

    def _job_export(self, instance, full=False):
        """Compute the listings' quantities and send those to update in one file."""
        instance = instance.sudo()
        log = self._open_log(instance)
        with self._log_errors(log):
            full = full or self._full_export_due(instance)
            lines = self._stock_lines(instance)
            todo = [line for line in lines if full or line.key != line.sent_key]
            if not todo:
                log._finish(
                    skipped=len(lines),
                    message=self.env._("Mirakl already has the stock of every listing."),
                )
                return False
            try:
                self._check_call_limit(instance, "STO01")
                operation = "STO01"
                import_ref, content = self._upload(
                    instance, operation, lambda target: self._write_stock_file(todo, target)
                )
            except errors.MiraklNotFoundError:
                self._check_call_limit(instance, "OF01")
                operation = "OF01"
                import_ref, content = self._upload(
                    instance, operation, lambda target: self._write_offer_file(todo, target)
                )
            sent = (
                [line.id for line in todo],
                [line.key for line in todo],
                [line.quantity for line in todo],
            )
            self._track_import(instance, log, operation, import_ref, content, full, sent)
            log._progress(done=0, total=len(todo))
        return import_ref

    # -- quantities ----------------------------------------------------------------------

    @api.model
    def _stock_lines(self, instance):
        """What the export would send for each listing with a product: a ``StockLine`` with
        ``sent_key``, the key Mirakl has or is importing. One query for the listings, one per
        warehouse for the stock."""
        free = self._free_quantities(instance)
        codes = [code for code in free if code]
        buffer_column = SQL(
            "CASE WHEN l.own_stock_buffer THEN l.stock_buffer ELSE %s END",
            instance.stock_buffer or 0,
        )
        result = []
        for listing_id, sku, product_id, buffer, sent_key in self._export_listings(
            instance, buffer_column
        ):
            if codes:
                quantities = [
                    self._publishable(free[code].get(product_id, 0.0), buffer) for code in codes
                ]
                key = "|".join(f"{code}:{qty}" for code, qty in zip(codes, quantities, strict=True))
                lines = list(zip(codes, quantities, strict=True))
            else:
                quantity = self._publishable(free[None].get(product_id, 0.0), buffer)
                quantities, key, lines = [quantity], str(quantity), [(None, quantity)]
            result.append(StockLine(listing_id, sku, key, sum(quantities), lines, sent_key))
        return result

    @api.model
    def _free_quantities(self, instance):
        """``{warehouse code or None: {product id: free quantity}}`` of the Marketplace's
        warehouses: one entry per Mirakl warehouse code when each has one, else one for all.
        Free stock is Odoo's (on hand minus reserved), read in one grouped query each."""
        warehouses = instance.stock_warehouse_ids or instance.warehouse_id
        if not warehouses:
            raise UserError(
                self.env._(
                    "Choose the warehouse of %(marketplace)s before exporting its stock.",
                    marketplace=instance.name,
                )
            )
        if all(warehouses.mapped("mirakl_warehouse_code")):
            groups = [(warehouse.mirakl_warehouse_code, warehouse) for warehouse in warehouses]
        else:
            groups = [(None, warehouses)]
        Product = self.env["product.product"].with_company(instance.company_id)
        Quant = self.env["stock.quant"].with_context(active_test=False)
        free = {}
        for code, group in groups:
            domain = Product.with_context(warehouse_id=group.ids)._get_domain_locations()[0]
            free[code] = {
                product.id: quantity - reserved
                for product, quantity, reserved in Quant._read_group(
                    domain, ["product_id"], ["quantity:sum", "reserved_quantity:sum"]
                )
            }
        return free

    @api.model
    def _publishable(self, free, buffer):
        """Whole units of ``free`` stock Mirakl may sell: less the buffer, never below zero."""
        return max(0, math.floor(float_round(free, precision_digits=6)) - (buffer or 0))

    # -- files ---------------------------------------------------------------------------

    @api.model
    def _write_stock_file(self, todo, target):
        """STO01: a line per listing, or per listing and warehouse code, together."""
        rows = ((line.sku, quantity, code) for line in todo for code, quantity in line.lines)
        files.write_stock_file(rows, target)

    @api.model
    def _write_offer_file(self, todo, target):
        """OF01 (no stock API): an update resets whatever the file leaves out, so each row
        carries the offer's values as last imported from Mirakl, with the new quantity."""
        quantities = {line.id: line.quantity for line in todo}
        listings = self.env["mirakl.listing"].browse(list(quantities))
        files.write_offer_file(
            (self._offer_row(listing, quantities[listing.id]) for listing in listings),
            target=target,
        )

    @api.model
    def _offer_row(self, listing, quantity):
        decimals = listing.instance_id.offer_prices_decimals or listing.currency_id.decimal_places
        origin = listing.origin_price or listing.price
        discount = listing.discount_price if 0 < listing.discount_price < origin else None
        return {
            "sku": listing.shop_sku,
            "product-id": listing.product_sku or None,
            "product-id-type": "SKU" if listing.product_sku else None,
            "price": float_repr(origin, decimals) if origin else None,
            "quantity": quantity,
            "state": listing.condition_id.code or None,
            "discount-price": float_repr(discount, decimals) if discount else None,
            "discount-start-date": (discount and listing.discount_start_date) or None,
            "discount-end-date": (discount and listing.discount_end_date) or None,
            "leadtime-to-ship": listing.leadtime_to_ship,
            "min-order-quantity": listing.min_order_quantity or None,
            "max-order-quantity": listing.max_order_quantity or None,
            "logistic-class": listing.logistic_class_id.code or None,
            "update-delete": "update",
        }
