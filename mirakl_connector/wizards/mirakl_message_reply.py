# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from ..mapping import message as message_mapping
from ..mirakl import errors

_logger = logging.getLogger(__name__)

BODY_LENGTH = (3, 50000)
MAX_MESSAGE_BYTES = 30 * 1024 * 1024  # Mirakl's limit for a message and its files


class MiraklMessageReply(models.TransientModel):
    """Write to a Marketplace customer, or to the operator, from Odoo.

    The message goes through Mirakl (the buyer's e-mail address is an anonymised relay Odoo
    never writes to): a reply on the thread (M12), or a new thread on the order (OR43) when it
    has none. It is sent at once, so the seller sees Mirakl's refusal, and recorded with the
    id Mirakl gave it: the next import does not post it a second time.
    """

    _name = "mirakl.message.reply"
    _description = "Reply on Mirakl"

    mirakl_order_id = fields.Many2one("mirakl.order", readonly=True)
    thread_id = fields.Many2one(
        "mirakl.message.thread",
        domain="[('mirakl_order_id', '=', mirakl_order_id)]",
        help="Leave empty to open a new thread on the order.",
    )
    instance_id = fields.Many2one("mirakl.instance", compute="_compute_instance_id")
    topic = fields.Char(help="Subject of the new thread (3 to 200 characters).")
    body = fields.Text(string="Message", required=True)
    to_customer = fields.Boolean(string="To the Customer")
    to_operator = fields.Boolean(string="To the Operator")
    attachment_ids = fields.Many2many("ir.attachment", string="Attachments")

    @api.depends("thread_id", "mirakl_order_id")
    def _compute_instance_id(self):
        for wizard in self:
            wizard.instance_id = wizard.thread_id.instance_id or wizard.mirakl_order_id.instance_id

    @api.model
    def _action_open(self, thread=None, mirakl_order=None):
        """The wizard on ``thread``, or on the latest thread of ``mirakl_order`` (a new one
        when it has none); to the customer, unless the thread is with the operator only."""
        mirakl_order = mirakl_order or (thread and thread.mirakl_order_id)
        if not thread and mirakl_order:
            thread = self.env["mirakl.message.thread"].search(
                [("mirakl_order_id", "=", mirakl_order.id)], limit=1
            )
        with_customer = bool(mirakl_order or (thread and thread.customer_ref))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reply on Mirakl"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_thread_id": thread.id if thread else False,
                "default_mirakl_order_id": mirakl_order.id if mirakl_order else False,
                "default_to_customer": with_customer,
                "default_to_operator": not with_customer,
            },
        }

    def action_send(self):
        self.ensure_one()
        recipients = self._recipients()
        self._check()
        client = self.instance_id._get_client()
        files = [(a.name, a.raw, a.mimetype) for a in self.attachment_ids]
        body = self.body.strip()
        try:
            if self.thread_id:
                to = [
                    {
                        "type": kind,
                        "id": self.thread_id.customer_ref if kind == "CUSTOMER" else None,
                    }
                    for kind in recipients
                ]
                created = client.reply_to_thread(self.thread_id.thread_ref, body, to, files=files)
            else:
                created = client.create_order_thread(
                    self.mirakl_order_id.mirakl_order_id, body, recipients, self.topic, files
                )
        except errors.MiraklError as error:
            _logger.info("Mirakl message of %s not sent: %s", self.instance_id.name, error)
            raise UserError(self._error_message(error)) from error
        self._record(created, body, recipients)
        return {"type": "ir.actions.act_window_close"}

    def _recipients(self):
        """Mirakl's recipient types, in the order of the form."""
        wanted = {"CUSTOMER": self.to_customer, "OPERATOR": self.to_operator}
        recipients = [kind for kind, chosen in wanted.items() if chosen]
        if not recipients:
            raise UserError(self.env._("Send the message to the customer, the operator or both."))
        return recipients

    def _check(self):
        """What Mirakl would refuse, said before sending."""
        low, high = BODY_LENGTH
        if not low <= len((self.body or "").strip()) <= high:
            raise UserError(
                self.env._("A message has %(low)s to %(high)s characters.", low=low, high=high)
            )
        if not self.thread_id:
            if not self.mirakl_order_id:
                raise UserError(self.env._("Choose the thread to answer."))
            if not 3 <= len((self.topic or "").strip()) <= 200:
                raise UserError(self.env._("A new thread needs a subject of 3 to 200 characters."))
        if sum(self.attachment_ids.mapped("file_size")) > MAX_MESSAGE_BYTES:
            raise UserError(self.env._("Mirakl takes at most 30 MB of files with a message."))

    def _error_message(self, error):
        if isinstance(error, errors.MiraklHTTPError) and error.status in (400, 404):
            return self.env._("Mirakl refused the message: %(reason)s", reason=error.message)
        return self.instance_id._get_connection_error_message(error)

    def _record(self, created, body, recipients):
        """Keep the message sent (and its new thread): chatter note, Mirakl id."""
        thread = self.thread_id.sudo()
        order = self.mirakl_order_id.sudo()
        now = fields.Datetime.now()
        if not thread:
            thread = thread.create(
                {
                    "instance_id": self.instance_id.id,
                    "thread_ref": created.thread_id,
                    "topic": self.topic.strip(),
                    "topic_type": "FREE_TEXT",
                    "entity_type": message_mapping.ORDER_ENTITY,
                    "entity_ref": order.mirakl_order_id,
                    "mirakl_order_id": order.id,
                    "sale_order_id": order.sale_order_id.id,
                    "date_created": now,
                    "date_updated": now,
                }
            )
        thread.reply_needed_since = False
        document = thread._document()
        self.attachment_ids.sudo().write({"res_model": document._name, "res_id": document.id})
        labels = {"CUSTOMER": self.env._("the customer"), "OPERATOR": self.env._("the operator")}
        heading = self.env._(
            "Sent on Mirakl to %(recipients)s (%(topic)s)",
            recipients=", ".join(labels[kind] for kind in recipients),
            topic=thread.topic,
        )
        note = document.sudo()._message_log(
            body=Markup('<p class="text-muted">%s</p>%s') % (heading, plaintext2html(body)),
            author_id=self.env.user.partner_id.id,
            message_type="comment",
            attachment_ids=[Command.set(self.attachment_ids.ids)],
        )
        self.env["mirakl.message"].sudo()._create_once(
            {
                "thread_id": thread.id,
                "instance_id": thread.instance_id.id,
                "message_ref": created.message_id,
                "date": now,
                "author_name": self.env.user.name,
                "author_type": "SHOP_USER",
                "recipients": ", ".join(recipients),
                "body": body,
                "direction": "out",
                "mail_message_id": note.id,
                "attachment_ids": [Command.set(self.attachment_ids.ids)],
            }
        )
        thread._sync_reply_activities([document])
