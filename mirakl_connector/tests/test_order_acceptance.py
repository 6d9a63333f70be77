# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from odoo.addons.queue_job.exception import RetryableJobError

from .common import trap_jobs
from .common_order import MiraklOrderCase


@tagged("post_install", "-at_install")
class TestOrderAcceptance(MiraklOrderCase):
    """OR21 in the three acceptance modes; every call decides on every line."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        listings = cls.env["mirakl.listing"].create(
            [
                {
                    "instance_id": cls.marketplace.id,
                    "offer_id": str(7000 + index),
                    "shop_sku": product.default_code,
                    "product_id": product.id,
                    "price": 10.0,
                }
                for index, product in enumerate(cls.products)
            ]
        )
        cls.listing_a, cls.listing_b = listings[:2]

    def add_waiting_order(self, quantity_b=1, price_b="10.00"):
        return self.add_order(
            "WAITING_ACCEPTANCE",
            lines=[
                self.line("SKU-A", 7000, 2, "10.00"),
                self.line("SKU-B", 7001, quantity_b, price_b),
            ],
        )

    def line(self, sku, offer_id, quantity, price):
        return {
            "offer_sku": sku,
            "offer_id": offer_id,
            "product_sku": f"PRD-{sku}",
            "product_title": f"Product {sku}",
            "quantity": quantity,
            "price_unit": price,
        }

    def or21_bodies(self):
        return [self.request_json(request) for request in self.requests("OR21")]

    def decisions(self, sim_order, *accepted):
        return {
            "order_lines": [
                {"id": line.order_line_id, "accepted": flag}
                for line, flag in zip(sim_order.lines, accepted, strict=True)
            ]
        }

    def test_manual_mode_waits_for_the_seller_then_accepts_every_line(self):
        sim_order = self.add_waiting_order()
        self.import_orders()
        order = self.mirakl_order(sim_order.order_id)
        self.assertFalse(self.requests("OR21"))
        (activity,) = order.activity_ids
        self.assertEqual(activity.user_id, self.marketplace.user_id)
        self.assertLessEqual(activity.date_deadline, order.acceptance_deadline.date())

        with trap_jobs() as trap:
            order.action_accept()
            self.run_jobs(trap)
        self.assertEqual(self.or21_bodies(), [self.decisions(sim_order, True, True)])
        self.assertTrue(order.acceptance_sent_date)
        self.assertFalse(order.activity_ids)
        self.assertEqual(order.mirakl_state, "WAITING_DEBIT_PAYMENT", "read again after OR21")
        self.assertEqual(order.line_ids.mapped("acceptance_decision"), ["accepted", "accepted"])

    def test_manual_refusal_of_some_lines_accepts_the_others_and_keeps_the_reason(self):
        sim_order = self.add_waiting_order()
        self.import_orders()
        order = self.mirakl_order(sim_order.order_id)
        action = order.action_refuse()
        wizard_form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        wizard_form.line_ids.remove(index=0)  # refuse SKU-B only
        wizard_form.reason = "Broken at the supplier"
        with trap_jobs() as trap:
            wizard_form.save().action_refuse()
            self.run_jobs(trap)
        self.assertEqual(self.or21_bodies(), [self.decisions(sim_order, True, False)])
        self.assertTrue(
            any("Broken at the supplier" in body for body in order.message_ids.mapped("body"))
        )
        self.assertEqual(
            order.line_ids.mapped("mirakl_state"), ["WAITING_DEBIT_PAYMENT", "REFUSED"]
        )
        with self.assertRaises(UserError):
            order.action_accept()
        # Paid: the sale order sells the accepted line only.
        self.simulator.set_order_state(sim_order.order_id, "SHIPPING")
        self.import_orders()
        sale_lines = order.sale_order_id.order_line.filtered("mirakl_line_id")
        self.assertEqual(sale_lines.product_id.default_code, "SKU-A")

    def test_refusal_pushes_the_stock_of_the_refused_listings_again(self):
        sim_order = self.add_waiting_order()
        self.import_orders()
        order = self.mirakl_order(sim_order.order_id)
        self.assertEqual(order.line_ids.listing_id, self.listing_a | self.listing_b)
        (self.listing_a | self.listing_b).stock_export_key = "5"
        wizard = self.env["mirakl.order.refuse"].create(
            {"order_id": order.id, "line_ids": [(6, 0, order.line_ids[1].ids)], "reason": "No"}
        )
        with trap_jobs() as trap:
            wizard.action_refuse()
        exports = [
            (job.args, job.identity_key)
            for job in trap.enqueued_jobs
            if (job.model_name, job.method_name) == ("mirakl.flow.stock", "_job_export")
        ]
        self.assertEqual(len(exports), 1, "a stock export is queued after the refusal")
        self.assertEqual(exports[0][0], (self.marketplace, False))
        self.assertTrue(exports[0][1].endswith(":delta"))
        self.assertFalse(self.listing_b.stock_export_key, "the refused listing is sent again")
        self.assertEqual(self.listing_a.stock_export_key, "5", "the accepted one is not")

    def test_acceptance_of_every_line_pushes_no_stock(self):
        sim_order = self.add_waiting_order()
        self.import_orders()
        with trap_jobs() as trap:
            self.mirakl_order(sim_order.order_id).action_accept()
        self.assertFalse(
            [job for job in trap.enqueued_jobs if job.model_name == "mirakl.flow.stock"]
        )

    def test_refusal_rejected_by_mirakl_tells_the_seller(self):
        self.simulator.order_settings.partial_acceptance = False
        sim_order = self.add_waiting_order()
        self.import_orders()
        order = self.mirakl_order(sim_order.order_id)
        wizard = self.env["mirakl.order.refuse"].create(
            {"order_id": order.id, "line_ids": [(6, 0, order.line_ids[1].ids)], "reason": "No"}
        )
        with self.assertRaisesRegex(UserError, "ORDER_PARTIAL_ACCEPTANCE_DISABLED"):
            wizard.action_refuse()
        self.assertFalse(order.acceptance_sent_date)

    def test_automatic_mode_accepts_every_line_at_import(self):
        self.marketplace.acceptance_mode = "automatic"
        sim_order = self.add_waiting_order()
        self.import_orders()
        self.assertEqual(self.or21_bodies(), [self.decisions(sim_order, True, True)])
        order = self.mirakl_order(sim_order.order_id)
        self.assertEqual(order.mirakl_state, "WAITING_DEBIT_PAYMENT")
        self.assertFalse(order.activity_ids)
        self.assertFalse(order.sale_order_id, "sale orders wait for SHIPPING by default")
        # Paid: the next import makes the sale order.
        self.simulator.set_order_state(sim_order.order_id, "SHIPPING")
        self.import_orders()
        self.assertEqual(order.sale_order_id.state, "sale")
        self.assertEqual(len(self.requests("OR21")), 1, "never decided twice")

    def test_rules_accept_known_stocked_and_well_priced_lines(self):
        self.marketplace.write({"acceptance_mode": "rules", "acceptance_price_tolerance": 5})
        sim_order = self.add_waiting_order(price_b="10.40")
        self.import_orders()
        self.assertEqual(self.or21_bodies(), [self.decisions(sim_order, True, True)])

    def test_rules_refuse_the_lines_short_of_stock_after_the_buffer(self):
        self.marketplace.write(
            {
                "acceptance_mode": "rules",
                "acceptance_rule_failure": "refuse",
                "acceptance_stock_buffer": 5,
            }
        )
        sim_order = self.add_waiting_order(quantity_b=46)  # 50 in stock - 5 kept back
        self.import_orders()
        self.assertEqual(self.or21_bodies(), [self.decisions(sim_order, True, False)])
        order = self.mirakl_order(sim_order.order_id)
        self.assertIn("45 free after the buffer", order.line_ids[1].acceptance_note)
        self.assertTrue(
            any("45 free after the buffer" in body for body in order.message_ids.mapped("body"))
        )

    def test_rules_do_not_promise_the_same_stock_to_two_orders(self):
        """Units accepted for an order whose sale order does not reserve them yet are not
        free for the next one (50 in stock: 30 + 30 cannot both be accepted)."""
        self.marketplace.write({"acceptance_mode": "rules", "acceptance_rule_failure": "refuse"})
        first = self.add_waiting_order(quantity_b=30)
        second = self.add_waiting_order(quantity_b=30)
        trap = self.import_orders(process=False)
        with trap_jobs():  # the refreshes the decisions queue are not needed here
            trap.perform_enqueued_jobs()
        self.assertEqual(
            self.or21_bodies(),
            [self.decisions(first, True, True), self.decisions(second, True, False)],
        )
        note = self.mirakl_order(second.order_id).line_ids[1].acceptance_note
        self.assertIn("20 free after the buffer, 30 ordered", note)

    def test_rules_leave_a_badly_priced_order_to_the_seller(self):
        self.marketplace.write({"acceptance_mode": "rules", "acceptance_price_tolerance": 5})
        sim_order = self.add_waiting_order(price_b="12.00")
        self.import_orders()
        self.assertFalse(self.requests("OR21"))
        order = self.mirakl_order(sim_order.order_id)
        self.assertTrue(order.activity_ids)
        self.assertIn("more than 5.0% away", order.line_ids[1].acceptance_note)
        self.assertFalse(order.line_ids[0].acceptance_note)

    def test_rules_refuse_unknown_skus(self):
        self.marketplace.write({"acceptance_mode": "rules", "acceptance_rule_failure": "refuse"})
        sim_order = self.add_order(
            "WAITING_ACCEPTANCE",
            lines=[{"offer_sku": "SKU-UNKNOWN", "quantity": 1, "price_unit": "10.00"}],
        )
        self.import_orders()
        self.assertEqual(self.or21_bodies(), [self.decisions(sim_order, False)])
        order = self.mirakl_order(sim_order.order_id)
        self.assertEqual(order.mirakl_state, "REFUSED")
        self.assertFalse(order.sale_order_id)
        self.assertEqual(order.import_state, "done")

    def test_decision_mirakl_no_longer_takes_is_not_an_error(self):
        self.marketplace.acceptance_mode = "automatic"
        sim_order = self.add_waiting_order()
        self.simulator.inject_fault(op="OR21", status=400, times=1)
        self.import_orders()
        order = self.mirakl_order(sim_order.order_id)
        self.assertEqual(order.import_state, "done")
        self.assertFalse(order.acceptance_sent_date)
        self.assertTrue(
            any("Mirakl refused the decision" in b for b in order.message_ids.mapped("body"))
        )

    def test_mirakl_unavailable_postpones_the_job(self):
        self.marketplace.acceptance_mode = "automatic"
        sim_order = self.add_waiting_order()
        self.simulator.inject_fault(op="OR21", status=503, retry_after=0, times=10)
        self.allow_calls()
        with (
            trap_jobs() as trap,
            mute_logger("odoo.addons.mirakl_connector.mirakl.client"),  # its retries
        ):
            self.flow._job_fetch_updates(self.marketplace)
            with self.assertRaises(RetryableJobError):
                trap.perform_enqueued_jobs()
        self.assertFalse(self.mirakl_order(sim_order.order_id).acceptance_sent_date)
