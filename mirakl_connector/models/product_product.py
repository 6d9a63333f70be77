# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class ProductProduct(models.Model):
    _inherit = "product.product"

    mirakl_listing_ids = fields.One2many(
        "mirakl.listing",
        "product_id",
        string="Marketplace Listings",
        groups="mirakl_connector.group_mirakl_user",
    )
    mirakl_listing_count = fields.Integer(
        compute="_compute_mirakl_listing_count", groups="mirakl_connector.group_mirakl_user"
    )

    def _compute_mirakl_listing_count(self):
        counts = dict(
            self.env["mirakl.listing"]._read_group(
                [("product_id", "in", self.ids)], ["product_id"], ["__count"]
            )
        )
        for product in self:
            product.mirakl_listing_count = counts.get(product, 0)

    def action_view_mirakl_listings(self):
        """The variant's offers on every Marketplace."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "mirakl_connector.mirakl_listing_action"
        )
        action["domain"] = [("product_id", "in", self.ids)]
        action["context"] = {"default_product_id": self.id if len(self) == 1 else False}
        return action
