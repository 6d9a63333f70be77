# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

# Read again this much before the cursor (the creation date of the latest document stored).
CURSOR_OVERLAP = timedelta(days=1)
# How far back the first import reads.
FIRST_IMPORT_DAYS = 90


class MiraklFlowPayouts(models.AbstractModel):
    """Payout import: the operator's accounting documents (IV01), once a day as Mirakl asks,
    and the journal entry of each paid payout.

    IV01 has no "updated since" filter: a run reads the documents created since its cursor,
    or since the oldest one not paid yet, so a payout made later is seen. Each paid billing
    cycle without an entry then gets a job of its own, which reads the payout's transaction
    lines again (TL02) and posts its entry (``mirakl.accounting.document``) when the
    Marketplace posts payout entries. What stops an entry (a setting missing, lines that do
    not add up) is a sync log line with a retry; no half-made entry is left.
    """

    _name = "mirakl.flow.payouts"
    _inherit = "mirakl.flow"
    _description = "Payout Import"
    _flow_code = "payouts"
    _flow_channel = "root.mirakl.payouts"
    _flow_interval = (1, "days")
    _flow_sequence = 81

    @api.model
    def _run(self, instance, **options):
        return self._enqueue(instance, "_job_fetch_documents", identity="documents")

    @api.model
    def _enqueue_entry(self, document):
        """Queue the journal entry of one payout; queued once while it waits."""
        return self._enqueue(
            document.instance_id,
            "_job_create_entry",
            document,
            identity=str(document.id),
            description=self.env._(
                "%(marketplace)s: post payout %(payout)s",
                marketplace=document.instance_id.name,
                payout=document.name,
            ),
        )

    # -- jobs ----------------------------------------------------------------------------

    def _job_fetch_documents(self, instance):
        """IV01 of the documents created since the cursor or not paid yet; queues the entries
        of the paid payouts."""
        with self._sync_log(instance) as log:
            self._check_call_limit(instance, "IV01")
            invalid = []
            documents = list(
                instance._get_client().iter_accounting_documents(
                    start_date=self._start(instance),
                    on_invalid=lambda raw, error: invalid.append((raw, error)),
                )
            )
            counts = self.env["mirakl.accounting.document"]._mirakl_upsert(instance, documents)
            self.env["mirakl.transaction.line"]._mirakl_link(instance)
            for raw, error in invalid:
                log._add_failure(
                    self.env._(
                        "Mirakl sent an accounting document Odoo cannot read (%(error)s): "
                        "%(document)s",
                        error=error.message,
                        document=str(raw)[:500],
                    ),
                    mirakl_ref=raw.get("invoice_id") if isinstance(raw, dict) else None,
                    retry=(self._name, "_job_fetch_documents", []),
                )
            dates = [document.date_created for document in documents if document.date_created]
            latest = max(dates).replace(tzinfo=None) if dates else None
            instance._advance_flow_cursor(self._flow_code, latest)
            for document in self._documents_to_post(instance):
                self._enqueue_entry(document)
            log._finish(**counts)

    def _job_create_entry(self, instance, document):
        """Post a paid payout's entry, once Odoo has all its transaction lines (read again by
        TL02 when they do not add up to the payout)."""
        instance, document = instance.sudo(), document.sudo()
        with self._sync_log(instance) as log:
            self._lock(document, f"Payout {document.name} is being posted by another job")
            if document.move_id:
                log._finish(skipped=1)
                return document.move_id
            if (
                document.number
                and not document._payout_missing_settings()
                and not document._payout_adds_up()
            ):
                self.env["mirakl.flow.transactions"]._import(
                    instance, log, {"accounting_document_number": document.number}
                )
            try:
                with self.env.cr.savepoint():
                    move = document._create_payout_move()
            except UserError as error:
                message = error.args[0]
                document.entry_error = message
                log._add_failure(
                    message,
                    mirakl_ref=document.number,
                    record=document,
                    retry=(self._name, "_job_create_entry", [document]),
                )
                log._finish(processed=1, failed=1)
                return False
            log._finish(
                processed=1,
                created=1,
                message=self.env._(
                    "Payout %(payout)s posted as %(move)s.", payout=document.name, move=move.name
                ),
            )
            return move

    # -- helpers -------------------------------------------------------------------------

    @api.model
    def _start(self, instance):
        """Creation date IV01 reads from: a day before the cursor, or the creation of the
        oldest document not paid yet when older; the first time, ``FIRST_IMPORT_DAYS`` ago."""
        cursor = instance._flow_cursor(self._flow_code)
        if not cursor:
            return fields.Datetime.now() - timedelta(days=FIRST_IMPORT_DAYS)
        oldest_open = self.env["mirakl.accounting.document"].search(
            [
                ("instance_id", "=", instance.id),
                ("payment_state", "in", ("PENDING", "FAILED")),
                ("date_created", "!=", False),
            ],
            order="date_created",
            limit=1,
        )
        return min(filter(None, (cursor - CURSOR_OVERLAP, oldest_open.date_created)))

    @api.model
    def _documents_to_post(self, instance):
        """The paid billing cycles of ``instance`` without an entry, when it posts them."""
        if not instance.payout_create_entries:
            return self.env["mirakl.accounting.document"]
        return self.env["mirakl.accounting.document"].search(
            [
                ("instance_id", "=", instance.id),
                ("payment_state", "=", "PAID"),
                ("document_type", "=", "AUTO_INVOICE"),
                ("move_id", "=", False),
            ]
        )
