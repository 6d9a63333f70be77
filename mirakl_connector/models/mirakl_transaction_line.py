# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict
from datetime import datetime

from odoo import api, fields, models
from odoo.tools import SQL, float_compare

from ..mapping import accounting as mapping

# Categories whose amounts an order brings (sold less refunded), and what it costs.
ORDER_CATEGORIES = ("order", "refund")
COMMISSION_CATEGORIES = ("commission", "commission_tax")
# Not part of what an order earns: the payout itself, and money set aside.
NOT_EARNED_CATEGORIES = ("payment", "reserve")


def changed_values(record, vals):
    """The values of ``vals`` that differ from ``record``'s (amounts to 6 decimals)."""
    changed = {}
    for name, value in vals.items():
        field = record._fields[name]
        current = record[name]
        if field.type in ("float", "monetary"):
            same = float_compare(float(value or 0), current or 0, precision_digits=6) == 0
        elif field.type == "many2one":
            same = current.id == (value or False)
        else:
            same = (current or False) == (value or False)
        if not same:
            changed[name] = value
    return changed


class MiraklTransactionLine(models.Model):
    """One movement of the shop's balance on Mirakl (TL02): an order amount, a commission, a
    fee, a refund or a payout, positive when Mirakl credits the shop.

    Stored once per (Marketplace, Mirakl id) and updated as Mirakl changes it (payable, then
    paid in a payout). Linked to its Mirakl order and to its accounting document when Odoo
    knows them: the links are made again after each import, so an order or a document
    imported later still gets its lines.
    """

    _name = "mirakl.transaction.line"
    _description = "Mirakl Transaction Line"
    _order = "date_created desc, id desc"
    _rec_name = "mirakl_id"
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
    mirakl_id = fields.Char(string="Transaction ID", required=True, readonly=True)
    transaction_type = fields.Char(string="Type", required=True, readonly=True)
    category = fields.Selection(
        mapping.CATEGORIES,
        required=True,
        readonly=True,
        index=True,
        help="What the amount is, for the payout's journal entry.",
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount = fields.Monetary(
        readonly=True, help="Positive when Mirakl credits the shop, negative when it debits it."
    )
    balance = fields.Monetary(string="Balance After", readonly=True)
    payment_state = fields.Selection(mapping.LINE_PAYMENT_STATES, readonly=True, index=True)
    date_created = fields.Datetime(string="Created on Mirakl", readonly=True)
    last_updated = fields.Datetime(string="Updated on Mirakl", readonly=True)
    transaction_date = fields.Datetime(readonly=True)
    transaction_reference = fields.Char(readonly=True)
    mirakl_order_id = fields.Char(readonly=True, index=True)
    mirakl_order_line_id = fields.Char(readonly=True)
    order_id = fields.Many2one("mirakl.order", readonly=True, index=True, ondelete="set null")
    refund_reference = fields.Char(string="Refund", readonly=True)
    fee_code = fields.Char(string="Fee", readonly=True)
    tax_code = fields.Char(readonly=True)
    tax_rate = fields.Float(readonly=True)
    accounting_document_number = fields.Char(string="Document Number", readonly=True, index=True)
    document_id = fields.Many2one(
        "mirakl.accounting.document",
        string="Accounting Document",
        readonly=True,
        index=True,
        ondelete="set null",
    )
    seller_billing_cycle_id = fields.Char(string="Billing Cycle", readonly=True)

    _sql_constraints = [
        (
            "instance_mirakl_uniq",
            "UNIQUE(instance_id, mirakl_id)",
            "A transaction line is stored once per Marketplace.",
        ),
    ]

    @api.model
    def _mirakl_upsert(self, instance, lines):
        """Store TL02 ``lines`` (``schemas.TransactionLine``) of ``instance``: new ones in one
        insert, changed ones in one update per set of changes. A line older than the stored
        one is skipped. Returns the counts ``{created, updated, skipped}``.

        New rows go in with ``INSERT ... ON CONFLICT DO NOTHING``: a row another job stored
        and committed meanwhile makes PostgreSQL refuse with a serialization failure, so the
        job is tried again and then sees it; nothing is stored twice.
        """
        counts = {"created": 0, "updated": 0, "skipped": 0}
        entries = {}
        for line in lines:
            vals = mapping.line_values(line)
            known = entries.get(vals["mirakl_id"])
            if not known or (vals["last_updated"] or datetime.min) >= (
                known["last_updated"] or datetime.min
            ):
                entries[vals["mirakl_id"]] = vals
        counts["skipped"] += len(lines) - len(entries)
        if not entries:
            return counts
        currencies = self._currencies({line.currency_iso_code for line in lines})
        for line in lines:
            if line.id in entries:
                entries[line.id]["currency_id"] = currencies.get(line.currency_iso_code, False)
        existing = self.search_fetch(
            [("instance_id", "=", instance.id), ("mirakl_id", "in", list(entries))],
            list(next(iter(entries.values()))),
        )
        changes = defaultdict(lambda: self.browse())
        for record in existing:
            vals = entries.pop(record.mirakl_id)
            changed = changed_values(record, vals)
            older = vals["last_updated"] and vals["last_updated"] < (
                record.last_updated or datetime.min
            )
            if not changed or older:
                counts["skipped"] += 1
                continue
            changes[tuple(sorted(changed.items()))] |= record
        for changed, records in changes.items():
            records.write(dict(changed))
            counts["updated"] += len(records)
        counts["created"] = self._insert(instance, list(entries.values()))
        return counts

    @api.model
    def _currencies(self, codes):
        currencies = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search_fetch([("name", "in", [code for code in codes if code])], ["name"])
        )
        return {currency.name: currency.id for currency in currencies}

    @api.model
    def _insert(self, instance, vals_list):
        """Insert new lines in one statement; returns how many the database took."""
        if not vals_list:
            return 0
        self.flush_model()
        now = fields.Datetime.now()
        names = list(vals_list[0])
        columns = ["instance_id", "company_id", *names, "create_uid", "create_date"]
        columns += ["write_uid", "write_date"]
        rows = [
            SQL(
                "(%s)",
                SQL(", ").join(
                    [
                        instance.id,
                        instance.company_id.id,
                        *(None if vals[name] is False else vals[name] for name in names),
                        self.env.uid,
                        now,
                        self.env.uid,
                        now,
                    ]
                ),
            )
            for vals in vals_list
        ]
        self.env.cr.execute(
            SQL(
                """INSERT INTO mirakl_transaction_line (%s) VALUES %s
                   ON CONFLICT (instance_id, mirakl_id) DO NOTHING RETURNING id""",
                SQL(", ").join(SQL.identifier(column) for column in columns),
                SQL(", ").join(rows),
            )
        )
        return len(self.env.cr.fetchall())

    @api.model
    def _mirakl_link(self, instance):
        """Link the lines of ``instance`` not linked yet to their Mirakl order and their
        accounting document, when Odoo has them: two statements, whatever the number."""
        self.flush_model(["order_id", "document_id"])
        self.env.cr.execute(
            SQL(
                """UPDATE mirakl_transaction_line line SET order_id = mirakl_order.id
                   FROM mirakl_order
                   WHERE line.instance_id = %(instance)s AND line.order_id IS NULL
                     AND line.mirakl_order_id IS NOT NULL
                     AND mirakl_order.instance_id = line.instance_id
                     AND mirakl_order.mirakl_order_id = line.mirakl_order_id""",
                instance=instance.id,
            )
        )
        # IV01 numbers a document by its invoice_id; TL02 may pad that number with zeros.
        self.env.cr.execute(
            SQL(
                """UPDATE mirakl_transaction_line line SET document_id = document.id
                   FROM mirakl_accounting_document document
                   WHERE line.instance_id = %(instance)s AND line.document_id IS NULL
                     AND line.accounting_document_number IS NOT NULL
                     AND document.instance_id = line.instance_id
                     AND LTRIM(document.number, '0')
                         = LTRIM(line.accounting_document_number, '0')""",
                instance=instance.id,
            )
        )
        self.invalidate_model(["order_id", "document_id"])
        self.env["mirakl.order"].invalidate_model(["transaction_line_ids"])
        self.env["mirakl.accounting.document"].invalidate_model(["transaction_line_ids"])

    @api.model
    def _payout_figures(self, orders):
        """``{order id: {order, commission, fee, net}}`` of ``orders``, in one grouped read:
        what each order brought (sold less refunded), its commissions with their tax and its
        fees (as costs, positive), and the net amount it earns."""
        figures = defaultdict(lambda: dict.fromkeys(("order", "commission", "fee", "net"), 0.0))
        groups = self._read_group(
            [("order_id", "in", orders.ids)], ["order_id", "category"], ["amount:sum"]
        )
        for order, category, amount in groups:
            values = figures[order.id]
            if category in ORDER_CATEGORIES:
                values["order"] += amount
            elif category in COMMISSION_CATEGORIES:
                values["commission"] -= amount
            elif category == "fee":
                values["fee"] -= amount
            if category not in NOT_EARNED_CATEGORIES:
                values["net"] += amount
        return figures
