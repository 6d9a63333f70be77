# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..models.mirakl_sync_log import RETENTION_PARAM
from .common import MiraklSimulatorCase, trap_jobs


@tagged("post_install", "-at_install")
class TestMiraklSyncLog(MiraklSimulatorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.log_model = cls.env["mirakl.sync.log"]
        cls.user = new_test_user(
            cls.env, login="mirakl_ops_user", groups="mirakl_connector.group_mirakl_user"
        )
        cls.manager = new_test_user(
            cls.env, login="mirakl_ops_manager", groups="mirakl_connector.group_mirakl_manager"
        )

    def _start(self, total=None):
        return self.log_model._start(self.marketplace, "master_data", "import", total=total)

    # -- The API of the flows ------------------------------------------------------------------

    def test_log_of_a_run_that_succeeds(self):
        log = self._start(total=4)
        self.assertRecordValues(
            log,
            [
                {
                    "instance_id": self.marketplace.id,
                    "company_id": self.marketplace.company_id.id,
                    "operation": "master_data",
                    "direction": "import",
                    "state": "running",
                    "progress": 0.0,
                }
            ],
        )
        log._progress(done=3)
        self.assertEqual(log.progress, 75.0)
        log._finish(created=2, updated=1, skipped=1, message="All lists imported")
        self.assertRecordValues(
            log,
            [
                {
                    "state": "done",
                    "processed_count": 4,
                    "created_count": 2,
                    "updated_count": 1,
                    "skipped_count": 1,
                    "failed_count": 0,
                    "progress_done": 4,
                    "progress": 100.0,
                    "message": "All lists imported",
                }
            ],
        )
        self.assertGreaterEqual(log.duration, 0)
        self.assertEqual(log.display_name, "Master Data Import - Test Marketplace")
        log._finish(created=99)
        self.assertEqual(log.created_count, 2, "a closed log stays as it is")

    def test_log_of_a_run_with_failures(self):
        partner = self.env["res.partner"].create({"name": "Customer 42"})
        log = self._start()
        log._add_failure(
            f"Refused with key {self.API_KEY}",
            mirakl_ref="ORDER-42",
            record=partner,
            retry=("mirakl.flow.master_data", "_job_import_master_data", (True, ["SH21"])),
        )
        log._finish(created=3)
        self.assertRecordValues(
            log, [{"state": "partial", "processed_count": 4, "failed_count": 1}]
        )
        self.assertRecordValues(
            log.line_ids,
            [
                {
                    "state": "failed",
                    "mirakl_ref": "ORDER-42",
                    "res_model": "res.partner",
                    "res_id": partner.id,
                    "record_name": "Customer 42",
                    "message": "Refused with key ***",
                    "retry_model": "mirakl.flow.master_data",
                    "retry_method": "_job_import_master_data",
                    "retry_args": [True, ["SH21"]],
                    "can_retry": True,
                }
            ],
        )
        action = log.line_ids.action_open_record()
        self.assertEqual((action["res_model"], action["res_id"]), ("res.partner", partner.id))

    def test_log_where_everything_failed(self):
        log = self._start()
        log._add_failure("first")
        log._add_failure("second")
        log._finish()
        self.assertRecordValues(log, [{"state": "failed", "failed_count": 2}])

    def test_failed_run_hides_the_api_key(self):
        log = self._start()
        log._fail(RuntimeError(f"GET /api/account with {self.API_KEY} failed"))
        self.assertRecordValues(
            log, [{"state": "failed", "message": "GET /api/account with *** failed"}]
        )
        self.assertTrue(log.date_end)

    # -- Retry ---------------------------------------------------------------------------------

    def test_user_retries_a_failure(self):
        log = self._start()
        log._add_failure(
            "SH21 unavailable",
            retry=("mirakl.flow.master_data", "_job_import_master_data", [True, ["SH21"]]),
        )
        log._add_failure("Not retryable")
        log._finish()
        line = log.line_ids.with_user(self.user)
        with trap_jobs() as trap:
            log.with_user(self.user).action_retry_failures()
        trap.assert_jobs_count(1)
        trap.assert_enqueued_job(
            self.env["mirakl.flow.master_data"]._job_import_master_data,
            args=(self.marketplace, True, ["SH21"]),
            properties={"channel": "root.mirakl.catalog"},
        )
        self.assertEqual(line.mapped("state"), ["retried", "failed"])
        with trap_jobs() as trap:
            line.action_retry()
        trap.assert_jobs_count(0)

    def test_only_job_methods_of_flows_can_be_retried(self):
        log = self._start()
        log._add_failure("x", retry=("res.partner", "_job_unlink", []))
        log._add_failure("y", retry=("mirakl.flow.master_data", "_run", []))
        log._add_failure("z", retry=("mirakl.flow.master_data", "_job_store_values", []))
        for line in log.line_ids:
            with trap_jobs() as trap, self.assertRaisesRegex(UserError, "cannot be retried"):
                line.action_retry()
            trap.assert_jobs_count(0)

    # -- Retention -----------------------------------------------------------------------------

    def test_old_logs_are_deleted(self):
        now = fields.Datetime.now()
        with freeze_time(now - timedelta(days=91)):
            old = self._start()
            old._add_failure("old")
            old._finish()
        with freeze_time(now - timedelta(days=89)):
            recent = self._start()
        self.log_model._gc_sync_logs()
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())
        self.env["ir.config_parameter"].set_param(RETENTION_PARAM, "30")
        self.log_model._gc_sync_logs()
        self.assertFalse(recent.exists())

    # -- Access --------------------------------------------------------------------------------

    def test_users_read_logs_managers_manage_them(self):
        log = self._start()
        log._add_failure("boom")
        for model in ("mirakl.sync.log", "mirakl.sync.log.line"):
            records = (log if model == "mirakl.sync.log" else log.line_ids).with_user(self.user)
            records.read(["display_name"])
            with self.assertRaises(AccessError):
                records.write({"message": "changed"})
            with self.assertRaises(AccessError):
                records.unlink()
        with self.assertRaises(AccessError):
            self.log_model.with_user(self.user).create(
                {
                    "instance_id": self.marketplace.id,
                    "operation": "master_data",
                    "direction": "import",
                }
            )
        log.with_user(self.manager).unlink()

    def test_logs_are_isolated_per_company(self):
        other_company = self.env["res.company"].create({"name": "Company B"})
        other_marketplace = self.env["mirakl.instance"].create(
            {
                "name": "B Marketplace",
                "operator_url": self.simulator.url,
                "company_id": other_company.id,
            }
        )
        mine = self._start()
        mine._add_failure("mine")
        theirs = self.log_model._start(other_marketplace, "master_data", "import")
        theirs._add_failure("theirs")
        visible = self.log_model.with_user(self.user).search([])
        self.assertIn(mine, visible)
        self.assertNotIn(theirs, visible)
        lines = self.env["mirakl.sync.log.line"].with_user(self.user).search([])
        self.assertEqual(lines.mapped("message"), ["mine"])
        self.assertEqual(
            self.env["mirakl.instance.flow"].with_user(self.user).search([]).instance_id,
            self.marketplace,
        )
