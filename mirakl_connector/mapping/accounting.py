"""Mirakl accounting (IV01 documents, TL02 transaction lines) -> Odoo values, and the category
of each transaction type, which decides where its amount goes in a payout's journal entry.

A transaction line's amount is positive when Mirakl credits the shop and negative when it
debits it. Sorted by category, a payout is: order amounts (and their taxes and shipping) less
refunds, which settle what the marketplace owed, less commissions and their tax, less fees;
the rest is the ``PAYMENT`` the shop received.
"""

from .order import to_datetime

CATEGORIES = [
    ("order", "Order Amounts"),
    ("refund", "Refunds"),
    ("commission", "Commissions"),
    ("commission_tax", "Commission Taxes"),
    ("fee", "Fees"),
    ("reserve", "Reserve"),
    ("payment", "Payout"),
    ("other", "Other"),
]
_TYPES = {
    "order": (
        "ORDER_AMOUNT",
        "ORDER_AMOUNT_TAX",
        "ORDER_SHIPPING_AMOUNT",
        "ORDER_SHIPPING_AMOUNT_TAX",
        "ORDER_FEE_AMOUNT",
        "OPERATOR_PAID_ORDER_SHIPPING_AMOUNT",
        "OPERATOR_PAID_ORDER_SHIPPING_AMOUNT_TAX",
        "OPERATOR_REMITTED_ORDER_AMOUNT_TAX",
        "OPERATOR_REMITTED_ORDER_SHIPPING_AMOUNT_TAX",
        "OPERATOR_REMITTED_ORDER_FEE_AMOUNT",
        "PURCHASE_ORDER_AMOUNT_TAX",
        "PURCHASE_ORDER_SHIPPING_AMOUNT_TAX",
    ),
    "refund": (
        "REFUND_ORDER_AMOUNT",
        "REFUND_ORDER_AMOUNT_TAX",
        "REFUND_ORDER_SHIPPING_AMOUNT",
        "REFUND_ORDER_SHIPPING_AMOUNT_TAX",
        "REFUND_ORDER_FEE_AMOUNT",
        "OPERATOR_PAID_REFUND_ORDER_SHIPPING_AMOUNT",
        "OPERATOR_PAID_REFUND_ORDER_SHIPPING_AMOUNT_TAX",
        "OPERATOR_REMITTED_REFUND_ORDER_AMOUNT_TAX",
        "OPERATOR_REMITTED_REFUND_ORDER_SHIPPING_AMOUNT_TAX",
        "OPERATOR_REMITTED_REFUND_ORDER_FEE_AMOUNT",
        "REFUND_PURCHASE_ORDER_AMOUNT_TAX",
        "REFUND_PURCHASE_ORDER_SHIPPING_AMOUNT_TAX",
    ),
    "commission": (
        "COMMISSION_FEE",
        "REFUND_COMMISSION_FEE",
        "PURCHASE_COMMISSION_FEE",
        "PURCHASE_SHIPPING_COMMISSION_FEE",
        "PURCHASE_FEE_COMMISSION_FEE",
        "REFUND_PURCHASE_COMMISSION_FEE",
        "REFUND_PURCHASE_SHIPPING_COMMISSION_FEE",
        "REFUND_PURCHASE_FEE_COMMISSION_FEE",
    ),
    "commission_tax": ("COMMISSION_VAT", "REFUND_COMMISSION_VAT"),
    "fee": (
        "SUBSCRIPTION_FEE",
        "SUBSCRIPTION_VAT",
        "SELLER_FEE_ON_ORDER",
        "SELLER_FEE_ON_ORDER_TAX",
        "SELLER_PENALTY_FEE",
        "SELLER_PENALTY_FEE_TAX",
        "MANUAL_INVOICE",
        "MANUAL_INVOICE_VAT",
        "MANUAL_CREDIT",
        "MANUAL_CREDIT_VAT",
        "INVOICEABLE_ONE_OFF_DEBIT",
        "INVOICEABLE_ONE_OFF_DEBIT_TAX",
        "INVOICEABLE_ONE_OFF_CREDIT",
        "INVOICEABLE_ONE_OFF_CREDIT_TAX",
    ),
    "reserve": ("RESERVE_FUNDING", "RESERVE_SETTLEMENT"),
    "payment": ("PAYMENT",),
}
TYPE_CATEGORIES = {kind: category for category, kinds in _TYPES.items() for kind in kinds}

LINE_PAYMENT_STATES = [
    ("PENDING", "Pending"),
    ("PAYABLE", "Payable"),
    ("PAID", "Paid"),
    ("NOT_APPLICABLE", "Not Applicable"),
    ("RESERVE", "Reserve"),
    ("OTHER", "Other"),
]
DOCUMENT_PAYMENT_STATES = [
    ("PENDING", "Pending"),
    ("PAID", "Paid"),
    ("FAILED", "Failed"),
    ("OTHER", "Other"),
]
DOCUMENT_TYPES = [
    ("AUTO_INVOICE", "Billing Cycle Invoice"),
    ("MANUAL_INVOICE", "Manual Invoice"),
    ("MANUAL_CREDIT", "Manual Credit Note"),
    ("OTHER", "Other"),
]


def category(transaction_type):
    """The category of a transaction type; a type Mirakl added since is ``other``."""
    return TYPE_CATEGORIES.get(transaction_type, "other")


def _known(value, selection):
    """``value`` when it is one of ``selection``'s keys, else OTHER (Mirakl adds values)."""
    if not value:
        return False
    return value if value in dict(selection) else "OTHER"


def line_values(line):
    """``mirakl.transaction.line`` values of a ``schemas.TransactionLine`` (without the
    Marketplace, the currency and the links, which the caller resolves in batches)."""
    entities = line.entities
    tax = entities and (entities.order_tax or entities.shop_tax)
    info = entities and entities.transaction_info
    refund = entities and entities.refund
    fee = entities and (entities.fee or entities.order_fee)
    return {
        "mirakl_id": line.id,
        "transaction_type": line.type,
        "category": category(line.type),
        "amount": line.amount,
        "balance": line.balance,
        "payment_state": _known(line.payment_state, LINE_PAYMENT_STATES),
        "date_created": to_datetime(line.date_created),
        "last_updated": to_datetime(line.last_updated),
        "transaction_date": to_datetime(info and info.date),
        "transaction_reference": (info and info.number) or False,
        "mirakl_order_id": line.order_id or False,
        "mirakl_order_line_id": line.order_line_id or False,
        "refund_reference": (refund and refund.id) or False,
        "fee_code": (fee and fee.code) or False,
        "tax_code": (tax and tax.code) or False,
        "tax_rate": tax.rate if tax and tax.rate is not None else False,
        "accounting_document_number": line.accounting_document_number or False,
        "seller_billing_cycle_id": line.seller_billing_cycle_id or False,
    }


def document_values(document):
    """``mirakl.accounting.document`` values of a ``schemas.AccountingDocument`` (without the
    Marketplace and the currency)."""
    payment = document.payment
    summary = document.summary
    incl = document.total_amount_incl_taxes
    if incl is None:
        incl = document.total_charged_amount
    excl = document.total_amount_excl_taxes
    return {
        "mirakl_id": document.mirakl_id,
        "number": document.number or False,
        "document_type": _known(document.type, DOCUMENT_TYPES),
        "mirakl_state": document.state or False,
        "date_created": to_datetime(document.date_created),
        "issue_date": to_datetime(document.issue_date),
        "due_date": to_datetime(document.due_date),
        "period_start": to_datetime(document.start_time),
        "period_end": to_datetime(document.end_time),
        "amount_untaxed": excl or 0,
        "amount_total": incl or 0,
        # Signed: what the shop received, less what it had to pay the operator.
        "amount_transferred": (
            (summary.amount_transferred or 0) - (summary.amount_transferred_to_operator or 0)
            if summary
            else 0
        ),
        "payment_state": _known(payment and payment.state, DOCUMENT_PAYMENT_STATES) or "PENDING",
        "payment_reference": (payment and payment.reference) or False,
        "payment_date": to_datetime(payment and payment.transaction_date),
        "payment_failure_reason": (payment and payment.failure_reason) or False,
        "seller_billing_cycle_id": document.seller_billing_cycle_id or False,
    }


def retry_filters(raw, fallback):
    """TL02 filters that read again the line ``raw`` (as Mirakl sent it) without reading
    everything: its order, else its document, else its creation date, else ``fallback``."""
    raw = raw if isinstance(raw, dict) else {}
    entities = raw.get("entities") if isinstance(raw.get("entities"), dict) else {}
    order = entities.get("order") if isinstance(entities.get("order"), dict) else {}
    if isinstance(order.get("id"), str) and order["id"]:
        return {"order_ids": [order["id"]]}
    number = raw.get("accounting_document_number")
    if isinstance(number, str) and number:
        return {"accounting_document_number": number}
    created = raw.get("date_created")
    try:
        to_datetime(created)
    except (TypeError, ValueError):
        created = None
    if isinstance(created, str) and created:
        return {"date_created_from": created, "date_created_to": created}
    return dict(fallback)
