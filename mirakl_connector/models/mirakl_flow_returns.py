# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.queue_job.exception import RetryableJobError

from ..mapping import order as order_mapping
from ..mapping import returns as return_mapping
from ..mirakl import errors
from .mirakl_flow import CONCURRENCY_ERRORS
from .mirakl_return import DECISIONS

_logger = logging.getLogger(__name__)

# Read again this much before the cursor: a return updated while a run was paging may carry
# an older date than the latest one stored.
CURSOR_OVERLAP = timedelta(minutes=5)
# The first run reads the returns updated this long before it.
FIRST_RUN_WINDOW = timedelta(days=30)
PAGE_SIZE = 100
# Errors that say what is wrong with a return or its order; anything else is a bug (logged).
RETURN_ERRORS = (UserError, ValidationError, order_mapping.PayloadError)


class MiraklFlowReturns(models.AbstractModel):
    """Returns: read what customers send back, and tell Mirakl what the seller decided.

    A run pages RT11 from the flow's cursor (the latest Mirakl update date stored, less an
    overlap), stores each return it reads, new or changed, page by page, then follows it in
    Odoo: linked to its order and lines, a receipt made from the delivery once it is in
    progress, cancelled when the return is. A return that cannot be linked or received stays
    in error with its payload, a sync log line and a retry; the others go on.

    Accepting, refusing (with Mirakl's reason) and validating a return receipt only mark the
    return; jobs send the marks after the commit, 100 returns a call (RT21, RT25), and keep
    Mirakl's refusal of each on the return and the log, with a retry.
    """

    _name = "mirakl.flow.returns"
    _inherit = "mirakl.flow"
    _description = "Returns"
    _flow_code = "returns"
    _flow_channel = "root.mirakl.orders"
    _flow_interval = (15, "minutes")  # RT11: every 5 minutes at most
    _flow_sequence = 84

    @api.model
    def _run(self, instance, **options):
        """Import the returns changed on Mirakl, and send what waits to be sent."""
        if not instance.returns_enabled:
            return False
        groups = self.env["mirakl.return"]._read_group(
            [
                ("instance_id", "=", instance.id),
                ("pending_action", "!=", False),
                ("sync_error", "=", False),
            ],
            ["pending_action"],
        )
        actions = [action for (action,) in groups]
        return [
            self._enqueue(instance, "_job_fetch_updates", identity="updates"),
            *self._enqueue_actions(instance, actions),
        ]

    @api.model
    def _enqueue_actions(self, instance, actions):
        """Queue the jobs sending the pending ``actions``: one of each kind per Marketplace
        while it waits, which takes every return marked meanwhile."""
        jobs = []
        if set(actions) & set(DECISIONS):
            jobs.append(self._enqueue(instance, "_job_send_decisions", identity="decisions"))
        if "receive" in actions:
            jobs.append(self._enqueue(instance, "_job_send_receptions", identity="receptions"))
        return jobs

    # -- jobs ----------------------------------------------------------------------------

    def _job_fetch_updates(self, instance):
        """RT11 of the returns updated since the flow's cursor: store and follow them."""
        instance = instance.sudo()
        with self._sync_log(instance) as log:
            self._check_call_limit(instance, "RT11")
            cursor = instance._flow_cursor(self._flow_code)
            if cursor:
                start = cursor - CURSOR_OVERLAP
            else:
                start = fields.Datetime.now() - FIRST_RUN_WINDOW
            result = {"created": 0, "updated": 0, "skipped": 0, "failed": 0, "newest": None}
            page = []
            returns = instance._get_client().iter_returns(
                last_updated_from=start,
                page_size=PAGE_SIZE,
                on_invalid=lambda raw, error: page.append(raw),
            )
            for item in returns:
                page.append(item.model_dump(mode="json", exclude_unset=True))
                if len(page) >= PAGE_SIZE:
                    self._store(instance, log, page[:], result)
                    page.clear()
            self._store(instance, log, page, result)
            instance._advance_flow_cursor(self._flow_code, result.pop("newest"))
            log._finish(**result)

    def _job_process_returns(self, instance, returns):
        """Follow stored returns again (after importing their order, fixing a delivery...)."""
        instance, returns = instance.sudo(), returns.sudo().exists()
        with self._sync_log(instance) as log:
            orders = self._orders(instance, returns.mapped("order_ref"))
            done = sum(self._process(log, record, orders) for record in returns)
            log._finish(processed=len(returns), updated=done, failed=len(returns) - done)

    def _job_import_orders(self, instance, returns):
        """Import the orders of returns read before them (OR11 by id, each order processed
        as its own job would), then follow the returns again."""
        refs = sorted(set(returns.exists().mapped("order_ref")))
        orders_flow = self.env["mirakl.flow.orders"]
        orders_flow._job_fetch_orders(instance, refs)
        for ref in refs:  # their queued jobs then find them up to date
            orders_flow._job_process_order(instance, ref)
        orders = self.env["mirakl.order"].search(
            [("instance_id", "=", instance.id), ("mirakl_order_id", "in", refs)]
        )
        orders_flow._complete(instance, orders_flow._waiting_for_completion(instance, orders))
        self._job_process_returns(instance, returns)

    def _job_send_decisions(self, instance, returns=None):
        """RT21: the accept and refuse decisions waiting (only those of ``returns``, on a
        retry); accepted returns get their receipt."""
        instance = instance.sudo()
        with self._sync_log(instance) as log:
            returns = self._pending(instance, DECISIONS, returns)
            decisions = [
                {
                    "id": record.mirakl_return_id,
                    "accepted": record.pending_action == "accept",
                    "rejection_reason_code": (
                        record.rejection_reason_code if record.pending_action == "refuse" else None
                    ),
                }
                for record in returns
            ]
            refusals = self._send(
                instance, log, returns, "_job_send_decisions", lambda c: c.decide_returns(decisions)
            )
            sent = returns.filtered(lambda r: r.mirakl_return_id not in refusals)
            for record in sent:
                accepted = record.pending_action == "accept"
                record.write(
                    {
                        "mirakl_state": "IN_PROGRESS" if accepted else "REFUSED",
                        "pending_action": False,
                    }
                )
                record.message_post(
                    body=self.env._("Return accepted on Mirakl.")
                    if accepted
                    else self.env._(
                        "Return refused on Mirakl: %(reason)s.",
                        reason=dict(record._fields["rejection_reason_code"].selection).get(
                            record.rejection_reason_code, "-"
                        ),
                    )
                )
            orders = self._orders(instance, sent.mapped("order_ref"))
            followed = sum(self._process(log, record, orders) for record in sent)
            log._finish(processed=len(returns), updated=followed, failed=len(returns) - followed)

    def _job_send_receptions(self, instance, returns=None):
        """RT25: tell Mirakl the items of the returns whose receipts are done arrived."""
        instance = instance.sudo()
        with self._sync_log(instance) as log:
            returns = self._pending(instance, ("receive",), returns)
            ids = returns.mapped("mirakl_return_id")
            refusals = self._send(
                instance, log, returns, "_job_send_receptions", lambda c: c.receive_returns(ids)
            )
            sent = returns.filtered(lambda r: r.mirakl_return_id not in refusals)
            sent.write({"mirakl_state": "RECEIVED", "pending_action": False})
            for record in sent:
                record.message_post(body=self.env._("Mirakl told that the items arrived."))
            log._finish(processed=len(returns), updated=len(sent), failed=len(refusals))

    # -- import ----------------------------------------------------------------------------

    @api.model
    def _store(self, instance, log, page, result):
        """Create or update the returns of ``page`` (raw RT11 items) and follow those that
        changed; unchanged ones (the overlap) are skipped."""
        if not page:
            return
        Return = self.env["mirakl.return"].sudo()
        entries = {}  # return id -> (payload, hash); the last read wins
        for raw in page:
            payload, digest = order_mapping.fingerprint(raw)
            return_id = payload.get("id") if isinstance(payload, dict) else None
            if not isinstance(return_id, str) or not return_id:
                result["failed"] += 1
                log._add_failure(self.env._("Mirakl sent a return without an id: skipped."))
                continue
            entries[return_id] = (payload, digest)
        existing = {
            record.mirakl_return_id: record
            for record in Return.search(
                [
                    ("instance_id", "=", instance.id),
                    ("mirakl_return_id", "in", list(entries)),
                ]
            )
        }
        to_create, changed = [], Return
        for return_id, (payload, digest) in entries.items():
            record = existing.get(return_id)
            if record and record.payload_hash == digest:
                result["skipped"] += 1
                continue
            values = {**self._values(payload), "payload": payload, "payload_hash": digest}
            if record:
                if record.pending_action == "refuse":
                    values.pop("rejection_reason_code", None)  # the seller's, not sent yet
                record.write(values)
                changed |= record
            else:
                to_create.append({**values, "instance_id": instance.id})
        created = Return.create(to_create)
        dates = [date for date in (created | changed).mapped("last_updated_date") if date]
        if dates and (not result["newest"] or max(dates) > result["newest"]):
            result["newest"] = max(dates)
        orders = self._orders(instance, (created | changed).mapped("order_ref"))
        for records, key in ((created, "created"), (changed, "updated")):
            for record in records:
                ok = self._process(log, record, orders)
                result[key if ok else "failed"] += 1
        self._fetch_missing_orders(instance, (created | changed), orders)

    @api.model
    def _fetch_missing_orders(self, instance, returns, orders):
        """Returns whose order Odoo does not have yet (read before the order import, e.g.
        during an Initial Import) wait for a job that imports their orders first."""
        waiting = returns.filtered(
            lambda r: r.import_state == "error" and r.order_ref and r.order_ref not in orders
        )
        if waiting:
            self._enqueue(
                instance,
                "_job_import_orders",
                waiting,
                description=self.env._(
                    "%(marketplace)s: import the orders of returns, then follow them",
                    marketplace=instance.name,
                ),
            )

    @api.model
    def _values(self, payload):
        """The return's values from its payload; only its ids when the payload is unusable
        (following it then fails with the reason)."""
        try:
            return_mapping.check(payload)
        except order_mapping.PayloadError:
            return {
                "mirakl_return_id": payload["id"],
                "order_ref": payload.get("order_id") or False,
            }
        lines = [
            Command.create(return_mapping.line_values(line)) for line in payload["return_lines"]
        ]
        return {**return_mapping.return_values(payload), "line_ids": [Command.clear(), *lines]}

    @api.model
    def _orders(self, instance, order_refs):
        """The Marketplace's ``mirakl.order`` of ``order_refs``, by Mirakl order id."""
        orders = (
            self.env["mirakl.order"]
            .sudo()
            .search(
                [
                    ("instance_id", "=", instance.id),
                    ("mirakl_order_id", "in", list(set(order_refs))),
                ]
            )
        )
        return {order.mirakl_order_id: order for order in orders}

    @api.model
    def _process(self, log, record, orders):
        """Follow one return in a savepoint; its failure stays on it and on the log."""
        try:
            with self.env.cr.savepoint():
                return_mapping.check(record.sudo().payload)
                record._mirakl_apply(orders)
                if record.import_state != "done":
                    record.write({"import_state": "done", "import_error": False})
            return True
        except (RetryableJobError, *CONCURRENCY_ERRORS):
            raise
        except RETURN_ERRORS as error:
            message = error.args[0] if isinstance(error, UserError) else str(error)
        except Exception as error:  # a bug: logged, and the other returns go on
            _logger.exception("Mirakl return %s could not be processed", record.mirakl_return_id)
            message = f"{type(error).__name__}: {error}"
        record.write({"import_state": "error", "import_error": message})
        log._add_failure(
            message,
            mirakl_ref=record.mirakl_return_id,
            record=record,
            retry=(self._name, "_job_process_returns", [record]),
        )
        return False

    # -- sending -------------------------------------------------------------------------

    @api.model
    def _pending(self, instance, actions, returns=None):
        """The returns with one of ``actions`` to send (of ``returns`` when given, whatever
        Mirakl said before; else those Mirakl did not refuse), locked for this job."""
        if returns is None:
            returns = (
                self.env["mirakl.return"]
                .sudo()
                .search(
                    [
                        ("instance_id", "=", instance.id),
                        ("pending_action", "in", list(actions)),
                        ("sync_error", "=", False),
                    ]
                )
            )
        returns = returns.sudo().exists().sorted("id")
        if not returns:
            return returns
        self._lock(returns, "Returns are being sent by another job")
        returns.invalidate_recordset(["pending_action", "sync_error"])
        return returns.filtered(lambda r: r.pending_action in actions)

    @api.model
    def _send(self, instance, log, returns, method, call):
        """Make the Mirakl ``call`` for ``returns``; returns ``{return id: refusal}`` and keeps
        each refusal on its return and on the log, with a retry of ``method``."""
        if not returns:
            return {}
        try:
            result = call(instance._get_client())
        except errors.MiraklError as error:
            if error.retryable:
                raise
            refusals = {record.mirakl_return_id: error.message for record in returns}
        else:
            refusals = result.errors_by_id()
            answered = {item.id for item in result.return_success} | set(refusals)
            for record in returns.filtered(lambda r: r.mirakl_return_id not in answered):
                refusals[record.mirakl_return_id] = self.env._("Mirakl did not answer for it.")
        for record in returns.filtered(lambda r: r.mirakl_return_id in refusals):
            action = dict(record._fields["pending_action"].selection)[record.pending_action]
            message = self.env._(
                "Mirakl refused to %(action)s return %(ret)s: %(reason)s",
                action=action.lower(),
                ret=record.display_name,
                reason=refusals[record.mirakl_return_id],
            )
            record.sync_error = refusals[record.mirakl_return_id]
            record.message_post(body=message)
            log._add_failure(
                message,
                mirakl_ref=record.mirakl_return_id,
                record=record,
                retry=(self._name, method, [record]),
            )
        return refusals
