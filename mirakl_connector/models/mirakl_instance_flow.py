# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

# Scheduled-action fields kept in step with the flow; the rest (next run...) is left alone.
CRON_SYNCED_FIELDS = ("name", "code", "interval_number", "interval_type", "active")


class MiraklInstanceFlow(models.Model):
    """A flow as it runs for one Marketplace: its scheduled action, its last run, Run Now.

    ``_sync`` keeps one row per registered flow on each Marketplace, when it is created or
    changed and when the module is updated. A flow with an interval gets a scheduled action,
    managed here with sudo: it only calls ``_run_flow``, is active while the Marketplace is,
    and goes with the row.
    """

    _name = "mirakl.instance.flow"
    _description = "Mirakl Marketplace Flow"
    _order = "instance_id, sequence, id"

    instance_id = fields.Many2one(
        "mirakl.instance",
        string="Marketplace",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="instance_id.company_id", store=True, index=True)
    flow_code = fields.Char(required=True, readonly=True)
    name = fields.Char(string="Flow", readonly=True)
    sequence = fields.Integer(readonly=True)
    initial_import = fields.Boolean(readonly=True, help="Offered by the Initial Import wizard.")
    cron_id = fields.Many2one(
        "ir.cron",
        string="Scheduled Action",
        readonly=True,
        ondelete="set null",
        groups="base.group_system",
    )
    cursor = fields.Datetime(
        string="Synchronised Up To",
        readonly=True,
        copy=False,
        help="Where the flow's next run starts (orders: Mirakl's update date of the latest "
        "order stored; listings: the last complete export; master data: the last refresh).",
    )
    interval = fields.Char(string="Runs", compute="_compute_schedule")
    nextcall = fields.Datetime(string="Next Run", compute="_compute_schedule")
    last_log_id = fields.Many2one("mirakl.sync.log", string="Last Run", compute="_compute_last_run")
    last_state = fields.Selection(
        lambda self: self.env["mirakl.sync.log"]._fields["state"].selection,
        string="Last Result",
        compute="_compute_last_run",
    )
    last_date = fields.Datetime(string="Last Start", compute="_compute_last_run")
    last_message = fields.Text(compute="_compute_last_run")

    _sql_constraints = [
        (
            "instance_flow_uniq",
            "UNIQUE(instance_id, flow_code)",
            "A flow appears once per Marketplace.",
        ),
    ]

    def _compute_schedule(self):
        units = dict(self.env["ir.cron"]._fields["interval_type"]._description_selection(self.env))
        for row in self:
            cron = row.sudo().cron_id
            row.interval = cron and self.env._(
                "Every %(number)s %(unit)s",
                number=cron.interval_number,
                unit=units[cron.interval_type].lower(),
            )
            row.nextcall = cron.active and cron.nextcall

    def _compute_last_run(self):
        log_model = self.env["mirakl.sync.log"]
        for row in self:
            log = log_model.search(
                [("instance_id", "=", row.instance_id.id), ("operation", "=", row.flow_code)],
                limit=1,
            )
            row.last_log_id = log
            row.last_state = log.state
            row.last_date = log.date_start
            row.last_message = log.message

    def unlink(self):
        crons = self.sudo().cron_id
        result = super().unlink()
        self._unlink_crons(crons)
        return result

    def action_run(self):
        """Run the flow now: its jobs go to the queue."""
        self.ensure_one()
        self.instance_id._run_flow(self.flow_code)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "%(flow)s started for %(marketplace)s: see its sync log.",
                    flow=self.name,
                    marketplace=self.instance_id.name,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_view_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "mirakl_connector.mirakl_sync_log_action"
        )
        action["domain"] = [
            ("instance_id", "=", self.instance_id.id),
            ("operation", "=", self.flow_code),
        ]
        action["context"] = {}
        return action

    @api.model
    def _sync(self, instances):
        """Give each of ``instances`` one row per registered flow, with its scheduled action."""
        flows = self.env["mirakl.flow"]._flows()
        rows = self.sudo().browse()
        for instance in instances.with_context(active_test=False):
            existing = {row.flow_code: row for row in instance.sudo().flow_ids}
            for code in set(existing) - set(flows):
                existing.pop(code).unlink()
            for code, flow in flows.items():
                vals = {
                    "name": flow._description,
                    "sequence": flow._flow_sequence,
                    "initial_import": flow._flow_initial_import,
                }
                if code in existing:
                    existing[code].write(vals)
                else:
                    existing[code] = rows.create(
                        {**vals, "instance_id": instance.id, "flow_code": code}
                    )
                rows |= existing[code]
        rows._sync_cron()

    @api.model
    def _sync_all(self):
        """Bring every Marketplace's flows up to date with the code (module install, update)."""
        self._sync(self.env["mirakl.instance"].with_context(active_test=False).search([]))

    @api.model
    def _get_schedule_fields(self):
        """Marketplace fields whose change updates the scheduled actions."""
        flows = self.env["mirakl.flow"]._flows().values()
        return {"active", "name"} | {
            flow._flow_interval_field for flow in flows if flow._flow_interval_field
        }

    def _sync_cron(self):
        """Create, update or remove each row's scheduled action to match its flow."""
        flows = self.env["mirakl.flow"]._flows()
        cron_model = self.env["ir.cron"].sudo().with_context(active_test=False)
        for row in self.sudo():
            flow = flows[row.flow_code]
            interval = flow._get_interval(row.instance_id)
            if not interval:
                self._unlink_crons(row.cron_id)
                continue
            vals = row._prepare_cron_vals(flow, interval)
            if not row.cron_id:
                row.cron_id = cron_model.create(vals)
                continue
            changed = {
                name: vals[name] for name in CRON_SYNCED_FIELDS if row.cron_id[name] != vals[name]
            }
            if changed:
                row.cron_id.write(changed)

    def _unlink_crons(self, crons):
        """Delete scheduled actions with their server actions, which they would leave behind."""
        actions = crons.ir_actions_server_id
        crons.unlink()
        actions.unlink()

    def _prepare_cron_vals(self, flow, interval):
        number, unit = interval
        instance = self.instance_id
        return {
            "name": f"Mirakl: {flow._description} ({instance.name})",
            "model_id": self.env["ir.model"]._get_id("mirakl.instance"),
            "state": "code",
            "code": f"model.browse({instance.id})._run_flow({flow._flow_code!r})",
            "interval_number": number,
            "interval_type": unit,
            "active": instance.active,
            "user_id": self.env.ref("base.user_root").id,
        }
