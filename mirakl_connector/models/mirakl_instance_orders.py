# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


# The Marketplace's settings are split by area so that each file stays readable.
class MiraklInstance(models.Model):
    """The Marketplace's order settings: import, acceptance, sale orders, financial workflow
    (``mirakl_instance.py`` holds the Marketplace itself)."""

    _inherit = "mirakl.instance"  # pylint: disable=consider-merging-classes-inherited

    order_watermark = fields.Datetime(
        string="Orders Read Up To",
        compute="_compute_flow_cursors",
        inverse="_inverse_flow_cursors",
        readonly=True,
        help="Mirakl update date of the latest order stored (UTC). The next import reads the "
        "orders updated since a few minutes before it; empty: the last sweep days.",
    )
    order_state_ids = fields.Many2many(
        "mirakl.order.state",
        string="Import Orders In",
        default=lambda self: self.env["mirakl.order.state"].search([]),
        help="Statuses of the orders to import; empty imports them all. Leaving out Cancelled "
        "or Shipped hides the cancellations and shipments made outside Odoo.",
    )
    order_sweep_days = fields.Integer(
        string="Catch-up Sweep (Days)",
        default=5,
        help="Every night, the orders updated in the last days are read again and anything "
        "missed is repaired.",
    )
    sale_order_state = fields.Selection(
        [
            ("WAITING_DEBIT_PAYMENT", "Accepted"),
            ("SHIPPING", "To ship (paid)"),
            ("SHIPPED", "Shipped"),
        ],
        string="Create Sale Orders When",
        default="SHIPPING",
        required=True,
        help="Mirakl status from which an order gets its sale order. Sale orders are only "
        "confirmed (stock reserved) once Mirakl says the order is to ship.",
    )
    acceptance_mode = fields.Selection(
        [("manual", "Manual"), ("automatic", "Accept all"), ("rules", "By rules")],
        default="manual",
        required=True,
        help="Manual: the responsible accepts or refuses each order, reminded by an activity. "
        "By rules: lines with a known product, enough free stock and the listed price are "
        "accepted.",
    )
    acceptance_delay_hours = fields.Integer(
        string="Acceptance Delay (Hours)",
        default=48,
        help="How long the operator leaves an order awaiting acceptance before refusing it.",
    )
    acceptance_stock_buffer = fields.Float(
        string="Stock Buffer",
        digits="Product Unit of Measure",
        help="Units of free stock the rules keep back before accepting a line.",
    )
    acceptance_price_tolerance = fields.Float(
        string="Price Tolerance (%)",
        help="Largest gap the rules accept between the ordered and the listed unit price.",
    )
    acceptance_rule_failure = fields.Selection(
        [("manual", "Leave the order to the responsible"), ("refuse", "Refuse those lines")],
        string="When Rules Fail",
        default="manual",
        required=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        help="Salesperson of the Marketplace's orders; decides on the orders to accept.",
    )
    team_id = fields.Many2one("crm.team", string="Sales Team", check_company=True)
    default_carrier_id = fields.Many2one(
        "delivery.carrier",
        string="Default Delivery Method",
        check_company=True,
        help="Delivery method of the orders whose Mirakl carrier is not mapped.",
    )
    discount_product_id = fields.Many2one(
        "product.product",
        string="Promotion Product",
        check_company=True,
        help="Product of the lines carrying the discounts Mirakl applied beyond unit prices.",
    )
    create_company_partner = fields.Boolean(
        string="Company Contacts",
        help="Create a company partner for buyers ordering for a company, as their parent.",
    )
    auto_confirm = fields.Boolean(
        string="Confirm Sale Orders",
        default=True,
        help="Confirm the sale order (deliveries created) once Mirakl says it is to ship.",
    )
    auto_invoice = fields.Boolean(
        string="Invoice Automatically",
        help="Create and post the invoices of confirmed orders; the payment mappings may say "
        "otherwise per payment workflow.",
    )
    payment_journal_id = fields.Many2one(
        "account.journal",
        check_company=True,
        domain="[('type', 'in', ('bank', 'cash'))]",
        help="Register the payment of the invoices on this journal (the operator collected it).",
    )
    tax_mapping_ids = fields.One2many("mirakl.tax.mapping", "instance_id", string="Tax Mappings")
    payment_mapping_ids = fields.One2many(
        "mirakl.payment.mapping", "instance_id", string="Payment Mappings"
    )
    mirakl_order_count = fields.Integer(compute="_compute_mirakl_order_counts")
    order_to_accept_count = fields.Integer(compute="_compute_mirakl_order_counts")

    def _compute_mirakl_order_counts(self):
        totals = self._count_by_instance("mirakl.order", [])
        to_accept = self._count_by_instance(
            "mirakl.order", [("mirakl_state", "=", "WAITING_ACCEPTANCE")]
        )
        for instance in self:
            instance.mirakl_order_count = totals.get(instance.id, 0)
            instance.order_to_accept_count = to_accept.get(instance.id, 0)

    def action_import_orders(self):
        """Queue the import of the orders changed since the last one."""
        self._run_flow("orders")
        return self._queued_notification(self.env._("Order import queued."))

    def action_view_orders(self):
        return self._action_view(
            "mirakl_connector.mirakl_order_action",
            [("instance_id", "in", self.ids)],
            default_instance_id=self.id,
        )

    def action_view_orders_to_accept(self):
        return self._action_view(
            "mirakl_connector.mirakl_order_action",
            [("instance_id", "in", self.ids)],
            search_default_to_accept=1,
        )
