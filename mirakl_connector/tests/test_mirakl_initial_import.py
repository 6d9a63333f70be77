# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import trap_jobs
from .common_catalog import MiraklCatalogCase, make_offer


@tagged("post_install", "-at_install")
class TestMiraklInitialImport(MiraklCatalogCase):
    def _wizard(self, codes=("master_data", "listings"), **vals):
        # Jobs go to the queue here, they do not run at once as in the other catalogue tests.
        wizard_model = self.env["mirakl.initial.import"].with_context(queue_job__no_delay=False)
        rows = self.marketplace.flow_ids.filtered(lambda row: row.flow_code in codes)
        return wizard_model.create(
            {"instance_id": self.marketplace.id, "flow_ids": [fields.Command.set(rows.ids)], **vals}
        )

    def _import(self, wizard):
        """Run the wizard; return its Initial Import log."""
        action = wizard.action_import()
        return self.env["mirakl.sync.log"].browse(action["params"]["next"]["res_id"])

    def _perform_all(self, trap):
        """Run the trapped jobs, and the jobs they enqueue, until the queue is empty."""
        while trap.enqueued_jobs:
            trap.perform_enqueued_jobs()

    def test_wizard_offers_the_flows_of_an_initial_import(self):
        wizard = self.env["mirakl.initial.import"].create({})
        self.assertEqual(wizard.instance_id, self.marketplace, "the only marketplace")
        expected = self.marketplace.flow_ids.filtered("initial_import")
        self.assertEqual(wizard.flow_ids, expected)
        self.assertTrue({"master_data", "listings"} <= set(expected.mapped("flow_code")))
        self.assertLess(wizard.date_from, wizard.date_to)
        with self.assertRaises(ValidationError):
            wizard.write({"date_from": date(2025, 2, 1), "date_to": date(2025, 1, 1)})
        wizard.flow_ids = False
        with self.assertRaisesRegex(UserError, "Choose the data"):
            wizard.action_import()

    def test_initial_import_runs_as_jobs_and_reports_progress(self):
        self.shop.offers[:] = [make_offer(6001, "TENT-1"), make_offer(6002, "STOVE-1")]
        wizard = self._wizard(date_from=date(2025, 1, 1), date_to=date(2025, 1, 31))
        with trap_jobs() as trap:
            log = self._import(wizard)
            self.assertRecordValues(
                log,
                [
                    {
                        "operation": "initial_import",
                        "state": "running",
                        "progress_done": 0,
                        "progress_total": 2,
                        "progress": 0.0,
                    }
                ],
            )
            trap.assert_jobs_count(2)
            self.assertFalse(self.simulator.requests, "Mirakl is called by the jobs only")
            trap.assert_enqueued_job(
                self.env["mirakl.flow.master_data"]._job_import_master_data,
                args=(self.marketplace, False, None),
            )
            trap.enqueued_jobs.pop(0).perform()  # the master data
            self.assertRecordValues(
                log, [{"state": "running", "progress_done": 1, "progress": 50.0}]
            )
            self._perform_all(trap)
        self.assertRecordValues(log, [{"state": "done", "progress_done": 2, "progress": 100.0}])
        self.assertEqual(sorted(log.child_ids.mapped("operation")), ["listings", "master_data"])
        self.assertEqual(log.child_ids.mapped("state"), ["done", "done"])
        self.assertEqual(log.created_count, sum(log.child_ids.mapped("created_count")))
        listings = log.child_ids.filtered(lambda child: child.operation == "listings")
        self.assertEqual(listings.created_count, 2)
        notifications = self.env["bus.bus"].search(
            [("message", "like", "Initial Import of Test Marketplace")]
        )
        messages = "".join(notifications.mapped("message"))
        self.assertIn("1 of 2 done", messages)
        self.assertIn("Finished", messages)

    def test_flow_with_nothing_to_do_counts_as_done(self):
        self.marketplace.master_data_date = fields.Datetime.now()  # refreshed today
        with trap_jobs() as trap:
            log = self._import(self._wizard(codes=("master_data",)))
        trap.assert_jobs_count(0)
        self.assertRecordValues(log, [{"state": "done", "progress": 100.0}])
        self.assertRecordValues(log.child_ids, [{"operation": "master_data", "state": "done"}])

    def test_initial_import_runs_again_safely(self):
        first = self._import(self._wizard())
        self.assertEqual(self.marketplace.pending_job_count, 2)
        with self.assertRaisesRegex(UserError, "still running"):
            self._import(self._wizard())
        self.env["queue.job"].search([("mirakl_instance_id", "=", self.marketplace.id)]).write(
            {"state": "done"}
        )
        self.marketplace.invalidate_recordset(["pending_job_count"])
        second = self._import(self._wizard())
        self.assertEqual(first.state, "failed", "left open by jobs gone: closed")
        self.assertEqual(second.state, "running")
        self.marketplace.invalidate_recordset(["pending_job_count"])
        self.assertEqual(self.marketplace.pending_job_count, 2)

    def test_flow_that_cannot_start_fails_the_import(self):
        wizard = self._wizard()
        self.marketplace.active = False
        with self.assertRaisesKeepingLogs(UserError):
            wizard.action_import()
        log = self.env["mirakl.sync.log"].search([("operation", "=", "initial_import")])
        self.assertRecordValues(log, [{"state": "failed"}])
        self.assertIn("archived", log.message)
