# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import tagged

from .common import trap_jobs
from .common_order import MiraklOrderCase


@tagged("post_install", "-at_install")
class TestPayouts(MiraklOrderCase):
    """Transaction lines (TL02) and accounting documents (IV01) imported once, linked to their
    orders, and each paid payout posted as one balanced journal entry."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.transactions = cls.env["mirakl.flow.transactions"]
        cls.payouts = cls.env["mirakl.flow.payouts"]
        Account = cls.env["account.account"]
        cls.clearing = Account.create(
            {
                "name": "Marketplace Clearing",
                "code": "411900",
                "account_type": "asset_receivable",
                "reconcile": True,
            }
        )
        cls.commissions = Account.create(
            {"name": "Marketplace Commissions", "code": "622100", "account_type": "expense"}
        )
        cls.fees = Account.create(
            {"name": "Marketplace Fees", "code": "622200", "account_type": "expense"}
        )
        cls.journal = cls.env["account.journal"].create(
            {"name": "Marketplace Payouts", "code": "MKPO", "type": "bank"}
        )
        cls.marketplace.write(
            {
                "payout_create_entries": True,
                "payout_journal_id": cls.journal.id,
                "payout_clearing_account_id": cls.clearing.id,
                "payout_commission_account_id": cls.commissions.id,
                "payout_fee_account_id": cls.fees.id,
            }
        )

    def setUp(self):
        super().setUp()
        self.addCleanup(self._forget_accounting)

    def _forget_accounting(self):
        with self.simulator.store.lock:
            self.simulator.store.accounting = type(self.simulator.store.accounting)()

    # -- helpers ---------------------------------------------------------------------------

    def sell(self, state="RECEIVED", import_order=True):
        """A delivered order (60.60 with taxes and shipping, 5.46 of commissions), stored in
        Odoo unless ``import_order`` is False."""
        sim_order = self.add_order(state)
        if import_order:
            self.import_orders(process=False)
        return sim_order

    def run_job(self, flow, job, *args):
        """Run one job of ``flow`` now; returns the trap holding the jobs it queued."""
        self.allow_calls()
        with trap_jobs() as trap:
            getattr(flow, job)(self.marketplace, *args)
        return trap

    def fetch_transactions(self):
        return self.run_job(self.transactions, "_job_fetch_transactions")

    def fetch_documents(self, post=True):
        """The daily document import, then the entry jobs it queued (unless ``post`` is
        False)."""
        trap = self.run_job(self.payouts, "_job_fetch_documents")
        if post:
            self.run_each(trap)
        return trap

    def run_each(self, trap):
        """Perform the trapped jobs one at a time, each within Mirakl's call limits."""
        while trap.enqueued_jobs:
            self.allow_calls()
            trap.enqueued_jobs.pop(0).perform()

    def retry(self, failures):
        """Retry sync log ``failures`` as a user would, and run their jobs."""
        with trap_jobs() as trap:
            failures.action_retry()
            self.env.flush_all()  # the jobs' logs write on the same transaction in tests
            self.run_each(trap)

    def lines(self, **domain):
        return self.env["mirakl.transaction.line"].search(
            [("instance_id", "=", self.marketplace.id)]
            + [(name, "=", value) for name, value in domain.items()]
        )

    def document(self, sim_document):
        return self.env["mirakl.accounting.document"].search(
            [("instance_id", "=", self.marketplace.id), ("number", "=", sim_document.number)]
        )

    def entry_lines(self, move):
        """``[(account, debit, credit)]`` of ``move``, in its order."""
        return [(line.account_id, line.debit, line.credit) for line in move.line_ids]

    # -- transaction lines -------------------------------------------------------------------

    def test_transaction_lines_are_imported_once_and_linked_to_their_orders(self):
        sim_order = self.sell()
        late_order = self.sell(import_order=False)
        self.simulator.run_billing_cycle(self.SHOP_ID)
        self.fetch_transactions()

        lines = self.lines()
        self.assertEqual(len(lines), 21)
        order = self.mirakl_order(sim_order.order_id)
        mine = self.lines(mirakl_order_id=sim_order.order_id)
        self.assertEqual(len(mine), 10)
        self.assertEqual(mine.order_id, order)
        self.assertEqual(order.transaction_line_ids, mine)
        self.assertFalse(self.lines(mirakl_order_id=late_order.order_id).order_id)
        amount = self.lines(
            transaction_type="ORDER_AMOUNT", mirakl_order_line_id=f"{sim_order.order_id}-2"
        )
        self.assertEqual(
            (amount.amount, amount.category, amount.payment_state), (25.5, "order", "PAID")
        )
        commission_tax = mine.filtered(lambda line: line.transaction_type == "COMMISSION_VAT")
        self.assertEqual(sorted(commission_tax.mapped("amount")), [-0.51, -0.4])
        self.assertEqual(set(commission_tax.mapped("category")), {"commission_tax"})
        self.assertEqual(commission_tax.mapped("tax_code"), ["COMMISSION_VAT"] * 2)
        payment = self.lines(transaction_type="PAYMENT")
        self.assertEqual(
            (payment.amount, payment.category, payment.balance), (-110.28, "payment", 0)
        )
        self.assertEqual(
            payment.transaction_reference, f"PAYOUT-{payment.accounting_document_number}"
        )
        log = self.last_log("transactions")
        self.assertEqual((log.state, log.created_count, log.updated_count), ("done", 21, 0))
        (request,) = self.requests("TL02")
        self.assertEqual(request.query["sort"], ["lastUpdated,ASC"])
        self.assertEqual(request.query["limit"], ["2000"])
        cursor = self.marketplace.flow_ids.filtered(
            lambda row: row.flow_code == "transactions"
        ).cursor
        self.assertEqual(cursor, max(lines.mapped("last_updated")))

        # The second run reads from the cursor: same lines, nothing stored twice; the order
        # imported meanwhile gets its lines.
        self.import_orders(process=False)
        self.simulator.reset_logs()
        self.fetch_transactions()
        self.assertEqual(self.lines(), lines)
        log = self.last_log("transactions")
        self.assertEqual((log.created_count, log.updated_count, log.skipped_count), (0, 0, 21))
        self.assertEqual(
            self.lines(mirakl_order_id=late_order.order_id).order_id,
            self.mirakl_order(late_order.order_id),
        )
        (request,) = self.requests("TL02")
        self.assertLess(
            request.query["last_updated_from"][0], cursor.strftime("%Y-%m-%dT%H:%M:%SZ")
        )

    def test_commission_and_payout_of_an_order(self):
        sim_order = self.sell()
        self.simulator.run_billing_cycle(self.SHOP_ID)
        self.simulator.refund_order_line(sim_order.order_id, f"{sim_order.order_id}-2")
        self.simulator.run_billing_cycle(self.SHOP_ID)
        self.fetch_transactions()
        order = self.mirakl_order(sim_order.order_id)
        self.assertEqual(order.payout_order_amount, 30.0)  # 60.60 sold, 30.60 refunded
        self.assertEqual(order.payout_commission_amount, 2.4)  # 5.46, 3.06 given back
        self.assertEqual(order.payout_fee_amount, 0)
        self.assertEqual(order.payout_net_amount, 27.6)
        other = self.mirakl_order(self.sell().order_id)
        self.assertEqual((other.payout_commission_amount, other.payout_net_amount), (0, 0))

    def test_a_line_mirakl_got_wrong_is_logged_retried_and_never_lost(self):
        sim_order = self.sell()
        self.simulator.run_billing_cycle(self.SHOP_ID)
        sim_lines = self.simulator.accounting.lines_of(self.SHOP_ID)
        wrong, nameless = sim_lines[1], sim_lines[6]
        self.simulator.override_transaction_line(wrong.id, amount="a lot")
        self.simulator.override_transaction_line(nameless.id, id=None)
        self.fetch_transactions()
        self.assertEqual(len(self.lines()), 9, "the good lines are stored")
        log = self.last_log("transactions")
        self.assertEqual((log.state, log.created_count, log.failed_count), ("partial", 9, 2))
        failures = log.line_ids.sorted("id")
        self.assertEqual(failures.mapped("mirakl_ref"), [wrong.id, False])
        self.assertIn("Mirakl sent a transaction line Odoo cannot read", failures[0].message)
        self.assertIn("data.1.amount", failures[0].message)
        self.assertIn("data.6.id: Field required", failures[1].message)
        self.assertEqual(failures.mapped("retry_method"), ["_job_fetch_transactions_of"] * 2)
        self.assertEqual(failures[0].retry_args, [{"order_ids": [sim_order.order_id]}])

        # Mirakl fixes its lines: the retries read them again.
        self.simulator.override_transaction_line(wrong.id)
        self.simulator.override_transaction_line(nameless.id)
        self.retry(failures)
        self.assertEqual(len(self.lines()), 11)
        self.assertEqual(self.lines(mirakl_id=wrong.id).amount, 4.0)
        self.assertEqual(set(failures.mapped("state")), {"retried"})

    # -- accounting documents and entries ----------------------------------------------------

    def test_settings_start_from_the_company_chart(self):
        company = self.env.company
        marketplace = self.env["mirakl.instance"].create(
            {"name": "Other", "operator_url": self.simulator.url}
        )
        receivable = self.env["ir.default"]._get(
            "res.partner", "property_account_receivable_id", company_id=company.id
        )
        expense = self.env["ir.default"]._get(
            "product.category", "property_account_expense_categ_id", company_id=company.id
        )
        self.assertEqual(marketplace.payout_journal_id.type, "bank")
        self.assertEqual(marketplace.payout_journal_id.company_id, company)
        self.assertEqual(marketplace.payout_clearing_account_id.id, receivable)
        self.assertEqual(marketplace.payout_commission_account_id.id, expense)
        self.assertEqual(marketplace.payout_fee_account_id.id, expense)
        self.assertFalse(marketplace.payout_create_entries)
        elsewhere = self.env["mirakl.instance"].create(
            {
                "name": "Elsewhere",
                "operator_url": self.simulator.url,
                "company_id": self.env["res.company"].create({"name": "No Chart"}).id,
            }
        )
        self.assertFalse(elsewhere.payout_journal_id)
        self.assertFalse(elsewhere.payout_clearing_account_id)

    def test_documents_are_imported_once_and_follow_their_payment(self):
        self.sell()
        sim_document = self.simulator.run_billing_cycle(self.SHOP_ID, paid=False)
        trap = self.fetch_documents(post=False)
        trap.assert_jobs_count(0)
        document = self.document(sim_document)
        self.assertEqual(document.mirakl_id, sim_document.id)
        self.assertEqual(document.document_type, "AUTO_INVOICE")
        self.assertEqual(document.payment_state, "PENDING")
        self.assertEqual((document.amount_untaxed, document.amount_total), (4.55, 5.46))
        self.assertEqual(document.amount_transferred, 55.14)
        self.assertEqual(document.currency_id, self.eur)
        (request,) = self.requests("IV01")
        self.assertEqual(request.query["type"], ["ALL"])
        self.assertIn("start_date", request.query)

        self.simulator.pay_accounting_document(sim_document.invoice_id, reference="SEPA-1")
        self.simulator.reset_logs()
        trap = self.fetch_documents(post=False)
        self.assertEqual(self.document(sim_document), document, "stored once")
        self.assertEqual((document.payment_state, document.payment_reference), ("PAID", "SEPA-1"))
        trap.assert_jobs_count(1, only=self.payouts._job_create_entry)
        trap.assert_enqueued_job(
            self.payouts._job_create_entry,
            args=(self.marketplace, document),
            properties={"channel": "root.mirakl.payouts"},
        )
        log = self.last_log("payouts")
        self.assertEqual((log.created_count, log.updated_count), (0, 1))

    def test_a_payout_is_posted_as_one_balanced_entry_once(self):
        self.sell()
        sim_document = self.simulator.run_billing_cycle(self.SHOP_ID, subscription_fee="10.00")
        self.fetch_documents()
        document = self.document(sim_document)
        move = document.move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.journal_id, self.journal)
        self.assertEqual(
            self.entry_lines(move),
            [
                (self.clearing, 0, 60.6),  # order amounts, taxes and shipping
                (self.commissions, 4.55, 0),  # commissions
                (self.commissions, 0.91, 0),  # their tax
                (self.fees, 12.0, 0),  # subscription and its tax
                (self.journal.default_account_id, 43.14, 0),  # the payout
            ],
        )
        self.assertAlmostEqual(sum(move.line_ids.mapped("balance")), 0, places=6)
        self.assertEqual(len(document.transaction_line_ids), 13)
        self.assertFalse(document.entry_error)
        log = self.last_log("payouts")
        self.assertEqual((log.state, log.created_count), ("done", 1))
        self.assertIn(move.name, log.message)

        # Neither the next import nor the entry job again makes another entry.
        trap = self.fetch_documents(post=False)
        trap.assert_jobs_count(0)
        self.run_job(self.payouts, "_job_create_entry", document)
        self.assertEqual(document.move_id, move)
        moves = self.env["account.move"].search([("journal_id", "=", self.journal.id)])
        self.assertEqual(moves, move)

    def test_a_cycle_of_refunds_is_posted_the_other_way(self):
        sim_order = self.sell()
        self.simulator.run_billing_cycle(self.SHOP_ID)
        self.simulator.refund_order_line(sim_order.order_id, f"{sim_order.order_id}-2")
        refunds = self.simulator.run_billing_cycle(self.SHOP_ID)
        self.fetch_documents()
        document = self.document(refunds)
        self.assertEqual(document.amount_transferred, -27.54)
        self.assertEqual(
            self.entry_lines(document.move_id),
            [
                (self.clearing, 30.6, 0),  # refunded to the customer
                (self.commissions, 0, 2.55),  # commission given back
                (self.commissions, 0, 0.51),  # and its tax
                (self.journal.default_account_id, 0, 27.54),  # the shop paid the difference
            ],
        )

    def test_missing_accounts_are_a_clear_log_line_and_nothing_is_posted(self):
        self.sell()
        sim_document = self.simulator.run_billing_cycle(self.SHOP_ID)
        self.marketplace.write(
            {"payout_commission_account_id": False, "payout_fee_account_id": False}
        )
        self.fetch_documents()
        document = self.document(sim_document)
        self.assertFalse(document.move_id)
        self.assertFalse(self.env["account.move"].search([("journal_id", "=", self.journal.id)]))
        self.assertFalse(self.requests("TL02"), "no line is read for an entry that cannot be made")
        log = self.last_log("payouts")
        self.assertEqual(log.state, "failed")
        (failure,) = log.line_ids
        expected = (
            f"The journal entry of payout {document.name} needs these settings of Marketplace "
            "Test Marketplace (After the Sale tab): Commission Expense Account, Fee Expense "
            "Account."
        )
        self.assertEqual(failure.message, expected)
        self.assertEqual(document.entry_error, expected)
        self.assertEqual((failure.res_model, failure.res_id), (document._name, document.id))

        self.marketplace.write(
            {
                "payout_commission_account_id": self.commissions.id,
                "payout_fee_account_id": self.fees.id,
            }
        )
        self.retry(failure)
        self.assertEqual(document.move_id.state, "posted")
        self.assertFalse(document.entry_error)

    def test_lines_that_do_not_add_up_hold_the_entry_until_fixed(self):
        self.sell()
        sim_document = self.simulator.run_billing_cycle(self.SHOP_ID)
        wrong = self.simulator.accounting.lines_of(self.SHOP_ID)[0]
        self.simulator.override_transaction_line(wrong.id, amount="twenty")
        self.fetch_documents()
        document = self.document(sim_document)
        self.assertFalse(document.move_id)
        failures = self.last_log("payouts").line_ids.sorted("id")
        self.assertEqual(len(failures), 2)
        self.assertIn("data.0.amount", failures[0].message)
        self.assertEqual(
            failures[1].message,
            f"The transaction lines of payout {document.name} add up to 35.14 EUR but Mirakl "
            "paid out 55.14 EUR: some lines are missing or changed on Mirakl.",
        )
        self.assertEqual(failures[1].retry_method, "_job_create_entry")

        self.simulator.override_transaction_line(wrong.id)
        self.retry(failures[1])
        self.assertEqual(document.move_id.line_ids[-1].debit, 55.14)

    def test_download_an_accounting_document(self):
        self.sell()
        sim_document = self.simulator.run_billing_cycle(self.SHOP_ID)
        self.fetch_documents(post=False)
        document = self.document(sim_document)
        action = document.action_download()
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", document._name), ("res_id", "=", document.id)]
        )
        self.assertTrue(attachment.raw.startswith(b"%PDF-"))
        self.assertEqual(action["url"], f"/web/content/{attachment.id}?download=true")
        document.action_download()
        self.assertEqual(len(self.requests("IV02")), 1, "downloaded once, then kept")
