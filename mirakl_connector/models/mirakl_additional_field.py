# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class MiraklAdditionalField(models.Model):
    """AF01: custom fields the operator defines on offers, shops, orders and order lines."""

    _name = "mirakl.additional.field"
    _inherit = "mirakl.master.data.mixin"
    _description = "Mirakl Additional Field"
    _order = "instance_id, entity, label, id"

    # Chars, not Selections: Mirakl adds entities and types without notice.
    entity = fields.Char(readonly=True, index=True, help="OFFER, SHOP, ORDER or ORDER_LINE.")
    type = fields.Char(
        readonly=True,
        help="STRING, NUMERIC, BOOLEAN, DATE, LINK, LIST, MULTIPLE_VALUES_LIST, REGEX, TEXTAREA.",
    )
    required = fields.Boolean(readonly=True)
    editable = fields.Boolean(readonly=True, help="The seller may change the value.")
    accepted_values = fields.Char(readonly=True, help="Values allowed by LIST fields.")
    regex = fields.Char(readonly=True, help="Pattern values of REGEX fields must match.")
    default_value = fields.Char(readonly=True)

    @api.model
    def _mirakl_prepare_vals(self, item):
        return {
            **super()._mirakl_prepare_vals(item),
            "entity": item.entity or False,
            "type": item.type or False,
            "required": bool(item.required),
            "editable": bool(item.editable),
            "accepted_values": ", ".join(item.accepted_values) or False,
            "regex": item.regex or False,
            "default_value": item.default_value or False,
        }
