# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..models.mirakl_flow import PARENT_LOG_KEY
from ..models.mirakl_sync_log import INITIAL_IMPORT

# Past orders offered by default: Mirakl keeps orders for a long time, sellers rarely need them.
DEFAULT_ORDER_DAYS = 30


class MiraklInitialImport(models.TransientModel):
    """Bring a Marketplace's existing data into Odoo once: master data, listings, past orders.

    Each chosen flow runs with ``initial=True`` and the order dates; their logs report to one
    Initial Import log, which shows how many flows ended and closes after the last one.
    Running it again is safe: the flows update what exists, and identical jobs still waiting
    are not enqueued twice.
    """

    _name = "mirakl.initial.import"
    _description = "Mirakl Initial Import"

    instance_id = fields.Many2one(
        "mirakl.instance",
        string="Marketplace",
        required=True,
        default=lambda self: self._default_instance_id(),
    )
    flow_ids = fields.Many2many(
        "mirakl.instance.flow",
        string="Data",
        compute="_compute_flow_ids",
        store=True,
        readonly=False,
        domain="[('instance_id', '=', instance_id), ('initial_import', '=', True)]",
    )
    date_from = fields.Date(
        string="Orders From",
        default=lambda self: fields.Date.context_today(self) - timedelta(days=DEFAULT_ORDER_DAYS),
    )
    date_to = fields.Date(string="Orders To", default=fields.Date.context_today)

    @api.model
    def _default_instance_id(self):
        """The Marketplace, when there is only one."""
        instances = self.env["mirakl.instance"].search([], limit=2)
        return instances.id if len(instances) == 1 else False

    @api.depends("instance_id")
    def _compute_flow_ids(self):
        for wizard in self:
            wizard.flow_ids = wizard.instance_id.flow_ids.filtered("initial_import")

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from and wizard.date_to and wizard.date_from > wizard.date_to:
                raise ValidationError(self.env._("The orders' start date is after their end."))

    def action_import(self):
        """Run the chosen flows as jobs, under one Initial Import log, and open it."""
        self.ensure_one()
        if not self.flow_ids:
            raise UserError(self.env._("Choose the data to import."))
        instance = self.instance_id
        log_model = self.env["mirakl.sync.log"]
        self._close_previous_import()
        log = log_model._start(instance, INITIAL_IMPORT, "import", total=len(self.flow_ids))
        runner = instance.with_context(**{PARENT_LOG_KEY: log.id})
        try:
            for row in self.flow_ids.sorted("sequence"):
                enqueued = runner._run_flow(
                    row.flow_code, initial=True, date_from=self.date_from, date_to=self.date_to
                )
                if not enqueued:
                    flow = self.env["mirakl.flow"]._get_flow(row.flow_code)
                    flow_log = log_model.with_context(**{PARENT_LOG_KEY: log.id})._start(
                        instance, row.flow_code, flow._flow_direction
                    )
                    flow_log._finish(
                        message=self.env._("Nothing to run: up to date, or already running.")
                    )
        except Exception as error:
            log._fail(error)
            raise
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": self.env._("Initial Import of %(name)s started", name=instance.name),
                "message": self.env._(
                    "Its jobs are queued; you will be notified as each part ends."
                ),
                "next": {
                    "type": "ir.actions.act_window",
                    "res_model": "mirakl.sync.log",
                    "res_id": log.id,
                    "views": [(False, "form")],
                },
            },
        }

    def _close_previous_import(self):
        """Refuse to start while the previous run still has jobs; else close it if left open.

        A previous run's waiting jobs would be reused by this one (same identity) while
        reporting to the previous log.
        """
        previous = self.env["mirakl.sync.log"].search(
            [
                ("instance_id", "=", self.instance_id.id),
                ("operation", "=", INITIAL_IMPORT),
                ("state", "in", ("pending", "running")),
            ]
        )
        if not previous:
            return
        if self.instance_id.pending_job_count:
            raise UserError(
                self.env._(
                    "The previous Initial Import of %(name)s is still running: wait for its "
                    "jobs to end (Pending Jobs on the marketplace).",
                    name=self.instance_id.name,
                )
            )
        previous._fail(self.env._("Its jobs ended without all its flows reporting."))
