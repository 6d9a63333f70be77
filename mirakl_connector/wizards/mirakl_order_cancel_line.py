# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MiraklOrderCancelLine(models.TransientModel):
    """A line of "Cancel on Mirakl": how many of its units to cancel."""

    _name = "mirakl.order.cancel.line"
    _description = "Cancel on Mirakl: Line"

    wizard_id = fields.Many2one("mirakl.order.cancel", required=True, ondelete="cascade")
    line_id = fields.Many2one("mirakl.order.line", string="Mirakl Line", required=True)
    product_id = fields.Many2one(related="line_id.product_id")
    product_title = fields.Char(related="line_id.product_title")
    units_left = fields.Integer(readonly=True)
    quantity = fields.Integer(string="Units to Cancel")

    @api.constrains("quantity", "units_left")
    def _check_quantity(self):
        for line in self:
            if not 0 <= line.quantity <= line.units_left:
                raise ValidationError(
                    self.env._(
                        "Line %(line)s: cancel from 0 to %(units)s units.",
                        line=line.line_id.mirakl_line_id,
                        units=line.units_left,
                    )
                )
