# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models

REPLY_ACTIVITY = "mirakl_connector.mail_activity_type_mirakl_reply"
# Operators rate sellers on their reply time: the reminder is due a day after the question.
REPLY_DELAY = timedelta(days=1)
# Models whose chatter shows a thread, by preference (see ``_document``).
DOCUMENT_MODELS = ("sale.order", "mirakl.order", "mirakl.message.thread")


class MiraklMessageThread(models.Model):
    """A conversation of the Marketplace's inbox: the shop, a customer and the operator about
    an order (or an offer, or the shop itself).

    Its messages are recorded once each (``mirakl.message``) and shown in the chatter of the
    sale order, else of the Mirakl order, else of the thread: that record is its document.
    While Mirakl says the shop owes a reply, the document has a "Reply on Mirakl" activity.
    """

    _name = "mirakl.message.thread"
    _description = "Mirakl Message Thread"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_updated desc, id desc"
    _rec_name = "topic"
    _rec_names_search = ["topic", "entity_ref", "participants"]
    _check_company_auto = True

    instance_id = fields.Many2one(
        "mirakl.instance",
        string="Marketplace",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="instance_id.company_id", store=True, index=True)
    thread_ref = fields.Char(string="Mirakl Thread ID", required=True, readonly=True)
    topic = fields.Char(readonly=True)
    topic_type = fields.Selection(
        [("FREE_TEXT", "Free text"), ("REASON_CODE", "Reason code"), ("OTHER", "Other")],
        readonly=True,
    )
    entity_type = fields.Char(
        string="About", readonly=True, help="MMP_ORDER for an order, MMP_OFFER for an offer..."
    )
    entity_ref = fields.Char(string="About ID", readonly=True, index="btree_not_null")
    mirakl_order_id = fields.Many2one(
        "mirakl.order",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    sale_order_id = fields.Many2one(
        "sale.order", readonly=True, index="btree_not_null", ondelete="set null", check_company=True
    )
    participants = fields.Char(readonly=True, help="Who may write on the thread.")
    customer_ref = fields.Char(
        string="Mirakl Customer", readonly=True, help="The customer's id in the thread."
    )
    reply_needed_since = fields.Datetime(
        readonly=True,
        index="btree_not_null",
        help="Mirakl waits for the shop's answer to a message since then.",
    )
    date_created = fields.Datetime(string="Opened On", readonly=True)
    date_updated = fields.Datetime(string="Updated on Mirakl", readonly=True)
    last_message_date = fields.Datetime(readonly=True)
    last_sender = fields.Char(readonly=True)
    message_total = fields.Integer(string="Messages on Mirakl", readonly=True)
    mirakl_message_ids = fields.One2many(
        "mirakl.message", "thread_id", string="Mirakl Messages", readonly=True
    )

    _sql_constraints = [
        (
            "instance_thread_uniq",
            "UNIQUE(instance_id, thread_ref)",
            "A Mirakl thread is recorded once per Marketplace.",
        ),
    ]

    def action_reply(self):
        """Open the reply wizard on this thread."""
        self.ensure_one()
        return self.env["mirakl.message.reply"]._action_open(thread=self)

    def action_view_document(self):
        self.ensure_one()
        document = self._document()
        return {
            "type": "ir.actions.act_window",
            "res_model": document._name,
            "res_id": document.id,
            "view_mode": "form",
        }

    def _document(self):
        """Where the thread's messages and its reply reminder go."""
        self.ensure_one()
        return self.sale_order_id or self.mirakl_order_id or self

    @api.model
    def _sync_reply_activities(self, documents):
        """Give each of ``documents`` (sale orders, Mirakl orders, threads) a "Reply on Mirakl"
        activity while one of its threads awaits the shop's reply (due a day after the oldest
        question), and none otherwise."""
        if not documents:
            return
        ids = {name: [d.id for d in documents if d._name == name] for name in DOCUMENT_MODELS}
        waiting = self.sudo().search(
            [
                ("reply_needed_since", "!=", False),
                "|",
                "|",
                ("sale_order_id", "in", ids["sale.order"]),
                ("mirakl_order_id", "in", ids["mirakl.order"]),
                ("id", "in", ids[self._name]),
            ]
        )
        since = {}
        for thread in waiting:
            key = thread._document()
            since[key] = min(since.get(key, thread.reply_needed_since), thread.reply_needed_since)
        activity_type = self.env.ref(REPLY_ACTIVITY)
        for document in documents:
            activities = document.activity_ids.filtered(
                lambda activity: activity.activity_type_id == activity_type
            )
            if document not in since:
                activities.unlink()
                continue
            is_sale = document._name == "sale.order"
            instance = document.mirakl_instance_id if is_sale else document.instance_id
            if activities or not instance.message_reply_activity:
                continue
            user = (is_sale and document.user_id) or instance.user_id
            document.activity_schedule(
                REPLY_ACTIVITY,
                date_deadline=(since[document] + REPLY_DELAY).date(),
                user_id=user.id or self.env.uid,
            )
