# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.queue_job.fields import JobSerialized


class MiraklSyncLogLine(models.Model):
    """One record a run could not handle: which one, why, and how to try it again."""

    _name = "mirakl.sync.log.line"
    _description = "Mirakl Sync Log Failure"
    _order = "log_id desc, id"
    _rec_name = "message"

    log_id = fields.Many2one(
        "mirakl.sync.log", required=True, readonly=True, index=True, ondelete="cascade"
    )
    instance_id = fields.Many2one(related="log_id.instance_id", string="Marketplace")
    company_id = fields.Many2one(related="log_id.company_id", store=True, index=True)
    state = fields.Selection(
        [("failed", "Failed"), ("retried", "Retried")],
        default="failed",
        required=True,
        readonly=True,
    )
    mirakl_ref = fields.Char(string="Mirakl Reference", readonly=True)
    res_model = fields.Char(string="Record Model", readonly=True)
    res_id = fields.Many2oneReference(string="Record ID", model_field="res_model", readonly=True)
    record_name = fields.Char(
        string="Record",
        readonly=True,
        help="The Odoo record's name when it failed: the record itself may have been rolled back.",
    )
    message = fields.Text(readonly=True)
    retry_model = fields.Char(readonly=True)
    retry_method = fields.Char(readonly=True)
    retry_args = JobSerialized(base_type=list, readonly=True)
    can_retry = fields.Boolean(compute="_compute_can_retry")

    @api.depends("state", "retry_method")
    def _compute_can_retry(self):
        for line in self:
            line.can_retry = line.state == "failed" and bool(line.retry_method)

    def action_retry(self):
        """Enqueue the failed work again, as its flow described it, and mark it retried."""
        self.check_access("read")
        flows = {flow._name: flow for flow in self.env["mirakl.flow"]._flows().values()}
        lines = self.filtered("can_retry")
        for line in lines:
            flow = flows.get(line.retry_model)
            # Only a flow's job methods can be called from a log.
            if flow is None or line.retry_method not in flow._get_job_methods():
                raise UserError(
                    self.env._(
                        "%(method)s of %(model)s cannot be retried from a sync log.",
                        method=line.retry_method,
                        model=line.retry_model,
                    )
                )
            flow._enqueue(line.instance_id, line.retry_method, *line.retry_args)
        lines.sudo().state = "retried"
        return True

    def action_open_record(self):
        self.ensure_one()
        if not self.env[self.res_model].browse(self.res_id).exists():
            raise UserError(self.env._("%(record)s no longer exists.", record=self.record_name))
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
