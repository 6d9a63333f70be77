# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import datetime, timedelta

from psycopg2.extras import Json

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from odoo.addons.queue_job.exception import RetryableJobError

from ..mapping import order as order_mapping

# Read again this much before the watermark, on top of Mirakl's own widening: an order updated
# while a run was paging may carry an older date than the last one saved.
WATERMARK_OVERLAP = timedelta(minutes=5)
PAGE_SIZE = 100
# Waiting between two polls of an order export (OR14: every 10 s at most).
EXPORT_POLL_SECONDS = 15
# Processed orders wait this long (seconds) for others, to get their sale orders together.
COMPLETION_DELAY = 10
# First key of the advisory lock held by a completion job (the second: the Marketplace id).
COMPLETION_LOCK = 0x4D4B4F43


class MiraklFlowOrders(models.AbstractModel):
    """Order import: read the orders Mirakl changed, store them, process each in its own job.

    A run pages OR11 from the Marketplace's watermark and stores every order it reads in
    ``mirakl.order`` (one cheap upsert per page, ``INSERT ... ON CONFLICT DO NOTHING`` on the
    unique key, then Mirakl's values on the orders and their lines, a page at once), then
    enqueues one processing job per changed order (identity: Marketplace, order id, Mirakl
    update date). The watermark then moves to the latest update date of the orders stored,
    never past one that could not be stored. Processing (acceptance, checks, changes to the
    sale order, follow-up) is ``mirakl.order.processor``'s; an order it cannot process stays
    in error with its payload, a sync log line and a retry. The sale orders the processed
    orders need are then created and confirmed by one job per Marketplace, a page of orders
    at a time.
    """

    _name = "mirakl.flow.orders"
    _inherit = "mirakl.flow"
    _description = "Order Import"
    _flow_code = "orders"
    _flow_channel = "root.mirakl.orders"
    _flow_interval_field = "order_import_interval"
    _flow_initial_import = True
    _flow_sequence = 30

    @api.model
    def _run(self, instance, initial=False, date_from=None, date_to=None, **options):
        if initial:
            return self._enqueue(
                instance, "_job_start_export", date_from, date_to, identity="export"
            )
        if self._orders_to_complete(instance, limit=1):  # e.g. a completion job failed
            self._enqueue_completion(instance, delay=0)
        return self._enqueue(instance, "_job_fetch_updates", identity="updates")

    # -- jobs ----------------------------------------------------------------------------

    def _job_fetch_updates(self, instance):
        """OR11 of the orders updated since the watermark; moves the watermark."""
        with self._sync_log(instance) as log:
            start = instance.order_watermark
            start = (start - WATERMARK_OVERLAP) if start else self._sweep_start(instance)
            result = self._fetch(instance, log, start_update_date=start)
            watermark = self._next_watermark(instance.order_watermark, result)
            instance._set_flow_cursor("orders", watermark)
            log._finish(**self._log_counts(result))

    def _job_fetch_orders(self, instance, mirakl_order_ids):
        """OR11 of the given orders (Refresh button, after a decision): store and process."""
        with self._sync_log(instance) as log:
            result = self._fetch(instance, log, order_ids=list(mirakl_order_ids))
            log._finish(**self._log_counts(result))

    def _job_process_order(self, instance, mirakl_order_id):
        """Process one stored order (its own job: one bad order never blocks the others);
        its sale order, if it needs one, comes with the next completion job."""
        order = self.env["mirakl.order"].search(
            [("instance_id", "=", instance.id), ("mirakl_order_id", "=", mirakl_order_id)]
        )
        if not order:
            return
        # The import acts for the Marketplace, whoever queued it (a Mirakl user may have no
        # right on sale orders or partners).
        instance, order = instance.sudo(), order.sudo()
        self.env["mirakl.order.processor"].sudo()._process(instance, order)
        if self._waiting_for_completion(instance, order):
            self._enqueue_completion(instance)

    def _job_complete_sale_orders(self, instance):
        """Create and confirm the sale orders of processed orders, a page per job (see
        ``mirakl.order.processor._complete_sale_orders``); queues the next page.

        One such job at a time per Marketplace: two would reserve the same stock at once.
        """
        self.env.cr.execute(
            SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", COMPLETION_LOCK, instance.id)
        )
        if not self.env.cr.fetchone()[0]:
            raise RetryableJobError(
                "Another job makes this Marketplace's sale orders",
                seconds=COMPLETION_DELAY,
                ignore_retry=True,
            )
        orders = self._orders_to_complete(instance, limit=PAGE_SIZE + 1)
        self._complete(instance, orders[:PAGE_SIZE])
        if len(orders) > PAGE_SIZE:
            self._enqueue_completion(instance, delay=0)

    def _job_start_export(self, instance, date_from=None, date_to=None):
        """OR13: export the orders created in the period (initial import of a history)."""
        with self._sync_log(instance) as log:
            self._check_call_limit(instance, "OR13")
            now = fields.Datetime.now()
            date_from = fields.Datetime.to_datetime(date_from) or self._sweep_start(instance)
            # A date (the wizard's) includes its whole day.
            end = fields.Datetime.to_datetime(date_to)
            if end and not isinstance(date_to, datetime):
                end += timedelta(days=1)
            date_to = min(end or now, now)
            tracking_id = instance._get_client().start_order_export(
                start_date=date_from,
                end_date=date_to,
                order_state_codes=instance.order_state_ids.mapped("code") or None,
                order_tax_mode=instance.order_tax_mode or None,
                items_per_chunk=1000,
            )
            if not instance.order_watermark or instance.order_watermark < date_to:
                # The export has the orders as they are now: later changes are the incremental
                # import's, which need not page the whole history again.
                instance._set_flow_cursor("orders", date_to)
            self._enqueue(instance, "_job_poll_export", tracking_id, identity=tracking_id)
            log._finish(
                processed=0,
                message=self.env._("Order export %(id)s requested.", id=tracking_id),
            )

    def _job_poll_export(self, instance, tracking_id):
        """OR14: wait for the export, then import each of its files in a job."""
        with self._sync_log(instance) as log:
            self._check_call_limit(instance, "OR14")
            status = instance._get_client().get_order_export_status(tracking_id)
            if status.status == "PENDING":
                raise RetryableJobError(
                    f"Order export {tracking_id} is not ready yet",
                    seconds=EXPORT_POLL_SECONDS,
                    ignore_retry=True,
                )
            if status.status != "COMPLETED":
                log._fail(
                    self.env._(
                        "Mirakl could not export the orders (%(status)s).", status=status.status
                    )
                )
                return
            for url in status.urls:
                self._enqueue(instance, "_job_import_export_file", url, identity=url)
            log._finish(
                processed=0,
                message=self.env._("%(count)s export files to import.", count=len(status.urls)),
            )

    def _job_import_export_file(self, instance, url):
        """OR15: store the orders of one export file and enqueue their processing."""
        with self._sync_log(instance) as log:
            result = self._new_result()
            orders = instance._get_client().iter_order_export_file(
                url, on_invalid=lambda raw, error: self._on_invalid(result, raw, error)
            )
            self._store_pages(instance, log, orders, result)
            log._finish(**self._log_counts(result))

    # -- fetching and storing ------------------------------------------------------------

    @api.model
    def _fetch(self, instance, log, **filters):
        """Page OR11 with ``filters`` and store every order read. Returns the run's result."""
        self._check_call_limit(instance, "OR11")
        result = self._new_result()
        orders = instance._get_client().iter_orders(
            order_state_codes=instance.order_state_ids.mapped("code") or None,
            order_tax_mode=instance.order_tax_mode or None,
            page_size=PAGE_SIZE,
            on_invalid=lambda raw, error: self._on_invalid(result, raw, error),
            **filters,
        )
        self._store_pages(instance, log, orders, result)
        return result

    @api.model
    def _store_pages(self, instance, log, orders, result):
        page = []
        for order in orders:
            page.append(order.model_dump(mode="json", exclude_unset=True))
            if len(page) == PAGE_SIZE:
                self._store(instance, log, page, result)
                page = []
        if page or result["invalid"]:
            self._store(instance, log, page, result)

    @api.model
    def _new_result(self):
        return {
            "created": 0,
            "updated": 0,
            "skipped": 0,
            "failed": 0,
            "stored_until": None,  # latest Mirakl update date among the stored orders
            "unsaved_from": None,  # earliest update date among the orders not stored
            "unsaved_undated": False,  # an order without a readable date was not stored
            "invalid": [],  # raw orders the client could not parse, stored in error
        }

    @api.model
    def _on_invalid(self, result, raw, error):
        """Keep an order the client could not parse: it is stored in error, never dropped."""
        result["invalid"].append((raw, str(error)))

    @api.model
    def _store(self, instance, log, page, result):
        """Upsert a page of orders and write Mirakl's values on them and their lines; enqueue
        the processing of the new and changed ones."""
        invalid, result["invalid"] = result["invalid"], []
        entries = {}  # Mirakl order id -> (payload, hash, summary, client error)
        for raw, error in [(raw, None) for raw in page] + invalid:
            payload, digest = order_mapping.fingerprint(raw)
            summary = order_mapping.summary(payload)
            order_id = summary["mirakl_order_id"]
            if not order_id:
                self._unsaved(result, summary["last_updated_date"])
                result["failed"] += 1
                log._add_failure(
                    self.env._(
                        "Mirakl sent an order without an id (%(error)s): %(payload)s",
                        error=error or "-",
                        payload=str(payload)[:500],
                    )
                )
                continue
            # The widened window may bring an order twice: keep its latest version.
            known = entries.get(order_id)
            if known and (known[2]["last_updated_date"] or datetime.min) > (
                summary["last_updated_date"] or datetime.min
            ):
                continue
            entries[order_id] = (payload, digest, summary, error)
        if not entries:
            return
        orders = self._upsert(instance, entries, result)
        for _payload, _digest, summary, _error in entries.values():
            date = summary["last_updated_date"]
            if date and (not result["stored_until"] or date > result["stored_until"]):
                result["stored_until"] = date
        to_process = self.env["mirakl.order"]
        for order_id, order in orders.items():
            error = entries[order_id][3]
            if error:
                result["failed"] += 1
                order._mirakl_set_error(
                    self.env._("Mirakl sent an order Odoo cannot read: %(error)s", error=error)
                )
                log._add_failure(error, mirakl_ref=order_id, record=order)
            else:
                to_process |= order
        processor = self.env["mirakl.order.processor"].sudo()
        failures = processor._mirror(instance.sudo(), to_process)
        processor._log_failures(log, failures)
        result["failed"] += len(failures)
        self._enqueue_processing(to_process.filtered(lambda order: order not in failures))

    @api.model
    def _upsert(self, instance, entries, result):
        """Store the orders of ``entries``; returns ``{order id: mirakl.order}`` of the orders
        that are new or changed (unchanged ones are skipped: same payload hash).

        New rows go in with ``INSERT ... ON CONFLICT DO NOTHING``: a row another import stored
        meanwhile is not duplicated, and one it stored but did not commit before this
        transaction began makes PostgreSQL refuse with a serialization failure, so this job is
        retried and then sees it.
        """
        Order = self.env["mirakl.order"]
        existing = {
            order.mirakl_order_id: order
            for order in Order.search_fetch(
                [("instance_id", "=", instance.id), ("mirakl_order_id", "in", list(entries))],
                ["mirakl_order_id", "payload_hash", "last_updated_date"],
            )
        }
        changed = {}
        for order_id, order in existing.items():
            payload, digest, summary, _error = entries[order_id]
            newer = summary["last_updated_date"]
            if order.payload_hash == digest or (
                newer and order.last_updated_date and newer < order.last_updated_date
            ):
                result["skipped"] += 1
                continue
            order.write(
                {
                    "payload": payload,
                    "payload_hash": digest,
                    "import_state": "pending",
                    **{k: v for k, v in summary.items() if k != "mirakl_order_id"},
                }
            )
            changed[order_id] = order
            result["updated"] += 1
        new = [order_id for order_id in entries if order_id not in existing]
        changed.update(self._insert(instance, {oid: entries[oid] for oid in new}))
        result["created"] += len(new)
        return changed

    @api.model
    def _insert(self, instance, entries):
        if not entries:
            return {}
        self.env["mirakl.order"].flush_model()
        now = fields.Datetime.now()
        rows = [
            SQL(
                "(%s, %s, %s, %s, %s, %s, %s, 'pending', %s, %s, %s, %s)",
                instance.id,
                instance.company_id.id,
                order_id,
                summary["mirakl_state"],
                summary["last_updated_date"] or None,
                Json(payload),
                digest,
                self.env.uid,
                now,
                self.env.uid,
                now,
            )
            for order_id, (payload, digest, summary, _error) in entries.items()
        ]
        self.env.cr.execute(
            SQL(
                """INSERT INTO mirakl_order (instance_id, company_id, mirakl_order_id,
                       mirakl_state, last_updated_date, payload, payload_hash, import_state,
                       create_uid, create_date, write_uid, write_date)
                   VALUES %s
                   ON CONFLICT (instance_id, mirakl_order_id) DO NOTHING
                   RETURNING id, mirakl_order_id""",
                SQL(", ").join(rows),
            )
        )
        Order = self.env["mirakl.order"]
        return {order_id: Order.browse(id_) for id_, order_id in self.env.cr.fetchall()}

    @api.model
    def _unsaved(self, result, date):
        if not date:
            result["unsaved_undated"] = True
        elif not result["unsaved_from"] or date < result["unsaved_from"]:
            result["unsaved_from"] = date

    @api.model
    def _next_watermark(self, current, result):
        """The latest update date of the stored orders, but never past an order that could
        not be stored (its next read must include it); an order without a date holds it."""
        if result["unsaved_undated"]:
            return current
        candidate = max(filter(None, (current, result["stored_until"])), default=None)
        if result["unsaved_from"] and candidate and candidate >= result["unsaved_from"]:
            candidate = result["unsaved_from"] - timedelta(seconds=1)
        return candidate or current

    @api.model
    def _sweep_start(self, instance):
        return fields.Datetime.now() - timedelta(days=instance.order_sweep_days or 1)

    @api.model
    def _log_counts(self, result):
        return {
            "created": result["created"],
            "updated": result["updated"],
            "skipped": result["skipped"],
            "failed": result["failed"],
        }

    @api.model
    def _complete(self, instance, orders):
        """Make the sale orders ``orders`` wait for, now (see ``_job_complete_sale_orders``)."""
        self.env["mirakl.order.processor"].sudo()._complete_sale_orders(instance.sudo(), orders)

    @api.model
    def _orders_to_complete(self, instance, limit=None):
        """Processed orders waiting for ``_job_complete_sale_orders``, oldest first."""
        return (
            self.env["mirakl.order"]
            .sudo()
            .search(self._completion_domain(instance), limit=limit, order="id")
        )

    @api.model
    def _waiting_for_completion(self, instance, orders):
        """Those of ``orders`` that ``_orders_to_complete`` would find."""
        return orders.filtered_domain(self._completion_domain(instance))

    @api.model
    def _completion_domain(self, instance):
        """Processed orders that wait for their sale order to be created, or for their
        quotation to be confirmed (one rule, for searches and for ``filtered_domain``)."""
        processor = self.env["mirakl.order.processor"]
        return expression.AND(
            [
                [("instance_id", "=", instance.id), ("import_state", "=", "done")],
                expression.OR(
                    [
                        processor._sale_order_domain(instance),
                        processor._confirmation_domain(instance),
                    ]
                ),
            ]
        )

    @api.model
    def _enqueue_completion(self, instance, delay=COMPLETION_DELAY):
        """One job makes the sale orders of a burst of processed orders: it starts a few
        seconds later, so that the orders processed meanwhile join it."""
        return self._enqueue(
            instance,
            "_job_complete_sale_orders",
            identity="complete",
            eta=delay or None,
            description=self.env._(
                "%(marketplace)s: create and confirm the sale orders of processed orders",
                marketplace=instance.name,
            ),
        )

    @api.model
    def _enqueue_processing(self, orders):
        """One processing job per order; its identity includes Mirakl's update date, so a
        later update of a waiting order gets its own job and the same one is never queued
        twice."""
        for order in orders:
            date = order.last_updated_date.isoformat() if order.last_updated_date else "-"
            self._enqueue(
                order.instance_id,
                "_job_process_order",
                order.mirakl_order_id,
                identity=f"{order.mirakl_order_id}:{date}",
                description=self.env._(
                    "%(marketplace)s: process order %(order)s",
                    marketplace=order.instance_id.name,
                    order=order.mirakl_order_id,
                ),
            )
