# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models


class MiraklFlowOrdersSweep(models.AbstractModel):
    """Nightly catch-up of the order import: read again every order updated in the last days.

    Repairs what the incremental import could have missed (a clock gap, an order Mirakl dated
    in the past) without moving its watermark: orders already stored and unchanged are skipped
    by their payload hash, missing or changed ones are stored and processed, and orders still
    in error are processed again.
    """

    _name = "mirakl.flow.orders_sweep"
    _inherit = "mirakl.flow"
    _description = "Order Catch-up Sweep"
    _flow_code = "orders_sweep"
    _flow_channel = "root.mirakl.orders"
    _flow_interval = (1, "days")
    _flow_sequence = 31

    @api.model
    def _run(self, instance, **options):
        return self._enqueue(instance, "_job_sweep", identity="sweep")

    def _job_sweep(self, instance):
        with self._sync_log(instance) as log:
            orders_flow = self.env["mirakl.flow.orders"]
            since = fields.Datetime.now() - timedelta(days=instance.order_sweep_days or 1)
            result = orders_flow._fetch(instance, log, start_update_date=since)
            in_error = self.env["mirakl.order"].search(
                [("instance_id", "=", instance.id), ("import_state", "=", "error")]
            )
            orders_flow._enqueue_processing(in_error)
            log._finish(
                **orders_flow._log_counts(result),
                message=self.env._(
                    "%(count)s orders in error processed again.", count=len(in_error)
                ),
            )
