# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


# The Marketplace's settings are split by area so that each file stays readable.
class MiraklInstance(models.Model):
    """The Marketplace's after-sale settings: documents, refunds, returns, messages, payouts
    (``mirakl_instance.py`` holds the Marketplace itself)."""

    _inherit = "mirakl.instance"  # pylint: disable=consider-merging-classes-inherited

    # Refunds: credit notes sent as OR28 refunds, cancellations in Odoo as OR30.
    send_refunds = fields.Boolean(
        string="Send Refunds to Mirakl",
        help="Refund on Mirakl (OR28) each posted credit note of a Mirakl order, line by line, "
        "so the customer gets the money back. Refunds made on Mirakl become credit notes "
        "either way.",
    )
    refund_reason_id = fields.Many2one(
        "mirakl.reason",
        string="Default Refund Reason",
        check_company=True,
        domain="[('instance_id', '=', id), ('type', '=', 'REFUND'), ('is_shop_right', '=', True)]",
        help="Sent with the refunds of credit notes that give no reason of their own.",
    )
    cancel_reason_id = fields.Many2one(
        "mirakl.reason",
        string="Default Cancellation Reason",
        check_company=True,
        domain="[('instance_id', '=', id), ('type', '=', 'CANCELATION'), "
        "('is_shop_right', '=', True)]",
        help="Proposed when cancelling units of an order on Mirakl from Odoo.",
    )
    # Payouts: accounting documents (IV01), transaction lines (TL02), payout journal entries.
    payout_create_entries = fields.Boolean(
        string="Post Payout Entries",
        help="Post a journal entry for each payout Mirakl makes, from its transaction lines: "
        "order amounts leave the clearing account, commissions and fees become expenses, the "
        "net amount lands on the payout journal.",
    )
    payout_journal_id = fields.Many2one(
        "account.journal",
        check_company=True,
        domain="[('type', 'in', ('bank', 'general'))]",
        compute="_compute_payout_settings",
        store=True,
        readonly=False,
        precompute=True,
        help="Journal of the payout entries; its account receives the net amount paid out.",
    )
    payout_clearing_account_id = fields.Many2one(
        "account.account",
        string="Marketplace Clearing Account",
        check_company=True,
        compute="_compute_payout_settings",
        store=True,
        readonly=False,
        precompute=True,
        help="What the marketplace owes for the orders it collected: payouts credit it with "
        "the order amounts and debit it with the refunds.",
    )
    payout_commission_account_id = fields.Many2one(
        "account.account",
        string="Commission Expense Account",
        check_company=True,
        compute="_compute_payout_settings",
        store=True,
        readonly=False,
        precompute=True,
        help="Expense account of the operator's commissions and their tax.",
    )
    payout_fee_account_id = fields.Many2one(
        "account.account",
        string="Fee Expense Account",
        check_company=True,
        compute="_compute_payout_settings",
        store=True,
        readonly=False,
        precompute=True,
        help="Expense account of subscriptions, seller fees, penalties and manual invoices.",
    )
    # Documents: invoices sent to the Mirakl orders (OR74), order and shop documents.
    upload_invoices = fields.Boolean(
        help="Send the PDF of each posted customer invoice and credit note of a Mirakl order to "
        "that order on Mirakl, where the customer finds it. Each is sent once.",
    )
    invoice_document_type = fields.Char(
        default="CUSTOMER_INVOICE",
        required=True,
        help="Mirakl's code of the document type of invoices (see Document Types; "
        "CUSTOMER_INVOICE on most platforms).",
    )
    credit_note_document_type_id = fields.Many2one(
        "mirakl.document.type",
        check_company=True,
        domain="[('instance_id', '=', id), ('entity', '=', 'ORDER'), ('is_system', '=', False)]",
        help="Mirakl document type of credit notes. Empty: credit notes go with the invoice "
        "document type.",
    )
    import_order_documents = fields.Boolean(
        default=True,
        help="Attach to the sale orders the documents the operator or the customer attach to "
        "the Mirakl orders (delivery slips, return labels...), every hour.",
    )
    # Messages: customer and operator messages of the inbox (M11), replies (M12, OR43).
    message_import = fields.Boolean(
        string="Import Messages",
        default=True,
        help="Show the Marketplace's messages (customers, operator) in the chatter of the sale "
        "orders, every 15 minutes, and answer them from Odoo.",
    )
    message_import_days = fields.Integer(
        string="First Import (Days)",
        default=30,
        help="The first message import reads the threads updated in these last days.",
    )
    message_reply_activity = fields.Boolean(
        string="Reply Reminders",
        default=True,
        help="Give the salesperson an activity while a customer waits for the shop's answer.",
    )
    # Returns: customers' return requests (RT11), decisions (RT21), receptions (RT25).
    returns_enabled = fields.Boolean(
        readonly=True,
        help="The platform manages returns (learned by Test Connection): they are imported "
        "every 15 minutes, accepted or refused from Odoo, and received with a return receipt.",
    )
    return_confirm_reception = fields.Boolean(
        string="Confirm Return Receptions",
        default=True,
        help="Validating the receipt of a return tells Mirakl the items arrived: the return "
        "becomes Received.",
    )

    @api.depends("company_id")
    def _compute_payout_settings(self):
        """Payout settings start from the company's chart: its bank journal, receivable and
        expense accounts (``mirakl.accounting.document._payout_defaults``)."""
        documents = self.env["mirakl.accounting.document"]
        for instance in self:
            for name, value in documents._payout_defaults(instance.company_id).items():
                current = instance[name]
                if not current or not current.filtered_domain(
                    current._check_company_domain(instance.company_id)
                ):
                    instance[name] = value
