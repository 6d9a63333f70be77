# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import mute_logger, plaintext2html

from odoo.addons.queue_job.exception import RetryableJobError

from ..mapping import message as message_mapping
from ..mirakl import errors

PAGE_SIZE = 50
# Read again this much before the cursor: a thread updated while a run was paging may
# carry an older date than the newest one seen.
CURSOR_OVERLAP = timedelta(minutes=5)


class MiraklFlowMessages(models.AbstractModel):
    """Message import: customer and operator messages of the Marketplace's inbox, in Odoo.

    A run pages M11 with the messages of the threads updated since the flow's cursor (kept on
    the flow's row, ``mirakl.instance.flow``, so that it never competes with writes to the
    Marketplace), records each thread and each new message once, downloads their attachments
    (M13) and shows the messages as internal notes in the chatter of the sale order (else of
    the Mirakl order, else of the thread), authored by the Mirakl sender's name: nobody is
    notified, nothing is e-mailed. A thread that cannot be imported (a payload Odoo cannot
    read, an attachment Mirakl refuses) is a sync log line with a retry (M10 of that thread)
    and never holds up the others. While a thread awaits the shop's reply, its document has
    an activity for the salesperson.
    """

    _name = "mirakl.flow.messages"
    _inherit = "mirakl.flow"
    _description = "Message Import"
    _flow_code = "messages"
    _flow_channel = "root.mirakl.messages"
    _flow_interval = (15, "minutes")
    _flow_sequence = 45

    @api.model
    def _run(self, instance, **options):
        if not instance.message_import:
            return False
        return self._enqueue(instance, "_job_fetch_threads", identity="updates")

    # -- jobs ----------------------------------------------------------------------------

    def _job_fetch_threads(self, instance):
        """M11 of the threads updated since the cursor, with their messages."""
        instance = instance.sudo()
        with self._sync_log(instance) as log:
            cursor = instance._flow_cursor(self._flow_code)
            start = cursor and cursor - CURSOR_OVERLAP
            result = self._new_result()
            client = instance._get_client()
            threads = client.iter_threads(
                updated_since=start or self._first_start(instance),
                with_messages=True,
                page_size=PAGE_SIZE,
                on_invalid=lambda raw, error: self._invalid(log, raw, error, result),
            )
            page = []
            for thread in threads:
                page.append(thread)
                if len(page) == PAGE_SIZE:
                    self._store(instance, client, log, page, result)
                    page = []
            self._store(instance, client, log, page, result)
            instance._advance_flow_cursor(self._flow_code, result["newest"])
            log._finish(**self._log_counts(result))

    def _job_import_thread(self, instance, thread_ref):
        """M10 of one thread, all its messages (a retry from the sync log)."""
        instance = instance.sudo()
        with self._sync_log(instance) as log:
            result = self._new_result()
            client = instance._get_client()
            self._store(instance, client, log, [client.get_thread(thread_ref)], result)
            log._finish(**self._log_counts(result))

    # -- storing -------------------------------------------------------------------------

    @api.model
    def _first_start(self, instance):
        return fields.Datetime.now() - timedelta(days=instance.message_import_days or 1)

    @api.model
    def _new_result(self):
        return {"created": 0, "updated": 0, "skipped": 0, "failed": 0, "newest": None}

    @api.model
    def _log_counts(self, result):
        return {key: result[key] for key in ("created", "updated", "skipped", "failed")}

    @api.model
    def _invalid(self, log, raw, error, result):
        """A thread the client could not read: a log line, with a retry when it has an id."""
        thread_ref = raw.get("id") if isinstance(raw, dict) else None
        message = self.env._(
            "Mirakl sent thread %(thread)s in a form Odoo cannot read (%(error)s).",
            thread=thread_ref or "?",
            error=error.message,
        )
        self._failed(log, thread_ref, message)
        result["failed"] += 1

    @api.model
    def _failed(self, log, thread_ref, message):
        retry = (self._name, "_job_import_thread", [thread_ref]) if thread_ref else None
        log._add_failure(message, mirakl_ref=thread_ref, retry=retry)

    @api.model
    def _store(self, instance, client, log, threads, result):
        """Record a page of threads and their new messages; a thread whose attachments
        cannot be downloaded is left for its retry."""
        if not threads:
            return
        thread_model = self.env["mirakl.message.thread"]
        existing = {
            thread.thread_ref: thread
            for thread in thread_model.search(
                [("instance_id", "=", instance.id), ("thread_ref", "in", [t.id for t in threads])]
            )
        }
        known = self._known_refs(instance, [m.id for t in threads for m in t.messages])
        orders = self._orders(instance, threads)
        ready = []
        for thread in threads:
            if thread.date_updated:
                newest = message_mapping.to_datetime(thread.date_updated)
                result["newest"] = max(result["newest"] or newest, newest)
            try:
                if message_mapping.truncated(thread, known):
                    thread = client.get_thread(thread.id)
                new = message_mapping.missing_messages(thread, known)
                files = {
                    attachment.id: client.download_attachment(attachment.id)
                    for message in new
                    for attachment in message.attachments
                }
            except errors.MiraklError as error:
                if error.retryable:
                    raise
                message = self.env._(
                    "Thread %(thread)s could not be imported: %(error)s",
                    thread=thread.id,
                    error=error,
                )
                self._failed(log, thread.id, message)
                result["failed"] += 1
                continue
            ready.append((thread, new, files))
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                self._write(instance, ready, existing, orders, result)
                self.env.flush_all()
        except psycopg2.errors.UniqueViolation as error:
            # Another job (or a reply from Odoo) recorded one of these meanwhile: read again.
            raise RetryableJobError(
                "Threads recorded by another job meanwhile", seconds=10
            ) from error

    @api.model
    def _known_refs(self, instance, message_refs):
        messages = self.env["mirakl.message"].search_fetch(
            [("instance_id", "=", instance.id), ("message_ref", "in", message_refs)],
            ["message_ref"],
        )
        return set(messages.mapped("message_ref"))

    @api.model
    def _orders(self, instance, threads):
        """``{Mirakl order id: mirakl.order}`` of the threads about an order."""
        refs = list(filter(None, (message_mapping.order_ref(thread) for thread in threads)))
        if not refs:
            return {}
        orders = self.env["mirakl.order"].search(
            [("instance_id", "=", instance.id), ("mirakl_order_id", "in", refs)]
        )
        return {order.mirakl_order_id: order for order in orders}

    @api.model
    def _write(self, instance, ready, existing, orders, result):
        """Upsert the threads, then post their new messages (one batch each)."""
        thread_model = self.env["mirakl.message.thread"]
        to_create, documents = [], []
        for thread, new, _files in ready:
            vals = message_mapping.thread_values(thread)
            order = orders.get(message_mapping.order_ref(thread)) or self.env["mirakl.order"]
            vals.update(mirakl_order_id=order.id, sale_order_id=order.sale_order_id.id)
            record = existing.get(thread.id)
            if record is None:
                to_create.append({**vals, "instance_id": instance.id})
                result["created"] += 1
                continue
            before = record._document()
            changed = self._changes(record, vals)
            if changed:
                record.write(changed)
            if new or "reply_needed_since" in changed:
                result["updated"] += 1
            else:
                result["skipped"] += 1
            documents += [before, record._document()]
        for record in thread_model.create(to_create):
            existing[record.thread_ref] = record
            documents.append(record._document())
        self._post_messages(instance, [(existing[t.id], new, files) for t, new, files in ready])
        thread_model._sync_reply_activities(list(dict.fromkeys(documents)))

    @api.model
    def _changes(self, record, vals):
        """The values of ``vals`` that differ from ``record``'s (many2ones as ids)."""
        changed = {}
        for name, value in vals.items():
            current = record[name]
            if isinstance(current, models.BaseModel):
                current = current.id
            if (current or False) != (value or False):
                changed[name] = value
        return changed

    @api.model
    def _post_messages(self, instance, entries):
        """Record the new messages and post them, with their files, in their documents'
        chatter as internal notes from the Mirakl sender."""
        attachments = self._create_attachments(entries)
        note = self.env.ref("mail.mt_note").id
        mail_vals, message_vals = [], []
        for thread, new, _files in entries:
            document = thread._document()
            for message in new:
                vals = message_mapping.message_values(message)
                files = attachments[message.id]
                mail_vals.append(
                    {
                        "model": document._name,
                        "res_id": document.id,
                        "message_type": "comment",
                        "subtype_id": note,
                        "is_internal": True,
                        "author_id": False,
                        "email_from": vals["author_name"],
                        "date": vals["date"] or fields.Datetime.now(),
                        "body": self._note_body(thread, vals),
                        "attachment_ids": [fields.Command.set(files.ids)],
                    }
                )
                message_vals.append(
                    {
                        **vals,
                        "thread_id": thread.id,
                        "instance_id": instance.id,
                        "attachment_ids": [fields.Command.set(files.ids)],
                    }
                )
        notes = self.env["mail.message"].sudo().create(mail_vals)
        for vals, mail_message in zip(message_vals, notes, strict=True):
            vals["mail_message_id"] = mail_message.id
        self.env["mirakl.message"].create(message_vals)

    @api.model
    def _create_attachments(self, entries):
        """``{Mirakl message id: ir.attachment}``, the files created on the documents."""
        vals_list, owners = [], []
        for thread, new, files in entries:
            document = thread._document()
            for message in new:
                for attachment in message.attachments:
                    vals_list.append(
                        {
                            "name": attachment.name or attachment.id,
                            "raw": files[attachment.id],
                            "res_model": document._name,
                            "res_id": document.id,
                        }
                    )
                    owners.append(message.id)
        created = self.env["ir.attachment"].sudo().create(vals_list)
        by_message = {message.id: created.browse() for _t, new, _f in entries for message in new}
        for owner, attachment in zip(owners, created, strict=True):
            by_message[owner] |= attachment
        return by_message

    @api.model
    def _note_body(self, thread, vals):
        """The chatter note of a message: who it went to, on which thread, and its text."""
        heading = self.env._(
            "Mirakl message to %(recipients)s (%(topic)s)",
            recipients=vals["recipients"] or "-",
            topic=thread.topic,
        )
        return Markup('<p class="text-muted">%s</p>%s') % (heading, plaintext2html(vals["body"]))
