# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import tempfile
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.queue_job.exception import RetryableJobError

from ..mirakl import errors
from .mirakl_file_import import TRACKING_CALLS

# A job uploading a file does not sleep on a 429: it is postponed by Retry-After instead.
UPLOAD_RETRY_SECONDS = 10
# Seconds between two status polls of an import, per upload call (STO02: every 15 s at most).
POLL_DELAYS = {"STO01": 30, "PRI01": 60, "OF01": 60}
# A full export is due when the last one is older than this.
FULL_EXPORT_INTERVAL = timedelta(days=1)
# Rejected rows also written on the sync log, one line each; all of them go on the listings.
MAX_LOGGED_ROWS = 100
# An import still unfinished after this long no longer holds its listings back: the next
# export sends them again.
PENDING_TIMEOUT = timedelta(hours=6)
# Seconds before trying again when another job (a listing import...) updated the same listings.
BUSY_LISTINGS_RETRY_SECONDS = 30


class MiraklFileExport(models.AbstractModel):
    """Mixed into the stock and price flows (with ``mirakl.flow``): send the listings' values
    in a CSV file, follow Mirakl's import of it, then record on each listing what Mirakl
    accepted or rejected.

    A flow computes, per listing, a key of the values it would send. A delta export sends the
    listings whose key differs from the one Mirakl last accepted (and not already on its way);
    a full export sends them all. Sent keys wait on the listings until Mirakl has processed the
    file: accepted rows become the exported values, rejected rows keep Mirakl's message on the
    listing and are sent again by the next export.

    A flow sets ``_export_fields``: its listing columns ``key``, ``value``, ``pending_key``,
    ``pending_value``, ``import`` (the file import) and ``error``, and ``_export_operations``:
    the upload calls whose imports it follows.
    """

    _name = "mirakl.file.export"
    _description = "Mirakl file export"

    _export_fields = None
    _export_operations = ()

    # -- jobs ----------------------------------------------------------------------------

    def _job_poll_import(self, instance, file_import, log):
        """Follow one import until Mirakl is done with it, then apply it to the listings."""
        instance, file_import = instance.sudo(), file_import.sudo()
        if file_import.state != "pending":
            return False
        file_import.log_id = log
        with self._log_errors(log):
            status_call, report_call = TRACKING_CALLS[file_import.operation]
            self._check_call_limit(instance, status_call)
            client = instance._get_client()
            try:
                status = file_import._fetch_status(client)
            except errors.MiraklError as error:
                if error.retryable:
                    raise
                return self._import_failed(file_import, log, error.message)
            if not status.is_final:
                raise RetryableJobError(
                    f"Mirakl import {file_import.import_ref} is {status.status}",
                    seconds=POLL_DELAYS[file_import.operation],
                    ignore_retry=True,
                )
            if status.status == "FAILED":
                return self._import_failed(
                    file_import, log, getattr(status, "reason_status", None) or status.status
                )
            rejected = []
            if status.has_error_report:
                self._check_call_limit(instance, report_call)
                rejected = file_import._fetch_error_report(client)
            self._import_done(file_import, log, rejected)
        return True

    # -- sending -------------------------------------------------------------------------

    @api.model
    def _open_log(self, instance):
        """The sync log of an export, closed by the job that follows its import."""
        return self.env["mirakl.sync.log"]._start(instance, self._flow_code, self._flow_direction)

    @api.model
    def _full_export_due(self, instance):
        """Whether the last full export of this flow is more than a day old."""
        return not self.env["mirakl.file.import"].search_count(
            [
                ("instance_id", "=", instance.id),
                ("operation", "in", list(self._export_operations)),
                ("full", "=", True),
                ("state", "!=", "failed"),
                ("create_date", ">", fields.Datetime.now() - FULL_EXPORT_INTERVAL),
            ],
            limit=1,
        )

    @api.model
    def _export_listings(self, instance, *columns):
        """``(id, shop SKU, product id, *columns, sent key)`` of the listings of ``instance``
        with a product, in SKU order, in one query. The sent key is the one Mirakl is importing,
        else the one it accepted last. ``columns`` are SQL expressions on the listing ``l``."""
        names = {key: SQL.identifier("l", name) for key, name in self._export_fields.items()}
        self.env["mirakl.listing"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT l.id, l.shop_sku, l.product_id, %(columns)s
                          CASE WHEN fi.id IS NOT NULL THEN %(pending_key)s ELSE %(key)s END
                     FROM mirakl_listing l
                LEFT JOIN mirakl_file_import fi
                       ON fi.id = %(import_column)s AND fi.state = 'pending'
                          AND fi.create_date > %(since)s AND %(pending_key)s IS NOT NULL
                    WHERE l.instance_id = %(instance)s AND l.active
                          AND l.product_id IS NOT NULL AND l.shop_sku IS NOT NULL
                          AND l.deleted IS NOT TRUE
                 ORDER BY l.shop_sku, l.id""",
                columns=SQL("").join(SQL("%s,", column) for column in columns),
                pending_key=names["pending_key"],
                key=names["key"],
                instance=instance.id,
                import_column=names["import"],
                since=fields.Datetime.now() - PENDING_TIMEOUT,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _upload(self, instance, operation, write_file):
        """Write the file with ``write_file(target)`` in a temporary file, upload it with
        ``operation`` and return ``(Mirakl's import id, the file's bytes)``."""
        client = instance._get_client(max_retry_seconds=UPLOAD_RETRY_SECONDS)
        with tempfile.TemporaryFile() as target:
            write_file(target)
            if operation == "STO01":
                import_ref = client.upload_stock_file(target)
            elif operation == "PRI01":
                import_ref = client.upload_price_file(target)
            else:
                import_ref = client.upload_offer_file(target, import_mode="NORMAL")
            target.seek(0)
            return str(import_ref), target.read()

    @api.model
    def _track_import(self, instance, log, operation, import_ref, content, full, sent):
        """Record the import of ``content`` and the listings it carries, and queue its first
        poll. ``sent`` is ``(listing ids, keys, values)``; returns the file import."""
        ids, keys, values = sent
        file_import = (
            self.env["mirakl.file.import"]
            .sudo()
            .create(
                {
                    "instance_id": instance.id,
                    "operation": operation,
                    "import_ref": import_ref,
                    "full": full,
                    "listing_count": len(ids),
                    "line_count": max(content.count(b"\n") - 1, 0),
                }
            )
        )
        file_import.attachment_id = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"{operation}-{import_ref}.csv",
                    "raw": content,
                    "mimetype": "text/csv",
                    "res_model": file_import._name,
                    "res_id": file_import.id,
                }
            )
        )
        self._set_pending(file_import, ids, keys, values)
        self._enqueue(
            instance,
            "_job_poll_import",
            file_import,
            log,
            identity=f"{operation}:{import_ref}",
            eta=POLL_DELAYS[operation],
        )
        return file_import

    @api.model
    def _update_listings(self, query):
        """Run an UPDATE of listings; when a concurrent job (a listing import, the other
        export) changed the same rows first, the job tries again shortly instead of failing
        (and without the ERROR line Odoo logs for a failed query)."""
        try:
            self.env.cr.execute(query, log_exceptions=False)
        except (psycopg2.errors.SerializationFailure, psycopg2.errors.DeadlockDetected) as error:
            raise RetryableJobError(
                "Listings updated by another job", seconds=BUSY_LISTINGS_RETRY_SECONDS
            ) from error

    @api.model
    def _set_pending(self, file_import, ids, keys, values):
        """Mark the listings sent with their keys and values: one statement for them all."""
        names = self._export_fields
        Listing = self.env["mirakl.listing"]
        Listing.flush_model()
        self._update_listings(
            SQL(
                """UPDATE mirakl_listing l
                      SET %(pending_key)s = v.key, %(pending_value)s = v.value,
                          %(import_column)s = %(import_id)s
                     FROM unnest(%(ids)s::int[], %(keys)s::varchar[], %(values)s::float8[])
                          AS v(id, key, value)
                    WHERE l.id = v.id""",
                pending_key=SQL.identifier(names["pending_key"]),
                pending_value=SQL.identifier(names["pending_value"]),
                import_id=file_import.id,
                ids=list(ids),
                keys=list(keys),
                values=list(values),
                import_column=SQL.identifier(names["import"]),
            )
        )
        Listing.invalidate_model([names["pending_key"], names["pending_value"], names["import"]])

    # -- results -------------------------------------------------------------------------

    @api.model
    def _import_done(self, file_import, log, rejected):
        """Accept the rows Mirakl did not reject; show the rejected ones on their listings."""
        messages = {}
        for line in rejected:
            if line.sku:
                found = messages.setdefault(line.sku, [])
                if line.message not in found:
                    found.append(line.message)
        errors = {sku: "\n".join(found) for sku, found in messages.items()}
        rejected_ids = self._apply_import(file_import, errors)
        listings = self.env["mirakl.listing"].browse(rejected_ids)
        for listing in listings[:MAX_LOGGED_ROWS]:
            log._add_failure(errors[listing.shop_sku], mirakl_ref=listing.shop_sku, record=listing)
        file_import.write(
            {
                "state": "partial" if rejected_ids else "done",
                "error_count": len(rejected),
                "date_done": fields.Datetime.now(),
            }
        )
        message = None
        if rejected_ids:
            message = self.env._(
                "Mirakl rejected %(count)s listing(s) of import %(ref)s: their errors are on "
                "the listings, and the next export sends them again.",
                count=len(rejected_ids),
                ref=file_import.import_ref,
            )
        log._finish(
            processed=file_import.listing_count,
            updated=file_import.listing_count - len(rejected_ids),
            failed=len(rejected_ids),
            message=message,
        )

    @api.model
    def _import_failed(self, file_import, log, reason):
        message = self.env._(
            "Mirakl could not import file %(ref)s: %(reason)s. The next export sends its "
            "listings again.",
            ref=file_import.import_ref,
            reason=reason,
        )
        self._apply_import(file_import, None)
        file_import.write(
            {"state": "failed", "message": message, "date_done": fields.Datetime.now()}
        )
        log._fail(message)
        return False

    @api.model
    def _apply_import(self, file_import, errors):
        """Write the outcome of ``file_import`` on its listings (``errors``: ``{sku: message}``
        of the rejected ones; None: the whole file failed). Returns the rejected listing ids."""
        names = {key: SQL.identifier(name) for key, name in self._export_fields.items()}
        Listing = self.env["mirakl.listing"]
        Listing.flush_model()
        import_filter = SQL("%s = %s", names["import"], file_import.id)
        rejected_ids = []
        if errors:
            self._update_listings(
                SQL(
                    """UPDATE mirakl_listing l SET %(error)s = v.message
                         FROM unnest(%(skus)s::varchar[], %(messages)s::text[]) AS v(sku, message)
                        WHERE %(filter)s AND l.shop_sku = v.sku AND l.%(pending_key)s IS NOT NULL
                    RETURNING l.id""",
                    error=names["error"],
                    skus=list(errors),
                    messages=list(errors.values()),
                    filter=import_filter,
                    pending_key=names["pending_key"],
                )
            )
            rejected_ids = [row[0] for row in self.env.cr.fetchall()]
        if errors is not None:
            self._update_listings(
                SQL(
                    """UPDATE mirakl_listing SET %(key)s = %(pending_key)s,
                              %(value)s = %(pending_value)s, %(error)s = NULL
                        WHERE %(filter)s AND %(pending_key)s IS NOT NULL
                              AND id != ALL(%(rejected)s::int[])""",
                    key=names["key"],
                    value=names["value"],
                    pending_key=names["pending_key"],
                    pending_value=names["pending_value"],
                    error=names["error"],
                    filter=import_filter,
                    rejected=rejected_ids,
                )
            )
        self._update_listings(
            SQL(
                "UPDATE mirakl_listing SET %s = NULL WHERE %s",
                names["pending_key"],
                import_filter,
            )
        )
        Listing.invalidate_model(list(self._export_fields.values()))
        return rejected_ids
