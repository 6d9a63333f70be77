# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import re
from pathlib import Path

from odoo.tests import TransactionCase, tagged

from odoo.addons.queue_job.jobrunner.channels import ChannelManager

CONFIGURE_MD = Path(__file__).resolve().parents[1] / "readme" / "CONFIGURE.md"
MIRAKL_CHANNELS = {
    "root.mirakl",
    "root.mirakl.catalog",
    "root.mirakl.orders",
    "root.mirakl.stock",
    "root.mirakl.prices",
    "root.mirakl.shipments",
    "root.mirakl.documents",
    "root.mirakl.messages",
    "root.mirakl.payouts",
    "root.mirakl.refunds",
}


@tagged("post_install", "-at_install")
class TestMiraklQueue(TransactionCase):
    def _documented_channels(self):
        """The ``[queue_job] channels`` line the configuration guide tells admins to use."""
        match = re.search(r"^channels = (\S+)$", CONFIGURE_MD.read_text(), re.MULTILINE)
        self.assertTrue(match, "readme/CONFIGURE.md shows the channels configuration")
        return match.group(1)

    def test_channels_are_declared_for_every_flow(self):
        channels = self.env["queue.job.channel"].search([]).mapped("complete_name")
        self.assertLessEqual(MIRAKL_CHANNELS, set(channels))
        for flow in self.env["mirakl.flow"]._flows().values():
            self.assertIn(flow._flow_channel, channels, flow._name)

    def test_every_job_has_its_function_with_a_retry_pattern(self):
        functions = self.env["queue.job.function"].search([])
        by_name = {function.name: function for function in functions}
        for flow in self.env["mirakl.flow"]._flows().values():
            for method in flow._get_job_methods():
                name = f"<{flow._name}>.{method}"
                self.assertIn(name, by_name, "declared in data/queue_job_function_*_data.xml")
                self.assertEqual(by_name[name].channel, flow._flow_channel, name)
                self.assertTrue(by_name[name].retry_pattern, name)

    def test_documented_configuration_covers_and_throttles_the_channels(self):
        manager = ChannelManager()
        manager.simple_configure(self._documented_channels())
        for name in MIRAKL_CHANNELS:
            self.assertEqual(manager.get_channel_by_name(name).fullname, name)

        # Stock exports: one at a time, 15 seconds apart.
        for seq in (1, 2):
            manager.notify("db", "root.mirakl.stock", f"S{seq}", seq, 0, 10, None, "pending")
        self.assertEqual([job.uuid for job in manager.get_jobs_to_run(now=100)], ["S1"])
        manager.notify("db", "root.mirakl.stock", "S1", 1, 0, 10, None, "done")
        self.assertEqual(list(manager.get_jobs_to_run(now=110)), [], "throttled")
        self.assertEqual([job.uuid for job in manager.get_jobs_to_run(now=115)], ["S2"])

        # Catalogue imports: one at a time, whatever the other channels do.
        for seq in (1, 2):
            manager.notify("db", "root.mirakl.catalog", f"C{seq}", seq, 0, 10, None, "pending")
        manager.notify("db", "root.mirakl.orders", "O1", 3, 0, 10, None, "pending")
        self.assertEqual(sorted(job.uuid for job in manager.get_jobs_to_run(now=200)), ["C1", "O1"])
