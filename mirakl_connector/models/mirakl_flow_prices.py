# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import namedtuple

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_repr

from ..mirakl import files

# One listing as the export sees it: its prices ``[(channel code or None, price text)]``, the
# default price, their key, and the key Mirakl has or is importing.
PriceLine = namedtuple("PriceLine", "id sku key price prices sent_key")


class MiraklFlowPrices(models.AbstractModel):
    """Price export: publish each listing's prices on Mirakl with PRI01.

    The default price of a listing is its product's price in the Marketplace's pricelist.
    Where the operator prices per channel, each channel with a pricelist of its own adds that
    pricelist's price on the channel, for the listings sold there. PRI01 replaces every price of
    the offers it lists, so a listing always goes with all its prices, default first. Scheduled
    runs send the listings whose prices changed and, once a day, all of them.
    """

    _name = "mirakl.flow.prices"
    _inherit = ["mirakl.flow", "mirakl.file.export"]
    _description = "Price Export"
    _flow_code = "prices"
    _flow_direction = "export"
    _flow_channel = "root.mirakl.prices"
    _flow_interval = (1, "hours")
    _flow_sequence = 60
    _export_fields = {
        "key": "price_export_key",
        "value": "exported_price",
        "pending_key": "price_pending_key",
        "pending_value": "price_pending_price",
        "import": "price_import_id",
        "error": "price_export_error",
    }
    _export_operations = ("PRI01",)

    @api.model
    def _run(self, instance, full=False, **options):
        """Queue an export: the changed listings, or all of them when ``full``."""
        identity = "full" if full else "delta"
        return self._enqueue(instance, "_job_export", bool(full), identity=identity)

    def _job_export(self, instance, full=False):
        """Compute the listings' prices and send those to update in one PRI01 file."""
        instance = instance.sudo()
        log = self._open_log(instance)
        with self._log_errors(log):
            full = full or self._full_export_due(instance)
            lines, unpriced = self._price_lines(instance)
            self._mark_unpriced(unpriced)
            todo = [line for line in lines if full or line.key != line.sent_key]
            if not todo:
                log._finish(
                    skipped=len(lines) + len(unpriced),
                    message=self.env._("Mirakl already has the prices of every listing."),
                )
                return False
            self._check_call_limit(instance, "PRI01")
            with_channels = any(code for line in todo for code, _price in line.prices)
            import_ref, content = self._upload(
                instance,
                "PRI01",
                lambda target: self._write_price_file(todo, with_channels, target),
            )
            sent = (
                [line.id for line in todo],
                [line.key for line in todo],
                [line.price for line in todo],
            )
            self._track_import(instance, log, "PRI01", import_ref, content, full, sent)
            log._progress(done=0, total=len(todo))
        return import_ref

    # -- prices --------------------------------------------------------------------------

    @api.model
    def _price_lines(self, instance):
        """``(PriceLine of each listing with a product and a price, ids of those without)``.
        One query for the listings, one pricelist computation per pricelist for the products."""
        listings = self._export_listings(instance)
        products = self.env["product.product"].browse({row[2] for row in listings})
        default = self._prices(instance, instance.pricelist_id, products)
        channels = self._priced_channels(instance)
        by_channel = [
            (channel, self._prices(instance, channel.pricelist_id, products))
            for channel in channels
        ]
        sold_on = self._listing_channels(instance) if channels else {}
        result, unpriced = [], []
        for listing_id, sku, product_id, sent_key in listings:
            price = default.get(product_id)
            if not price:
                unpriced.append(listing_id)
                continue
            prices = [(None, price)]
            restricted = sold_on.get(listing_id)
            for channel, channel_prices in by_channel:
                if channel_prices.get(product_id) and (not restricted or channel.id in restricted):
                    prices.append((channel.code, channel_prices[product_id]))
            key = "|".join(f"{code}:{text}" if code else text for code, text in prices)
            result.append(PriceLine(listing_id, sku, key, float(price), prices, sent_key))
        return result, unpriced

    @api.model
    def _prices(self, instance, pricelist, products):
        """``{product id: price text}`` of ``products`` in ``pricelist`` for one unit, in the
        shop's currency and decimals; products priced zero or less are left out."""
        if not pricelist:
            raise UserError(
                self.env._(
                    "Choose the pricelist of %(marketplace)s before exporting its prices.",
                    marketplace=instance.name,
                )
            )
        currency = instance.currency_id or pricelist.currency_id
        if pricelist.currency_id != currency:
            raise UserError(
                self.env._(
                    "The pricelist %(pricelist)s is in %(currency)s, but %(marketplace)s sells "
                    "in %(shop_currency)s.",
                    pricelist=pricelist.display_name,
                    currency=pricelist.currency_id.name,
                    marketplace=instance.name,
                    shop_currency=currency.name,
                )
            )
        decimals = instance.offer_prices_decimals or currency.decimal_places
        prices = pricelist.with_company(instance.company_id)._get_products_price(
            products, 1.0, currency=currency, date=fields.Date.context_today(self)
        )
        return {
            product_id: float_repr(price, decimals)
            for product_id, price in prices.items()
            if round(price, decimals) > 0
        }

    @api.model
    def _priced_channels(self, instance):
        """The channels with a pricelist of their own, where the operator prices per channel."""
        if instance.channel_pricing not in ("SINGLE", "MULTI"):
            return self.env["mirakl.channel"]
        return self.env["mirakl.channel"].search(
            [("instance_id", "=", instance.id), ("pricelist_id", "!=", False)], order="code"
        )

    @api.model
    def _listing_channels(self, instance):
        """``{listing id: {channel ids}}`` of the listings sold on some channels only."""
        field = self.env["mirakl.listing"]._fields["channel_ids"]
        self.env.cr.execute(
            SQL(
                """SELECT rel.%(listing)s, array_agg(rel.%(channel)s)
                     FROM %(relation)s rel
                     JOIN mirakl_listing l ON l.id = rel.%(listing)s
                    WHERE l.instance_id = %(instance)s
                 GROUP BY rel.%(listing)s""",
                listing=SQL.identifier(field.column1),
                channel=SQL.identifier(field.column2),
                relation=SQL.identifier(field.relation),
                instance=instance.id,
            )
        )
        return {listing_id: set(channel_ids) for listing_id, channel_ids in self.env.cr.fetchall()}

    @api.model
    def _mark_unpriced(self, listing_ids):
        """Tell on the listings without a price why they are not sent."""
        if not listing_ids:
            return
        message = self.env._("The Marketplace's pricelist gives no price: not sent to Mirakl.")
        self.env["mirakl.listing"].flush_model(["price_export_error"])
        self.env.cr.execute(
            SQL(
                """UPDATE mirakl_listing SET price_export_error = %s
                    WHERE id = ANY(%s) AND price_export_error IS DISTINCT FROM %s""",
                message,
                listing_ids,
                message,
            )
        )
        self.env["mirakl.listing"].invalidate_model(["price_export_error"])

    # -- files ---------------------------------------------------------------------------

    @api.model
    def _write_price_file(self, todo, with_channels, target):
        """PRI01: every price of each listing on consecutive rows, default first."""
        columns = files.price_columns(channels=with_channels)
        rows = (
            {"offer-sku": line.sku, "price": text, **({"channels": code} if code else {})}
            for line in todo
            for code, text in line.prices
        )
        files.write_price_file(rows, target, columns=columns)
