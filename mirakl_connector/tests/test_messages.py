# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from ..models.mirakl_flow_messages import CURSOR_OVERLAP
from .common import import_simulator
from .common_order import MiraklOrderCase, trap_jobs

QUESTION = "Where is my parcel?\nI ordered a week ago."
REPLY_ACTIVITY = "mirakl_connector.mail_activity_type_mirakl_reply"


@tagged("post_install", "-at_install")
class TestMessages(MiraklOrderCase):
    """Inbox threads in the chatter of their sale orders, once each, and replies from Odoo
    through Mirakl only: the buyer is never e-mailed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.messages_flow = cls.env["mirakl.flow.messages"]
        cls.parse_parts = staticmethod(import_simulator().imports.files.parse_parts)

    def setUp(self):
        super().setUp()
        self.simulator.store.inbox = type(self.simulator.store.inbox)()  # no earlier threads

    # -- helpers ---------------------------------------------------------------------------

    def ordered(self):
        """A SHIPPING order imported as a confirmed sale order."""
        sim_order = self.add_order()
        self.import_orders()
        order = self.mirakl_order(sim_order.order_id)
        self.assertTrue(order.sale_order_id)
        self.simulator.reset_logs()
        return sim_order, order.sale_order_id

    def import_messages(self, job="_job_fetch_threads", *args):
        """Run a message import job now; returns the trap of the jobs it enqueued."""
        self.allow_calls()
        with trap_jobs() as trap:
            getattr(self.messages_flow, job)(self.marketplace, *args)
        return trap

    def notes(self, record, text):
        return record.message_ids.filtered(lambda message: text in (message.body or ""))

    def threads(self):
        return self.env["mirakl.message.thread"].search([("instance_id", "=", self.marketplace.id)])

    def reply_activities(self, record):
        activity_type = self.env.ref(REPLY_ACTIVITY)
        return record.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

    def reply(self, sale_order, body, attachments=(), **values):
        """Send the reply wizard of ``sale_order``; returns the wizard."""
        action = sale_order.action_mirakl_reply()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create(
                {
                    "body": body,
                    "attachment_ids": [
                        Command.create({"name": name, "raw": content})
                        for name, content in attachments
                    ],
                    **values,
                }
            )
        )
        self.assertEqual(wizard.action_send(), {"type": "ir.actions.act_window_close"})
        return wizard

    # -- import ----------------------------------------------------------------------------

    def test_thread_is_imported_once_with_its_attachment(self):
        sim_order, sale_order = self.ordered()
        sim_thread, sim_message = self.simulator.add_order_message(
            sim_order.order_id, QUESTION, attachments=[("photo.jpg", b"\xff\xd8JPEG")]
        )
        customer = sim_thread.participants["CUSTOMER"]
        self.import_messages()
        self.import_messages()

        thread = self.threads()
        self.assertEqual(len(thread), 1)
        self.assertEqual(thread.thread_ref, sim_thread.id)
        self.assertEqual(thread.topic, "Question about my order")
        self.assertEqual((thread.entity_type, thread.entity_ref), ("MMP_ORDER", sim_order.order_id))
        self.assertEqual(thread.mirakl_order_id, sale_order.mirakl_order_ids)
        self.assertEqual(thread.sale_order_id, sale_order)
        self.assertEqual(thread.customer_ref, customer["id"])
        self.assertIn(f"{customer['display_name']} (customer)", thread.participants)
        asked = sim_message.date_created  # sent in milliseconds
        asked = asked.replace(tzinfo=None, microsecond=asked.microsecond // 1000 * 1000)
        self.assertEqual(thread.reply_needed_since, asked)
        self.assertEqual(sale_order.mirakl_thread_count, 1)

        (message,) = thread.mirakl_message_ids
        self.assertEqual(message.message_ref, sim_message.id)
        self.assertEqual((message.direction, message.author_type), ("in", "CUSTOMER_USER"))
        self.assertEqual(message.author_name, customer["display_name"])
        self.assertEqual(message.body, QUESTION)

        (note,) = self.notes(sale_order, "Where is my parcel?")
        self.assertEqual(message.mail_message_id, note)
        self.assertEqual(
            (note.message_type, note.subtype_id), ("comment", self.env.ref("mail.mt_note"))
        )
        self.assertTrue(note.is_internal)
        self.assertFalse(note.author_id)
        self.assertEqual(note.email_from, customer["display_name"])
        self.assertIn("I ordered a week ago.", note.body)
        self.assertFalse(note.notification_ids, "nobody is notified of an imported message")
        (attachment,) = note.attachment_ids
        self.assertEqual(message.attachment_ids, attachment)
        self.assertEqual((attachment.name, attachment.raw), ("photo.jpg", b"\xff\xd8JPEG"))
        self.assertEqual((attachment.res_model, attachment.res_id), ("sale.order", sale_order.id))

        self.assertEqual(len(self.requests("M13")), 1, "the attachment is downloaded once")
        first, second = self.requests("M11")
        self.assertEqual(first.query["with_messages"], ["true"])
        row = self.marketplace.flow_ids.filtered(lambda flow: flow.flow_code == "messages")
        self.assertEqual(
            second.query["updated_since"],
            [(row.cursor - CURSOR_OVERLAP).strftime("%Y-%m-%dT%H:%M:%SZ")],
        )
        log = self.last_log("messages")
        self.assertEqual((log.state, log.skipped_count), ("done", 1))

        (activity,) = self.reply_activities(sale_order)
        self.assertEqual(activity.user_id, sale_order.user_id)

    def test_reply_with_an_attachment_goes_through_mirakl_once(self):
        sim_order, sale_order = self.ordered()
        sim_thread, _message = self.simulator.add_order_message(sim_order.order_id, QUESTION)
        self.import_messages()
        self.simulator.reset_logs()

        self.reply(sale_order, "It left today.\nTracking: 1Z999", [("label.pdf", b"%PDF-1.4")])

        (request,) = self.requests("M12")
        self.assertEqual(request.path, f"/api/inbox/threads/{sim_thread.id}/message")
        message_input, label = self.parse_parts(request.headers["Content-Type"], request.body)
        self.assertEqual(message_input.name, "message_input")
        self.assertTrue(message_input.content_type.startswith("application/json"))
        self.assertEqual(
            json.loads(message_input.content),
            {
                "body": "It left today.\nTracking: 1Z999",
                "to": [{"type": "CUSTOMER", "id": sim_thread.participants["CUSTOMER"]["id"]}],
            },
        )
        self.assertEqual(
            (label.name, label.filename, label.content), ("files", "label.pdf", b"%PDF-1.4")
        )
        self.assertIsNone(sim_thread.reply_needed_since, "Mirakl no longer waits for the shop")

        thread = self.threads()
        self.assertFalse(thread.reply_needed_since)
        self.assertFalse(self.reply_activities(sale_order))
        sent = thread.mirakl_message_ids.filtered(lambda m: m.direction == "out")
        self.assertEqual(sent.message_ref, sim_thread.messages[-1].id)
        (note,) = self.notes(sale_order, "It left today.")
        self.assertEqual(sent.mail_message_id, note)
        self.assertEqual(note.author_id, self.env.user.partner_id)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(note.attachment_ids.mapped("name"), ["label.pdf"])
        self.assertEqual(note.attachment_ids.res_model, "sale.order")

        self.simulator.reset_logs()
        self.import_messages()
        self.assertEqual(len(self.notes(sale_order, "It left today.")), 1, "not imported again")
        self.assertEqual(len(thread.mirakl_message_ids), 2)
        self.assertFalse(self.requests("M13"), "our own file is not downloaded back")

    def test_new_thread_on_an_order_without_one(self):
        sim_order, sale_order = self.ordered()
        with self.assertRaisesRegex(UserError, "subject of 3 to 200"):
            self.reply(sale_order, "Your parcel ships tomorrow.")
        self.reply(
            sale_order,
            "Your parcel ships tomorrow.",
            topic="Shipping date",
            to_operator=True,
        )
        (request,) = self.requests("OR43")
        (thread_input,) = self.parse_parts(request.headers["Content-Type"], request.body)
        self.assertEqual(
            json.loads(thread_input.content),
            {
                "body": "Your parcel ships tomorrow.",
                "to": ["CUSTOMER", "OPERATOR"],
                "topic": {"type": "FREE_TEXT", "value": "Shipping date"},
            },
        )
        (sim_thread,) = self.simulator.inbox.of_entity(
            self.SHOP_ID, "MMP_ORDER", sim_order.order_id
        )
        thread = self.threads()
        self.assertEqual((thread.thread_ref, thread.sale_order_id), (sim_thread.id, sale_order))
        self.import_messages()
        self.assertEqual(len(self.threads()), 1)
        self.assertEqual(len(self.notes(sale_order, "Your parcel ships tomorrow.")), 1)
        self.assertIn("(customer)", self.threads().participants, "completed by the import")

    def test_mirakl_refusal_is_a_clear_error(self):
        sim_order, sale_order = self.ordered()
        self.simulator.add_order_message(sim_order.order_id, QUESTION)
        self.import_messages()
        self.simulator.inject_fault(
            "M12", status=400, body=json.dumps({"status": 400, "message": "Thread is closed"})
        )
        with self.assertRaisesRegex(UserError, "Mirakl refused the message: Thread is closed"):
            self.reply(sale_order, "Hello again")
        with self.assertRaisesRegex(UserError, "3 to 50000 characters"):
            self.reply(sale_order, "Hi")
        with self.assertRaisesRegex(UserError, "the customer, the operator or both"):
            self.reply(sale_order, "Hello again", to_customer=False)
        self.assertEqual(len(self.threads().mirakl_message_ids), 1)

    # -- no e-mail to the buyer ------------------------------------------------------------

    def test_buyer_following_the_order_is_never_emailed(self):
        sim_order, sale_order = self.ordered()
        buyer = sale_order.partner_id
        self.assertTrue(buyer.mirakl_block_email)
        # A buyer reachable by e-mail, following the order: without the block, Odoo would
        # write to the relay address.
        buyer.email = sale_order.mirakl_order_ids.customer_notification_email
        colleague = self.env["res.partner"].create({"name": "Colleague", "email": "c@example.com"})
        sale_order.message_subscribe([buyer.id, colleague.id])
        self.simulator.add_order_message(sim_order.order_id, QUESTION)
        self.import_messages()
        self.reply(sale_order, "It left today.")
        sale_order.with_context(mail_notify_force_send=False).message_post(
            body="Your order has shipped.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        mails = self.env["mail.mail"].search(
            [("model", "=", "sale.order"), ("res_id", "=", sale_order.id)]
        )
        self.assertIn(colleague, mails.recipient_ids, "other followers are e-mailed")
        self.assertNotIn(buyer, mails.recipient_ids)
        self.assertFalse(
            self.env["mail.notification"].search(
                [("res_partner_id", "=", buyer.id), ("notification_type", "=", "email")]
            )
        )
        self.assertFalse(mails.filtered(lambda mail: buyer.email in (mail.email_to or "")))

    # -- failures --------------------------------------------------------------------------

    def test_bad_thread_is_logged_with_a_retry_and_lost_nothing(self):
        sim_a, sale_a = self.ordered()
        sim_b = self.add_order()
        self.import_orders()
        sale_b = self.mirakl_order(sim_b.order_id).sale_order_id
        thread_a, _ = self.simulator.add_order_message(sim_a.order_id, "Question A")
        thread_b, _ = self.simulator.add_order_message(sim_b.order_id, "Question B")
        page = [thread.render(True) for thread in (thread_a, thread_b)]
        page[1]["messages"][0]["date_created"] = "last Tuesday"
        self.simulator.inject_fault("M11", body=json.dumps({"data": page}), times=1)

        self.import_messages()
        self.assertEqual(len(self.notes(sale_a, "Question A")), 1)
        self.assertFalse(self.notes(sale_b, "Question B"))
        log = self.last_log("messages")
        self.assertEqual((log.state, log.created_count, log.failed_count), ("partial", 1, 1))
        (line,) = log.line_ids
        self.assertEqual(line.mirakl_ref, thread_b.id)
        self.assertIn(f"Mirakl sent thread {thread_b.id} in a form Odoo cannot read", line.message)
        self.assertIn("data.1.messages.0.date_created", line.message)

        with trap_jobs() as trap:
            line.action_retry()
        self.env.flush_all()  # the retry is committed before its job runs
        trap.assert_jobs_count(1, only=self.messages_flow._job_import_thread)
        self.allow_calls()
        trap.perform_enqueued_jobs()
        self.assertEqual(self.requests("M10")[-1].path, f"/api/inbox/threads/{thread_b.id}")
        self.assertEqual(len(self.notes(sale_b, "Question B")), 1)
        self.assertEqual(len(self.threads()), 2)

    def test_refused_attachment_holds_only_its_thread(self):
        sim_a, sale_a = self.ordered()
        thread_a, _ = self.simulator.add_order_message(
            sim_a.order_id, "Question A", attachments=[("a.txt", b"A")]
        )
        sim_b = self.add_order()
        self.import_orders()
        thread_b, _ = self.simulator.add_order_message(sim_b.order_id, "Question B")
        self.simulator.inject_fault("M13", status=404, times=1)

        self.import_messages()
        self.assertEqual([t.thread_ref for t in self.threads()], [thread_b.id])
        self.assertFalse(self.notes(sale_a, "Question A"))
        (line,) = self.last_log("messages").line_ids
        self.assertEqual(line.mirakl_ref, thread_a.id)
        self.assertIn(f"Thread {thread_a.id} could not be imported: M13: HTTP 404", line.message)
        self.assertEqual(line.retry_method, "_job_import_thread")

        self.import_messages("_job_import_thread", thread_a.id)
        (note,) = self.notes(sale_a, "Question A")
        self.assertEqual(note.attachment_ids.raw, b"A")

    def test_long_thread_is_read_whole(self):
        """M11 gives the last 100 messages of a thread: older ones not recorded yet come
        from M10."""
        sim_order, sale_order = self.ordered()
        sim_thread, _ = self.simulator.add_order_message(sim_order.order_id, "Message 0")
        for number in range(1, 102):
            self.simulator.add_order_message(sim_order.order_id, f"Message {number}")
        self.import_messages()
        (request,) = self.requests("M10")
        self.assertEqual(request.path, f"/api/inbox/threads/{sim_thread.id}")
        self.assertEqual(len(self.threads().mirakl_message_ids), 102)
        self.assertEqual(len(self.notes(sale_order, "Message 0")), 1)

    # -- settings and views ----------------------------------------------------------------

    def test_settings_and_forms(self):
        sim_order, sale_order = self.ordered()
        self.marketplace.message_reply_activity = False
        self.simulator.add_order_message(sim_order.order_id, QUESTION)
        self.import_messages()
        self.assertFalse(self.reply_activities(sale_order))
        self.assertTrue(self.threads().reply_needed_since)
        action = self.threads().action_reply()
        with Form(self.env[action["res_model"]].with_context(**action["context"])) as wizard:
            self.assertEqual(wizard.thread_id, self.threads())
            wizard.body = "Thanks for your patience."
        wizard.record.action_send()
        self.assertFalse(self.threads().reply_needed_since)
        self.marketplace.message_import = False
        with trap_jobs() as trap:
            self.assertFalse(self.marketplace._run_flow("messages"))
        trap.assert_jobs_count(0)
