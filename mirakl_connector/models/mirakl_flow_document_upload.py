# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import re
import unicodedata

from odoo import api, fields, models

from ..mirakl import errors
from ..mirakl._documents import OrderDocumentUpload

DEFAULT_INVOICE_TYPE = "CUSTOMER_INVOICE"
INVOICE_REPORT = "account.account_invoices"


class MiraklFlowDocumentUpload(models.AbstractModel):
    """Invoice upload: the PDF of each posted customer invoice or credit note of a Mirakl order
    goes to that order on Mirakl (OR74), where the customer finds it, once.

    Posting the move records one ``mirakl.order.document`` per Mirakl order it invoices and
    queues a job (it starts after the commit: posting never waits on Mirakl). The job takes the
    invoice's legal PDF, or renders the invoice report, and uploads it with the Marketplace's
    document type. Mirakl's refusal of a document (unknown type, file name...) stays on the
    record, on the sync log with a retry and in the invoice's chatter. A document sent is never
    sent again: not when the invoice is posted again, not when the job runs again.
    """

    _name = "mirakl.flow.document_upload"
    _inherit = "mirakl.flow"
    _description = "Invoice Upload"
    _flow_code = "document_upload"
    _flow_direction = "export"
    _flow_channel = "root.mirakl.documents"
    _flow_interval = (1, "hours")
    _flow_sequence = 70

    @api.model
    def _run(self, instance, **options):
        """Queue the invoices still to send (a job lost, or queued before a restore)."""
        if not instance.upload_invoices:
            return False
        pending = (
            self.env["mirakl.order.document"]
            .sudo()
            .search(
                [
                    ("instance_id", "=", instance.id),
                    ("direction", "=", "upload"),
                    ("state", "=", "pending"),
                    ("move_id", "!=", False),
                ]
            )
        )
        return [self._enqueue_move(instance, move) for move in pending.move_id]

    @api.model
    def _queue_moves(self, moves):
        """Record what ``moves`` (posted customer invoices and credit notes) are to send to
        their Mirakl orders, on the Marketplaces uploading invoices, and queue a job for each
        move with something left to send."""
        targets = [
            (move, order)
            for move in moves
            for order in move._mirakl_orders()
            if order.instance_id.upload_invoices and not order.sync_stopped
        ]
        if not targets:
            return
        documents = self.env["mirakl.order.document"].sudo()
        existing = documents.search([("move_id", "in", moves.ids)])
        recorded = {(document.move_id, document.mirakl_order_id) for document in existing}
        created = documents.create(
            [
                {
                    "instance_id": order.instance_id.id,
                    "mirakl_order_id": order.id,
                    "move_id": move.id,
                    "direction": "upload",
                }
                for move, order in targets
                if (move, order) not in recorded
            ]
        )
        wanted = set(targets)
        to_send = (existing | created).filtered(
            lambda d: d.state != "done" and (d.move_id, d.mirakl_order_id) in wanted
        )
        for instance, move in {(d.instance_id, d.move_id) for d in to_send}:
            self._enqueue_move(instance, move)

    @api.model
    def _enqueue_move(self, instance, move):
        """Queue the upload of one invoice; queued once while it waits."""
        return self._enqueue(
            instance,
            "_job_upload_invoice",
            move,
            identity=str(move.id),
            description=self.env._(
                "%(marketplace)s: send invoice %(invoice)s",
                marketplace=instance.name,
                invoice=move.name,
            ),
        )

    # -- job -----------------------------------------------------------------------------

    def _job_upload_invoice(self, instance, move):
        """Send one invoice or credit note to the Mirakl orders it was not sent to yet."""
        instance, move = instance.sudo(), move.sudo()
        with self._sync_log(instance) as log:
            documents = self._lock_documents(instance, move)
            if not documents or move.state != "posted" or not instance.upload_invoices:
                log._finish(skipped=len(documents) or 1)
                return False
            client = instance._get_client()
            file_name = self._file_name(move)
            if self._is_retry():
                documents = self._adopt_uploads(client, documents, file_name)
            if not documents:
                log._finish(skipped=1)
                return False
            content = self._invoice_pdf(move)
            type_code = self._type_code(instance, move)
            upload = OrderDocumentUpload(file_name, content, type_code)
            sent = documents.browse()
            for document in documents:
                failure = self._send(client, document, upload)
                if failure:
                    self._upload_failed(log, document, upload, failure)
                else:
                    sent |= document
            self._uploaded(sent, upload)
            log._finish(processed=len(documents), created=len(sent))
            return bool(sent)

    @api.model
    def _send(self, client, document, upload):
        """OR74 for one Mirakl order; Mirakl's refusal as a sentence, or False."""
        try:
            result = client.upload_order_documents(
                document.mirakl_order_id.mirakl_order_id, [upload]
            )
        except errors.MiraklError as error:
            if error.retryable:
                raise
            return error.message
        if not result.errors_count and not result.order_documents:
            return False
        messages = [m for ms in result.errors_by_file_name().values() for m in ms]
        return "; ".join(messages) or self.env._("Mirakl refused the document.")

    @api.model
    def _uploaded(self, documents, upload):
        """Keep the file sent with each document and tell the invoice's chatter."""
        if not documents:
            return
        attachments = self.env["ir.attachment"].create(
            [
                {
                    "name": upload.file_name,
                    "raw": upload.content,
                    "mimetype": "application/pdf",
                    "res_model": documents._name,
                    "res_id": document.id,
                }
                for document in documents
            ]
        )
        now = fields.Datetime.now()
        for document, attachment in zip(documents, attachments, strict=True):
            document.write(
                {
                    "state": "done",
                    "file_name": upload.file_name,
                    "type_code": upload.type_code,
                    "date_uploaded": now,
                    "attachment_id": attachment.id,
                    "error_message": False,
                }
            )
            document.move_id.message_post(
                body=self.env._(
                    "Sent to Mirakl order %(order)s (%(marketplace)s) as %(type)s.",
                    order=document.mirakl_order_id.mirakl_order_id,
                    marketplace=document.instance_id.name,
                    type=upload.type_code,
                )
            )

    @api.model
    def _upload_failed(self, log, document, upload, message):
        """Keep Mirakl's refusal on the document, the invoice and the log, with a retry."""
        order = document.mirakl_order_id.mirakl_order_id
        document.write(
            {
                "state": "error",
                "file_name": upload.file_name,
                "type_code": upload.type_code,
                "error_message": message,
            }
        )
        text = self.env._(
            "Mirakl refused invoice %(invoice)s (%(file)s, type %(type)s) for order %(order)s: "
            "%(message)s",
            invoice=document.move_id.name,
            file=upload.file_name,
            type=upload.type_code,
            order=order,
            message=message,
        )
        document.move_id.message_post(body=text)
        log._add_failure(
            text,
            mirakl_ref=order,
            record=document.move_id,
            retry=(self._name, "_job_upload_invoice", [document.move_id]),
        )

    @api.model
    def _adopt_uploads(self, client, documents, file_name):
        """On a retry, the orders an earlier try sent the file to without Odoo learning it (a
        lost answer) are marked done from OR72, not sent to again; returns the others."""
        listed = client.list_order_documents(documents.mirakl_order_id.mapped("mirakl_order_id"))
        arrived = {(item.order_id, item.file_name): item for item in listed}
        left = documents.browse()
        for document in documents:
            found = arrived.get((document.mirakl_order_id.mirakl_order_id, file_name))
            if found:
                document.write(
                    {
                        "state": "done",
                        "file_name": file_name,
                        "type_code": found.type,
                        "mirakl_document_ref": str(found.id),
                        "date_uploaded": fields.Datetime.now(),
                        "error_message": False,
                    }
                )
            else:
                left |= document
        return left

    # -- helpers -------------------------------------------------------------------------

    @api.model
    def _invoice_pdf(self, move):
        """The invoice's legal PDF (as the customer got it) when it has one, else the invoice
        report rendered now."""
        if move.invoice_pdf_report_id:
            return move.invoice_pdf_report_id.raw
        content, _report_type = self.env["ir.actions.report"]._render_qweb_pdf(
            INVOICE_REPORT, move.ids
        )
        return content

    @api.model
    def _type_code(self, instance, move):
        """DO01 code of the document: the credit note type for credit notes, when set."""
        if move.move_type == "out_refund" and instance.credit_note_document_type_id:
            return instance.credit_note_document_type_id.code
        return instance.invoice_document_type or DEFAULT_INVOICE_TYPE

    @api.model
    def _file_name(self, move):
        """``INV_2026_00001.pdf``: the move's name in the US-ASCII letters, digits, dots, dashes
        and underscores Mirakl accepts."""
        name = unicodedata.normalize("NFKD", move.name or "").encode("ascii", "ignore").decode()
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or f"invoice_{move.id}"
        return f"{stem}.pdf"

    @api.model
    def _lock_documents(self, instance, move):
        """The move's documents of ``instance`` still to send, held by this job alone: another
        job holding them makes this one try again later."""
        documents = (
            self.env["mirakl.order.document"]
            .sudo()
            .search(
                [
                    ("instance_id", "=", instance.id),
                    ("move_id", "=", move.id),
                    ("direction", "=", "upload"),
                    ("state", "!=", "done"),
                ]
            )
        )
        if not documents:
            return documents
        self._lock(documents, f"Invoice {move.name} is being sent by another job")
        documents.invalidate_recordset()
        return documents.filtered(lambda document: document.state != "done")
