# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.tools import float_compare

from ..mapping import listing as listing_mapping


class MiraklFlowDrift(models.AbstractModel):
    """Drift check: compare the shop's offers as Mirakl has them now (OF21) with what the stock
    and price exports would send, and list the listings that differ.

    Stock or prices changed in Mirakl's back office, an import lost or a refusal that zeroed an
    offer all show here; pushing the fix sends those listings again with the next exports. The
    report is replaced by each check.
    """

    _name = "mirakl.flow.drift"
    _inherit = "mirakl.flow"
    _description = "Drift Check"
    _flow_code = "drift"
    _flow_direction = "import"
    _flow_channel = "root.mirakl.catalog"
    _flow_interval = (1, "days")
    _flow_sequence = 70

    @api.model
    def _run(self, instance, **options):
        return self._enqueue(instance, "_job_check", identity="check")

    def _job_check(self, instance):
        """Read every offer of the shop and record the listings whose stock or price differ."""
        instance = instance.sudo()
        with self._sync_log(instance) as log:
            stock = {
                line.sku: line for line in self.env["mirakl.flow.stock"]._stock_lines(instance)
            }
            prices = {}
            if instance.pricelist_id:
                lines, _unpriced = self.env["mirakl.flow.prices"]._price_lines(instance)
                prices = {line.sku: line for line in lines}
            decimals = instance.offer_prices_decimals or instance.currency_id.decimal_places or 2
            now = fields.Datetime.now()
            drifts, checked = [], 0
            for offer in instance._get_client().iter_offers():
                quantity, price = stock.get(offer.shop_sku), prices.get(offer.shop_sku)
                if not quantity and not price:
                    continue  # not sold by an Odoo product
                checked += 1
                mirakl_price = listing_mapping.price_values(offer)["price"]
                quantity_drift = bool(quantity) and quantity.quantity != (offer.quantity or 0)
                price_drift = bool(price) and float_compare(
                    price.price, mirakl_price, precision_digits=decimals
                )
                if quantity_drift or price_drift:
                    drifts.append(
                        {
                            "instance_id": instance.id,
                            "listing_id": (quantity or price).id,
                            "shop_sku": offer.shop_sku,
                            "mirakl_quantity": offer.quantity or 0,
                            "odoo_quantity": quantity.quantity if quantity else 0,
                            "quantity_drift": quantity_drift,
                            "mirakl_price": mirakl_price,
                            "odoo_price": price.price if price else 0.0,
                            "price_drift": bool(price_drift),
                            "check_date": now,
                        }
                    )
            Drift = self.env["mirakl.listing.drift"]
            Drift.search([("instance_id", "=", instance.id)]).unlink()
            Drift.create(drifts)
            log._finish(
                processed=checked,
                updated=len(drifts),
                skipped=checked - len(drifts),
                message=self.env._(
                    "%(count)s of %(checked)s offers differ from Odoo.",
                    count=len(drifts),
                    checked=checked,
                ),
            )
        return len(drifts)
