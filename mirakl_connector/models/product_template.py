# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import Counter

from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    mirakl_listing_count = fields.Integer(
        compute="_compute_mirakl_listing_count", groups="mirakl_connector.group_mirakl_user"
    )

    def _compute_mirakl_listing_count(self):
        counts = Counter()
        for product, count in self.env["mirakl.listing"]._read_group(
            [("product_id.product_tmpl_id", "in", self.ids)], ["product_id"], ["__count"]
        ):
            counts[product.product_tmpl_id] += count
        for template in self:
            template.mirakl_listing_count = counts.get(template, 0)

    def action_view_mirakl_listings(self):
        """The offers of all the template's variants on every Marketplace."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "mirakl_connector.mirakl_listing_action"
        )
        action["domain"] = [("product_id.product_tmpl_id", "in", self.ids)]
        return action
