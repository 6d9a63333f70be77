# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..mapping import refund as refund_mapping


class MiraklOrderCancel(models.TransientModel):
    """Cancel units of a Mirakl order before it ships (OR30), with a reason.

    The lines of a Mirakl sale order cannot be changed in Odoo (they are what the customer
    bought): this is how their quantities go down, or the whole order is cancelled, with
    Mirakl told. Mirakl must still let the shop cancel the order (``can_cancel`` at the last
    import). The cancellations are checked here, sent by a job, and the sale order follows
    once Mirakl took them.
    """

    _name = "mirakl.order.cancel"
    _description = "Cancel on Mirakl"

    order_id = fields.Many2one("mirakl.order", required=True, readonly=True)
    instance_id = fields.Many2one(related="order_id.instance_id")
    reason_id = fields.Many2one(
        "mirakl.reason",
        required=True,
        compute="_compute_reason_id",
        store=True,
        readonly=False,
        domain="[('instance_id', '=', instance_id), ('type', '=', 'CANCELATION'), "
        "('is_shop_right', '=', True)]",
    )
    line_ids = fields.One2many(
        "mirakl.order.cancel.line",
        "wizard_id",
        string="Lines",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
    )

    @api.depends("order_id")
    def _compute_reason_id(self):
        for wizard in self:
            wizard.reason_id = wizard.order_id.instance_id.cancel_reason_id

    @api.depends("order_id")
    def _compute_line_ids(self):
        """Every line with units left to cancel; all of them when cancelling the whole order
        (context ``mirakl_cancel_all``)."""
        planner = self.env["mirakl.refund.planner"]
        everything = self.env.context.get("mirakl_cancel_all")
        for wizard in self:
            payloads = planner._payload_lines(wizard.order_id)
            pending = self.env["mirakl.refund"].sudo()._mirakl_pending_parts(payloads)
            commands = [Command.clear()]
            for line, payload in payloads.items():
                units = 0
                if payload.get("order_line_state") not in ("REFUSED", "CANCELED"):
                    done = sum(int(part.get("quantity") or 0) for part in pending[line])
                    units = refund_mapping.units_left(payload, done)
                if units > 0:
                    commands.append(
                        Command.create(
                            {
                                "line_id": line.id,
                                "units_left": units,
                                "quantity": units if everything else 0,
                            }
                        )
                    )
            wizard.line_ids = commands

    def action_confirm(self):
        """Check the cancellations against the order, store them and queue their job."""
        self.ensure_one()
        order = self.order_id
        chosen = self.line_ids.filtered("quantity")
        if not chosen:
            raise UserError(self.env._("Give the number of units to cancel on a line at least."))
        parts = self.env["mirakl.refund.planner"]._cancelation_parts(
            order, {line.line_id: line.quantity for line in chosen}, self.reason_id.code
        )
        Refund = self.env["mirakl.refund"].sudo()
        for line, mode, values in parts:
            Refund.create({"kind": "cancelation", "line_id": line.id})._mirakl_set_values(
                mode, values
            )
        self.env["mirakl.flow.refunds"]._enqueue_cancelations(order.sudo())
        body = self.env._(
            "Cancellation asked on Mirakl (reason %(reason)s): %(lines)s.",
            reason=self.reason_id.display_name,
            lines=", ".join(f"{line.line_id.mirakl_line_id}: {line.quantity}" for line in chosen),
        )
        order.message_post(body=body)
        if order.sale_order_id:
            order.sale_order_id.message_post(body=body)
        return {"type": "ir.actions.act_window_close"}
