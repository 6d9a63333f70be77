# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
from collections import Counter
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import split_every

from odoo.addons.queue_job.delay import group
from odoo.addons.queue_job.exception import RetryableJobError

from ..mirakl import const, errors

_logger = logging.getLogger(__name__)

# Offers per file of an export (OF52 items_per_chunk): one job imports one file.
CHUNK_SIZE = 10000
# Offers upserted together: the queries of an import grow with the batches, not the offers.
BATCH_SIZE = 1000
# Mirakl allows one status poll (OF53) every 10 seconds; once a minute is recommended.
POLL_DELAY = 30
# An export still pending after this long is given up.
EXPORT_TIMEOUT = timedelta(hours=3)
# A differential export starts a little before the last one: Mirakl's clock and Odoo's may
# differ, and offers seen twice are recognised as unchanged.
SAFETY_MARGIN = timedelta(minutes=5)
COUNT_KEYS = ("created", "updated", "unchanged", "skipped", "failed")
# What makes a file fail for good: Mirakl's answer or bad data. Transient errors postpone the job,
# and a serialization failure is retried by the job runner.
CHUNK_ERRORS = (errors.MiraklError, UserError, psycopg2.DataError, psycopg2.IntegrityError)


class MiraklFlowListings(models.AbstractModel):
    """Import the shop's offers into listings with Mirakl's asynchronous export.

    OF52 asks for the export (every offer the first time, then those changed since the last
    import), OF53 is polled until it is ready, then each file (OF54) is imported by a job of its
    own, and a last job closes the import. Operators without the export get the OF21 pages.
    """

    _name = "mirakl.flow.listings"
    _inherit = "mirakl.flow"
    _description = "Listing Import"
    _flow_code = "listings"
    _flow_direction = "import"
    _flow_channel = "root.mirakl.catalog"
    _flow_interval = (1, "hours")
    _flow_initial_import = True
    _flow_sequence = 20

    @api.model
    def _run(self, instance, full=False, initial=False, **options):
        """Queue an import: full the first time (or when asked), else differential.

        Skipped while the previous import is still running, so two never write the same
        listings at once.
        """
        running = self.env["mirakl.listing.export"].search_count(
            [
                ("instance_id", "=", instance.id),
                ("state", "in", ("pending", "importing")),
                ("request_date", ">", fields.Datetime.now() - EXPORT_TIMEOUT),
            ],
            limit=1,
        )
        if running:
            _logger.info("Listing import of %s still running: not started again", instance.name)
            return False
        full = bool(full or initial or not instance.listing_sync_date)
        return self._enqueue(instance, "_job_start_export", full, identity="start")

    @api.model
    def _job_start_export(self, instance, full):
        """OF52: ask Mirakl for the export, then poll it; OF21 pages if there is no export."""
        log = self.env["mirakl.sync.log"]._start(instance, self._flow_code, self._flow_direction)
        with self._log_errors(log):
            request_date = fields.Datetime.now()
            since = None if full else instance.listing_sync_date - SAFETY_MARGIN
            self._check_call_limit(instance, "OF52+full" if full else "OF52")
            try:
                tracking_id = instance._get_client().start_offer_export(
                    last_request_date=since,
                    include_inactive_offers=True,
                    items_per_chunk=CHUNK_SIZE,
                )
            except errors.MiraklNotFoundError:
                _logger.info("No offer export on %s: importing the OF21 pages", instance.name)
                return self._enqueue(instance, "_job_import_offer_pages", log)
            export = (
                self.env["mirakl.listing.export"]
                .sudo()
                .create(
                    {
                        "instance_id": instance.id,
                        "tracking_id": tracking_id,
                        "full": full,
                        "request_date": request_date,
                    }
                )
            )
        # The log was committed apart, after this job began: only the next job may link it.
        return self._enqueue(instance, "_job_poll_export", export, log)

    @api.model
    def _job_poll_export(self, instance, export, log):
        """OF53: wait for the export, then queue one job per file and the closing job.

        A failed export fails the import before anything is written.
        """
        export = export.sudo()  # bookkeeping, whoever queued the import
        if export.state != "pending":
            return False
        export.log_id = log
        with self._log_errors(log):
            self._check_call_limit(instance, "OF53")
            status = instance._get_client().get_offer_export_status(export.tracking_id)
            if status.status == "PENDING":
                if export.request_date < fields.Datetime.now() - EXPORT_TIMEOUT:
                    return self._fail_export(
                        export, self.env._("Mirakl did not finish the offer export in time.")
                    )
                raise RetryableJobError(
                    self.env._("Mirakl is preparing the offer export."),
                    seconds=POLL_DELAY,
                    ignore_retry=True,
                )
            if status.status != "COMPLETED":
                error = status.error
                detail = (error and (error.detail or error.code)) or status.status
                return self._fail_export(
                    export,
                    self.env._(
                        "Mirakl could not export the offers (%(detail)s). No listing was "
                        "changed; the next import asks again.",
                        detail=detail,
                    ),
                )
            chunks = (
                self.env["mirakl.listing.export.chunk"]
                .sudo()
                .create(
                    [
                        {"export_id": export.id, "sequence": sequence, "url": url}
                        for sequence, url in enumerate(status.urls, start=1)
                    ]
                )
            )
            export.state = "importing"
            log._progress(done=0, total=len(chunks))
        closing = self._delayable(instance, f"finish:{export.id}")._job_finish_export(
            instance, export
        )
        if not chunks:
            return closing.delay()
        imports = [
            self._delayable(instance, f"chunk:{chunk.url}")._job_import_chunk(instance, chunk)
            for chunk in chunks
        ]
        return group(*imports).on_done(closing).delay()

    @api.model
    def _job_import_chunk(self, instance, chunk):
        """OF54: import one file of the export, all or nothing.

        A file that cannot be imported becomes a failure line with a Retry; the import goes on
        with the other files and the listing date stays where it was.
        """
        chunk = chunk.sudo()
        if chunk.state == "done":
            return False
        export = chunk.export_id
        log = export.log_id
        client = instance._get_client()
        codes = self.env["mirakl.listing"]._mirakl_code_maps(instance)
        totals = Counter()
        offer_ids = []
        try:
            with self._retryable_errors(), self.env.cr.savepoint():
                offers = client.iter_offer_export_file(chunk.url)
                for batch in split_every(BATCH_SIZE, offers):
                    result = self._import_batch(instance, log, batch, codes)
                    offer_ids += result.pop("offer_ids")
                    totals.update(result)
        except CHUNK_ERRORS as error:
            log._add_failure(
                self.env._(
                    "File %(sequence)s of the offer export could not be imported: %(error)s",
                    sequence=chunk.sequence,
                    error=error,
                ),
                mirakl_ref=export.tracking_id,
                retry=(self._name, "_job_import_chunk", [chunk]),
            )
            chunk.state = "failed"
            return False
        chunk.write(
            {
                "state": "done",
                "offer_ids": ",".join(offer_ids) if export.full else False,
                **{f"{key}_count": totals[key] for key in COUNT_KEYS},
            }
        )
        log._progress(done=len(export.chunk_ids.filtered(lambda c: c.state == "done")))
        return True

    @api.model
    def _job_finish_export(self, instance, export):
        """Close the import once every file was tried: archive the listings a full export did
        not have, move the listing date, finish the log."""
        export = export.sudo()
        if export.state != "importing":
            return False
        chunks = export.chunk_ids
        complete = all(chunk.state == "done" for chunk in chunks)
        totals = Counter()
        for chunk in chunks:
            totals.update({key: chunk[f"{key}_count"] for key in COUNT_KEYS})
        totals["failed"] += len(chunks.filtered(lambda chunk: chunk.state == "failed"))
        if complete and export.full:
            seen = {offer for chunk in chunks for offer in (chunk.offer_ids or "").split(",")}
            totals["updated"] += (
                self.env["mirakl.listing"].sudo()._mirakl_archive_missing(instance, seen - {""})
            )
        chunks.offer_ids = False
        export.state = "done" if complete else "partial"
        message = False
        if complete:
            instance._set_flow_cursor("listings", export.request_date)
        else:
            message = self.env._(
                "Some files of the offer export could not be imported: the next import asks "
                "Mirakl again for the offers changed since the last complete one."
            )
        listings = self.env["mirakl.listing"].sudo()
        if listings.search_count(listings._mirakl_references_missing_domain(instance), limit=1):
            # Mirakl's export has no product references: read them before closing the log.
            self._enqueue(
                instance,
                "_job_enrich_references",
                export.log_id,
                dict(totals),
                message,
                identity=f"enrich:{export.id}",
            )
            return True
        self._finish_log(export.log_id, totals, message)
        return True

    @api.model
    def _job_enrich_references(self, instance, log, totals, message=False):
        """OF21: read the product references the offer export does not have, for the listings
        still without product and without barcode, and match their products again; then close
        the import's log with its ``totals`` (plus the listings this linked).

        One sweep of the offer list, page by page, stopping once every listing waiting for its
        references got them. When Mirakl refuses, the listings keep waiting (the next import
        tries again) and the log shows the failure with a Retry.
        """
        totals = Counter(totals)
        listings = self.env["mirakl.listing"].sudo()
        remaining = listings.search_count(listings._mirakl_references_missing_domain(instance))
        enriched = 0
        try:
            with self._retryable_errors():
                if remaining:
                    self._check_call_limit(instance, "OF21")
                    # raw pages: an offer OF21 cannot parse must not stop the others
                    pages = instance._get_client().iter_offset_pages(
                        "OF21", "/api/offers", "offers", page_size=const.MAX_PAGE_SIZE
                    )
                    for page in pages:
                        done, linked = listings._mirakl_enrich_references(instance, page)
                        enriched += done
                        totals["updated"] += linked
                        self.env.invalidate_all()
                        if enriched >= remaining:
                            break
        except RetryableJobError as error:
            if error.ignore_retry or not self._is_last_try():
                log._postpone(error)
                raise
            self._add_enrich_failure(log, error, totals, message)
            totals["failed"] += 1
        except errors.MiraklError as error:
            self._add_enrich_failure(log, error, totals, message)
            totals["failed"] += 1
        except Exception as error:
            log._fail(error)
            raise
        _logger.info(
            "Product references of %s listings of %s read from the offer list",
            enriched,
            instance.name,
        )
        self._finish_log(log, totals, message)
        return enriched

    @api.model
    def _add_enrich_failure(self, log, error, totals, message):
        log._add_failure(
            self.env._(
                "The product references of the offers could not be read from Mirakl's offer "
                "list (OF21): %(error)s. The listings without product are matched by SKU only "
                "until the next import.",
                error=error,
            ),
            retry=(self._name, "_job_enrich_references", [log, dict(totals), message]),
        )

    @api.model
    def _job_import_offer_pages(self, instance, log):
        """OF21: import every offer page by page, for operators without the export, then
        archive the listings of the offers Mirakl no longer has."""
        with self._log_errors(log):
            request_date = fields.Datetime.now()
            codes = self.env["mirakl.listing"]._mirakl_code_maps(instance)
            totals = Counter()
            seen = set()
            for batch in split_every(BATCH_SIZE, instance._get_client().iter_offers()):
                result = self._import_batch(instance, log, batch, codes)
                seen.update(result.pop("offer_ids"))
                totals.update(result)
            totals["updated"] += (
                self.env["mirakl.listing"].sudo()._mirakl_archive_missing(instance, seen)
            )
            instance._set_flow_cursor("listings", request_date)
            self._finish_log(log, totals)

    @api.model
    def _import_batch(self, instance, log, offers, codes):
        """Upsert one batch of offers and report the offers that could not be read.

        The batch is flushed and the cache emptied after it, so memory stays flat however many
        batches a job imports.
        """
        result = self.env["mirakl.listing"].sudo()._mirakl_import_offers(instance, offers, codes)
        failures = result.pop("failures")
        for offer_id, message in failures:
            log._add_failure(
                self.env._(
                    "Offer %(offer)s was not imported: %(error)s", offer=offer_id, error=message
                ),
                mirakl_ref=offer_id,
            )
        result["failed"] = len(failures)
        del result["linked"]
        result["offer_ids"] = [str(offer.offer_id) for offer in offers]
        self.env.invalidate_all()
        return result

    @api.model
    def _finish_log(self, log, totals, message=None):
        log._finish(
            created=totals["created"],
            updated=totals["updated"],
            skipped=totals["unchanged"] + totals["skipped"],
            failed=totals["failed"],
            message=message,
        )

    @api.model
    def _fail_export(self, export, message):
        export.state = "failed"
        export.log_id._fail(message)
        return False

    @api.model
    def _delayable(self, instance, identity):
        """A job of this flow for a queue_job graph, set up like ``_enqueue`` does."""
        return self.with_company(instance.company_id).delayable(
            channel=self._flow_channel,
            identity_key=f"{self._name}:{instance.id}:{identity}",
            description=f"{instance.name}: {self._description}",
        )
