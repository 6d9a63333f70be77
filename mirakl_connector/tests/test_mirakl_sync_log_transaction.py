# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from contextlib import contextmanager
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.queue_job.controllers.main import RunJobController

from .common import import_simulator


@tagged("post_install", "-at_install")
class TestSyncLogTransaction(TransactionCase):
    """What a job's rollback does to its sync log, on real transactions.

    In the other tests the registry is in test mode: every cursor works inside the test's one
    transaction, where a rollback takes everything. Here a job gets its own connection, as in
    production, so its rollback is real. The Marketplace these tests need is committed for the
    log's transaction to see it, and deleted afterwards with all that hangs from it.
    """

    API_KEY = "key-2001-transaction"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.simulator = import_simulator().OperatorSimulator()
        cls.simulator.add_shop(shop_id=2001, name="Test Shop", currency_iso_code="EUR")
        cls.simulator.add_api_key(cls.API_KEY, shop_ids=[2001])
        cls.simulator.start(host="127.0.0.1", port=0)
        cls.addClassCleanup(cls.simulator.stop)

    def setUp(self):
        super().setUp()
        with self._transaction() as env:
            self.instance_id = (
                env["mirakl.instance"]
                .with_context(tracking_disable=True)
                .create(
                    {
                        "name": "Committed Marketplace",
                        "operator_url": self.simulator.url,
                        "api_key": self.API_KEY,
                    }
                )
                .id
            )
        self.addCleanup(self._delete_instance)

    @contextmanager
    def _transaction(self):
        """An environment on a connection of its own, committed on success."""
        with self.registry.cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {})

    def _delete_instance(self):
        with self._transaction() as env:
            env["mirakl.instance"].browse(self.instance_id).with_context(active_test=False).unlink()

    def test_failure_survives_the_rollback_of_the_job(self):
        with self.registry.cursor() as job_cr:
            env = api.Environment(job_cr, SUPERUSER_ID, {})
            instance = env["mirakl.instance"].browse(self.instance_id)
            partner = env["res.partner"].create({"name": "Written by the job"})
            log = env["mirakl.sync.log"]._start(instance, "master_data", "import", total=2)
            log._progress(done=1)
            log._add_failure(f"Refused ({self.API_KEY})", mirakl_ref="SH21", record=partner)
            log._fail(RuntimeError("the job crashed"))
            job_cr.rollback()
        with self._transaction() as env:
            self.assertFalse(env["res.partner"].search([("name", "=", "Written by the job")]))
            log = env["mirakl.sync.log"].search([("instance_id", "=", self.instance_id)])
            self.assertRecordValues(
                log,
                [{"state": "failed", "message": "the job crashed", "progress_done": 1}],
            )
            self.assertRecordValues(
                log.line_ids,
                [
                    {
                        "mirakl_ref": "SH21",
                        "record_name": "Written by the job",
                        "message": "Refused (***)",
                    }
                ],
            )

    def test_job_hit_by_429_is_postponed_and_its_log_kept(self):
        self.simulator.inject_fault(op="OF52", status=429, retry_after=120, times=1)
        with self._transaction() as env:
            instance = env["mirakl.instance"].browse(self.instance_id)
            job = env["mirakl.flow.listings"]._enqueue(instance, "_job_start_export", True)
            job_uuid = job.uuid
            job.db_record().state = "enqueued"  # as the job runner does
        # What queue_job's controller does with the job, on the job's own transaction.
        with self._transaction() as env:
            RunJobController._runjob(env, RunJobController._acquire_job(env, job_uuid))
        with self._transaction() as env:
            record = env["queue.job"].search([("uuid", "=", job_uuid)])
            self.assertRecordValues(record, [{"state": "pending", "retry": 1}])
            self.assertAlmostEqual(
                record.eta,
                fields.Datetime.now() + timedelta(seconds=120),
                delta=timedelta(seconds=5),
            )
            log = env["mirakl.sync.log"].search([("instance_id", "=", self.instance_id)])
            self.assertRecordValues(
                log, [{"operation": "listings", "state": "pending", "job_uuid": job_uuid}]
            )
            self.assertIn("429", log.message)
