# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
from contextlib import contextmanager
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..mirakl import errors

_logger = logging.getLogger(__name__)

ORDER_STATES = [
    ("STAGING", "Staging"),
    ("WAITING_ACCEPTANCE", "Awaiting Acceptance"),
    ("WAITING_DEBIT", "Awaiting Debit"),
    ("WAITING_DEBIT_PAYMENT", "Awaiting Payment"),
    ("SHIPPING", "To Ship"),
    ("SHIPPED", "Shipped"),
    ("TO_COLLECT", "To Collect"),
    ("RECEIVED", "Received"),
    ("CLOSED", "Closed"),
    ("REFUSED", "Refused"),
    ("CANCELED", "Cancelled"),
    ("OTHER", "Other"),
]
# Keep the acceptance reminder this long before Mirakl refuses the order by itself.
ACCEPTANCE_REMINDER = timedelta(hours=12)


class MiraklOrder(models.Model):
    """An order of a Marketplace as Mirakl last sent it, and the sale order made from it.

    The import stores every order it reads here first, before any other work, so an order
    Odoo cannot process yet is never lost: it waits in error with its payload until fixed. The
    database keeps one row per (Marketplace, Mirakl order id), whatever runs at the same time.
    """

    _name = "mirakl.order"
    _description = "Mirakl Order"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "created_date desc, id desc"
    _rec_name = "mirakl_order_id"
    _rec_names_search = ["mirakl_order_id", "commercial_id", "customer_name"]
    _check_company_auto = True

    instance_id = fields.Many2one(
        "mirakl.instance",
        string="Marketplace",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(related="instance_id.company_id", store=True, index=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    mirakl_order_id = fields.Char(required=True, readonly=True, index=True)
    commercial_id = fields.Char(
        string="Commercial ID", readonly=True, help="The customer's basket, across shops."
    )
    mirakl_state = fields.Selection(
        ORDER_STATES, string="Mirakl Status", readonly=True, index=True, tracking=True
    )
    state_reason_code = fields.Char(string="Reason Code", readonly=True)
    state_reason_label = fields.Char(string="Reason", readonly=True)
    created_date = fields.Datetime(string="Ordered On", readonly=True)
    last_updated_date = fields.Datetime(string="Updated on Mirakl", readonly=True)
    acceptance_decision_date = fields.Datetime(readonly=True)
    acceptance_deadline = fields.Datetime(
        compute="_compute_acceptance_deadline",
        store=True,
        help="Mirakl refuses the order by itself after this date unless it is accepted "
        "(the Marketplace's acceptance delay after the order date).",
    )
    acceptance_sent_date = fields.Datetime(
        string="Decision Sent On", readonly=True, copy=False, tracking=True
    )
    shipping_deadline = fields.Datetime(readonly=True)
    customer_id = fields.Char(string="Mirakl Customer", readonly=True)
    customer_name = fields.Char(string="Customer", readonly=True)
    customer_notification_email = fields.Char(
        readonly=True,
        help="Mirakl's relay address for the buyer. Odoo never sends e-mails to it.",
    )
    has_addresses = fields.Boolean(
        readonly=True, help="Mirakl sent the addresses (they come once the order is paid)."
    )
    tax_mode = fields.Selection(
        [("TAX_INCLUDED", "Tax included"), ("TAX_EXCLUDED", "Tax excluded")], readonly=True
    )
    price = fields.Monetary(string="Products", readonly=True)
    shipping_price = fields.Monetary(string="Shipping", readonly=True)
    total_price = fields.Monetary(string="Total", readonly=True)
    channel_code = fields.Char(readonly=True)
    channel_id = fields.Many2one("mirakl.channel", readonly=True, check_company=True)
    shipping_type_code = fields.Char(readonly=True)
    shipping_type_label = fields.Char(string="Shipping Method", readonly=True)
    shipping_zone_code = fields.Char(readonly=True)
    shipping_carrier_code = fields.Char(string="Carrier Code", readonly=True)
    shipping_tracking = fields.Char(string="Tracking Number", readonly=True)
    shipping_tracking_url = fields.Char(string="Tracking URL", readonly=True)
    fulfillment_center_code = fields.Char(string="Fulfilment Centre", readonly=True)
    payment_workflow = fields.Char(readonly=True)
    payment_type = fields.Char(readonly=True)
    can_cancel = fields.Boolean(readonly=True)
    line_ids = fields.One2many("mirakl.order.line", "order_id", string="Lines", readonly=True)
    adjustment_ids = fields.One2many(
        "mirakl.order.adjustment", "order_id", string="Cancellations and Refunds", readonly=True
    )
    sale_order_id = fields.Many2one(
        "sale.order", readonly=True, copy=False, index="btree_not_null", check_company=True
    )
    import_state = fields.Selection(
        [("pending", "To Process"), ("done", "Up to Date"), ("error", "Error")],
        default="pending",
        required=True,
        readonly=True,
        index=True,
        copy=False,
    )
    import_error = fields.Text(readonly=True, copy=False)
    sync_stopped = fields.Boolean(
        string="Stop Syncing",
        tracking=True,
        copy=False,
        help="Mirakl's later changes are still recorded here, but no longer applied to the "
        "sale order (no cancellation, no delivery validation), and Odoo sends nothing more "
        "about this order to Mirakl.",
    )
    amount_mismatch = fields.Boolean(
        string="Totals Differ",
        readonly=True,
        copy=False,
        index=True,
        help="The sale order's totals differ from Mirakl's by more than rounding: check the "
        "tax mappings. Odoo never changes Mirakl's amounts to hide the difference.",
    )
    amount_difference = fields.Monetary(readonly=True, copy=False)
    payload = fields.Json(readonly=True, copy=False, groups="base.group_no_one")
    payload_hash = fields.Char(readonly=True, copy=False)
    mirrored_hash = fields.Char(
        readonly=True,
        copy=False,
        help="Fingerprint of the payload last written on the order and its lines.",
    )
    processed_hash = fields.Char(
        readonly=True, copy=False, help="Fingerprint of the payload last processed."
    )
    # Payouts (issue 8): what Mirakl credited and charged for the order (TL02 lines).
    transaction_line_ids = fields.One2many(
        "mirakl.transaction.line", "order_id", string="Transactions", readonly=True
    )
    payout_order_amount = fields.Monetary(
        string="Collected", compute="_compute_payout_figures", help="Sold less refunded."
    )
    payout_commission_amount = fields.Monetary(
        string="Commissions", compute="_compute_payout_figures", help="Tax included."
    )
    payout_fee_amount = fields.Monetary(string="Fees", compute="_compute_payout_figures")
    payout_net_amount = fields.Monetary(
        string="Net Payout",
        compute="_compute_payout_figures",
        help="What the order earns once commissions and fees are paid.",
    )

    _sql_constraints = [
        (
            "instance_order_uniq",
            "UNIQUE(instance_id, mirakl_order_id)",
            "A Mirakl order is imported once per Marketplace.",
        ),
    ]

    def _compute_payout_figures(self):
        figures = self.env["mirakl.transaction.line"]._payout_figures(self)
        for order in self:
            values = figures[order.id]
            order.payout_order_amount = values["order"]
            order.payout_commission_amount = values["commission"]
            order.payout_fee_amount = values["fee"]
            order.payout_net_amount = values["net"]

    @api.depends("created_date", "instance_id.acceptance_delay_hours")
    def _compute_acceptance_deadline(self):
        for order in self:
            delay = order.instance_id.acceptance_delay_hours
            order.acceptance_deadline = (
                order.created_date + timedelta(hours=delay)
                if order.created_date and delay
                else False
            )

    def action_accept(self):
        """Accept every line on Mirakl."""
        for order in self:
            order._check_awaiting_acceptance()
            with order._mirakl_user_errors():
                order._mirakl_send_acceptance(
                    {line.mirakl_line_id: True for line in order.line_ids}
                )
        return True

    def action_refuse(self):
        """Open the refusal wizard: which lines, and why."""
        self.ensure_one()
        self._check_awaiting_acceptance()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refuse Order %(order)s", order=self.mirakl_order_id),
            "res_model": "mirakl.order.refuse",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def action_retry(self):
        """Process the stored orders again (after fixing a mapping, a product...)."""
        self.write({"import_state": "pending", "mirrored_hash": False, "processed_hash": False})
        self.env["mirakl.flow.orders"]._enqueue_processing(self)
        return True

    def action_refresh(self):
        """Read these orders again from Mirakl, then process them."""
        for instance in self.instance_id:
            ids = self.filtered(lambda o, i=instance: o.instance_id == i).mapped("mirakl_order_id")
            self.env["mirakl.flow.orders"]._enqueue(
                instance, "_job_fetch_orders", ids, identity=",".join(sorted(ids))
            )
        return True

    def action_view_sale_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "view_mode": "form",
        }

    def _check_awaiting_acceptance(self):
        self.ensure_one()
        if self.mirakl_state != "WAITING_ACCEPTANCE" or self.acceptance_sent_date:
            raise UserError(
                self.env._(
                    "Order %(order)s is not awaiting acceptance (Mirakl status: %(state)s).",
                    order=self.mirakl_order_id,
                    state=dict(ORDER_STATES).get(self.mirakl_state, self.mirakl_state),
                )
            )

    def _mirakl_send_acceptance(self, decisions, reason=None):
        """OR21 with a decision for every line (``{mirakl line id: accepted}``).

        Mirakl rejects a call that leaves a line undecided, so the decisions are completed
        here rather than trusted. The order is read again afterwards: its state moved.
        """
        self.ensure_one()
        missing = set(self.line_ids.mapped("mirakl_line_id")) - set(decisions)
        if missing:
            raise UserError(
                self.env._("No decision for the lines %(lines)s.", lines=", ".join(missing))
            )
        self.instance_id._get_client().accept_order_lines(
            self.mirakl_order_id, list(decisions.items())
        )
        for line in self.line_ids:
            line.acceptance_decision = "accepted" if decisions[line.mirakl_line_id] else "refused"
        self.acceptance_sent_date = fields.Datetime.now()
        self._mirakl_post_decision(decisions, reason)
        refused = self.line_ids.filtered(lambda line: line.acceptance_decision == "refused")
        if refused:
            # Some operators zero the offer of a refused line: publish its stock again.
            self.env["mirakl.flow.stock"]._push_again(self._mirakl_listings_of(refused))
        self.activity_unlink(["mail.mail_activity_data_todo"])
        self.action_refresh()

    def _mirakl_listings_of(self, lines):
        """Listings of the order ``lines``: their link, else the Marketplace's listings of
        their offer ids (imported after the order), found in one query."""
        listings = lines.listing_id
        offer_ids = [line.offer_id for line in lines if not line.listing_id and line.offer_id]
        if offer_ids:
            listings |= (
                self.env["mirakl.listing"]
                .sudo()
                .search([("instance_id", "=", self.instance_id.id), ("offer_id", "in", offer_ids)])
            )
        return listings

    @contextmanager
    def _mirakl_user_errors(self):
        """Turn Mirakl's answer into a message for the seller clicking a button."""
        try:
            yield
        except errors.MiraklError as error:
            _logger.info("Mirakl call for order %s failed: %s", self.mirakl_order_id, error)
            raise UserError(self.instance_id._get_connection_error_message(error)) from error

    def _mirakl_post_decision(self, decisions, reason):
        refused = [line_id for line_id, accepted in decisions.items() if not accepted]
        if not refused:
            body = self.env._("All lines accepted on Mirakl.")
        elif len(refused) == len(decisions):
            body = self.env._("Order refused on Mirakl: %(reason)s", reason=reason or "-")
        else:
            body = self.env._(
                "Lines %(lines)s refused on Mirakl (%(reason)s), the others accepted.",
                lines=", ".join(refused),
                reason=reason or "-",
            )
        self.message_post(body=body)

    def _mirakl_schedule_acceptance_activity(self, note=None):
        """Ask the Marketplace's responsible to decide before Mirakl refuses the order."""
        today = fields.Date.context_today(self)
        for order in self.filtered(lambda o: not o.activity_ids):
            deadline = order.acceptance_deadline
            due = (deadline - ACCEPTANCE_REMINDER).date() if deadline else today
            order.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=max(due, today),
                summary=self.env._("Accept or refuse the Mirakl order"),
                note=note,
                user_id=order.instance_id.user_id.id or self.env.uid,
            )

    def _mirakl_set_error(self, message):
        """Keep the order in error with ``message``; it is processed again, from its
        payload, on retry."""
        self.write(
            {
                "import_state": "error",
                "import_error": message,
                "mirrored_hash": False,
                "processed_hash": False,
            }
        )
