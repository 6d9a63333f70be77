# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

# Moves whose PDF the customer gets: they go to the Mirakl orders they invoice.
CUSTOMER_MOVE_TYPES = ("out_invoice", "out_refund")


class AccountMove(models.Model):
    _inherit = "account.move"

    mirakl_document_ids = fields.One2many(
        "mirakl.order.document",
        "move_id",
        string="Mirakl Documents",
        readonly=True,
        copy=False,
        groups="mirakl_connector.group_mirakl_user",
        help="This document as sent to the Mirakl orders it invoices.",
    )

    # Refunds: a posted credit note of a Mirakl order is refunded on Mirakl (OR28).
    mirakl_refund_reason_id = fields.Many2one(
        "mirakl.reason",
        copy=False,
        domain="[('type', '=', 'REFUND'), ('is_shop_right', '=', True)]",
        groups="mirakl_connector.group_mirakl_user",
        help="Sent to Mirakl with the refund of this credit note; when empty, the "
        "Marketplace's default refund reason.",
    )
    mirakl_refund_state = fields.Selection(
        [("to_send", "To Send"), ("sent", "Sent"), ("error", "Error")],
        string="Mirakl Refund",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="mirakl_connector.group_mirakl_user",
    )
    mirakl_refund_error = fields.Text(
        readonly=True, copy=False, groups="mirakl_connector.group_mirakl_user"
    )
    mirakl_refund_ids = fields.One2many(
        "mirakl.refund",
        "move_id",
        string="Mirakl Refunds",
        readonly=True,
        copy=False,
        groups="mirakl_connector.group_mirakl_user",
    )

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        # Queued, not sent: the jobs start once the posting is committed.
        customer_moves = posted.filtered(lambda move: move.move_type in CUSTOMER_MOVE_TYPES)
        if customer_moves:
            self.env["mirakl.flow.document_upload"]._queue_moves(customer_moves.sudo())
        credit_notes = posted.filtered(lambda move: move.move_type == "out_refund")
        if credit_notes:
            self.env["mirakl.refund"].sudo()._mirakl_queue_credit_notes(credit_notes.sudo())
        return posted

    def action_mirakl_send_refund(self):
        """Send a refund Mirakl refused again (after fixing the credit note, the reason...)."""
        flow = self.env["mirakl.flow.refunds"]
        for move in self.sudo().filtered(lambda m: m.mirakl_refund_state == "error"):
            move.mirakl_refund_state = "to_send"
            flow._enqueue_credit_note(move._mirakl_orders().instance_id[:1], move)
        return True

    def _mirakl_refund_update_state(self):
        """A credit note is refunded on Mirakl once Mirakl has each of its refunds (one with
        nothing Mirakl refunds has no refund state)."""
        for move in self:
            requests = move.mirakl_refund_ids.filtered(lambda r: r.origin == "odoo")
            if all(request.state == "sent" for request in requests):
                move.write(
                    {
                        "mirakl_refund_state": "sent" if requests else False,
                        "mirakl_refund_error": False,
                    }
                )

    def _mirakl_orders(self):
        """The Mirakl orders this invoice or credit note is for: those of its sale order lines,
        or, for a credit note without any, those of the invoice it reverses."""
        self.ensure_one()
        sale_orders = self.invoice_line_ids.sale_line_ids.order_id
        if not sale_orders and self.reversed_entry_id:
            sale_orders = self.reversed_entry_id.invoice_line_ids.sale_line_ids.order_id
        return sale_orders.mirakl_order_ids
