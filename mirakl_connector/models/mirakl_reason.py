# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class MiraklReason(models.Model):
    """RE01: reason codes Mirakl asks for on refunds, cancellations, incidents and messages."""

    _name = "mirakl.reason"
    _inherit = "mirakl.master.data.mixin"
    _description = "Mirakl Reason"
    _order = "instance_id, type, label, id"

    # A Char, not a Selection: Mirakl adds reason types without notice.
    type = fields.Char(
        readonly=True,
        index=True,
        help="REFUND, CANCELATION, INCIDENT_OPEN, INCIDENT_CLOSE, ORDER_MESSAGING...",
    )
    is_shop_right = fields.Boolean(
        string="Usable by the Shop",
        readonly=True,
        help="Only these reasons may be sent by a seller; the others are the operator's.",
    )

    @api.model
    def _mirakl_prepare_vals(self, item):
        return {
            **super()._mirakl_prepare_vals(item),
            "type": item.type or False,
            "is_shop_right": bool(item.is_shop_right),
        }
