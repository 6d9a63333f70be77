# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import math
from contextlib import contextmanager

import psycopg2

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import identity_exact

from ..mirakl import errors

# Context key carrying the Initial Import log down to the logs and jobs of the flows it runs.
PARENT_LOG_KEY = "mirakl_sync_log_parent_id"
# Another transaction holds or created the same rows: trying again later will see them.
CONCURRENCY_ERRORS = (
    psycopg2.errors.UniqueViolation,
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.LockNotAvailable,
    psycopg2.errors.DeadlockDetected,
)
# Seconds before a job whose records another job holds tries again.
LOCKED_RETRY_SECONDS = 10


def identity_of_run(job_):
    """queue_job's exact identity (method and arguments), kept apart per Initial Import.

    A job of an Initial Import must not merge into an identical job enqueued outside of it
    (by a scheduled action): that one would not report to the Initial Import's log.
    """
    parent = job_.recordset.env.context.get(PARENT_LOG_KEY)
    return f"{identity_exact(job_)}:{parent}" if parent else identity_exact(job_)


class MiraklFlow(models.AbstractModel):
    """Base of the flows: one kind of synchronisation between a Marketplace and Odoo.

    A flow is an abstract model ``mirakl.flow.<code>`` (file ``models/mirakl_flow_<code>.py``)
    inheriting this one; it is found in the registry, no list to maintain. Its class attributes:

    - ``_flow_code``: its code, also the operation of its sync logs;
    - ``_flow_direction``: ``"import"`` (Mirakl to Odoo) or ``"export"``;
    - ``_flow_channel``: queue_job channel of its jobs, one of ``root.mirakl.*``
      (``data/queue_job_channel_data.xml``);
    - ``_flow_interval``: default interval of its scheduled action, e.g. ``(1, "days")``, or
      ``None`` for a flow that only runs on demand;
    - ``_flow_interval_field``: name of a Marketplace field holding the interval in minutes
      (an Integer, or a Selection of digit strings), which overrides ``_flow_interval``;
    - ``_flow_initial_import``: offered by the Initial Import wizard;
    - ``_flow_sequence``: its rank on the Marketplace form and in the wizard.

    Its ``_description`` names it for the users (sync logs, Marketplace form, wizard).

    A flow has two kinds of methods:

    - ``_run(instance, **options)``, called by its scheduled action, the Run button and the
      Initial Import (``options``: ``initial=True``, ``date_from``, ``date_to``) through
      ``mirakl.instance._run_flow``. It selects the work and enqueues jobs with ``_enqueue``;
      it never calls Mirakl. It returns what ``_enqueue`` returned, or a false value when there
      is nothing to do (the Initial Import then counts the flow as done).
    - Job methods ``_job_<what>(self, instance, *args)``, each taking the Marketplace as its
      first argument and doing one unit of work, declared with its channel and retry pattern
      in ``data/queue_job_function_<domain>_data.xml``. A job body opens its sync log with
      ``with self._sync_log(instance) as log:``, calls ``_check_call_limit`` before each
      Mirakl call that has a published maximum usage, and records per-record failures with
      ``log._add_failure(message, mirakl_ref=..., record=..., retry=(self._name,
      "_job_<what>", [args after the Marketplace]))``.

    A flow that reads incrementally keeps its cursor (a date, a watermark) on its own
    ``mirakl.instance.flow`` row with ``instance._set_flow_cursor(code, value)``, never on the
    Marketplace: jobs of several flows writing the Marketplace row at once would fail.

    A sync log is committed on a transaction of its own, which the job that opened it does not
    see (its snapshot is older): that job must not read the log, nor store it in a Many2one
    (foreign key violation). Pass the log to the next jobs instead: they see it.
    """

    _name = "mirakl.flow"
    _description = "Mirakl flow"

    _flow_code = None
    _flow_direction = "import"
    _flow_channel = "root.mirakl"
    _flow_interval = None
    _flow_interval_field = None
    _flow_initial_import = False
    _flow_sequence = 100

    @api.model
    def _flows(self):
        """Every flow of the registry, by code, in their sequence."""
        flows = [
            self.env[name]
            for name in self.env.registry["mirakl.flow"]._inherit_children
            if self.env[name]._flow_code
        ]
        flows.sort(key=lambda flow: (flow._flow_sequence, flow._flow_code))
        return {flow._flow_code: flow for flow in flows}

    @api.model
    def _get_flow(self, code):
        """The flow model of ``code``; a clear error when no installed module provides it."""
        flow = self._flows().get(code)
        if flow is None:
            raise UserError(self.env._("There is no Mirakl flow %(code)s.", code=code))
        return flow

    @api.model
    def _get_job_methods(self):
        """Names of this flow's job methods: ``_job_*``, apart from queue_job's own hooks."""
        hooks = self.env["base"]
        return [
            name
            for name in dir(type(self))
            if name.startswith("_job_") and not hasattr(hooks, name)
        ]

    @api.model
    def _get_interval(self, instance):
        """``(number, unit)`` of this flow's scheduled action for ``instance``, or ``None``."""
        if self._flow_interval_field:
            return int(instance[self._flow_interval_field]), "minutes"
        return self._flow_interval

    @api.model
    def _run(self, instance, **options):
        """Select the work for ``instance`` and enqueue its jobs (see the class docstring)."""
        raise NotImplementedError(f"{self._name} does not implement _run()")

    @api.model
    def _enqueue(
        self, instance, method, *args, identity=None, description=None, eta=None, **kwargs
    ):
        """Enqueue ``self.<method>(instance, *args, **kwargs)`` on the flow's channel.

        The job runs in the Marketplace's company and is linked to the Marketplace (its Pending
        Jobs). It is not created twice: while a job with the same identity waits, enqueuing it
        again returns the waiting one. The identity is the method with all its arguments, or,
        when ``identity`` is given (e.g. a Mirakl order id), the method, the Marketplace and
        ``identity``; an Initial Import has identities of its own. ``eta`` (seconds, or a
        datetime) delays the job: work asked for meanwhile joins it. Returns the queue_job
        ``Job``.
        """
        identity_key = identity_of_run
        if identity is not None:
            parent = self.env.context.get(PARENT_LOG_KEY)
            identity_key = f"{self._name}.{method}:{instance.id}:{identity}"
            identity_key += f":{parent}" if parent else ""
        delayable = self.with_company(instance.company_id).with_delay(
            channel=self._flow_channel,
            identity_key=identity_key,
            description=description or f"{instance.name}: {self._description}",
            eta=eta,
        )
        return getattr(delayable, method)(instance, *args, **kwargs)

    @api.model
    def _job_store_values(self, job):
        """Store the Marketplace, first argument of every flow job, on the job."""
        values = super()._job_store_values(job)
        instance = job.args[0] if job.args else None
        if isinstance(instance, models.BaseModel) and instance._name == "mirakl.instance":
            values["mirakl_instance_id"] = instance.id
        return values

    @api.model
    def _job_prepare_context_before_enqueue_keys(self):
        """Jobs of an Initial Import keep its log, so that their logs report to it."""
        return (*super()._job_prepare_context_before_enqueue_keys(), PARENT_LOG_KEY)

    @contextmanager
    def _retryable_errors(self):
        """Postpone the job on Mirakl's transient errors (429, 5xx, timeouts, network).

        The job is retried after Mirakl's Retry-After, or else as its retry pattern says.
        Other errors go through: retrying would not change the answer.
        """
        try:
            yield
        except errors.MiraklError as error:
            if not error.retryable:
                raise
            seconds = math.ceil(error.retry_after) if error.retry_after else None
            raise RetryableJobError(str(error), seconds=seconds) from error

    @api.model
    def _lock(self, records, message):
        """Work on ``records`` alone: when another job holds one of them, this job tries
        again shortly (``message`` says why, on the job)."""
        if not records:
            return
        try:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id IN %s FOR NO KEY UPDATE NOWAIT",
                    SQL.identifier(records._table),
                    tuple(records.ids),
                ),
                log_exceptions=False,
            )
        except psycopg2.errors.LockNotAvailable as error:
            raise RetryableJobError(message, seconds=LOCKED_RETRY_SECONDS) from error

    @api.model
    def _is_retry(self):
        """Whether the running job was tried before (its earlier try may have reached Mirakl)."""
        uuid = self.env.context.get("job_uuid")
        job = uuid and self.env["queue.job"].sudo().search([("uuid", "=", uuid)], limit=1)
        return bool(job and job.retry)

    @api.model
    def _check_call_limit(self, instance, operation):
        """Count a call to ``operation``, or postpone the job if Mirakl's limit would break.

        Mirakl publishes a maximum usage per call and per shop (``CALL_LIMITS`` in
        ``mirakl_call_limit.py``); calling more often gets 429s. Waiting does not count as a
        failed try of the job.
        """
        wait = self.env["mirakl.call.limit"]._reserve(instance, operation)
        if wait:
            raise RetryableJobError(
                f"{operation} was called less than its minimum interval ago on {instance.name}",
                seconds=wait,
                ignore_retry=True,
            )

    @contextmanager
    def _sync_log(self, instance, total=None):
        """Open this flow's sync log for ``instance`` and close it whatever happens.

        Yields the log. A retryable error postpones the job and leaves the log pending until the
        retry, which carries on with the same log; any other error fails the log and the job.
        A log the body did not finish is finished with the failures it recorded.
        """
        log = self.env["mirakl.sync.log"]._start(
            instance, self._flow_code, self._flow_direction, total=total
        )
        try:
            with self._retryable_errors():
                yield log
        except RetryableJobError as error:
            if error.ignore_retry or not self._is_last_try():
                log._postpone(error)
            else:
                log._fail(error)
            raise
        except Exception as error:
            log._fail(error)
            raise
        log._finish()

    @contextmanager
    def _log_errors(self, log):
        """Like ``_sync_log`` for a log opened by an earlier job (a multi-job import or export):
        postponed on retryable errors, failed on others, left open otherwise."""
        try:
            with self._retryable_errors():
                yield log
        except RetryableJobError as error:
            log._postpone(error)
            raise
        except Exception as error:
            log._fail(error)
            raise

    @api.model
    def _is_last_try(self):
        """Whether a retryable error now fails the running job for good (its last try)."""
        uuid = self.env.context.get("job_uuid")
        job = uuid and self.env["queue.job"].sudo().search([("uuid", "=", uuid)], limit=1)
        # The job's record still holds the tries made before this one.
        return bool(job and job.max_retries and job.retry + 1 >= job.max_retries)
