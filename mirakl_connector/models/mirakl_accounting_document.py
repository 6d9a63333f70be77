# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..mapping import accounting as mapping
from ..mirakl import errors
from .mirakl_instance import INTERACTIVE_CLIENT_OPTIONS
from .mirakl_transaction_line import changed_values

# Marketplace settings a payout's journal entry needs.
PAYOUT_SETTINGS = (
    "payout_journal_id",
    "payout_clearing_account_id",
    "payout_commission_account_id",
    "payout_fee_account_id",
)
# Where each category of transaction lines goes in the entry (Marketplace account fields).
CATEGORY_ACCOUNTS = {
    "order": "payout_clearing_account_id",
    "refund": "payout_clearing_account_id",
    "commission": "payout_commission_account_id",
    "commission_tax": "payout_commission_account_id",
    "fee": "payout_fee_account_id",
    "reserve": "payout_clearing_account_id",
    "other": "payout_clearing_account_id",
}


class MiraklAccountingDocument(models.Model):
    """An accounting document of the operator to the shop (IV01): the invoice of a billing
    cycle's commissions and fees and, once paid, the payout of the cycle.

    A paid billing-cycle document gets one journal entry made from its transaction lines
    (``_create_payout_move``): what Mirakl collected for the orders leaves the marketplace
    clearing account, commissions and fees become expenses, and the net lands on the payout
    journal. The entry is made once: the document keeps it, one document per entry.
    """

    _name = "mirakl.accounting.document"
    _description = "Mirakl Accounting Document"
    _inherit = ["mail.thread"]
    _order = "date_created desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    instance_id = fields.Many2one(
        "mirakl.instance",
        string="Marketplace",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(related="instance_id.company_id", store=True, index=True)
    mirakl_id = fields.Char(string="Mirakl ID", required=True, readonly=True)
    number = fields.Char(readonly=True, index=True, help="Mirakl's invoice id, once issued.")
    document_type = fields.Selection(mapping.DOCUMENT_TYPES, string="Type", readonly=True)
    mirakl_state = fields.Char(string="State on Mirakl", readonly=True)
    date_created = fields.Datetime(string="Created on Mirakl", readonly=True)
    issue_date = fields.Datetime(readonly=True)
    due_date = fields.Datetime(readonly=True)
    period_start = fields.Datetime(readonly=True, help="Start of the billing cycle.")
    period_end = fields.Datetime(readonly=True, help="End of the billing cycle.")
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_untaxed = fields.Monetary(
        string="Charged (Untaxed)", readonly=True, help="Commissions and fees charged."
    )
    amount_total = fields.Monetary(string="Charged", readonly=True)
    amount_transferred = fields.Monetary(
        string="Paid Out",
        readonly=True,
        help="What the payout transferred to the shop (negative: what the shop owed).",
    )
    payment_state = fields.Selection(
        mapping.DOCUMENT_PAYMENT_STATES, readonly=True, index=True, tracking=True
    )
    payment_reference = fields.Char(readonly=True)
    payment_date = fields.Datetime(readonly=True)
    payment_failure_reason = fields.Char(readonly=True)
    seller_billing_cycle_id = fields.Char(string="Billing Cycle", readonly=True)
    transaction_line_ids = fields.One2many(
        "mirakl.transaction.line", "document_id", string="Transactions", readonly=True
    )
    transaction_count = fields.Integer(compute="_compute_transaction_count")
    move_id = fields.Many2one(
        "account.move",
        string="Journal Entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
    )
    entry_error = fields.Text(
        readonly=True, copy=False, help="Why the journal entry could not be made."
    )

    _sql_constraints = [
        (
            "instance_mirakl_uniq",
            "UNIQUE(instance_id, mirakl_id)",
            "An accounting document is stored once per Marketplace.",
        ),
        ("move_uniq", "UNIQUE(move_id)", "A journal entry belongs to one payout."),
    ]

    @api.depends("number", "mirakl_id")
    def _compute_name(self):
        for document in self:
            document.name = document.number or document.mirakl_id

    def _compute_transaction_count(self):
        groups = self.env["mirakl.transaction.line"]._read_group(
            [("document_id", "in", self.ids)], ["document_id"], ["__count"]
        )
        counts = {document.id: count for document, count in groups}
        for document in self:
            document.transaction_count = counts.get(document.id, 0)

    def action_download(self):
        """Download the document's PDF from Mirakl (IV02), kept as an attachment."""
        self.ensure_one()
        if not self.number:
            raise UserError(self.env._("This document is a draft on Mirakl: it has no PDF yet."))
        name = f"{self.instance_id.name} - {self.number}.pdf"
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", self._name), ("res_id", "=", self.id), ("name", "=", name)],
            limit=1,
        )
        if not attachment:
            instance = self.instance_id
            try:
                client = instance._get_client(**INTERACTIVE_CLIENT_OPTIONS)
                content = client.download_accounting_document(self.number)
            except errors.MiraklError as error:
                raise UserError(instance._get_connection_error_message(error)) from error
            attachment = self.env["ir.attachment"].create(
                {
                    "name": name,
                    "raw": content,
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_create_entry(self):
        """Queue the journal entries of these paid payouts (with their lines read again from
        Mirakl when they do not add up)."""
        documents = self.filtered(lambda document: not document.move_id)
        flow = self.env["mirakl.flow.payouts"]
        for document in documents:
            flow._enqueue_entry(document)
        return self.instance_id[:1]._queued_notification(
            self.env._("%(count)s journal entries to make: see the sync log.", count=len(documents))
        )

    def action_view_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }

    def action_view_transactions(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "mirakl_connector.mirakl_transaction_line_action"
        )
        action["domain"] = [("document_id", "in", self.ids)]
        action["context"] = {}
        return action

    @api.model
    def _mirakl_upsert(self, instance, documents):
        """Store IV01 ``documents`` (``schemas.AccountingDocument``) of ``instance``; returns
        the counts ``{created, updated, skipped}``."""
        counts = {"created": 0, "updated": 0, "skipped": 0}
        entries = {document.mirakl_id: document for document in documents}
        currencies = self.env["mirakl.transaction.line"]._currencies(
            {document.currency_iso_code for document in documents}
        )
        values = {
            mirakl_id: {
                **mapping.document_values(document),
                "currency_id": currencies.get(document.currency_iso_code, False),
            }
            for mirakl_id, document in entries.items()
        }
        records = self.search(
            [("instance_id", "=", instance.id), ("mirakl_id", "in", list(values))]
        )
        for record in records:
            vals = values.pop(record.mirakl_id)
            changed = changed_values(record, vals)
            if changed:
                record.write(changed)
                counts["updated"] += 1
            else:
                counts["skipped"] += 1
        self.create([{**vals, "instance_id": instance.id} for vals in values.values()])
        counts["created"] = len(values)
        return counts

    @api.model
    def _payout_defaults(self, company):
        """First values of a Marketplace's payout settings in ``company``: its bank journal,
        the receivable and expense accounts its chart of accounts set as defaults (else its
        first active ones)."""
        Journal = self.env["account.journal"]
        journal = Journal.search(
            [*Journal._check_company_domain(company), ("type", "=", "bank")], limit=1
        )
        receivable = self._default_account(
            company, "res.partner", "property_account_receivable_id", "asset_receivable"
        )
        expense = self._default_account(
            company, "product.category", "property_account_expense_categ_id", "expense"
        )
        return {
            "payout_journal_id": journal,
            "payout_clearing_account_id": receivable,
            "payout_commission_account_id": expense,
            "payout_fee_account_id": expense,
        }

    @api.model
    def _default_account(self, company, model, field, account_type):
        Account = self.env["account.account"]
        default = self.env["ir.default"]._get(model, field, company_id=company.id)
        account = Account.browse(default).exists() if default else Account
        return account or Account.search(
            [
                *Account._check_company_domain(company),
                ("account_type", "=", account_type),
                ("deprecated", "=", False),
            ],
            limit=1,
        )

    def _payout_missing_settings(self):
        """Names of the Marketplace settings this payout's entry needs and lacks."""
        self.ensure_one()
        instance = self.instance_id
        missing = [
            instance._fields[name]._description_string(self.env)
            for name in PAYOUT_SETTINGS
            if not instance[name]
        ]
        journal = instance.payout_journal_id
        if journal and not journal.default_account_id:
            missing.append(self.env._("an account on journal %(journal)s", journal=journal.name))
        return missing

    def _payout_totals(self):
        """``({category: amount}, paid out)``: the sums of this payout's lines per category in
        its currency, and what Mirakl says it paid (its PAYMENT lines, else the document's
        figure)."""
        currency = self.currency_id or self.company_id.currency_id
        groups = self.env["mirakl.transaction.line"]._read_group(
            [("document_id", "=", self.id)], ["category"], ["amount:sum"]
        )
        totals = {category: currency.round(amount) for category, amount in groups}
        payment = totals.pop("payment", None)
        if payment is not None:
            return totals, -payment
        return totals, self.amount_transferred

    def _payout_adds_up(self):
        """Whether Odoo has this payout's lines and they add up to what Mirakl paid out."""
        self.ensure_one()
        totals, paid = self._payout_totals()
        currency = self.currency_id or self.company_id.currency_id
        return bool(totals) and not currency.compare_amounts(sum(totals.values()), paid)

    def _create_payout_move(self):
        """Post this paid payout's journal entry, from its transaction lines; once.

        Raises UserError saying what stops it: a setting missing, no lines, or lines that do
        not add up to what Mirakl paid out (some are missing or changed since).
        """
        self.ensure_one()
        if self.move_id:
            return self.move_id
        if self.payment_state != "PAID":
            raise UserError(self.env._("Payout %(name)s is not paid yet.", name=self.name))
        missing = self._payout_missing_settings()
        if missing:
            raise UserError(
                self.env._(
                    "The journal entry of payout %(name)s needs these settings of Marketplace "
                    "%(marketplace)s (After the Sale tab): %(missing)s.",
                    name=self.name,
                    marketplace=self.instance_id.name,
                    missing=", ".join(missing),
                )
            )
        totals, paid = self._payout_totals()
        currency = self.currency_id or self.company_id.currency_id
        net = currency.round(sum(totals.values()))
        if not totals:
            raise UserError(
                self.env._("Payout %(name)s has no transaction lines in Odoo.", name=self.name)
            )
        if currency.compare_amounts(net, paid):
            raise UserError(
                self.env._(
                    "The transaction lines of payout %(name)s add up to %(net)s %(currency)s but "
                    "Mirakl paid out %(paid)s %(currency)s: some lines are missing or changed "
                    "on Mirakl.",
                    name=self.name,
                    net=net,
                    paid=paid,
                    currency=currency.name,
                )
            )
        move = self.env["account.move"].create(self._prepare_payout_move_vals(totals, net))
        move.action_post()
        self.write({"move_id": move.id, "entry_error": False})
        self.message_post(
            body=self.env._("Journal entry %(move)s posted.", move=move._get_html_link())
        )
        return move

    def _prepare_payout_move_vals(self, totals, net):
        """Entry values: one line per category (credit what Mirakl credited the shop, debit
        what it charged), and the net on the payout journal's account, which balances it."""
        instance = self.instance_id
        company = self.company_id
        currency = self.currency_id or company.currency_id
        date = (self.payment_date or fields.Datetime.now()).date()
        labels = dict(
            self.env["mirakl.transaction.line"]._fields["category"]._description_selection(self.env)
        )
        lines, balance_total = [], 0.0
        for category, _label in mapping.CATEGORIES:
            amount = totals.get(category)
            if not amount or currency.is_zero(amount):
                continue
            balance = company.currency_id.round(
                currency._convert(-amount, company.currency_id, company, date)
            )
            balance_total += balance
            lines.append(
                {
                    "account_id": instance[CATEGORY_ACCOUNTS[category]].id,
                    "name": self.env._(
                        "%(marketplace)s payout %(name)s: %(what)s",
                        marketplace=instance.name,
                        name=self.name,
                        what=labels[category],
                    ),
                    "currency_id": currency.id,
                    "amount_currency": -amount,
                    "balance": balance,
                }
            )
        if not currency.is_zero(net):
            lines.append(
                {
                    "account_id": instance.payout_journal_id.default_account_id.id,
                    "name": self.env._(
                        "%(marketplace)s payout %(name)s", marketplace=instance.name, name=self.name
                    ),
                    "currency_id": currency.id,
                    "amount_currency": net,
                    "balance": company.currency_id.round(-balance_total),
                }
            )
        return {
            "move_type": "entry",
            "journal_id": instance.payout_journal_id.id,
            "date": date,
            "ref": self.env._(
                "Mirakl payout %(name)s (%(reference)s)",
                name=self.name,
                reference=self.payment_reference or self.mirakl_id,
            ),
            "currency_id": currency.id,
            "line_ids": [Command.create(vals) for vals in lines],
        }
