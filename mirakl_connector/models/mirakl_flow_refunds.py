# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import groupby

from odoo.addons.queue_job.exception import RetryableJobError

from ..mirakl import errors


class MiraklFlowRefunds(models.AbstractModel):
    """Refunds and cancellations made in Odoo, sent to Mirakl; refunds made on Mirakl, imported.

    Posting a credit note of a Mirakl order stores its OR28 refunds (one per Mirakl order line
    it covers, ``mirakl.refund``) and queues a job that sends them once the posting is
    committed; "Cancel on Mirakl" stores OR30 cancellations the same way. The job checks them
    against the order as last imported, sends what was not sent yet and keeps Mirakl's ids, so
    a job run again sends nothing twice; after a lost answer it reads the order first (OR11)
    and keeps what Mirakl recorded. What Mirakl refuses, or the order does not allow, stays on
    the credit note or the order (chatter) and on the sync log, with a Retry. The scheduled run
    queues what is still to send and imports the refunds made on Mirakl of invoiced orders as
    credit notes (the order import does it as it sees them).
    """

    _name = "mirakl.flow.refunds"
    _inherit = "mirakl.flow"
    _description = "Refunds and Cancellations"
    _flow_code = "refunds"
    _flow_direction = "export"
    _flow_channel = "root.mirakl.refunds"
    _flow_interval = (15, "minutes")
    _flow_sequence = 45

    @api.model
    def _run(self, instance, **options):
        """Queue the credit notes and cancellations still to send, and the refunds to import."""
        jobs = []
        moves = self.env["account.move"].sudo().search([("mirakl_refund_state", "=", "to_send")])
        for move in moves.filtered(lambda m: m._mirakl_orders().instance_id[:1] == instance):
            jobs.append(self._enqueue_credit_note(instance, move))
        cancelations = (
            self.env["mirakl.refund"]
            .sudo()
            .search(
                [
                    ("instance_id", "=", instance.id),
                    ("kind", "=", "cancelation"),
                    ("state", "=", "to_send"),
                ]
            )
        )
        for order in cancelations.order_id:
            jobs.append(self._enqueue_cancelations(order))
        waiting = self.env["mirakl.refund.import"].sudo()._waiting_orders(instance)
        if waiting:
            jobs.append(self._enqueue(instance, "_job_import_refunds", waiting))
        return jobs

    @api.model
    def _enqueue_credit_note(self, instance, move):
        return self._enqueue(
            instance,
            "_job_send_refunds",
            move,
            identity=f"move-{move.id}",
            description=self.env._(
                "%(marketplace)s: refund credit note %(move)s",
                marketplace=instance.name,
                move=move.name,
            ),
        )

    @api.model
    def _enqueue_cancelations(self, order):
        return self._enqueue(
            order.instance_id,
            "_job_send_cancelations",
            order,
            identity=f"order-{order.id}",
            description=self.env._(
                "%(marketplace)s: cancel lines of order %(order)s",
                marketplace=order.instance_id.name,
                order=order.mirakl_order_id,
            ),
        )

    # -- jobs ----------------------------------------------------------------------------

    def _job_send_refunds(self, instance, move):
        """Send the OR28 refunds of a posted credit note that Mirakl does not have yet."""
        instance, move = instance.sudo(), move.sudo()
        with self._sync_log(instance) as log:
            self._lock(move, f"{move.name} is being sent by another job")
            orders = move._mirakl_orders()
            if (
                move.state != "posted"
                or move.mirakl_refund_state not in ("to_send", "error")
                or any(orders.mapped("sync_stopped"))
            ):
                log._finish(skipped=1)
                return False
            requests = move.mirakl_refund_ids.filtered(lambda r: r.origin == "odoo")
            try:
                requests = self.env["mirakl.refund"]._mirakl_prepare_credit_note(move)
                if requests:
                    self._send(instance, requests, "refund_order_lines")
            except UserError as error:
                self._refused(log, move, orders, requests, error.args[0], "_job_send_refunds")
                return False
            except errors.MiraklError as error:
                if error.retryable:
                    raise
                self._refused(log, move, orders, requests, error.message, "_job_send_refunds")
                return False
            move._mirakl_refund_update_state()
            if requests:
                move.message_post(
                    body=self.env._(
                        "Refunded on Mirakl: %(parts)s.", parts=self._describe(requests)
                    )
                )
            log._finish(processed=1, updated=1)
            return True

    def _job_send_cancelations(self, instance, order):
        """Send the OR30 cancellations of an order asked for in Odoo, then bring its sale
        order down to what Mirakl still sells."""
        instance, order = instance.sudo(), order.sudo()
        with self._sync_log(instance) as log:
            self._lock(order, f"{order.mirakl_order_id} is being sent by another job")
            requests = self.env["mirakl.refund"].search(
                [
                    ("order_id", "=", order.id),
                    ("kind", "=", "cancelation"),
                    ("origin", "=", "odoo"),
                    ("state", "in", ("to_send", "error")),
                ]
            )
            if not requests or order.sync_stopped:
                log._finish(skipped=1)
                return False
            try:
                requests = requests._mirakl_prepare_cancelations()
                self._send(instance, requests, "cancel_order_lines")
            except UserError as error:
                requests = requests.exists()  # duplicates of a line were merged
                self._refused(log, order, order, requests, error.args[0], "_job_send_cancelations")
                return False
            except errors.MiraklError as error:
                if error.retryable:
                    raise
                self._refused(log, order, order, requests, error.message, "_job_send_cancelations")
                return False
            self._apply_cancelations(order, requests)
            log._finish(processed=1, updated=1)
            return True

    def _job_import_refunds(self, instance, orders):
        """Make the credit notes of the refunds made on Mirakl of ``orders``."""
        with self._sync_log(instance) as log:
            moves = self.env["mirakl.refund.import"].sudo()._import_refunds(orders.sudo())
            log._finish(processed=len(orders), created=len(moves), skipped=len(orders) - len(moves))
            return moves.ids

    # -- sending -------------------------------------------------------------------------

    @api.model
    def _send(self, instance, requests, method):
        """Send ``requests`` (one call per tax mode) with the client ``method``; Mirakl's ids
        are stored. On a retry, what Mirakl recorded from an earlier try is kept, not sent."""
        client = instance._get_client()
        if self._is_retry():
            requests = self._adopt(instance, client, requests)
        id_field = "refund_id" if method == "refund_order_lines" else "cancelation_id"
        requests = requests.sorted(lambda r: (r.order_id.id, r.line_id.sequence, r.id))
        for mode, group in groupby(requests, key=lambda r: r.tax_mode):
            group = self.env["mirakl.refund"].union(*group)
            try:
                result = getattr(client, method)(
                    [request._mirakl_part() for request in group], order_tax_mode=mode
                )
            except errors.MiraklResponseError as error:
                # Mirakl answered 2xx: what it recorded is read back on the retry.
                raise RetryableJobError(str(error), seconds=60) from error
            items = result.refunds if id_field == "refund_id" else result.cancelations
            by_line = {item.order_line_id: item for item in items}
            for request in group:
                item = by_line.get(request.line_id.mirakl_line_id)
                request.write(
                    {
                        "state": "sent",
                        "error": False,
                        "mirakl_ref": item and getattr(item, id_field),
                        "order_refund_ref": item and getattr(item, "order_refund_id", False),
                    }
                )

    @api.model
    def _adopt(self, instance, client, requests):
        """The ``requests`` Mirakl did not record: an earlier try may have reached it and lost
        the answer. OR11 lists the order's refunds and cancellations; one Odoo does not know,
        on the same line with the same amounts, is that request's."""
        self._check_call_limit(instance, "OR11")
        known = set(
            self.env["mirakl.refund"]
            .search([("line_id", "in", requests.line_id.ids), ("mirakl_ref", "!=", False)])
            .mapped("mirakl_ref")
        )
        left = requests
        for mode, group in groupby(requests, key=lambda r: r.tax_mode):
            group = self.env["mirakl.refund"].union(*group)
            order_ids = group.order_id.mapped("mirakl_order_id")
            for order in client.iter_orders(order_ids=order_ids, order_tax_mode=mode):
                for line_id, kind, item in self._listed_parts(order):
                    match = item.id not in known and next(
                        (r for r in left if r._mirakl_same_part(line_id, kind, item)), None
                    )
                    if match:
                        match.write({"state": "sent", "error": False, "mirakl_ref": item.id})
                        known.add(item.id)
                        left -= match
        return left

    @staticmethod
    def _listed_parts(order):
        """``(line id, kind, item)`` of each refund and cancellation OR11 lists on ``order``."""
        for line in order.order_lines:
            for item in line.refunds:
                yield line.order_line_id, "refund", item
            for item in line.cancelations:
                yield line.order_line_id, "cancelation", item

    @api.model
    def _apply_cancelations(self, order, requests):
        """Bring the sale order to what Mirakl sells after the cancellations (cancelled as a
        whole when nothing is left), then read the order again."""
        sale_order = order.sale_order_id
        cancelled = {}
        for request in requests:
            cancelled[request.line_id] = cancelled.get(request.line_id, 0) + request.quantity
        quantities = {
            sale_line: max(sale_line.product_uom_qty - cancelled[sale_line.mirakl_line_id], 0)
            for sale_line in sale_order.order_line
            if sale_line.mirakl_line_id in cancelled
        }
        order.message_post(
            body=self.env._("Cancelled on Mirakl: %(parts)s.", parts=self._describe(requests))
        )
        if sale_order and sale_order.state != "cancel":
            sale_order._mirakl_set_quantities(quantities, self.env._("cancelled in Odoo"))
            sold = sale_order.order_line.filtered("mirakl_line_id")
            if not any(sold.mapped("product_uom_qty")):
                reason = requests[:1].reason_code
                label = (
                    self.env["mirakl.reason"]
                    .search(
                        [("instance_id", "=", order.instance_id.id), ("code", "=", reason)], limit=1
                    )
                    .label
                )
                sale_order._mirakl_cancel(reason, label)
        order.action_refresh()

    # -- helpers -------------------------------------------------------------------------

    @api.model
    def _refused(self, log, record, orders, requests, message, method):
        """Keep why Mirakl did not take the requests on ``record`` (a credit note or an order),
        its chatter and the log, with a retry: nothing was sent."""
        requests.filtered(lambda r: r.state != "sent").write({"state": "error", "error": message})
        if record._name == "account.move":
            record.write({"mirakl_refund_state": "error", "mirakl_refund_error": message})
            body = self.env._("Not refunded on Mirakl: %(message)s", message=message)
        else:
            body = self.env._("Not cancelled on Mirakl: %(message)s", message=message)
        record.message_post(body=body)
        if record._name == "mirakl.order" and record.sale_order_id:
            record.sale_order_id.message_post(body=body)
        log._add_failure(
            message,
            mirakl_ref=", ".join(orders.mapped("mirakl_order_id")),
            record=record,
            retry=(self._name, method, [record]),
        )
        log._finish(processed=1, failed=1)

    @api.model
    def _describe(self, requests):
        return "; ".join(
            self.env._(
                "line %(line)s %(amount)s + shipping %(shipping)s (%(ref)s)",
                line=request.line_id.mirakl_line_id,
                amount=f"{request.amount:.2f}",
                shipping=f"{request.shipping_amount:.2f}",
                ref=request.mirakl_ref or "-",
            )
            for request in requests.sorted(lambda r: (r.line_id.sequence, r.id))
        )
