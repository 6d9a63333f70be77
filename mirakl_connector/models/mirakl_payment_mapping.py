# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

PAYMENT_WORKFLOWS = [
    ("PAY_ON_ACCEPTANCE", "Pay on acceptance"),
    ("PAY_ON_DELIVERY", "Pay on delivery"),
    ("PAY_ON_DUE_DATE", "Pay on due date"),
    ("PAY_ON_SHIPMENT", "Pay on shipment"),
    ("NO_CUSTOMER_PAYMENT_CONFIRMATION", "No customer payment confirmation"),
]


class MiraklPaymentMapping(models.Model):
    """Financial workflow of the orders paid one way: invoice them at once or not, and on
    which journal to register the payment the operator collected.

    The most specific row wins (payment workflow and type, then workflow, then type); orders
    no row matches follow the Marketplace's own settings.
    """

    _name = "mirakl.payment.mapping"
    _description = "Mirakl Payment Mapping"
    _order = "instance_id, sequence, id"
    _check_company_auto = True

    instance_id = fields.Many2one(
        "mirakl.instance", string="Marketplace", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="instance_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    payment_workflow = fields.Selection(
        PAYMENT_WORKFLOWS, help="Leave empty to match every workflow."
    )
    payment_type = fields.Char(
        help="Mirakl's payment type, e.g. CREDIT_CARD or PAYPAL. Leave empty to match any."
    )
    auto_invoice = fields.Boolean(
        string="Invoice Automatically",
        default=True,
        help="Create and post the invoice as soon as the sale order can be invoiced.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Payment Journal",
        check_company=True,
        domain="[('type', 'in', ('bank', 'cash'))]",
        help="Register the invoice's payment on this journal. Leave empty to leave it unpaid.",
    )

    @api.model
    def _mirakl_settings(self, instance, workflow, payment_type):
        """``(auto_invoice, journal)`` of an order paid with ``workflow`` and ``payment_type``."""
        best, best_score = None, -1
        for mapping in self.search([("instance_id", "=", instance.id)]):
            if mapping.payment_workflow and mapping.payment_workflow != workflow:
                continue
            if mapping.payment_type and mapping.payment_type != payment_type:
                continue
            score = 2 * bool(mapping.payment_workflow) + bool(mapping.payment_type)
            if score > best_score:
                best, best_score = mapping, score
        if best:
            return best.auto_invoice, best.journal_id
        return instance.auto_invoice, instance.payment_journal_id
