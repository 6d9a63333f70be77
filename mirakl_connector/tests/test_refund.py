# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.queue_job.exception import RetryableJobError

from .common_order import MiraklOrderCase, trap_jobs


@tagged("post_install", "-at_install")
class TestRefund(MiraklOrderCase):
    """Credit notes of Mirakl orders are refunded on Mirakl (OR28) to the cent, once; units
    cancelled in Odoo are cancelled there (OR30); refunds made on Mirakl become credit notes,
    once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Reason = cls.env["mirakl.reason"]
        cls.refund_reason = Reason.create(
            {
                "instance_id": cls.marketplace.id,
                "code": "REF1",
                "label": "Customer return",
                "type": "REFUND",
                "is_shop_right": True,
            }
        )
        cls.cancel_reason = Reason.create(
            {
                "instance_id": cls.marketplace.id,
                "code": "CAN1",
                "label": "Out of stock",
                "type": "CANCELATION",
                "is_shop_right": True,
            }
        )
        cls.marketplace.write(
            {
                "auto_invoice": True,
                "send_refunds": True,
                "refund_reason_id": cls.refund_reason.id,
                "cancel_reason_id": cls.cancel_reason.id,
            }
        )
        cls.refunds_flow = cls.env["mirakl.flow.refunds"]

    # -- helpers ---------------------------------------------------------------------------

    def imported(self, state="SHIPPED", **options):
        """An order of the simulator in ``state``, imported (and, by default, invoiced)."""
        sim_order = self.add_order(state, **options)
        self.import_orders()
        order = self.mirakl_order(sim_order.order_id)
        self.assertEqual(order.import_state, "done", order.import_error)
        self.simulator.reset_logs()
        return sim_order, order

    def use_tax_included(self):
        self.marketplace.write(
            {
                "order_tax_mode": "TAX_INCLUDED",
                "tax_mapping_ids": [
                    Command.clear(),
                    Command.create({"tax_code": "VAT", "rate": 20, "tax_id": self.tax_included.id}),
                ],
            }
        )
        self.simulator.platform_configuration["features"]["order_tax_mode"] = "TAX_INCLUDED"

    def invoice(self, order):
        return order.sale_order_id.invoice_ids.filtered(lambda m: m.move_type == "out_invoice")

    def credit_note(self, order, quantities=None):
        """A draft credit note reversing the order's invoice; ``quantities`` maps product
        internal references (``"ship"`` for the delivery line) to the quantity to refund,
        0 dropping the line; lines not named are refunded in full."""
        invoice = self.invoice(order)
        self.assertEqual(invoice.state, "posted")
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Return"})
        )
        credit = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        commands = []
        for line in credit.invoice_line_ids.filtered(lambda ln: ln.display_type == "product"):
            key = "ship" if line.sale_line_ids.is_delivery else line.product_id.default_code
            quantity = (quantities or {}).get(key)
            if quantity == 0:
                commands.append(Command.delete(line.id))
            elif quantity is not None:
                commands.append(Command.update(line.id, {"quantity": quantity}))
        credit.write({"invoice_line_ids": commands})
        return credit

    def post(self, credit):
        """Post ``credit`` and run the jobs it queued."""
        with trap_jobs() as trap:
            credit.action_post()
            self.assertFalse(self.requests("OR28"), "posting never waits on Mirakl")
            self.run_jobs(trap)

    def refund_bodies(self):
        return [self.request_json(request) for request in self.requests("OR28")]

    def credit_notes(self, order):
        return order.sale_order_id.invoice_ids.filtered(lambda m: m.move_type == "out_refund")

    def bodies(self, record):
        return "\n".join(record.message_ids.mapped("body"))

    # -- OR28 ------------------------------------------------------------------------------

    def test_partial_refund_tax_excluded_then_never_twice(self):
        sim_order, order = self.imported()
        line_a, line_b = sim_order.lines
        credit = self.credit_note(order, {"SKU-A": 1, "SKU-B": 0, "ship": 0})
        self.post(credit)
        self.assertEqual(
            self.refund_bodies(),
            [
                {
                    "order_tax_mode": "TAX_EXCLUDED",
                    "refunds": [
                        {
                            "order_line_id": line_a.order_line_id,
                            "amount": 10,
                            "shipping_amount": 0,
                            "taxes": [{"code": "VAT", "amount": 2}],
                            "shipping_taxes": [{"code": "VAT", "amount": 0}],
                            "quantity": 1,
                            "reason_code": "REF1",
                            "currency_iso_code": "EUR",
                        }
                    ],
                }
            ],
        )
        [refund] = line_a.refunds
        request = credit.mirakl_refund_ids
        self.assertEqual((request.state, request.mirakl_ref), ("sent", refund.id))
        self.assertEqual((request.amount, request.tax_amount), (10.0, 2.0))
        self.assertEqual(credit.mirakl_refund_state, "sent")
        self.assertIn("Refunded on Mirakl", self.bodies(credit))
        self.assertEqual(self.last_log("refunds").state, "done")
        self.assertFalse(line_b.refunds)

        # The job again: nothing is sent twice.
        self.simulator.reset_logs()
        self.refunds_flow._job_send_refunds(self.marketplace, credit)
        self.assertFalse(self.requests("OR28"))

        # The next import lists the refund: linked to the request, no credit note made of it.
        self.import_orders()
        self.assertEqual(request.adjustment_id, order.adjustment_ids)
        self.assertEqual(order.adjustment_ids.mirakl_id, refund.id)
        self.assertEqual(self.credit_notes(order), credit)
        self.assertEqual(len(self.invoice(order)), 1, "what was refunded is not invoiced again")
        self.assertFalse(self.requests("OR28"))

    def test_full_refund_tax_included_to_the_cent(self):
        self.use_tax_included()
        lines = [
            {"offer_sku": "SKU-A", "quantity": 3, "price_unit": "11.99", "shipping_price": "4.90"},
            {"offer_sku": "SKU-C", "quantity": 1, "price_unit": "59.00"},
        ]
        sim_order, order = self.imported(lines=lines, tax_mode="TAX_INCLUDED")
        line_a, line_c = sim_order.lines
        credit = self.credit_note(order)
        self.assertEqual(credit.amount_total, 99.87)
        self.post(credit)
        [body] = self.refund_bodies()
        self.assertEqual(body["order_tax_mode"], "TAX_INCLUDED")
        self.assertEqual(
            body["refunds"],
            [
                {
                    "order_line_id": line_a.order_line_id,
                    "amount": 35.97,
                    "shipping_amount": 4.9,
                    "taxes": [{"code": "VAT", "amount": 6}],
                    "shipping_taxes": [{"code": "VAT", "amount": 0.82}],
                    "quantity": 3,
                    "reason_code": "REF1",
                    "currency_iso_code": "EUR",
                },
                {
                    "order_line_id": line_c.order_line_id,
                    "amount": 59,
                    "shipping_amount": 0,
                    "taxes": [{"code": "VAT", "amount": 9.83}],
                    "quantity": 1,
                    "reason_code": "REF1",
                    "currency_iso_code": "EUR",
                },
            ],
        )
        self.assertEqual([line.state for line in sim_order.lines], ["REFUNDED", "REFUNDED"])
        self.assertEqual(credit.mirakl_refund_state, "sent")
        self.import_orders()
        self.assertEqual(order.line_ids.mapped("mirakl_state"), ["REFUNDED", "REFUNDED"])
        self.assertEqual(len(order.adjustment_ids), 2)
        self.assertEqual(credit.mirakl_refund_ids.adjustment_id, order.adjustment_ids)
        self.assertEqual(self.credit_notes(order), credit)

    def test_partial_refund_with_shipping_tax_included(self):
        self.use_tax_included()
        sim_order, order = self.imported(tax_mode="TAX_INCLUDED")
        line_a = sim_order.lines[0]
        credit = self.credit_note(order, {"SKU-A": 1, "SKU-B": 0})
        self.post(credit)
        [refund] = self.refund_bodies()[0]["refunds"]
        # 2 x 10.00 and 5.00 of shipping, tax included: 8.33 + 1.67 a unit, 4.17 + 0.83.
        self.assertEqual(
            (refund["amount"], refund["taxes"], refund["shipping_amount"]),
            (10, [{"code": "VAT", "amount": 1.67}], 5),
        )
        self.assertEqual(refund["shipping_taxes"], [{"code": "VAT", "amount": 0.83}])
        self.assertEqual(line_a.state, "SHIPPED", "one unit is left to refund")

    def test_refund_blocked_when_mirakl_does_not_allow_it(self):
        sim_order, order = self.imported(state="SHIPPING")
        self.assertEqual(self.invoice(order).state, "posted")
        credit = self.credit_note(order, {"SKU-B": 0, "ship": 0})
        self.post(credit)
        self.assertFalse(self.requests("OR28"), "nothing is sent")
        message = (
            f"Mirakl does not let line {sim_order.lines[0].order_line_id} of order "
            f"{sim_order.order_id} be refunded (status SHIPPING at the last import)."
        )
        self.assertEqual(credit.mirakl_refund_state, "error")
        self.assertEqual(credit.mirakl_refund_error, message)
        self.assertIn(message, self.bodies(credit))
        log = self.last_log("refunds")
        self.assertEqual(log.state, "failed")
        self.assertEqual(log.line_ids.message, message)
        self.assertTrue(log.line_ids.can_retry)
        self.assertFalse(sim_order.lines[0].refunds)

    def test_refusal_is_kept_with_a_retry_and_a_busy_mirakl_postpones(self):
        sim_order, order = self.imported()
        stale = self.env["mirakl.reason"].create(
            {
                "instance_id": self.marketplace.id,
                "code": "OLD",
                "label": "Withdrawn",
                "type": "REFUND",
                "is_shop_right": True,
            }
        )
        credit = self.credit_note(order, {"SKU-B": 0, "ship": 0})
        credit.mirakl_refund_reason_id = stale
        self.post(credit)
        self.assertEqual(len(self.requests("OR28")), 1)
        self.assertEqual(credit.mirakl_refund_state, "error")
        self.assertIn("The reason code 'OLD' is not a REFUND reason", credit.mirakl_refund_error)
        self.assertIn("Not refunded on Mirakl", self.bodies(credit))
        log = self.last_log("refunds")
        self.assertEqual(log.state, "failed")
        self.assertIn("'OLD' is not a REFUND reason", log.line_ids.message)
        self.assertEqual(credit.mirakl_refund_ids.state, "error")

        # Fixed, and retried from the log: Mirakl is busy first, the job waits for it.
        credit.mirakl_refund_reason_id = self.refund_reason
        self.simulator.reset_logs()
        self.simulator.inject_fault("OR28", status=500, times=1)
        with trap_jobs() as trap:
            log.line_ids.action_retry()
        self.assertEqual(len(trap.enqueued_jobs), 1)
        with self.assertRaisesKeepingLogs(RetryableJobError):
            self.refunds_flow._job_send_refunds(self.marketplace, credit)
        self.assertEqual(self.last_log("refunds").state, "pending")
        self.assertFalse(sim_order.lines[0].refunds)
        self.simulator.clear_faults()
        self.allow_calls()
        self.assertTrue(self.refunds_flow._job_send_refunds(self.marketplace, credit))
        self.assertEqual(credit.mirakl_refund_state, "sent")
        self.assertEqual(len(sim_order.lines[0].refunds), 1)

    def test_refund_recorded_by_mirakl_despite_a_lost_answer_is_not_sent_again(self):
        sim_order, order = self.imported()
        line_a = sim_order.lines[0]
        credit = self.credit_note(order, {"SKU-A": 1, "SKU-B": 0, "ship": 0})
        with trap_jobs():
            credit.action_post()
        request = credit.mirakl_refund_ids
        self.assertEqual(request.state, "to_send")
        # Mirakl took the refund, Odoo never got the answer.
        refund = self.simulator.refund_on_mirakl(sim_order.order_id, line_a.order_line_id, "10.00")
        self.import_orders()
        self.assertEqual((request.state, request.mirakl_ref), ("sent", refund.id))
        self.assertEqual(request.adjustment_id.mirakl_id, refund.id)
        self.assertEqual(self.credit_notes(order), credit, "not imported as a credit note")
        self.refunds_flow._job_send_refunds(self.marketplace, credit)
        self.assertFalse(self.requests("OR28"))
        self.assertEqual(credit.mirakl_refund_state, "sent")
        self.assertEqual(len(line_a.refunds), 1)

    def test_credit_notes_are_not_sent_unless_the_marketplace_says_so(self):
        self.marketplace.send_refunds = False
        _sim_order, order = self.imported()
        credit = self.credit_note(order)
        self.post(credit)
        self.assertFalse(self.requests("OR28"))
        self.assertFalse(credit.mirakl_refund_state)

    # -- refunds made on Mirakl --------------------------------------------------------------

    def test_refund_made_on_mirakl_becomes_a_credit_note_once(self):
        sim_order, order = self.imported()
        invoice = self.invoice(order)
        line_a = sim_order.lines[0]
        refund = self.simulator.refund_on_mirakl(
            sim_order.order_id, line_a.order_line_id, "10.00", shipping_amount="5.00"
        )
        self.import_orders()
        credit = self.credit_notes(order)
        self.assertEqual(len(credit), 1)
        self.assertEqual(credit.state, "posted")
        self.assertEqual(credit.reversed_entry_id, invoice)
        self.assertEqual((credit.amount_untaxed, credit.amount_tax), (15.0, 3.0))
        self.assertEqual(credit.mirakl_refund_reason_id, self.refund_reason)
        self.assertEqual(credit.mirakl_refund_ids.mirakl_ref, refund.id)
        self.assertEqual(credit.mirakl_refund_ids.origin, "mirakl")
        self.assertFalse(credit.mirakl_refund_state)
        self.assertFalse(self.requests("OR28"), "Mirakl's own refund is not sent back")
        self.assertIn("refunds made on Mirakl", self.bodies(order.sale_order_id))
        # Read again (and swept by the scheduled run): still one credit note.
        self.simulator.touch_order(sim_order.order_id)
        self.import_orders()
        self.assertFalse(self.refunds_flow._run(self.marketplace))
        self.assertEqual(self.credit_notes(order), credit)
        self.assertEqual(len(self.invoice(order)), 1)

    def test_refund_made_on_mirakl_waits_for_the_invoice(self):
        self.marketplace.auto_invoice = False
        sim_order, order = self.imported()
        self.simulator.refund_on_mirakl(
            sim_order.order_id, sim_order.lines[1].order_line_id, "25.50"
        )
        self.import_orders()
        self.assertEqual(order.adjustment_ids.kind, "refund")
        self.assertFalse(self.credit_notes(order))
        invoice = order.sale_order_id._create_invoices()
        invoice.action_post()
        with trap_jobs() as trap:
            self.refunds_flow._run(self.marketplace)
            self.assertEqual(len(trap.enqueued_jobs), 1)
            self.run_jobs(trap)
        credit = self.credit_notes(order)
        self.assertEqual(credit.state, "draft", "the Marketplace does not invoice automatically")
        self.assertEqual(credit.amount_total, 30.6)
        self.assertEqual(self.last_log("refunds").created_count, 1)

    # -- OR30 ------------------------------------------------------------------------------

    def cancel(self, order, quantities=None, everything=False):
        """Fill "Cancel on Mirakl" (``{line index: units}``) and run the job it queues."""
        wizard = Form(
            self.env["mirakl.order.cancel"].with_context(
                default_order_id=order.id, mirakl_cancel_all=everything
            )
        )
        for index, quantity in (quantities or {}).items():
            with wizard.line_ids.edit(index) as line:
                line.quantity = quantity
        with trap_jobs() as trap:
            wizard.save().action_confirm()
            self.assertFalse(self.requests("OR30"))
            self.run_jobs(trap)

    def test_cancellation_before_shipping(self):
        self.marketplace.auto_invoice = False
        sim_order, order = self.imported(state="SHIPPING")
        sale = order.sale_order_id
        line_a, line_b = sim_order.lines
        with self.assertRaisesRegex(UserError, "come from Mirakl"):
            sale.order_line.filtered("mirakl_line_id")[0].product_uom_qty = 1
        self.cancel(order, {0: 1})
        [request] = self.requests("OR30")
        self.assertEqual(
            self.request_json(request),
            {
                "order_tax_mode": "TAX_EXCLUDED",
                "cancelations": [
                    {
                        "order_line_id": line_a.order_line_id,
                        "amount": 10,
                        "shipping_amount": 0,
                        "taxes": [{"code": "VAT", "amount": 2}],
                        "shipping_taxes": [{"code": "VAT", "amount": 0}],
                        "quantity": 1,
                        "reason_code": "CAN1",
                        "currency_iso_code": "EUR",
                    }
                ],
            },
        )
        self.assertEqual(line_a.cancelled_quantity, 1)
        sale_lines = sale.order_line.filtered("mirakl_line_id").sorted("sequence")
        self.assertEqual(sale_lines.mapped("product_uom_qty"), [1.0, 1.0])
        self.assertEqual(self.last_log("refunds").state, "done")
        cancelation = self.env["mirakl.refund"].search([("kind", "=", "cancelation")])
        self.assertEqual(cancelation.mirakl_ref, line_a.cancelations[0].id)
        self.assertEqual(cancelation.adjustment_id.mirakl_id, cancelation.mirakl_ref)

        # Cancelling the sale order cancels what is left on Mirakl, with its shipping.
        action = sale.action_cancel()
        self.assertEqual(action["res_model"], "mirakl.order.cancel")
        self.assertEqual(sale.state, "sale", "nothing is cancelled before Mirakl is")
        self.simulator.reset_logs()
        self.cancel(order, everything=True)
        [body] = [self.request_json(request) for request in self.requests("OR30")]
        self.assertEqual(
            [
                (c["order_line_id"], c["quantity"], c["amount"], c["shipping_amount"])
                for c in body["cancelations"]
            ],
            [(line_a.order_line_id, 1, 10, 5), (line_b.order_line_id, 1, 25.5, 0)],
        )
        self.assertEqual(sim_order.state, "CANCELED")
        self.assertEqual(sale.state, "cancel")
        self.assertEqual(order.mirakl_state, "CANCELED")

    def test_cancellation_refused_once_mirakl_no_longer_allows_it(self):
        self.marketplace.auto_invoice = False
        _sim_order, order = self.imported(state="SHIPPED")
        with self.assertRaisesRegex(UserError, "refund it with a credit note once shipped"):
            order.sale_order_id.action_cancel()
        with self.assertRaisesRegex(UserError, "no longer lets order .* be cancelled"):
            self.cancel(order, everything=True)
        self.assertFalse(self.requests("OR30"))
        self.assertFalse(self.env["mirakl.refund"].search([("order_id", "=", order.id)]))
