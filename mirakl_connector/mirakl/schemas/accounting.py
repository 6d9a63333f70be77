"""Accounting payloads: IV01 accounting documents and TL02 transaction lines.

An accounting document is the operator's invoice (or credit note) to the shop for a billing
cycle: commissions, subscriptions and fees, with the payout of the cycle in its `payment`.
Transaction lines are the movements of the shop's balance behind it, one per amount: order
amounts and their taxes credited, commissions and fees debited, refunds, and the `PAYMENT`
line of the payout itself. Money is Decimal; a line's `amount` is positive when credited to the
shop and negative when debited.
"""

from pydantic import model_validator

from .common import MiraklModel, Money, NullableList, UtcDatetime


class AccountingTax(MiraklModel):
    code: str | None = None
    amount: Money | None = None


class AccountingDocumentDetail(MiraklModel):
    """One line of a document: commissions of the period, a subscription, a manual item."""

    description: str | None = None
    amount_excl_taxes: Money | None = None
    quantity: int | None = None
    taxes: NullableList[AccountingTax]
    order_id: str | None = None  # MANUAL_INVOICE / MANUAL_CREDIT only
    operation_date: UtcDatetime | None = None


class AccountingDocumentPayment(MiraklModel):
    state: str | None = None  # PENDING | PAID | FAILED
    reference: str | None = None
    transaction_date: UtcDatetime | None = None
    failure_reason: str | None = None  # INCOMPLETE_KYC | AWAITING_INVOICE_CHECK


class AccountingDocumentSummary(MiraklModel):
    """AUTO_INVOICE totals of the cycle (Mirakl sends some 40 of them; extra ones are kept)."""

    amount_transferred: Money | None = None
    amount_transferred_to_operator: Money | None = None
    total_payable_orders_incl_tax: Money | None = None
    total_refund_orders_incl_tax: Money | None = None
    total_commissions_incl_tax: Money | None = None
    total_refund_commissions_incl_tax: Money | None = None
    total_subscription_incl_tax: Money | None = None


class AccountingDocumentUser(MiraklModel):
    type: str | None = None  # OPERATOR | BATCH | PARTNER
    information: str | None = None


class AccountingDocument(MiraklModel):
    """One IV01 document. Drafts have only `id`; issued documents also an `invoice_id`, the
    identifier IV02 downloads and, as a string, the `accounting_document_number` of their
    transaction lines."""

    id: str | None = None
    invoice_id: int | None = None
    type: str | None = None  # AUTO_INVOICE | MANUAL_INVOICE | MANUAL_CREDIT
    state: str | None = None
    date_created: UtcDatetime | None = None
    issue_date: UtcDatetime | None = None
    due_date: UtcDatetime | None = None
    start_time: UtcDatetime | None = None  # AUTO_INVOICE: the billing cycle
    end_time: UtcDatetime | None = None
    currency_iso_code: str | None = None
    total_amount_excl_taxes: Money | None = None
    total_amount_incl_taxes: Money | None = None
    total_charged_amount: Money | None = None  # deprecated twin of total_amount_incl_taxes
    total_taxes: NullableList[AccountingTax]
    details: NullableList[AccountingDocumentDetail]
    payment: AccountingDocumentPayment | None = None
    summary: AccountingDocumentSummary | None = None
    issuing_user: AccountingDocumentUser | None = None
    shop_id: int | None = None
    seller_billing_cycle_id: str | None = None
    payment_voucher_number: str | None = None
    pay_out_psp_code: str | None = None

    @model_validator(mode="after")
    def _identified(self):
        if not self.id and self.invoice_id is None:
            raise ValueError("an accounting document needs an id or an invoice_id")
        return self

    @property
    def mirakl_id(self):
        """The document's lasting identifier: `id`, which drafts already have, else the number."""
        return self.id or str(self.invoice_id)

    @property
    def number(self):
        """The number its transaction lines carry, once issued."""
        return None if self.invoice_id is None else str(self.invoice_id)


class TransactionRef(MiraklModel):
    id: str | None = None


class TransactionCode(MiraklModel):
    code: str | None = None


class TransactionTax(MiraklModel):
    code: str | None = None
    rate: Money | None = None


class TransactionOrder(MiraklModel):
    id: str | None = None
    commercial_id: str | None = None
    creation_date: UtcDatetime | None = None


class TransactionInfo(MiraklModel):
    date: UtcDatetime | None = None
    number: str | None = None


class TransactionEntities(MiraklModel):
    """What a transaction line is about; every node is optional."""

    domain: str | None = None  # PRODUCT | SERVICE
    order: TransactionOrder | None = None
    order_line: TransactionRef | None = None
    refund: TransactionRef | None = None
    shipment: TransactionRef | None = None
    debit: TransactionRef | None = None
    fee: TransactionCode | None = None
    order_fee: TransactionCode | None = None
    order_tax: TransactionTax | None = None
    shop_tax: TransactionTax | None = None
    channel: TransactionCode | None = None
    transaction_info: TransactionInfo | None = None


class TransactionLine(MiraklModel):
    """One TL02 line. `amount` is `amount_credited - amount_debited` when Mirakl omits it."""

    id: str
    type: str
    amount: Money | None = None
    amount_credited: Money | None = None
    amount_debited: Money | None = None
    balance: Money | None = None
    currency_iso_code: str | None = None
    payment_state: str | None = None  # PENDING | PAYABLE | PAID | NOT_APPLICABLE | RESERVE
    date_created: UtcDatetime | None = None
    last_updated: UtcDatetime | None = None
    accounting_document_number: str | None = None
    accounting_document_id: str | None = None  # a document request (DR11), not an IV01 id
    accounting_document_creation_date: UtcDatetime | None = None
    seller_billing_cycle_id: str | None = None
    payment_voucher_number: str | None = None
    pay_out_psp_code: str | None = None
    entities: TransactionEntities | None = None

    @model_validator(mode="after")
    def _amount(self):
        if self.amount is None:
            if self.amount_credited is None and self.amount_debited is None:
                raise ValueError("a transaction line needs an amount")
            self.amount = (self.amount_credited or 0) - (self.amount_debited or 0)
        return self

    def _entity(self, name):
        return getattr(self.entities, name, None) if self.entities else None

    @property
    def order_id(self):
        order = self._entity("order")
        return order.id if order else None

    @property
    def order_line_id(self):
        line = self._entity("order_line")
        return line.id if line else None
