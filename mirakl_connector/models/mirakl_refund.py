# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare

from ..mapping import refund as refund_mapping
from ..mapping.order import to_decimal

_logger = logging.getLogger(__name__)


class MiraklRefund(models.Model):
    """A refund or a cancellation of one Mirakl order line, sent by Odoo or imported from it.

    A posted credit note becomes one OR28 refund per Mirakl order line it covers, a
    cancellation made in Odoo one OR30 cancellation per line: each is stored here before it is
    sent, with the amounts sent and the id Mirakl gave it, so nothing is sent twice. Refunds
    made on Mirakl (by the operator or customer service) are stored here too, with the credit
    note made from them, so each is imported once. The order import links each to what Mirakl
    lists afterwards (``mirakl.order.adjustment``) by its id.
    """

    _name = "mirakl.refund"
    _description = "Mirakl Refund or Cancellation"
    _order = "id desc"
    _check_company_auto = True

    kind = fields.Selection(
        [("refund", "Refund"), ("cancelation", "Cancellation")], required=True, readonly=True
    )
    origin = fields.Selection(
        [("odoo", "Made in Odoo"), ("mirakl", "Made on Mirakl")],
        required=True,
        readonly=True,
        default="odoo",
    )
    state = fields.Selection(
        [("to_send", "To Send"), ("sent", "Sent"), ("error", "Error"), ("imported", "Imported")],
        required=True,
        readonly=True,
        default="to_send",
        index=True,
    )
    line_id = fields.Many2one(
        "mirakl.order.line",
        string="Mirakl Order Line",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    order_id = fields.Many2one(related="line_id.order_id", store=True, index=True)
    instance_id = fields.Many2one(related="line_id.instance_id", store=True, index=True)
    company_id = fields.Many2one(related="line_id.company_id", store=True)
    currency_id = fields.Many2one(related="line_id.currency_id")
    move_id = fields.Many2one(
        "account.move",
        string="Credit Note",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    tax_mode = fields.Selection(
        [("TAX_INCLUDED", "Tax included"), ("TAX_EXCLUDED", "Tax excluded")], readonly=True
    )
    quantity = fields.Integer(readonly=True)
    amount = fields.Monetary(readonly=True, help="Products, in the order's tax mode.")
    shipping_amount = fields.Monetary(string="Shipping", readonly=True)
    tax_amount = fields.Monetary(string="Taxes", readonly=True)
    reason_code = fields.Char(readonly=True)
    values = fields.Json(string="Sent to Mirakl", readonly=True, copy=False)
    mirakl_ref = fields.Char(string="Mirakl ID", readonly=True, copy=False, index=True)
    order_refund_ref = fields.Char(
        string="Mirakl Refund Group", readonly=True, copy=False, help="OR28 order_refund_id."
    )
    adjustment_id = fields.Many2one(
        "mirakl.order.adjustment",
        string="Listed by Mirakl",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    error = fields.Text(readonly=True, copy=False)

    _sql_constraints = [
        (
            "mirakl_ref_uniq",
            "UNIQUE(line_id, kind, mirakl_ref)",
            "A Mirakl refund or cancellation is recorded once.",
        ),
        (
            "adjustment_uniq",
            "UNIQUE(adjustment_id)",
            "A refund or cancellation listed by Mirakl matches one record.",
        ),
    ]

    def init(self):
        # A credit note refunds a Mirakl line once; imported ones may hold several refunds.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS mirakl_refund_move_line_once "
                "ON mirakl_refund (move_id, line_id, kind) WHERE origin = 'odoo'"
            )
        )

    @api.depends("kind", "line_id", "mirakl_ref")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"].selection)
        for refund in self:
            name = f"{kinds.get(refund.kind, '')} {refund.line_id.mirakl_line_id or ''}"
            refund.display_name = f"{name} ({refund.mirakl_ref})" if refund.mirakl_ref else name

    @api.model
    def _mirakl_queue_credit_notes(self, moves):
        """Store the OR28 refunds of posted credit notes of Mirakl orders and queue their job.

        Nothing is sent here: the job starts once the posting is committed. Posting never
        fails because of Mirakl: what stops a refund is told by the job, on the credit note
        and the sync log.
        """
        flow = self.env["mirakl.flow.refunds"]
        imported = self.search([("move_id", "in", moves.ids), ("origin", "=", "mirakl")]).move_id
        for move in moves - imported:
            orders = move._mirakl_orders()
            instance = orders.instance_id[:1]
            if (
                move.move_type != "out_refund"
                or not instance.send_refunds
                or any(orders.mapped("sync_stopped"))
            ):
                continue
            values = {"mirakl_refund_state": "to_send", "mirakl_refund_error": False}
            if not move.mirakl_refund_reason_id:
                values["mirakl_refund_reason_id"] = instance.refund_reason_id.id
            move.write(values)
            try:
                with self.env.cr.savepoint():
                    self._mirakl_prepare_credit_note(move)
            except UserError as error:
                # The job tells why, where the seller looks: the chatter and the sync log.
                _logger.info("Credit note %s not refundable on Mirakl yet: %s", move.name, error)
            flow._enqueue_credit_note(instance, move)

    @api.model
    def _mirakl_prepare_credit_note(self, move):
        """The OR28 requests of ``move`` still to send, made or updated from its lines and the
        orders as last imported (UserError when something stops them)."""
        parts = self.env["mirakl.refund.planner"]._credit_note_parts(move)
        existing = self.search(
            [("move_id", "=", move.id), ("origin", "=", "odoo"), ("kind", "=", "refund")]
        )
        sent = existing.filtered(lambda request: request.state == "sent")
        unsent = {request.line_id: request for request in existing - sent}
        todo = self.browse()
        for line, mode, values in parts:
            if line in sent.line_id:
                continue
            request = unsent.pop(line, None) or self.create(
                {"kind": "refund", "line_id": line.id, "move_id": move.id}
            )
            request._mirakl_set_values(mode, values)
            todo |= request
        self.union(*unsent.values()).unlink()
        return todo

    def _mirakl_prepare_cancelations(self):
        """These OR30 requests (of one order) computed again from the order as last imported,
        one per line (UserError when something stops them)."""
        order = self.order_id
        order.ensure_one()
        by_line = {}
        for request in self.sorted("id"):
            if request.line_id in by_line:
                by_line[request.line_id].quantity += request.quantity
                request.unlink()
            else:
                by_line[request.line_id] = request
        requests = self.union(*by_line.values())
        parts = self.env["mirakl.refund.planner"]._cancelation_parts(
            order,
            {line: request.quantity for line, request in by_line.items()},
            requests[:1].reason_code,
        )
        for line, mode, values in parts:
            by_line[line]._mirakl_set_values(mode, values)
        return requests

    def _mirakl_same_part(self, line_id, kind, item):
        """Whether Mirakl's listed ``item`` (OR11 refund or cancellation of ``line_id``) is
        this request: same line, kind and amounts."""
        values = self.values or {}
        return (
            self.line_id.mirakl_line_id == line_id
            and self.kind == kind
            and to_decimal(values.get("amount")) == to_decimal(item.amount)
            and to_decimal(values.get("shipping_amount")) == to_decimal(item.shipping_amount)
        )

    def _mirakl_part(self):
        """The OR28/OR30 part of this request, as the client takes it."""
        self.ensure_one()
        return dict(self.values)

    def _mirakl_set_values(self, mode, values):
        """Store the part to send (``values``, amounts as Decimal) and its amounts."""
        self.write(
            {
                "tax_mode": mode,
                "values": refund_mapping.json_safe(values),
                "quantity": values.get("quantity") or 0,
                "amount": float(values["amount"]),
                "shipping_amount": float(values["shipping_amount"]),
                "tax_amount": float(refund_mapping.tax_total(values)),
                "reason_code": values["reason_code"],
                "error": False,
            }
        )

    @api.model
    def _mirakl_link_adjustments(self, adjustments):
        """Link the refunds and cancellations Mirakl now lists to the requests they came from.

        By id, or, for a request whose answer was lost (still to send, no id), by line and
        amounts: Mirakl recorded it, so it is marked sent rather than sent again.
        """
        requests = self.search(
            [("line_id", "in", adjustments.line_id.ids), ("origin", "=", "odoo")]
        )
        by_ref = {(r.line_id, r.kind, r.mirakl_ref): r for r in requests if r.mirakl_ref}
        lost = requests.filtered(lambda r: r.state == "to_send" and not r.mirakl_ref)
        for adjustment in adjustments:
            key = (adjustment.line_id, adjustment.kind, adjustment.mirakl_id)
            request = by_ref.get(key) or next(
                (r for r in lost if r._mirakl_matches(adjustment)), None
            )
            if not request or request.adjustment_id:
                continue
            if not request.mirakl_ref:
                lost -= request
                request.write({"mirakl_ref": adjustment.mirakl_id, "state": "sent"})
                if request.move_id:
                    request.move_id._mirakl_refund_update_state()
            request.adjustment_id = adjustment

    def _mirakl_matches(self, adjustment):
        """Whether Mirakl's ``adjustment`` has this request's line, kind and amounts."""
        digits = self.currency_id.decimal_places
        return (
            adjustment.line_id == self.line_id
            and adjustment.kind == self.kind
            and not float_compare(adjustment.amount, self.amount, precision_digits=digits)
            and not float_compare(
                adjustment.shipping_amount, self.shipping_amount, precision_digits=digits
            )
        )

    @api.model
    def _mirakl_pending_parts(self, payload_lines):
        """``{mirakl line: [part]}``: what Odoo sent on the lines of ``payload_lines``
        (``{mirakl line: its stored payload}``) that the payload does not list yet. Such parts
        count as taken until the next import lists them."""
        lines = self.env["mirakl.order.line"].union(*payload_lines)
        sent = self.search(
            [("line_id", "in", lines.ids), ("origin", "=", "odoo"), ("state", "=", "sent")]
        )
        pending = {line: [] for line in lines}
        for request in sent:
            payload = payload_lines[request.line_id]
            listed = {
                str(item.get("id"))
                for key in ("cancelations", "refunds")
                for item in payload.get(key) or []
            }
            if request.mirakl_ref not in listed:
                pending[request.line_id].append(request.values or {})
        return pending
