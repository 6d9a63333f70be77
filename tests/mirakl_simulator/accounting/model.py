"""Transaction lines and accounting documents as the simulator keeps them, and their JSON.

A transaction line moves the shop's balance by ``amount``: positive when Mirakl credits the
shop (an order amount), negative when it debits it (a commission, a fee, a refund, the payout
itself, type ``PAYMENT``). An accounting document (AUTO_INVOICE) is the operator's invoice of a
billing cycle, numbered ``invoice_id``; its lines carry that number as
``accounting_document_number`` and its payout is its ``payment``.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from ..clock import format_datetime
from ..pdf import one_page_pdf

ZERO = Decimal("0.00")
_NAMESPACE = uuid.UUID("5b0c7d3e-61a4-4d0e-9f39-3c4a8e1b2f60")


def _compact(body):
    return {key: value for key, value in body.items() if value is not None}


def _date(value):
    return format_datetime(value) if value is not None else None


@dataclass
class TransactionLine:
    """One TL02 line. ``overrides`` replace fields of its JSON (``None`` drops one): a test's
    way to serve a line Mirakl got wrong, while filters keep reading the true values."""

    id: str
    shop_id: int
    type: str
    amount: Decimal
    currency_iso_code: str
    date_created: datetime
    last_updated: datetime
    balance: Decimal = ZERO
    payment_state: str = "PAYABLE"
    entities: dict = field(default_factory=dict)
    accounting_document_number: str | None = None
    accounting_document_creation_date: datetime | None = None
    seller_billing_cycle_id: str | None = None
    overrides: dict = field(default_factory=dict)

    @property
    def order_id(self):
        return (self.entities.get("order") or {}).get("id")

    @property
    def order_line_id(self):
        return (self.entities.get("order_line") or {}).get("id")

    def body(self):
        body = {
            "id": self.id,
            "type": self.type,
            "amount": self.amount,
            "amount_credited": max(self.amount, ZERO),
            "amount_debited": max(-self.amount, ZERO),
            "balance": self.balance,
            "currency_iso_code": self.currency_iso_code,
            "date_created": format_datetime(self.date_created),
            "last_updated": format_datetime(self.last_updated),
            "payment_state": self.payment_state,
            "pay_out_psp_code": "NOT_SPECIFIED",
            "accounting_document_number": self.accounting_document_number,
            "accounting_document_creation_date": _date(self.accounting_document_creation_date),
            "seller_billing_cycle_id": self.seller_billing_cycle_id,
            "entities": self.entities,
        }
        body.update(self.overrides)
        return _compact(body)


@dataclass
class AccountingDocument:
    """One AUTO_INVOICE: the operator's commissions and fees of a billing cycle, and its
    payout (``payment_state``, ``payment_reference``, ``payment_date``)."""

    id: str
    invoice_id: int
    shop_id: int
    shop_name: str
    currency_iso_code: str
    seller_billing_cycle_id: str
    date_created: datetime
    start_time: datetime
    end_time: datetime
    details: list
    summary: dict
    payment_state: str = "PENDING"
    payment_reference: str | None = None
    payment_date: datetime | None = None
    type: str = "AUTO_INVOICE"

    @property
    def number(self):
        return str(self.invoice_id)

    @property
    def total_amount_excl_taxes(self):
        return sum((detail["amount_excl_taxes"] for detail in self.details), ZERO)

    def total_taxes(self):
        totals = {}
        for detail in self.details:
            for tax in detail["taxes"]:
                totals[tax["code"]] = totals.get(tax["code"], ZERO) + tax["amount"]
        return [{"code": code, "amount": amount} for code, amount in totals.items()]

    def body(self):
        taxes = self.total_taxes()
        total = self.total_amount_excl_taxes + sum((tax["amount"] for tax in taxes), ZERO)
        payment = {
            "state": self.payment_state,
            "reference": self.payment_reference,
            "transaction_date": _date(self.payment_date),
        }
        return _compact(
            {
                "id": self.id,
                "invoice_id": self.invoice_id,
                "type": self.type,
                "state": "COMPLETE",
                "date_created": format_datetime(self.date_created),
                "issue_date": format_datetime(self.date_created),
                "due_date": format_datetime(self.date_created),
                "start_time": format_datetime(self.start_time),
                "end_time": format_datetime(self.end_time),
                "currency_iso_code": self.currency_iso_code,
                "total_amount_excl_taxes": self.total_amount_excl_taxes,
                "total_amount_incl_taxes": total,
                "total_charged_amount": total,
                "total_taxes": taxes,
                "details": self.details,
                "payment": _compact(payment),
                "summary": self.summary,
                "issuing_user": {"type": "BATCH", "information": "Automatic action"},
                "pay_out_psp_code": "NOT_SPECIFIED",
                "payment_voucher_number": f"V{self.invoice_id:06d}",
                "seller_billing_cycle_id": self.seller_billing_cycle_id,
                "shop_id": self.shop_id,
                "shop_name": self.shop_name,
                "shop_model": "MARKETPLACE",
            }
        )


class AccountingBook:
    """Every shop's transaction lines and accounting documents, and what was billed."""

    def __init__(self):
        self.lines = []  # in creation order, all shops
        self.documents = []  # in creation order, all shops
        self.billed = set()  # (shop_id, "line" | "refund", id): amounts already in a cycle
        self.balances = {}  # shop_id -> running balance
        self._sequence = 0

    def new_id(self):
        """A deterministic UUID, as Mirakl's transaction ids look."""
        self._sequence += 1
        return str(uuid.uuid5(_NAMESPACE, str(self._sequence)))

    def add_line(self, shop_id, kind, amount, currency, now, entities):
        balance = self.balances.get(shop_id, ZERO) + amount
        self.balances[shop_id] = balance
        line = TransactionLine(
            self.new_id(), shop_id, kind, amount, currency, now, now, balance, entities=entities
        )
        self.lines.append(line)
        return line

    def lines_of(self, shop_id):
        return [line for line in self.lines if line.shop_id == shop_id]

    def line(self, line_id):
        for line in self.lines:
            if line.id == line_id:
                return line
        raise KeyError(f"unknown transaction line {line_id!r}")

    def lines_of_document(self, document):
        return [
            line
            for line in self.lines_of(document.shop_id)
            if line.accounting_document_number == document.number
        ]

    def documents_of(self, shop_id):
        return [document for document in self.documents if document.shop_id == shop_id]

    def document(self, invoice_id, shop_id=None):
        """The document numbered ``invoice_id`` (of ``shop_id`` when given), or None."""
        for document in self.documents:
            if document.invoice_id == invoice_id and shop_id in (None, document.shop_id):
                return document
        return None


def document_pdf(document):
    """A one-page PDF of ``document``: what IV02 downloads."""
    rows = [
        f"{document.shop_name} - accounting document {document.number}",
        f"Billing cycle {format_datetime(document.start_time)} - "
        f"{format_datetime(document.end_time)}",
        *(
            f"{d['description']}: {d['amount_excl_taxes']} {document.currency_iso_code}"
            for d in document.details
        ),
        f"Payment: {document.payment_state}",
    ]
    return one_page_pdf(*rows)
