# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class MiraklListingDrift(models.Model):
    """A listing whose offer on Mirakl differs from what Odoo would send: its stock or its
    price, as the last drift check found them. Pushing the fix sends them again."""

    _name = "mirakl.listing.drift"
    _description = "Mirakl Listing Drift"
    _order = "instance_id, shop_sku, id"
    _rec_name = "shop_sku"

    instance_id = fields.Many2one(
        "mirakl.instance", string="Marketplace", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="instance_id.company_id", store=True)
    currency_id = fields.Many2one(related="instance_id.currency_id")
    listing_id = fields.Many2one("mirakl.listing", required=True, index=True, ondelete="cascade")
    product_id = fields.Many2one(related="listing_id.product_id")
    shop_sku = fields.Char(string="Shop SKU", readonly=True)
    mirakl_quantity = fields.Integer(string="Quantity on Mirakl", readonly=True)
    odoo_quantity = fields.Integer(string="Quantity in Odoo", readonly=True)
    quantity_drift = fields.Boolean(string="Stock Differs", readonly=True)
    mirakl_price = fields.Monetary(string="Price on Mirakl", readonly=True)
    odoo_price = fields.Monetary(string="Price in Odoo", readonly=True)
    price_drift = fields.Boolean(string="Price Differs", readonly=True)
    check_date = fields.Datetime(string="Checked On", readonly=True)
    state = fields.Selection(
        [("open", "To Fix"), ("sent", "Fix Sent")], default="open", required=True, readonly=True
    )

    def action_push_fix(self):
        """Send the Odoo stock and prices of these listings to Mirakl at once, whatever
        Mirakl was last sent."""
        drifts = self.filtered(lambda drift: drift.state == "open")
        stock = drifts.filtered("quantity_drift").listing_id
        prices = drifts.filtered("price_drift").listing_id
        stock.sudo().stock_export_key = False
        prices.sudo().price_export_key = False
        for flow, listings in (("mirakl.flow.stock", stock), ("mirakl.flow.prices", prices)):
            for instance in listings.instance_id:
                self.env[flow]._enqueue(instance, "_job_export", False, identity="delta")
        drifts.state = "sent"
        return True
