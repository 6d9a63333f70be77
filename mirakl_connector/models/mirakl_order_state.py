# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class MiraklOrderState(models.Model):
    """A Mirakl order status, to choose which ones a Marketplace imports (data, not edited)."""

    _name = "mirakl.order.state"
    _description = "Mirakl Order Status"
    _order = "sequence, id"

    code = fields.Char(required=True, readonly=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer()

    _sql_constraints = [("code_uniq", "UNIQUE(code)", "A Mirakl status is defined once.")]
