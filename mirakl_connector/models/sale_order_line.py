# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

# Changing one of these on a Mirakl order would make Odoo's amounts or deliveries disagree
# with what the customer bought and the operator settles.
PROTECTED_FIELDS = {
    "product_id",
    "product_uom_qty",
    "product_uom",
    "price_unit",
    "discount",
    "tax_id",
}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    mirakl_line_id = fields.Many2one(
        "mirakl.order.line",
        string="Mirakl Order Line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )

    def _compute_price_unit(self):
        # Mirakl's unit prices are what the customer paid: never re-read from a pricelist.
        return super(SaleOrderLine, self - self._mirakl_lines())._compute_price_unit()

    def _compute_discount(self):
        return super(SaleOrderLine, self - self._mirakl_lines())._compute_discount()

    def _compute_tax_id(self):
        # Taxes come from the Marketplace's tax mappings, not from products or positions.
        return super(SaleOrderLine, self - self._mirakl_lines())._compute_tax_id()

    @api.model_create_multi
    def create(self, vals_list):
        order_ids = {vals.get("order_id") for vals in vals_list}
        self.env["sale.order"].browse(order_ids - {None})._mirakl_check_lines_editable()
        return super().create(vals_list)

    def write(self, vals):
        if PROTECTED_FIELDS.intersection(vals):
            self.order_id._mirakl_check_lines_editable()
        return super().write(vals)

    def unlink(self):
        self.order_id._mirakl_check_lines_editable()
        return super().unlink()

    def _mirakl_lines(self):
        return self.filtered(lambda line: line.order_id.mirakl_order_id)
