# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class MiraklOrderAdjustment(models.Model):
    """A cancellation or a refund Mirakl recorded on an order line, as it sent it.

    Recorded so the seller sees what the customer got back; credit notes are made from them by
    the refund flow, not here.
    """

    _name = "mirakl.order.adjustment"
    _description = "Mirakl Order Cancellation or Refund"
    _order = "mirakl_date desc, id desc"
    _rec_name = "mirakl_id"

    line_id = fields.Many2one(
        "mirakl.order.line", required=True, readonly=True, index=True, ondelete="cascade"
    )
    order_id = fields.Many2one(related="line_id.order_id", store=True, index=True)
    company_id = fields.Many2one(related="line_id.company_id", store=True)
    currency_id = fields.Many2one(related="line_id.currency_id")
    kind = fields.Selection(
        [("cancelation", "Cancellation"), ("refund", "Refund")], required=True, readonly=True
    )
    mirakl_id = fields.Char(string="Mirakl ID", required=True, readonly=True)
    quantity = fields.Integer(readonly=True)
    amount = fields.Monetary(readonly=True)
    shipping_amount = fields.Monetary(readonly=True)
    tax_amount = fields.Monetary(string="Taxes", readonly=True)
    reason_code = fields.Char(readonly=True)
    refund_state = fields.Char(readonly=True, help="Mirakl's progress of a refund.")
    mirakl_date = fields.Datetime(string="Date", readonly=True)

    _sql_constraints = [
        (
            "line_kind_uniq",
            "UNIQUE(line_id, kind, mirakl_id)",
            "A cancellation or refund is recorded once.",
        ),
    ]
