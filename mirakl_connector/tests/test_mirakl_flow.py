# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields, sql_db
from odoo.exceptions import UserError
from odoo.tests import get_db_name, tagged

from odoo.addons.queue_job.exception import RetryableJobError

from ..models.mirakl_call_limit import CALL_LIMITS
from .common import MiraklSimulatorCase, trap_jobs


@tagged("post_install", "-at_install")
class TestMiraklFlow(MiraklSimulatorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flow = cls.env["mirakl.flow.master_data"]

    def _logs(self):
        return self.env["mirakl.sync.log"].search([("instance_id", "=", self.marketplace.id)])

    # -- Registry ------------------------------------------------------------------------------

    def test_flows_are_found_in_the_registry(self):
        flows = self.env["mirakl.flow"]._flows()
        self.assertEqual(flows["master_data"]._name, "mirakl.flow.master_data")
        self.assertNotIn(None, flows, "the base model is not a flow")
        sequences = [flow._flow_sequence for flow in flows.values()]
        self.assertEqual(sequences, sorted(sequences))
        with self.assertRaisesRegex(UserError, "no Mirakl flow nope"):
            self.env["mirakl.flow"]._get_flow("nope")

    def test_records_another_job_holds_postpone_the_job(self):
        flow = self.env["mirakl.flow.orders"]
        country = self.env.ref("base.fr")  # a committed row this test does not write
        with sql_db.db_connect(get_db_name()).cursor() as other:  # another job holds it
            other.execute("SET LOCAL lock_timeout = '5s'")
            other.execute("SELECT id FROM res_country WHERE id = %s FOR UPDATE", [country.id])
            with (
                self.assertRaises(RetryableJobError) as caught,
                self.assertNoLogs("odoo.sql_db", "ERROR"),
            ):
                flow._lock(country, "France is being sent by another job")
            other.rollback()
        self.assertEqual(caught.exception.seconds, 10)
        self.assertIn("being sent by another job", str(caught.exception))
        flow._lock(country, "free again")  # released: the job goes on

    def test_run_flow_refuses_an_archived_marketplace(self):
        self.marketplace.active = False
        with trap_jobs() as trap, self.assertRaisesRegex(UserError, "archived"):
            self.marketplace._run_flow("master_data")
        trap.assert_jobs_count(0)

    # -- Enqueuing -----------------------------------------------------------------------------

    def test_enqueue_uses_the_flow_channel_and_the_marketplace_company(self):
        with trap_jobs() as trap:
            self.marketplace._run_flow("master_data", force=True)
        trap.assert_jobs_count(1)
        trap.assert_enqueued_job(
            self.flow._job_import_master_data,
            args=(self.marketplace, True, None),
            properties={
                "channel": "root.mirakl.catalog",
                "description": "Test Marketplace: Master Data Import",
            },
        )
        job = trap.enqueued_jobs[0]
        self.assertEqual(job.company_id, self.marketplace.company_id.id)

    def test_identical_jobs_are_enqueued_once(self):
        with trap_jobs() as trap:
            self.flow._enqueue(self.marketplace, "_job_import_master_data", True, None)
            self.flow._enqueue(self.marketplace, "_job_import_master_data", True, None)
            self.flow._enqueue(self.marketplace, "_job_import_master_data", True, ["SH21"])
            self.flow._enqueue(self.marketplace, "_job_import_master_data", True, identity="x")
            self.flow._enqueue(self.marketplace, "_job_import_master_data", False, identity="x")
        trap.assert_jobs_count(3)

    def test_stored_job_is_linked_to_its_marketplace(self):
        job = self.flow._enqueue(self.marketplace, "_job_import_master_data", True, None)
        record = job.db_record()
        self.assertEqual(record.mirakl_instance_id, self.marketplace)
        self.assertEqual(record.channel, "root.mirakl.catalog")
        self.assertEqual(self.marketplace.pending_job_count, 1)
        again = self.flow._enqueue(self.marketplace, "_job_import_master_data", True, None)
        self.assertEqual(again.uuid, job.uuid, "the waiting job is reused")
        record.state = "done"
        self.marketplace.invalidate_recordset(["pending_job_count"])
        self.assertEqual(self.marketplace.pending_job_count, 0)

    # -- Mirakl's errors in jobs ---------------------------------------------------------------

    def test_job_hit_by_429_is_retried_after_retry_after(self):
        # Longer than the client's own retry budget: the job itself must wait.
        self.simulator.inject_fault(op="OF52", status=429, retry_after=120, times=1)
        listings = self.env["mirakl.flow.listings"].with_context(job_uuid="job-429")
        with self.assertRaisesKeepingLogs(RetryableJobError) as caught:
            listings._job_start_export(self.marketplace, True)
        self.assertEqual(caught.exception.seconds, 120)
        self.assertFalse(caught.exception.ignore_retry)
        log = self._logs()
        self.assertRecordValues(log, [{"operation": "listings", "state": "pending"}])
        self.assertIn("429", log.message)

    def test_retryable_errors_become_retryable_job_errors(self):
        client = self.marketplace._get_client(max_attempts=1)
        self.simulator.inject_fault(op="A01", status=503, times=1)
        with self.assertRaises(RetryableJobError) as caught, self.flow._retryable_errors():
            client.get_account()
        self.assertIn("503", str(caught.exception))
        self.simulator.inject_fault(op="A01", status=401, times=1)
        with self.assertRaises(Exception) as caught, self.flow._retryable_errors():
            client.get_account()
        self.assertNotIsInstance(caught.exception, RetryableJobError)

    # -- Sync log of a job ---------------------------------------------------------------------

    def test_sync_log_of_a_successful_job(self):
        with self.flow._sync_log(self.marketplace, total=2) as log:
            log._progress(done=1)
            self.assertRecordValues(log, [{"state": "running", "progress": 50.0}])
            log._add_failure("SH21 refused", mirakl_ref="SH21")
        self.assertRecordValues(
            log,
            [
                {
                    "operation": "master_data",
                    "direction": "import",
                    "state": "failed",
                    "failed_count": 1,
                    "progress": 100.0,
                }
            ],
        )
        self.assertTrue(log.date_end)

    def test_sync_log_of_a_postponed_job(self):
        self.simulator.inject_fault(op="A01", status=429, retry_after=300, times=1)
        with (
            self.assertRaisesKeepingLogs(RetryableJobError),
            self.flow._sync_log(self.marketplace) as log,
        ):
            self.marketplace._get_client().get_account()
        self.assertEqual(log.state, "pending")
        self.assertIn("Waiting to try again", log.message)
        self.assertIn("429", log.message)

    def test_retry_of_a_job_carries_on_with_its_log(self):
        flow = self.flow.with_context(job_uuid="job-1")
        with (
            self.assertRaisesKeepingLogs(RetryableJobError),
            flow._sync_log(self.marketplace) as first,
        ):
            first._add_failure("lost with the rolled back try")
            raise RetryableJobError("later", seconds=10)
        with flow._sync_log(self.marketplace) as second:
            pass
        self.assertEqual(second, first)
        self.assertRecordValues(second, [{"state": "done", "failed_count": 0}])
        self.assertFalse(second.line_ids)

    def test_last_try_of_a_job_fails_its_log(self):
        job = self.flow._enqueue(self.marketplace, "_job_import_master_data", True, None)
        record = job.db_record()
        record.write({"max_retries": 3, "retry": 2})
        flow = self.flow.with_context(job_uuid=job.uuid)
        with (
            self.assertRaisesKeepingLogs(RetryableJobError),
            flow._sync_log(self.marketplace) as log,
        ):
            raise RetryableJobError("still 503", seconds=10)
        self.assertEqual(log.state, "failed")

    def test_sync_log_of_a_crashing_job(self):
        with (
            self.assertRaisesKeepingLogs(KeyError),
            self.flow._sync_log(self.marketplace) as log,
        ):
            log._progress(total=10)
            raise KeyError("offer_id")
        self.assertRecordValues(log, [{"state": "failed", "message": "'offer_id'"}])

    # -- Call limits ---------------------------------------------------------------------------

    def test_call_limit_postpones_a_call_made_too_early(self):
        self.assertEqual(CALL_LIMITS["STO01"], 60)
        start = fields.Datetime.now()
        with freeze_time(start):
            self.flow._check_call_limit(self.marketplace, "STO01")
        with freeze_time(start + timedelta(seconds=20)):
            with self.assertRaises(RetryableJobError) as caught:
                self.flow._check_call_limit(self.marketplace, "STO01")
            self.assertEqual(caught.exception.seconds, 40)
            self.assertTrue(caught.exception.ignore_retry, "waiting is not a failed try")
            # Another call, another Marketplace: limits of their own.
            self.flow._check_call_limit(self.marketplace, "PRI01")
            other = self.marketplace.copy({"name": "Other"})
            self.flow._check_call_limit(other, "STO01")
        with freeze_time(start + timedelta(seconds=60)):
            self.flow._check_call_limit(self.marketplace, "STO01")
        with freeze_time(start + timedelta(seconds=61)):
            with self.assertRaises(RetryableJobError) as caught:
                self.flow._check_call_limit(self.marketplace, "STO01")
            self.assertEqual(caught.exception.seconds, 59)

    def test_call_without_published_limit_is_not_counted(self):
        for _attempt in range(3):
            self.flow._check_call_limit(self.marketplace, "OR21")
        self.assertFalse(self.env["mirakl.call.limit"].search([("operation", "=", "OR21")]))
