# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..mapping import returns as return_mapping

RETURN_STATES = [
    ("WAITING_ACCEPTANCE", "Awaiting Acceptance"),
    ("IN_PROGRESS", "In Progress"),
    ("REFUSED", "Refused"),
    ("RECEIVED", "Received"),
    ("NO_RECEPTION", "Not Received"),
    ("CLOSED", "Closed"),
    ("CANCELED", "Cancelled"),
    ("OTHER", "Other"),
]
RETURN_METHODS = [
    ("RETURN_METHOD_BY_MAIL", "By Mail"),
    ("RETURN_METHOD_DROP_OFF_POINT", "Drop-off Point"),
    ("RETURN_METHOD_HOME_PICKUP", "Home Pickup"),
    ("RETURN_METHOD_IN_STORE", "In Store"),
    ("RETURN_METHOD_RETURNLESS", "Returnless (Nothing Comes Back)"),
]
REJECTION_REASONS = [
    ("RETURN_REJECTION_NOT_ELIGIBLE", "Not eligible for a return"),
    ("RETURN_REJECTION_NOT_NEEDED", "No return needed"),
    ("RETURN_REJECTION_WINDOW_CLOSED", "Return window closed"),
]
PENDING_ACTIONS = [
    ("accept", "Accept"),
    ("refuse", "Refuse"),
    ("receive", "Confirm Reception"),
]
DECISIONS = ("accept", "refuse")


class MiraklReturn(models.Model):
    """A customer's return request on a Marketplace, as Mirakl last sent it, and the receipt
    Odoo made for it.

    The import keeps every return it reads, even one it cannot link to an Odoo order (it then
    waits in error with its payload until retried). What the seller decides in Odoo (accept,
    refuse, items received) waits in ``pending_action`` until a job has told Mirakl, so a
    decision is never lost when Mirakl cannot be reached. The database keeps one row per
    (Marketplace, Mirakl return id).
    """

    _name = "mirakl.return"
    _description = "Mirakl Return"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_created desc, id desc"
    _rec_names_search = ["rma", "order_ref", "mirakl_return_id"]
    _check_company_auto = True

    instance_id = fields.Many2one(
        "mirakl.instance",
        string="Marketplace",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(related="instance_id.company_id", store=True, index=True)
    mirakl_return_id = fields.Char(string="Mirakl Return ID", required=True, readonly=True)
    order_ref = fields.Char(string="Mirakl Order", readonly=True, index=True)
    commercial_id = fields.Char(string="Commercial ID", readonly=True)
    order_id = fields.Many2one(
        "mirakl.order",
        string="Mirakl Order Record",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    sale_order_id = fields.Many2one(
        related="order_id.sale_order_id", store=True, index="btree_not_null"
    )
    partner_id = fields.Many2one(related="sale_order_id.partner_id", string="Customer")
    mirakl_state = fields.Selection(
        RETURN_STATES, string="Mirakl Status", readonly=True, index=True, tracking=True
    )
    method_code = fields.Selection(RETURN_METHODS, string="Return Method", readonly=True)
    reason_code = fields.Char(string="Reason", readonly=True)
    rejection_reason_code = fields.Selection(
        REJECTION_REASONS, string="Rejection Reason", readonly=True, tracking=True
    )
    rma = fields.Char(string="RMA", readonly=True)
    description = fields.Text(readonly=True)
    label_url = fields.Char(string="Return Label", readonly=True)
    return_address = fields.Char(readonly=True)
    carrier = fields.Char(readonly=True)
    tracking_number = fields.Char(readonly=True)
    tracking_url = fields.Char(string="Tracking URL", readonly=True)
    date_created = fields.Datetime(string="Requested On", readonly=True)
    last_updated_date = fields.Datetime(string="Updated on Mirakl", readonly=True, index=True)
    line_ids = fields.One2many("mirakl.return.line", "return_id", string="Lines", readonly=True)
    picking_ids = fields.One2many(
        "stock.picking", "mirakl_return_id", string="Return Receipts", readonly=True
    )
    picking_count = fields.Integer(compute="_compute_picking_count")
    pending_action = fields.Selection(
        PENDING_ACTIONS,
        string="To Send to Mirakl",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="What Odoo still has to tell Mirakl; a job sends it shortly.",
    )
    sync_error = fields.Text(
        string="Mirakl Refusal", readonly=True, copy=False, help="Why Mirakl refused the last call."
    )
    import_state = fields.Selection(
        [("done", "Up to Date"), ("error", "Error")],
        default="done",
        required=True,
        readonly=True,
        index=True,
        copy=False,
    )
    import_error = fields.Text(readonly=True, copy=False)
    payload = fields.Json(readonly=True, copy=False, groups="base.group_no_one")
    payload_hash = fields.Char(readonly=True, copy=False)

    _sql_constraints = [
        (
            "instance_return_uniq",
            "UNIQUE(instance_id, mirakl_return_id)",
            "A Mirakl return is imported once per Marketplace.",
        ),
    ]

    @api.depends("rma", "order_ref", "mirakl_return_id")
    def _compute_display_name(self):
        for record in self:
            reference = record.rma or (record.mirakl_return_id or "")[:8]
            record.display_name = f"{record.order_ref or '?'} / {reference}"

    @api.depends("picking_ids")
    def _compute_picking_count(self):
        for record in self:
            record.picking_count = len(record.picking_ids)

    def action_accept(self):
        """Accept the requests on Mirakl (shortly, in a job); the receipt follows."""
        self._check_awaiting_decision()
        self._mirakl_queue_decision("accept")
        return True

    def action_refuse(self):
        """Open the refusal wizard: Mirakl wants a reason."""
        self._check_awaiting_decision()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refuse Returns"),
            "res_model": "mirakl.return.refuse",
            "view_mode": "form",
            "target": "new",
            "context": {"default_return_ids": self.ids},
        }

    def action_retry(self):
        """Work on these returns again: their processing in error, and what Mirakl refused."""
        flow = self.env["mirakl.flow.returns"]
        for instance in self.instance_id:
            returns = self.filtered(lambda r, i=instance: r.instance_id == i)
            errors = returns.filtered(lambda r: r.import_state == "error")
            if errors:
                flow._enqueue(instance, "_job_process_returns", errors.sudo())
            refused = returns.filtered(lambda r: r.pending_action and r.sync_error)
            refused.sync_error = False
            flow._enqueue_actions(instance, refused.mapped("pending_action"))
        return True

    def action_view_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("id", "in", self.picking_ids.ids)]
        action["context"] = {"create": False}
        if len(self.picking_ids) == 1:
            action.update(views=[(False, "form")], res_id=self.picking_ids.id)
        return action

    def action_view_sale_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "view_mode": "form",
        }

    def _check_awaiting_decision(self):
        done = self.filtered(
            lambda r: r.mirakl_state != "WAITING_ACCEPTANCE" or r.pending_action in DECISIONS
        )
        if done:
            raise UserError(
                self.env._(
                    "These returns are not awaiting a decision, or one is being sent: %(returns)s",
                    returns=", ".join(done.mapped("display_name")),
                )
            )

    def _mirakl_queue_decision(self, action, reason=None, note=None):
        """Keep the decision and have a job send it (RT21) after this transaction."""
        self.write(
            {
                "pending_action": action,
                "rejection_reason_code": reason if action == "refuse" else False,
                "sync_error": False,
            }
        )
        if note:
            for record in self:
                record.message_post(body=note)
        for instance in self.instance_id:
            self.env["mirakl.flow.returns"]._enqueue_actions(instance, [action])

    def _mirakl_queue_reception(self):
        """Returns whose receipts are all validated: tell Mirakl the items arrived (RT25),
        in a job after this transaction, where the Marketplace confirms receptions."""
        received = self.filtered(
            lambda r: (
                r.mirakl_state == "IN_PROGRESS"
                and r.instance_id.return_confirm_reception
                and not r.pending_action
                and not r.order_id.sync_stopped
                and r.picking_ids.filtered(lambda p: p.state == "done")
                and not r.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
            )
        )
        received.write({"pending_action": "receive", "sync_error": False})
        for instance in received.instance_id:
            self.env["mirakl.flow.returns"]._enqueue_actions(instance, ["receive"])

    def _mirakl_apply(self, orders):
        """Link the return to its order and lines, then follow Mirakl's state in the
        warehouse. ``orders``: the Marketplace's ``mirakl.order`` by Mirakl order id. Raises
        UserError for what the seller must fix."""
        self.ensure_one()
        order = orders.get(self.order_ref) or self.order_id
        if not order:
            raise UserError(
                self.env._(
                    "Return %(ret)s is for order %(order)s, which is not in Odoo: import the "
                    "order, then retry.",
                    ret=self.display_name,
                    order=self.order_ref,
                )
            )
        if self.order_id != order:
            self.order_id = order
        self.line_ids._mirakl_link(order)
        if self.pending_action in DECISIONS and self.mirakl_state != "WAITING_ACCEPTANCE":
            self.pending_action = False  # decided meanwhile on Mirakl
        elif self.pending_action == "receive" and self.mirakl_state != "IN_PROGRESS":
            self.pending_action = False
        self._mirakl_follow_state()

    def _mirakl_follow_state(self):
        """Make the receipt of a return in progress; cancel it when nothing will come back."""
        self.ensure_one()
        open_pickings = self.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        if self.mirakl_state in return_mapping.VOID_STATES and open_pickings:
            open_pickings.action_cancel()
            self.message_post(
                body=self.env._(
                    "Mirakl says the return is %(state)s: receipts %(pickings)s cancelled.",
                    state=dict(RETURN_STATES)[self.mirakl_state],
                    pickings=", ".join(open_pickings.mapped("name")),
                )
            )
        elif (
            self.mirakl_state in return_mapping.AWAITED_STATES
            and self.method_code != return_mapping.RETURNLESS
            and not self.picking_ids.filtered(lambda p: p.state != "cancel")
        ):
            self._mirakl_create_pickings()

    def _mirakl_create_pickings(self):
        """Receipts of the returned units: Odoo's own return of the deliveries that shipped
        them (quantities from the return lines), linked to the return and the sale order."""
        self.ensure_one()
        sale_lines = {
            sale_line.mirakl_line_id: sale_line
            for sale_line in self.sale_order_id.order_line
            if sale_line.mirakl_line_id
        }
        per_picking = {}
        for line in self.line_ids:
            sale_line = sale_lines.get(line.order_line_id, self.env["sale.order.line"])
            for move, quantity in line._mirakl_returnable_moves(sale_line):
                per_picking.setdefault(move.picking_id, {})[move] = quantity
        pickings = self.env["stock.picking"]
        for delivery, quantities in per_picking.items():
            wizard = self.env["stock.return.picking"].create({"picking_id": delivery.id})
            for wizard_line in wizard.product_return_moves:
                wizard_line.quantity = quantities.get(wizard_line.move_id, 0.0)
            action = wizard.action_create_returns()
            pickings |= self.env["stock.picking"].browse(action["res_id"])
        pickings.mirakl_return_id = self
        self.message_post(
            body=self.env._(
                "Return receipts %(pickings)s created.", pickings=", ".join(pickings.mapped("name"))
            )
        )
        return pickings
