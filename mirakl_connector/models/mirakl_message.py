# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import psycopg2

from odoo import fields, models
from odoo.tools import mute_logger

AUTHOR_TYPES = [
    ("CUSTOMER_USER", "Customer"),
    ("SHOP_USER", "Shop"),
    ("OPERATOR_USER", "Operator"),
    ("OTHER", "Other"),
]


class MiraklMessage(models.Model):
    """One message of a Mirakl thread, recorded once by its Mirakl id.

    The record is what keeps the import idempotent: a message already recorded (imported, or
    sent from Odoo, whose Mirakl id came back from M12/OR43) is never posted in the chatter
    again. ``mail_message_id`` is its note in the chatter of the thread's document.
    """

    _name = "mirakl.message"
    _description = "Mirakl Message"
    _order = "date desc, id desc"
    _rec_name = "message_ref"
    _check_company_auto = True

    thread_id = fields.Many2one(
        "mirakl.message.thread",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    instance_id = fields.Many2one(
        "mirakl.instance",
        string="Marketplace",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="instance_id.company_id", store=True, index=True)
    message_ref = fields.Char(string="Mirakl Message ID", required=True, readonly=True)
    date = fields.Datetime(readonly=True)
    author_name = fields.Char(string="From", readonly=True)
    author_type = fields.Selection(AUTHOR_TYPES, string="Sender", readonly=True)
    recipients = fields.Char(string="To", readonly=True)
    body = fields.Text(readonly=True)
    direction = fields.Selection(
        [("in", "Received"), ("out", "Sent by the shop")], required=True, readonly=True
    )
    mail_message_id = fields.Many2one(
        "mail.message", string="Chatter Note", readonly=True, ondelete="set null"
    )
    attachment_ids = fields.Many2many("ir.attachment", string="Attachments", readonly=True)

    _sql_constraints = [
        (
            "instance_message_uniq",
            "UNIQUE(instance_id, message_ref)",
            "A Mirakl message is recorded once per Marketplace.",
        ),
    ]

    def _create_once(self, vals):
        """Record a message unless it already is (the import may have seen it meanwhile):
        the record, or an empty recordset when it was there."""
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                return self.create(vals)
        except psycopg2.errors.UniqueViolation:
            return self.browse()
