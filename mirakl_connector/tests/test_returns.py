# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.queue_job.exception import RetryableJobError

from .common_order import MiraklOrderCase, trap_jobs


@tagged("post_install", "-at_install")
class TestReturns(MiraklOrderCase):
    """Customers' returns: imported once, accepted or refused from Odoo (RT21, after the
    commit), received through a return receipt (RT25), Mirakl's refusals and bad payloads kept
    on the sync log with a retry."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.marketplace.returns_enabled = True
        cls.returns_flow = cls.env["mirakl.flow.returns"]

    def setUp(self):
        super().setUp()
        self.simulator.platform_configuration["features"]["returns"]["marketplace"] = True
        self.addCleanup(self._forget_returns)

    def _forget_returns(self):
        with self.simulator.store.lock:
            self.simulator.store.returns = type(self.simulator.store.returns)()

    # -- helpers ---------------------------------------------------------------------------

    def shipped_order(self):
        """A SHIPPED order (2 x SKU-A, 1 x SKU-B) whose delivery Odoo validated."""
        sim_order = self.add_order()
        self.import_orders()
        self.simulator.set_order_state(sim_order.order_id, "SHIPPED")
        self.import_orders()
        order = self.mirakl_order(sim_order.order_id)
        self.assertEqual(order.sale_order_id.picking_ids.state, "done")
        return sim_order, order

    def import_returns(self):
        """Run the return import job now, then the jobs it queued; returns the trap."""
        self.allow_calls()
        with trap_jobs() as trap:
            self.returns_flow._job_fetch_updates(self.marketplace)
            self.run_jobs(trap)
        return trap

    def mirakl_return(self, sim_return):
        return self.env["mirakl.return"].search(
            [
                ("instance_id", "=", self.marketplace.id),
                ("mirakl_return_id", "=", sim_return.id),
            ]
        )

    def imported_return(self, **options):
        """A return of one SKU-A unit (by default), imported; ``(sim return, record)``."""
        sim_order, _order = self.shipped_order()
        line_id = sim_order.lines[0].order_line_id
        options.setdefault("lines", [{"order_line_id": line_id, "quantity": 1}])
        sim_return = self.simulator.add_return(sim_order.order_id, **options)
        self.import_returns()
        record = self.mirakl_return(sim_return)
        self.assertEqual(record.import_state, "done", record.import_error)
        self.simulator.reset_logs()
        return sim_return, record

    def send(self, action):
        """Call ``action`` (a button), check it only queued work, then run the jobs."""
        with trap_jobs() as trap:
            action()
        self.assertFalse(self.simulator.requests, "buttons never wait on Mirakl")
        self.run_jobs(trap)
        return trap

    def validate(self, picking):
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        with trap_jobs() as trap:
            self.assertIs(picking.button_validate(), True)
        return trap

    # -- import ----------------------------------------------------------------------------

    def test_return_is_imported_once(self):
        sim_order, order = self.shipped_order()
        line_a, line_b = sim_order.lines
        sim_return = self.simulator.add_return(
            sim_order.order_id,
            lines=[
                {"order_line_id": line_a.order_line_id, "quantity": 2},
                {"order_line_id": line_b.order_line_id, "reason_code": "RETURN_DEFECTIVE_ITEM"},
            ],
            rma="RMA-42",
            tracking={"carrier_code": "UPS", "tracking_number": "1ZBACK"},
        )
        self.import_returns()
        self.import_returns()

        record = self.mirakl_return(sim_return)
        self.assertEqual(len(record), 1)
        self.assertRecordValues(
            record,
            [
                {
                    "order_ref": sim_order.order_id,
                    "order_id": order.id,
                    "sale_order_id": order.sale_order_id.id,
                    "mirakl_state": "WAITING_ACCEPTANCE",
                    "method_code": "RETURN_METHOD_BY_MAIL",
                    "reason_code": "RETURN_CHANGED_MIND",
                    "rma": "RMA-42",
                    "carrier": "UPS",
                    "tracking_number": "1ZBACK",
                    "return_address": "12 rue de la Paix, 75002 Paris, FRA",
                    "import_state": "done",
                    "pending_action": False,
                }
            ],
        )
        self.assertEqual(record.display_name, f"{sim_order.order_id} / RMA-42")
        self.assertEqual(record.line_ids.mapped("order_line_id"), order.line_ids)
        self.assertEqual(record.line_ids.mapped("quantity"), [2, 1])
        self.assertEqual(
            record.line_ids.mapped("reason_code"), ["RETURN_CHANGED_MIND", "RETURN_DEFECTIVE_ITEM"]
        )
        self.assertEqual(record.line_ids.product_id.mapped("default_code"), ["SKU-A", "SKU-B"])
        self.assertFalse(record.picking_ids, "no receipt before the return is accepted")
        self.assertEqual(order.sale_order_id.mirakl_return_count, 1)

        logs = self.env["mirakl.sync.log"].search(
            [("instance_id", "=", self.marketplace.id), ("operation", "=", "returns")]
        )
        self.assertEqual(logs.mapped("state"), ["done", "done"])
        self.assertEqual(logs.mapped("created_count"), [0, 1])
        self.assertEqual(logs.mapped("skipped_count"), [1, 0], "the overlap is read again")
        first, second = self.requests("RT11")
        self.assertEqual(first.query["limit"], ["100"])
        row = self.marketplace.flow_ids.filtered(lambda flow: flow.flow_code == "returns")
        self.assertEqual(row.cursor, record.last_updated_date)
        overlap = (row.cursor - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.assertEqual(second.query["return_last_updated_from"], [overlap])

    def test_import_respects_the_call_limit_and_the_platform(self):
        self.import_returns()
        with self.assertRaises(RetryableJobError):
            self.returns_flow._job_fetch_updates(self.marketplace)
        self.marketplace.returns_enabled = False
        self.assertFalse(self.returns_flow._run(self.marketplace))
        self.simulator.platform_configuration["features"]["returns"]["marketplace"] = True
        self.marketplace.action_test_connection()
        self.assertTrue(self.marketplace.returns_enabled)

    def test_return_read_before_its_order_imports_the_order_then_follows(self):
        """As in an Initial Import, where returns and orders are read at the same time."""
        sim_order = self.add_order("SHIPPED")
        sim_return = self.simulator.add_return(
            sim_order.order_id, lines=[{"order_line_id": sim_order.lines[0].order_line_id}]
        )
        self.allow_calls()
        with trap_jobs() as trap:
            self.returns_flow._job_fetch_updates(self.marketplace)
        record = self.mirakl_return(sim_return)
        self.assertEqual(record.import_state, "error")
        self.assertIn("which is not in Odoo", record.import_error)
        trap.assert_enqueued_job(
            self.returns_flow._job_import_orders, args=(self.marketplace, record)
        )
        self.run_jobs(trap)
        self.assertEqual(record.import_state, "done", record.import_error)
        self.assertEqual(record.order_id, self.mirakl_order(sim_order.order_id))
        self.assertEqual(
            record.line_ids.order_line_id.mirakl_line_id, sim_order.lines[0].order_line_id
        )

    def test_bad_returns_are_kept_in_error_and_never_block_the_others(self):
        sim_order, _order = self.shipped_order()
        line_a, line_b = sim_order.lines
        unknown_line = self.simulator.add_return(
            sim_order.order_id, lines=[{"order_line_id": line_a.order_line_id}]
        )
        unknown_line.lines[0]["order_line_id"] = "NOT-A-LINE"
        unreadable = self.simulator.add_return(
            sim_order.order_id, lines=[{"order_line_id": line_b.order_line_id}]
        )
        unreadable.lines[0]["quantity"] = "one"
        self.simulator.clock.advance(seconds=1)
        other_order = self.add_order()
        self.import_orders()
        self.simulator.set_order_state(other_order.order_id, "SHIPPED")
        self.import_orders()
        good = self.simulator.add_return(other_order.order_id)

        self.import_returns()

        record = self.mirakl_return(unknown_line)
        self.assertEqual(record.import_state, "error")
        self.assertEqual(
            record.import_error,
            f"Return {record.display_name} names order lines NOT-A-LINE, which order "
            f"{sim_order.order_id} does not have in Odoo: refresh the order, then retry.",
        )
        self.assertEqual(record.line_ids.mirakl_line_ref, "NOT-A-LINE", "nothing is lost")
        self.assertEqual(record.sudo().payload["id"], unknown_line.id)
        broken = self.mirakl_return(unreadable)
        self.assertEqual(broken.import_state, "error")
        self.assertIn("has no valid quantity ('one')", broken.import_error)
        self.assertEqual(broken.order_ref, sim_order.order_id)
        self.assertEqual(broken.sudo().payload["return_lines"][0]["quantity"], "one")
        self.assertEqual(self.mirakl_return(good).import_state, "done")

        log = self.last_log("returns")
        self.assertEqual(log.state, "partial")
        self.assertEqual((log.created_count, log.failed_count), (1, 2))
        lines = log.line_ids.sorted("mirakl_ref")
        self.assertEqual(
            sorted(lines.mapped("mirakl_ref")), sorted([unknown_line.id, unreadable.id])
        )
        self.assertTrue(all(lines.mapped("can_retry")))
        self.assertEqual(set(lines.mapped("retry_method")), {"_job_process_returns"})
        self.assertIn(record.import_error, lines.mapped("message"))
        with trap_jobs() as trap:
            log.line_ids.filtered(lambda line: line.mirakl_ref == unknown_line.id).action_retry()
        trap.assert_enqueued_job(
            self.returns_flow._job_process_returns, args=(self.marketplace, record)
        )

    # -- decisions -------------------------------------------------------------------------

    def test_accepted_return_gets_its_receipt(self):
        sim_return, record = self.imported_return()
        self.send(record.action_accept)

        (request,) = self.requests("RT21")
        self.assertEqual((request.method, request.path), ("PUT", "/api/returns/accept"))
        self.assertEqual(request.query, {"shop_id": [str(self.SHOP_ID)]})
        self.assertEqual(
            self.request_json(request), {"returns": [{"id": sim_return.id, "accepted": True}]}
        )
        self.assertEqual(sim_return.state, "IN_PROGRESS")
        self.assertEqual(record.mirakl_state, "IN_PROGRESS")
        self.assertFalse(record.pending_action)

        receipt = record.picking_ids
        self.assertEqual(len(receipt), 1, record.import_error)
        sale = record.sale_order_id
        delivery = sale.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertEqual(receipt.picking_type_code, "incoming")
        self.assertEqual(receipt.return_id, delivery)
        self.assertEqual(receipt.sale_id, sale)
        self.assertEqual(receipt.state, "assigned")
        self.assertEqual(receipt.move_ids.product_id.default_code, "SKU-A")
        self.assertEqual(receipt.move_ids.product_uom_qty, 1.0)
        self.assertEqual(receipt.move_ids.origin_returned_move_id.picking_id, delivery)
        self.assertEqual(self.last_log("returns").state, "done")

    def test_mirakl_users_decide_but_do_not_create_returns(self):
        sim_return, record = self.imported_return()
        user = new_test_user(
            self.env, login="returns_user", groups="mirakl_connector.group_mirakl_user"
        )
        with trap_jobs() as trap:
            record.with_user(user).action_accept()
        trap.assert_enqueued_job(self.returns_flow._job_send_decisions, args=(self.marketplace,))
        self.assertEqual(record.pending_action, "accept")
        with self.assertRaises(AccessError):
            self.env["mirakl.return"].with_user(user).create(
                {"instance_id": self.marketplace.id, "mirakl_return_id": "mine"}
            )
        with self.assertRaisesRegex(UserError, "not awaiting a decision"):
            record.action_accept()
        self.run_jobs(trap)  # as the queue would, with the user's rights
        self.assertEqual(sim_return.state, "IN_PROGRESS")
        self.assertEqual(len(record.picking_ids), 1)

    def test_refused_return_sends_its_reason(self):
        sim_return, record = self.imported_return()
        action = record.action_refuse()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create(
                {
                    "rejection_reason_code": "RETURN_REJECTION_WINDOW_CLOSED",
                    "note": "Bought two months ago",
                }
            )
        )
        self.assertEqual(wizard.return_ids, record)
        self.send(wizard.action_refuse)

        (request,) = self.requests("RT21")
        self.assertEqual(
            self.request_json(request),
            {
                "returns": [
                    {
                        "id": sim_return.id,
                        "accepted": False,
                        "rejection_reason_code": "RETURN_REJECTION_WINDOW_CLOSED",
                    }
                ]
            },
        )
        self.assertEqual(
            (sim_return.state, sim_return.rejection_reason_code),
            ("REFUSED", "RETURN_REJECTION_WINDOW_CLOSED"),
        )
        self.assertEqual(record.mirakl_state, "REFUSED")
        self.assertEqual(record.rejection_reason_code, "RETURN_REJECTION_WINDOW_CLOSED")
        self.assertFalse(record.picking_ids)
        bodies = "\n".join(record.message_ids.mapped("body"))
        self.assertIn("Bought two months ago", bodies)
        self.assertIn("Return refused on Mirakl: Return window closed.", bodies)

    def test_partial_refusal_is_on_the_log_with_a_retry(self):
        sim_order, _order = self.shipped_order()
        line_a, line_b = sim_order.lines
        first = self.simulator.add_return(
            sim_order.order_id, lines=[{"order_line_id": line_a.order_line_id}]
        )
        second = self.simulator.add_return(
            sim_order.order_id, lines=[{"order_line_id": line_b.order_line_id}]
        )
        self.import_returns()
        accepted, refused = self.mirakl_return(first), self.mirakl_return(second)
        self.simulator.set_return_state(second.id, "CANCELED")  # the customer gave up meanwhile
        self.simulator.reset_logs()

        self.send((accepted | refused).action_accept)

        (request,) = self.requests("RT21")
        self.assertEqual(
            self.request_json(request)["returns"],
            [{"id": first.id, "accepted": True}, {"id": second.id, "accepted": True}],
        )
        self.assertEqual(accepted.mirakl_state, "IN_PROGRESS")
        self.assertEqual(accepted.picking_ids.move_ids.product_uom_qty, 2.0)
        self.assertEqual(refused.mirakl_state, "WAITING_ACCEPTANCE")
        self.assertEqual(refused.pending_action, "accept", "kept until sent or moot")
        self.assertEqual(refused.sync_error, "Return is in invalid state")
        self.assertFalse(refused.picking_ids)
        log = self.last_log("returns")
        self.assertEqual(log.state, "partial")
        (failure,) = log.line_ids
        self.assertEqual(failure.mirakl_ref, second.id)
        self.assertEqual(
            failure.message,
            f"Mirakl refused to accept return {refused.display_name}: Return is in invalid state",
        )
        self.assertEqual((failure.res_model, failure.res_id), ("mirakl.return", refused.id))
        self.assertTrue(failure.can_retry)
        with trap_jobs() as trap:
            failure.action_retry()
        trap.assert_enqueued_job(
            self.returns_flow._job_send_decisions, args=(self.marketplace, refused)
        )
        failure.flush_recordset()  # as the button's request would, before the next job's logs
        with trap_jobs() as trap:
            refused.action_retry()  # the button on the return does the same
        trap.assert_enqueued_job(self.returns_flow._job_send_decisions, args=(self.marketplace,))
        self.assertFalse(refused.sync_error)
        # The next import shows why: the return was cancelled, nothing is left to send.
        self.import_returns()
        self.assertEqual(refused.mirakl_state, "CANCELED")
        self.assertFalse(refused.pending_action)

    # -- reception -------------------------------------------------------------------------

    def test_validated_receipt_tells_mirakl_the_items_arrived(self):
        sim_return, record = self.imported_return()
        self.send(record.action_accept)
        self.simulator.reset_logs()

        trap = self.validate(record.picking_ids)
        self.assertFalse(self.simulator.requests, "validation never waits on Mirakl")
        self.assertEqual(record.pending_action, "receive")
        trap.assert_enqueued_job(self.returns_flow._job_send_receptions, args=(self.marketplace,))
        self.run_jobs(trap)

        (request,) = self.requests("RT25")
        self.assertEqual((request.method, request.path), ("PUT", "/api/returns/receive"))
        self.assertEqual(self.request_json(request), {"returns": [{"id": sim_return.id}]})
        self.assertEqual(sim_return.state, "RECEIVED")
        self.assertEqual(record.mirakl_state, "RECEIVED")
        self.assertFalse(record.pending_action)
        self.assertEqual(record.sale_order_id.order_line[0].qty_delivered, 1.0)

    def test_cancelled_return_cancels_its_receipt(self):
        sim_return, record = self.imported_return()
        self.send(record.action_accept)
        receipt = record.picking_ids
        self.simulator.set_return_state(sim_return.id, "CANCELED")
        self.import_returns()
        self.assertEqual(record.mirakl_state, "CANCELED")
        self.assertEqual(receipt.state, "cancel")
        self.assertIn("receipts", record.message_ids[0].body)
