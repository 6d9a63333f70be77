# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
from contextlib import contextmanager
from datetime import timedelta

import psycopg2

from odoo import api, fields, models

from .mirakl_flow import PARENT_LOG_KEY

_logger = logging.getLogger(__name__)

FINISHED_STATES = ("done", "partial", "failed")
INITIAL_IMPORT = "initial_import"
RETENTION_PARAM = "mirakl_connector.sync_log_retention_days"
DEFAULT_RETENTION_DAYS = 90
# Flows of one Initial Import may end at the same time; the later one tries again.
PARENT_UPDATE_ATTEMPTS = 5
COUNT_FIELDS = (
    "processed_count",
    "created_count",
    "updated_count",
    "skipped_count",
    "failed_count",
)


class MiraklSyncLog(models.Model):
    """What one run of a flow did on a Marketplace, for the seller and for support.

    A log is written on a transaction of its own, committed at once (``_independently``): the job
    doing the work may roll back, its log and failures stay, and their progress shows while the
    job runs. The job's transaction may not see those rows (it started before them), so flows
    never read a log: they only call ``_start``, ``_progress``, ``_add_failure``, ``_finish``
    and ``_fail``, or use ``mirakl.flow._sync_log`` which calls them.
    """

    _name = "mirakl.sync.log"
    _description = "Mirakl Sync Log"
    _order = "date_start desc, id desc"

    instance_id = fields.Many2one(
        "mirakl.instance",
        string="Marketplace",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="instance_id.company_id", store=True, index=True)
    operation = fields.Selection(
        selection="_selection_operation", required=True, readonly=True, index=True
    )
    direction = fields.Selection(
        [("import", "Import"), ("export", "Export")], required=True, readonly=True
    )
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("running", "Running"),
            ("done", "Done"),
            ("partial", "Partially Failed"),
            ("failed", "Failed"),
        ],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    date_start = fields.Datetime(string="Start", default=fields.Datetime.now, readonly=True)
    date_end = fields.Datetime(string="End", readonly=True)
    duration = fields.Float(
        string="Duration (s)", compute="_compute_duration", store=True, digits=(16, 1)
    )
    processed_count = fields.Integer(string="Processed", readonly=True)
    created_count = fields.Integer(string="Created", readonly=True)
    updated_count = fields.Integer(string="Updated", readonly=True)
    skipped_count = fields.Integer(string="Skipped", readonly=True)
    failed_count = fields.Integer(string="Failed", readonly=True)
    progress_done = fields.Integer(string="Done", readonly=True)
    progress_total = fields.Integer(string="Total", readonly=True)
    progress = fields.Float(compute="_compute_progress", store=True, aggregator="avg")
    message = fields.Text(readonly=True)
    line_ids = fields.One2many("mirakl.sync.log.line", "log_id", string="Failures", readonly=True)
    parent_id = fields.Many2one(
        "mirakl.sync.log",
        string="Initial Import",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    child_ids = fields.One2many("mirakl.sync.log", "parent_id", string="Flows", readonly=True)
    job_uuid = fields.Char(
        string="Job UUID",
        readonly=True,
        index="btree_not_null",
        help="The queue job writing this log; its retries carry on with the same log.",
    )

    @api.model
    def _selection_operation(self):
        flows = self.env["mirakl.flow"]._flows()
        return [(code, flow._description) for code, flow in flows.items()] + [
            (INITIAL_IMPORT, self.env._("Initial Import"))
        ]

    @api.depends("operation", "instance_id")
    def _compute_display_name(self):
        operations = dict(self._fields["operation"]._description_selection(self.env))
        for log in self:
            operation = operations.get(log.operation, log.operation)
            log.display_name = f"{operation} - {log.instance_id.name}"

    @api.depends("date_start", "date_end")
    def _compute_duration(self):
        for log in self:
            if log.date_start and log.date_end:
                log.duration = (log.date_end - log.date_start).total_seconds()
            else:
                log.duration = 0.0

    @api.depends("state", "progress_done", "progress_total")
    def _compute_progress(self):
        for log in self:
            if log.state in FINISHED_STATES:
                log.progress = 100.0
            elif log.progress_total:
                log.progress = min(100.0, 100.0 * log.progress_done / log.progress_total)
            else:
                log.progress = 0.0

    @api.autovacuum
    def _gc_sync_logs(self):
        """Delete the logs older than the retention (system parameter, in days)."""
        days = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(RETENTION_PARAM, DEFAULT_RETENTION_DAYS)
        )
        limit = fields.Datetime.now() - timedelta(days=days)
        self.sudo().search([("date_start", "<", limit)]).unlink()

    def action_retry_failures(self):
        """Enqueue again the work of every failure that can be retried."""
        return self.line_ids.filtered("can_retry").action_retry()

    @contextmanager
    def _independently(self):
        """Yield ``self`` on a transaction of its own, committed on exit."""
        with self.env.registry.cursor() as cr:
            yield self.with_env(self.env(cr=cr, su=True))
        self.env["mirakl.sync.log"].invalidate_model(flush=False)
        self.env["mirakl.sync.log.line"].invalidate_model(flush=False)

    @api.model
    def _start(self, instance, operation, direction, total=None):
        """Open a running log of ``operation`` on ``instance``.

        Inside a queue job, a retry of the job carries on with the log of its previous try
        (whose failures are dropped: the try was rolled back). Under an Initial Import, the log
        reports to it.
        """
        job_uuid = self.env.context.get("job_uuid")
        vals = {
            "state": "running",
            "date_start": fields.Datetime.now(),
            "date_end": False,
            "progress_done": 0,
            "progress_total": total or 0,
            "message": False,
        }
        with self._independently() as logs:
            log = logs.browse()
            if job_uuid:
                log = logs.search(
                    [("job_uuid", "=", job_uuid), ("operation", "=", operation)], limit=1
                )
            if log:
                log.line_ids.unlink()
                log.write(vals)
            else:
                log = logs.create(
                    {
                        **vals,
                        "instance_id": instance.id,
                        "operation": operation,
                        "direction": direction,
                        "job_uuid": job_uuid,
                        "parent_id": self.env.context.get(PARENT_LOG_KEY),
                    }
                )
            log_id = log.id
        return self.browse(log_id)

    def _progress(self, done=None, total=None):
        """Show how far the run is: ``done`` units out of ``total``."""
        vals = {}
        if done is not None:
            vals["progress_done"] = done
        if total is not None:
            vals["progress_total"] = total
        with self._independently() as logs:
            logs.write(vals)

    def _add_failure(self, message, mirakl_ref=None, record=None, retry=None):
        """Record one record that failed; the run goes on.

        :param mirakl_ref: the record's id on Mirakl (offer id, order id...)
        :param record: the Odoo record concerned, if any (it may be rolled back with the job:
            its name is kept)
        :param retry: ``(flow model, job method, [arguments after the Marketplace])`` to enqueue
            the work of this record again from the log
        """
        self.ensure_one()
        vals = {"log_id": self.id, "mirakl_ref": mirakl_ref or False}
        if record:
            vals.update(res_model=record._name, res_id=record.id, record_name=record.display_name)
        if retry:
            model, method, args = retry
            vals.update(retry_model=model, retry_method=method, retry_args=list(args))
        with self._independently() as log:
            vals["message"] = log._redact(message)
            log.env["mirakl.sync.log.line"].create(vals)

    def _finish(self, processed=None, created=0, updated=0, skipped=0, failed=None, message=None):
        """Close the run with its counts; a log already closed is left as it is.

        ``failed`` defaults to the failures recorded, ``processed`` to the sum of the others.
        The state is done, partially failed, or failed when nothing succeeded.
        """
        with self._independently() as logs:
            for log in logs.filtered(lambda log: log.state not in FINISHED_STATES):
                failed_count = len(log.line_ids) if failed is None else failed
                processed_count = processed
                if processed_count is None:
                    processed_count = created + updated + skipped + failed_count
                state = "done"
                if failed_count:
                    state = "failed" if failed_count >= processed_count else "partial"
                log.write(
                    {
                        "state": state,
                        "date_end": fields.Datetime.now(),
                        "processed_count": processed_count,
                        "created_count": created,
                        "updated_count": updated,
                        "skipped_count": skipped,
                        "failed_count": failed_count,
                        "progress_done": max(log.progress_done, log.progress_total),
                        "message": message and log._redact(message),
                    }
                )
            parents = logs.parent_id
        parents.with_env(self.env)._update_from_children()

    def _fail(self, error):
        """Close the run as failed because of ``error`` (an exception or a text)."""
        with self._independently() as logs:
            for log in logs:
                log.write(
                    {
                        "state": "failed",
                        "date_end": fields.Datetime.now(),
                        "message": log._redact(str(error) or type(error).__name__),
                    }
                )
            parents = logs.parent_id
        parents.with_env(self.env)._update_from_children()

    def _postpone(self, error):
        """Mark the run as waiting for the retry of its job (``error``: RetryableJobError)."""
        with self._independently() as logs:
            for log in logs:
                log.write(
                    {
                        "state": "pending",
                        "message": log.env._(
                            "Waiting to try again: %(reason)s", reason=log._redact(str(error))
                        ),
                    }
                )

    def _redact(self, text):
        """``text`` without the Marketplace's API key."""
        key = self.instance_id.sudo().api_key
        return text.replace(key, "***") if key and text else text

    def _update_from_children(self):
        """Count the flows of an Initial Import that ended, and close it after the last one.

        Runs on a transaction of its own that locks the log first; when another flow's job
        updated it meanwhile, the database refuses and the update starts again on fresh data.
        """
        if not self:
            return
        for _attempt in range(PARENT_UPDATE_ATTEMPTS):
            try:
                with self._independently() as parents:
                    parents.env.cr.execute(
                        "SELECT id FROM mirakl_sync_log WHERE id IN %s FOR UPDATE",
                        [tuple(parents.ids)],
                    )
                    parents._close_after_children()
                return
            except psycopg2.errors.SerializationFailure:
                _logger.info("Sync logs %s updated concurrently: trying again", self.ids)
        _logger.warning("Could not update the progress of the sync logs %s", self.ids)

    def _close_after_children(self):
        for parent in self:
            children = parent.child_ids
            finished = children.filtered(lambda child: child.state in FINISHED_STATES)
            running = set((children - finished).mapped("operation"))
            ended = set(finished.mapped("operation"))
            done = len(ended - running)
            vals = {"progress_done": done}
            if parent.state not in FINISHED_STATES and done >= parent.progress_total:
                vals.update(
                    {name: sum(children.mapped(name)) for name in COUNT_FIELDS},
                    state=self._combined_state(set(children.mapped("state"))),
                    date_end=fields.Datetime.now(),
                )
            if any(parent[name] != value for name, value in vals.items()):
                parent.write(vals)
                parent._notify_progress()

    @api.model
    def _combined_state(self, states):
        """State of a run made of runs in ``states``: done or failed if all are, else partial."""
        if states == {"done"}:
            return "done"
        if states == {"failed"}:
            return "failed"
        return "partial"

    def _notify_progress(self):
        """Tell the user who started an Initial Import how far it is."""
        self.ensure_one()
        if self.state in FINISHED_STATES:
            notification_type = "success" if self.state == "done" else "warning"
            message = self.env._(
                "Finished: %(state)s.",
                state=dict(self._fields["state"]._description_selection(self.env))[self.state],
            )
        else:
            notification_type = "info"
            message = self.env._(
                "%(done)s of %(total)s done.", done=self.progress_done, total=self.progress_total
            )
        self.create_uid._bus_send(
            "simple_notification",
            {
                "type": notification_type,
                "title": self.env._(
                    "Initial Import of %(marketplace)s", marketplace=self.instance_id.name
                ),
                "message": message,
            },
        )
