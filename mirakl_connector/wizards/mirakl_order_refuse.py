# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError


class MiraklOrderRefuse(models.TransientModel):
    """Refuse a Mirakl order, or some of its lines, with the reason kept in its chatter.

    Mirakl wants a decision for every line at once: the lines not chosen here are accepted in
    the same call.
    """

    _name = "mirakl.order.refuse"
    _description = "Refuse a Mirakl Order"

    order_id = fields.Many2one("mirakl.order", required=True, readonly=True)
    line_ids = fields.Many2many(
        "mirakl.order.line",
        string="Lines to Refuse",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
        domain="[('order_id', '=', order_id)]",
        help="The other lines are accepted.",
    )
    reason = fields.Text(required=True, help="Kept in the order's chatter.")

    @api.depends("order_id")
    def _compute_line_ids(self):
        for wizard in self:
            wizard.line_ids = wizard.order_id.line_ids

    def action_refuse(self):
        self.ensure_one()
        if not self.line_ids:
            raise UserError(self.env._("Choose the lines to refuse."))
        order = self.order_id
        order._check_awaiting_acceptance()
        decisions = {line.mirakl_line_id: line not in self.line_ids for line in order.line_ids}
        with order._mirakl_user_errors():
            order._mirakl_send_acceptance(decisions, reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
