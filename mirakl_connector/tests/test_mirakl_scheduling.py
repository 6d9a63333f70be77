# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from pathlib import Path

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import MiraklSimulatorCase, trap_jobs

NEUTRALIZE_SQL = Path(__file__).resolve().parents[1] / "data" / "neutralize.sql"


@tagged("post_install", "-at_install")
class TestMiraklScheduling(MiraklSimulatorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flows = cls.env["mirakl.flow"]._flows()
        cls.user = new_test_user(
            cls.env, login="mirakl_sched_user", groups="mirakl_connector.group_mirakl_user"
        )

    def _crons(self, marketplace=None):
        marketplace = marketplace or self.marketplace
        return marketplace.with_context(active_test=False).flow_ids.cron_id

    def _cron(self, code):
        return self.marketplace.flow_ids.filtered(lambda row: row.flow_code == code).cron_id

    # -- Scheduled actions follow the Marketplace ----------------------------------------------

    def test_marketplace_gets_one_row_per_flow_and_a_cron_per_scheduled_flow(self):
        rows = self.marketplace.flow_ids
        self.assertEqual(rows.mapped("flow_code"), list(self.flows))
        scheduled = [
            code for code, flow in self.flows.items() if flow._get_interval(self.marketplace)
        ]
        self.assertEqual(rows.filtered("cron_id").mapped("flow_code"), scheduled)
        cron = self._cron("master_data")
        self.assertRecordValues(
            cron,
            [
                {
                    "name": "Mirakl: Master Data Import (Test Marketplace)",
                    "model_id": self.env["ir.model"]._get_id("mirakl.instance"),
                    "state": "code",
                    "code": f"model.browse({self.marketplace.id})._run_flow('master_data')",
                    "interval_number": 1,
                    "interval_type": "days",
                    "active": True,
                    "user_id": self.env.ref("base.user_root").id,
                }
            ],
        )
        self.assertEqual(
            rows.filtered(lambda row: row.flow_code == "master_data").interval, "Every 1 days"
        )

    def test_interval_chosen_on_the_marketplace(self):
        # As the order import does: its interval is the Marketplace's Import Orders.
        flow_class = type(self.env["mirakl.flow.master_data"])
        self.patch(flow_class, "_flow_interval_field", "order_import_interval")
        self.env["mirakl.instance.flow"]._sync(self.marketplace)
        cron = self._cron("master_data")
        self.assertRecordValues(cron, [{"interval_number": 15, "interval_type": "minutes"}])
        nextcall = cron.nextcall
        self.marketplace.order_import_interval = "5"
        self.assertRecordValues(
            cron, [{"interval_number": 5, "interval_type": "minutes", "nextcall": nextcall}]
        )
        self.marketplace.order_import_interval = "60"
        self.assertEqual(cron.interval_number, 60)

    def test_archiving_stops_the_crons_and_deleting_removes_them(self):
        crons = self._crons()
        self.marketplace.active = False
        self.assertEqual(crons.mapped("active"), [False] * len(crons))
        self.marketplace.active = True
        self.assertEqual(crons.mapped("active"), [True] * len(crons))
        self.marketplace.name = "Renamed"
        self.assertTrue(all("(Renamed)" in name for name in crons.mapped("name")))
        actions = crons.ir_actions_server_id
        self.marketplace.unlink()
        self.assertFalse(crons.exists())
        self.assertFalse(actions.exists())

    def test_new_marketplace_archived_from_the_start(self):
        marketplace = self.env["mirakl.instance"].create(
            {"name": "Later", "operator_url": self.simulator.url, "active": False}
        )
        crons = self._crons(marketplace)
        self.assertTrue(crons)
        self.assertFalse(any(crons.mapped("active")))

    def test_module_update_brings_rows_and_crons_up_to_date(self):
        cron = self._cron("master_data")
        cron.interval_number = 7
        cron.unlink()
        stale = self.env["mirakl.instance.flow"].create(
            {"instance_id": self.marketplace.id, "flow_code": "removed_flow"}
        )
        self.env["mirakl.instance.flow"]._sync_all()
        self.assertFalse(stale.exists())
        self.assertEqual(self.marketplace.flow_ids.mapped("flow_code"), list(self.flows))
        self.assertEqual(self._cron("master_data").interval_number, 1)

    def test_neutralization_stops_everything(self):
        job = self.env["mirakl.flow.master_data"]._enqueue(
            self.marketplace, "_job_import_master_data", True, None
        )
        self.env.flush_all()
        self.env.cr.execute(NEUTRALIZE_SQL.read_text())
        self.env.invalidate_all()
        self.assertFalse(self.marketplace.active)
        self.assertFalse(any(self._crons().mapped("active")))
        self.assertEqual(job.db_record().state, "cancelled")

    # -- From the cron to the jobs -------------------------------------------------------------

    def test_cron_only_enqueues_jobs(self):
        with trap_jobs() as trap:
            self._cron("master_data").method_direct_trigger()
        trap.assert_jobs_count(1)
        trap.assert_enqueued_job(
            self.env["mirakl.flow.master_data"]._job_import_master_data,
            args=(self.marketplace, False, None),
            properties={"channel": "root.mirakl.catalog"},
        )
        self.assertFalse(self.simulator.requests, "no call to Mirakl before the job runs")
        with trap_jobs() as trap:
            self._cron("listings").method_direct_trigger()
        trap.assert_enqueued_job(
            self.env["mirakl.flow.listings"]._job_start_export,
            args=(self.marketplace, True),
            properties={"channel": "root.mirakl.catalog"},
        )

    def test_user_runs_a_flow_now_and_sees_its_last_run(self):
        row = self.marketplace.flow_ids.filtered(lambda r: r.flow_code == "master_data")
        row = row.with_user(self.user)
        self.assertFalse(row.last_log_id)
        with trap_jobs() as trap:
            action = row.action_run()
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload")
        trap.assert_jobs_count(1)
        trap.perform_enqueued_jobs()
        row.invalidate_recordset()
        self.assertEqual(row.last_state, "done")
        self.assertTrue(row.last_date)
        self.assertEqual(row.action_view_logs()["domain"][1], ("operation", "=", "master_data"))
        self.assertTrue(row.interval)
        with self.assertRaises(AccessError):
            row.read(["cron_id"])

    # -- Marketplace form ----------------------------------------------------------------------

    def test_smart_buttons_count_errors_and_pending_jobs(self):
        log_model = self.env["mirakl.sync.log"]
        for state in ("done", "partial", "failed"):
            log = log_model._start(self.marketplace, "master_data", "import")
            if state == "done":
                log._finish()
            elif state == "partial":
                log._add_failure("one")
                log._finish(created=1)
            else:
                log._fail("down")
        self.assertEqual(self.marketplace.sync_error_count, 2)
        action = self.marketplace.action_view_sync_errors()
        self.assertEqual(log_model.search_count(action["domain"]), 3)
        self.assertEqual(action["context"], {"search_default_errors": 1})
        self.env["mirakl.flow.listings"]._enqueue(self.marketplace, "_job_start_export", True)
        self.assertEqual(self.marketplace.pending_job_count, 1)
        action = self.marketplace.action_view_pending_jobs()
        self.assertEqual(self.env["queue.job"].search_count(action["domain"]), 1)
