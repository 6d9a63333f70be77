# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json
from datetime import UTC, datetime, timedelta

from odoo import fields, sql_db
from odoo.tests import get_db_name, tagged

from odoo.addons.queue_job.exception import RetryableJobError

from ..models.mirakl_flow_orders import COMPLETION_LOCK, WATERMARK_OVERLAP
from .common import trap_jobs
from .common_order import MiraklOrderCase


def naive(value):
    """A simulator date as Odoo stores it: naive UTC, to the millisecond Mirakl sends."""
    value = value.astimezone(UTC).replace(tzinfo=None)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


@tagged("post_install", "-at_install")
class TestOrderImport(MiraklOrderCase):
    """OR11 incremental import: storage, one job per order, watermark, dedupe, errors."""

    def serve_once(self, *payloads):
        """Make the next OR11 answer ``payloads`` (orders the simulator cannot hold)."""
        self.simulator.inject_fault(
            op="OR11",
            status=200,
            body=json.dumps({"orders": list(payloads), "total_count": len(payloads)}, default=str),
            content_type="application/json",
            times=1,
        )

    def test_shipping_order_becomes_a_confirmed_sale_order(self):
        sim_order = self.add_order("SHIPPING")
        self.import_orders()
        order = self.mirakl_order(sim_order.order_id)
        self.assertEqual(order.import_state, "done", order.import_error)
        self.assertEqual(order.mirakl_state, "SHIPPING")
        self.assertEqual(len(order.line_ids), 2)
        sale = order.sale_order_id
        self.assertEqual(sale.state, "sale")
        self.assertEqual(sale.mirakl_order_id, sim_order.order_id)
        self.assertEqual(sale.mirakl_instance_id, self.marketplace)
        self.assertEqual(sale.warehouse_id, self.warehouse)
        self.assertEqual(sale.pricelist_id, self.pricelist)
        self.assertTrue(sale.picking_ids)

    def test_awaiting_acceptance_order_is_visible_before_any_address(self):
        sim_order = self.add_order("WAITING_ACCEPTANCE")
        self.import_orders()
        order = self.mirakl_order(sim_order.order_id)
        self.assertEqual(order.mirakl_state, "WAITING_ACCEPTANCE")
        self.assertFalse(order.has_addresses)
        self.assertTrue(order.customer_name)
        self.assertEqual(len(order.line_ids), 2)
        self.assertEqual(
            order.acceptance_deadline, naive(sim_order.created_date) + timedelta(hours=48)
        )
        self.assertTrue(order.activity_ids, "the responsible is asked to decide")
        self.assertFalse(order.sale_order_id)
        self.assertFalse(
            self.env["res.partner"].search([("mirakl_instance_id", "=", self.marketplace.id)]),
            "no partner is made from an order not accepted yet",
        )

    def test_one_job_per_order_with_its_identity(self):
        first = self.add_order("SHIPPING")
        second = self.add_order("WAITING_ACCEPTANCE")
        trap = self.import_orders(process=False)
        trap.assert_jobs_count(2, only=self.flow._job_process_order)
        for sim_order in (first, second):
            date = naive(sim_order.last_updated_date).isoformat()
            trap.assert_enqueued_job(
                self.flow._job_process_order,
                args=(self.marketplace, sim_order.order_id),
                properties={
                    "channel": "root.mirakl.orders",
                    "identity_key": f"mirakl.flow.orders._job_process_order:"
                    f"{self.marketplace.id}:{sim_order.order_id}:{date}",
                },
            )
        (request,) = self.requests("OR11")
        self.assertEqual(request.query["order_tax_mode"], ["TAX_EXCLUDED"])
        self.assertEqual(request.query["max"], ["100"])
        self.assertIn("start_update_date", request.query)

    def test_state_filters_go_to_mirakl(self):
        self.marketplace.order_state_ids = self.env.ref(
            "mirakl_connector.order_state_shipping"
        ) | self.env.ref("mirakl_connector.order_state_canceled")
        self.import_orders()
        (request,) = self.requests("OR11")
        self.assertEqual(request.query["order_state_codes"], ["SHIPPING,CANCELED"])

    def test_every_page_is_read_and_the_watermark_follows_the_stored_orders(self):
        ids = self.simulator.add_generated_orders(self.SHOP_ID, 230, lines_per_order=1)
        self.import_orders(process=False)
        orders = self.env["mirakl.order"].search([("instance_id", "=", self.marketplace.id)])
        self.assertEqual(sorted(orders.mapped("mirakl_order_id")), sorted(ids))
        self.assertEqual(len(self.requests("OR11")), 3)
        self.assertEqual(self.marketplace.order_watermark, max(orders.mapped("last_updated_date")))
        self.assertEqual(self.last_log().created_count, 230)

        self.simulator.reset_logs()
        self.import_orders(process=False)
        (request,) = self.requests("OR11")
        start = self.marketplace.order_watermark - WATERMARK_OVERLAP
        self.assertEqual(request.query["start_update_date"], [start.strftime("%Y-%m-%dT%H:%M:%SZ")])

    def test_unchanged_orders_read_again_are_skipped(self):
        sim_order = self.add_order("SHIPPING")
        self.import_orders()
        # Mirakl widens the window: the same order comes back unchanged.
        trap = self.import_orders(process=False)
        trap.assert_jobs_count(0)
        self.assertEqual(self.last_log().skipped_count, 1)
        self.assertEqual(
            self.env["sale.order"].search_count([("mirakl_order_id", "=", sim_order.order_id)]), 1
        )
        # A real change is stored and processed once more.
        self.simulator.set_order_state(sim_order.order_id, "SHIPPED")
        trap = self.import_orders(process=False)
        trap.assert_jobs_count(1, only=self.flow._job_process_order)

    def test_failing_order_does_not_block_the_others_and_is_retried(self):
        bad = self.add_order(
            "SHIPPING", lines=[{"offer_sku": "SKU-NEW", "quantity": 1, "price_unit": "9.00"}]
        )
        good = self.add_order("SHIPPING")
        self.import_orders()
        self.assertEqual(self.mirakl_order(good.order_id).sale_order_id.state, "sale")
        failed = self.mirakl_order(bad.order_id)
        self.assertEqual(failed.import_state, "error")
        self.assertIn("SKU-NEW", failed.import_error)
        self.assertFalse(failed.sale_order_id)
        # The watermark went past both: the failed one is stored, and waits for its retry.
        self.assertEqual(self.marketplace.order_watermark, naive(good.last_updated_date))
        log = self.last_log()
        self.assertEqual(log.state, "failed")
        (line,) = log.line_ids
        self.assertEqual(line.mirakl_ref, bad.order_id)
        self.assertIn("SKU-NEW", line.message)

        self.env["product.product"].create(
            {"name": "New", "default_code": "SKU-NEW", "is_storable": True}
        )
        with trap_jobs() as trap:
            line.action_retry()
            self.run_jobs(trap)
        self.assertEqual(failed.import_state, "done")
        self.assertEqual(failed.sale_order_id.state, "sale")

    def test_sale_orders_are_made_together_and_a_failure_stays_on_its_order(self):
        """Each order is processed in its own job; one job then creates and confirms their
        sale orders together. An order whose confirmation fails (the seller's accounting
        requires an analytic distribution on its product) ends in error with a retry; the
        others are confirmed."""
        category = self.env["product.category"].create({"name": "Analytic required"})
        plan = self.env["account.analytic.plan"].create({"name": "Channels"})
        self.env["account.analytic.account"].create({"name": "Mirakl", "plan_id": plan.id})
        rule = self.env["account.analytic.applicability"].create(
            {
                "analytic_plan_id": plan.id,
                "business_domain": "sale_order",
                "product_categ_id": category.id,
                "applicability": "mandatory",
            }
        )
        self.env["product.product"].create(
            {"name": "Stuck", "default_code": "SKU-STUCK", "categ_id": category.id}
        )
        first, second = self.add_order("SHIPPING"), self.add_order("SHIPPING")
        stuck = self.add_order(
            "SHIPPING", lines=[{"offer_sku": "SKU-STUCK", "quantity": 1, "price_unit": "9.00"}]
        )
        trap = self.import_orders(process=False)
        # The fetch stored the orders with their lines; each order has its processing job.
        self.assertEqual(len(self.mirakl_order(first.order_id).line_ids), 2)
        trap.assert_jobs_count(3, only=self.flow._job_process_order)
        with trap_jobs() as completion:  # the one job the processing jobs queued
            trap.perform_enqueued_jobs()
        processed = [self.mirakl_order(o.order_id) for o in (first, second, stuck)]
        self.assertEqual([o.import_state for o in processed], ["done"] * 3)
        self.assertFalse(self.env["mirakl.order"].union(*processed).sale_order_id)
        completion.assert_jobs_count(1, only=self.flow._job_complete_sale_orders)

        completion.perform_enqueued_jobs()
        self.assertEqual(processed[0].sale_order_id.state, "sale")
        self.assertEqual(processed[1].sale_order_id.state, "sale")
        self.assertTrue(processed[0].sale_order_id.picking_ids)
        failed = processed[2]
        self.assertEqual(failed.import_state, "error")
        self.assertEqual(failed.sale_order_id.state, "draft")
        self.assertIn("analytic distribution", failed.import_error)
        (line,) = self.last_log().line_ids
        self.assertEqual(line.mirakl_ref, stuck.order_id)

        rule.applicability = "optional"
        with trap_jobs() as trap:
            line.action_retry()
            self.run_jobs(trap)
        self.assertEqual(failed.import_state, "done")
        self.assertEqual(failed.sale_order_id.state, "sale")

    def test_one_completion_job_at_a_time_per_marketplace(self):
        order = self.add_order("SHIPPING")
        trap = self.import_orders(process=False)
        with trap_jobs() as completion:
            trap.perform_enqueued_jobs()
        with sql_db.db_connect(get_db_name()).cursor() as other:  # another completion job
            other.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [COMPLETION_LOCK, self.marketplace.id]
            )
            with self.assertRaises(RetryableJobError):
                self.flow._job_complete_sale_orders(self.marketplace)
            other.rollback()
        completion.perform_enqueued_jobs()
        self.assertEqual(self.mirakl_order(order.order_id).sale_order_id.state, "sale")

    def test_watermark_never_passes_an_order_that_could_not_be_stored(self):
        stored = self.add_order("SHIPPING")
        lost = self.add_order("SHIPPING", created_date=datetime.now(UTC) - timedelta(hours=2))
        lost_payload = self.simulator.order_payload(lost.order_id)
        del lost_payload["order_id"]
        self.serve_once(lost_payload, self.simulator.order_payload(stored.order_id))
        self.import_orders()
        self.assertTrue(self.mirakl_order(stored.order_id).sale_order_id)
        lost_date = naive(lost.last_updated_date)
        self.assertEqual(self.marketplace.order_watermark, lost_date - timedelta(seconds=1))
        self.assertIn("without an id", self.last_log().line_ids.message)
        # The next run reads from before it, and gets it once Mirakl sends it whole.
        self.simulator.reset_logs()
        self.import_orders()
        (request,) = self.requests("OR11")
        start = datetime.strptime(request.query["start_update_date"][0], "%Y-%m-%dT%H:%M:%SZ")
        self.assertLess(start, lost_date)
        self.assertTrue(self.mirakl_order(lost.order_id).sale_order_id)

    def test_incomplete_and_malformed_orders_are_kept_in_error(self):
        incomplete = self.add_order("SHIPPING")
        malformed = self.add_order("SHIPPING")
        incomplete_payload = self.simulator.order_payload(incomplete.order_id)
        del incomplete_payload["order_lines"][0]["price_unit"]
        del incomplete_payload["customer"]
        malformed_payload = self.simulator.order_payload(malformed.order_id)
        malformed_payload["order_lines"][0]["quantity"] = "a few"
        self.serve_once(incomplete_payload, malformed_payload)
        self.import_orders()
        first = self.mirakl_order(incomplete.order_id)
        self.assertEqual(first.import_state, "error")
        self.assertIn("no customer.customer_id", first.import_error)
        self.assertIn("order_lines[0]: no price_unit", first.import_error)
        self.assertEqual(first.sudo().payload["order_id"], incomplete.order_id)
        second = self.mirakl_order(malformed.order_id)
        self.assertEqual(second.import_state, "error")
        self.assertIn("quantity", second.import_error)
        self.assertEqual(second.sudo().payload["order_lines"][0]["quantity"], "a few")
        messages = (
            self.env["mirakl.sync.log.line"]
            .search([("log_id.instance_id", "=", self.marketplace.id)])
            .mapped("mirakl_ref")
        )
        self.assertEqual(sorted(messages), sorted([incomplete.order_id, malformed.order_id]))
        # Sent whole again, they go through.
        self.simulator.touch_order(incomplete.order_id)
        self.simulator.touch_order(malformed.order_id)
        self.import_orders()
        self.assertEqual(first.import_state, "done")
        self.assertEqual(second.import_state, "done")

    def test_an_order_that_cannot_be_stored_whole_stays_in_error_the_page_goes_on(self):
        """The fetch writes the orders of a page and their lines at once; an order whose
        lines cannot be written (Mirakl sent a line twice) stays in error with a retry and
        gets no processing job, the others go on."""
        broken, fine = self.add_order("SHIPPING"), self.add_order("SHIPPING")
        broken_payload = self.simulator.order_payload(broken.order_id)
        broken_payload["order_lines"][1]["order_line_id"] = broken_payload["order_lines"][0][
            "order_line_id"
        ]
        self.serve_once(broken_payload, self.simulator.order_payload(fine.order_id))
        trap = self.import_orders(process=False)
        failed = self.mirakl_order(broken.order_id)
        self.assertEqual(failed.import_state, "error")
        self.assertIn("appears twice", failed.import_error)
        self.assertFalse(failed.line_ids)
        self.assertEqual(len(self.mirakl_order(fine.order_id).line_ids), 2)
        trap.assert_jobs_count(1, only=self.flow._job_process_order)
        (line,) = self.last_log().line_ids
        self.assertEqual((line.mirakl_ref, line.res_id), (broken.order_id, failed.id))
        self.assertTrue(line.can_retry)
        with trap_jobs() as completion:
            self.run_jobs(trap)
            self.run_jobs(completion)
        self.assertEqual(self.mirakl_order(fine.order_id).sale_order_id.state, "sale")
        # Sent whole again, it goes through.
        self.simulator.touch_order(broken.order_id)
        self.import_orders()
        self.assertEqual(failed.import_state, "done")
        self.assertEqual(len(failed.line_ids), 2)
        self.assertEqual(failed.sale_order_id.state, "sale")

    def test_sweep_repairs_a_missed_order_and_retries_the_failed_ones(self):
        failing = self.add_order(
            "SHIPPING", lines=[{"offer_sku": "SKU-LATE", "quantity": 1, "price_unit": "9.00"}]
        )
        self.import_orders()
        self.assertEqual(self.mirakl_order(failing.order_id).import_state, "error")
        self.env["product.product"].create({"name": "Late", "default_code": "SKU-LATE"})
        missed = self.add_order("SHIPPING", created_date=datetime.now(UTC) - timedelta(days=2))
        self.import_orders()
        self.assertFalse(self.mirakl_order(missed.order_id), "older than the window")
        watermark = self.marketplace.order_watermark
        self.allow_calls()
        with trap_jobs() as trap:
            self.env["mirakl.flow.orders_sweep"]._job_sweep(self.marketplace)
            self.run_jobs(trap)
        self.assertTrue(self.mirakl_order(missed.order_id).sale_order_id)
        self.assertTrue(self.mirakl_order(failing.order_id).sale_order_id, "processed again")
        self.assertEqual(self.marketplace.order_watermark, watermark, "the sweep keeps it")
        (request,) = self.requests("OR11")[-1:]
        start = datetime.strptime(request.query["start_update_date"][0], "%Y-%m-%dT%H:%M:%SZ")
        self.assertAlmostEqual(
            start, fields.Datetime.now() - timedelta(days=5), delta=timedelta(minutes=1)
        )

    def test_initial_import_goes_through_the_async_export(self):
        self.simulator.order_settings.export_pending_polls = 0
        first = self.add_order("SHIPPING")
        second = self.add_order("CLOSED", shipping={"carrier_code": "UPS", "tracking": "1Z9"})
        self.allow_calls()
        with trap_jobs() as trap:
            self.marketplace._run_flow(
                "orders",
                initial=True,
                date_from=fields.Date.today() - timedelta(days=1),
                date_to=fields.Date.today(),
            )
            self.run_jobs(trap)
        self.assertEqual(len(self.requests("OR13")), 1)
        self.assertTrue(self.requests("OR15"))
        self.assertFalse(self.requests("OR11"))
        self.assertAlmostEqual(
            self.marketplace.order_watermark, fields.Datetime.now(), delta=timedelta(minutes=1)
        )
        self.assertEqual(self.mirakl_order(first.order_id).sale_order_id.state, "sale")
        closed = self.mirakl_order(second.order_id).sale_order_id
        self.assertEqual(closed.picking_ids.mapped("state"), ["done"])
        self.assertEqual(closed.picking_ids.carrier_tracking_ref, "1Z9")
