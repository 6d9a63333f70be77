# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models

from ..mapping import accounting as mapping
from ..mirakl._accounting import MAX_TRANSACTION_PAGE_SIZE
from ..mirakl._transport import wire_value

# Read again this much before the cursor: a line updated while a run was paging may carry an
# older date than the last one stored.
CURSOR_OVERLAP = timedelta(minutes=5)
# How far back the first import reads.
FIRST_IMPORT_DAYS = 30


class MiraklFlowTransactions(models.AbstractModel):
    """Transaction import: the lines of the shop's balance on Mirakl (TL02), every hour.

    A run streams the lines updated since its cursor (kept on the flow's row, not on the
    Marketplace), oldest first, in pages of 2000 stored with one insert and a few updates
    each, then links them to their orders and accounting documents. The cursor moves to the
    latest update stored. A line Mirakl sends that Odoo cannot read is a sync log line whose
    retry reads it again (by its order, its document or its date): it never holds up the
    others.
    """

    _name = "mirakl.flow.transactions"
    _inherit = "mirakl.flow"
    _description = "Transaction Import"
    _flow_code = "transactions"
    _flow_channel = "root.mirakl.payouts"
    _flow_interval = (1, "hours")
    _flow_sequence = 80

    @api.model
    def _run(self, instance, **options):
        return self._enqueue(instance, "_job_fetch_transactions", identity="updates")

    # -- jobs ----------------------------------------------------------------------------

    def _job_fetch_transactions(self, instance):
        """TL02 of the lines updated since the cursor; moves the cursor."""
        with self._sync_log(instance) as log:
            cursor = instance._flow_cursor(self._flow_code)
            start = cursor - CURSOR_OVERLAP if cursor else self._first_start()
            result = self._import(instance, log, {"last_updated_from": wire_value(start)})
            instance._advance_flow_cursor(self._flow_code, result["last_updated"])
            log._finish(**self._log_counts(result))

    def _job_fetch_transactions_of(self, instance, filters):
        """TL02 with ``filters`` (keywords of ``iter_transaction_lines``): the retry of lines
        Odoo could not read, from the sync log."""
        with self._sync_log(instance) as log:
            result = self._import(instance, log, filters)
            log._finish(**self._log_counts(result))

    # -- importing -----------------------------------------------------------------------

    @api.model
    def _import(self, instance, log, filters):
        """Stream TL02 with ``filters``, store every line and link the new ones. Returns the
        counts and the latest Mirakl update date stored."""
        self._check_call_limit(instance, "TL02")
        Line = self.env["mirakl.transaction.line"]
        result = {"created": 0, "updated": 0, "skipped": 0, "failed": 0, "last_updated": None}
        invalid = []
        lines = instance._get_client().iter_transaction_lines(
            **filters, on_invalid=lambda raw, error: invalid.append((raw, error))
        )
        page = []
        for line in lines:
            page.append(line)
            if len(page) == MAX_TRANSACTION_PAGE_SIZE:
                self._store(instance, log, page, invalid, filters, result)
                page = []
        self._store(instance, log, page, invalid, filters, result)
        Line._mirakl_link(instance)
        return result

    @api.model
    def _store(self, instance, log, page, invalid, filters, result):
        for key, count in (
            self.env["mirakl.transaction.line"]._mirakl_upsert(instance, page).items()
        ):
            result[key] += count
        dates = [line.last_updated for line in page if line.last_updated]
        if dates:
            latest = max(dates).replace(tzinfo=None)  # Odoo keeps naive UTC
            result["last_updated"] = max(filter(None, (result["last_updated"], latest)))
        for raw, error in invalid:
            result["failed"] += 1
            log._add_failure(
                self.env._(
                    "Mirakl sent a transaction line Odoo cannot read (%(error)s): %(line)s",
                    error=error.message,
                    line=str(raw)[:500],
                ),
                mirakl_ref=raw.get("id") if isinstance(raw, dict) else None,
                retry=(
                    self._name,
                    "_job_fetch_transactions_of",
                    [mapping.retry_filters(raw, filters)],
                ),
            )
        invalid.clear()

    @api.model
    def _first_start(self):
        return fields.Datetime.now() - timedelta(days=FIRST_IMPORT_DAYS)

    @api.model
    def _log_counts(self, result):
        return {key: result[key] for key in ("created", "updated", "skipped", "failed")}
