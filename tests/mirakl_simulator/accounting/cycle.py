"""Billing cycles: the transaction lines of what a shop sold and refunded since the last cycle,
grouped into an accounting document, and its payout.

Each shipped order line brings its amount without tax (``ORDER_AMOUNT``), one line per tax
(``ORDER_AMOUNT_TAX``), its shipping and shipping taxes, and the operator's commission with
its VAT, debited (``COMMISSION_FEE``, ``COMMISSION_VAT``: the figures OR11 shows). Cancelled
units are not billed. A refund (once REFUNDED) takes the amounts back and gives the commission
back (``REFUND_*``). A subscription fee may be charged. The payout is a ``PAYMENT`` line
debiting the net amount: the shop's balance is then zero, and every line of the cycle PAID.
"""

from ..clock import format_datetime
from ..orders.model import COMMISSION_TAX_CODE, COMMISSION_TAX_RATE, money
from .model import ZERO, AccountingDocument

SUBSCRIPTION_TAX_RATE = COMMISSION_TAX_RATE
ORDER_TYPES = frozenset(
    {"ORDER_AMOUNT", "ORDER_AMOUNT_TAX", "ORDER_SHIPPING_AMOUNT", "ORDER_SHIPPING_AMOUNT_TAX"}
)
REFUND_TYPES = frozenset(f"REFUND_{kind}" for kind in ORDER_TYPES)
COMMISSION_TYPES = frozenset({"COMMISSION_FEE", "REFUND_COMMISSION_FEE"})
COMMISSION_TAX_TYPES = frozenset({"COMMISSION_VAT", "REFUND_COMMISSION_VAT"})


class CycleError(ValueError):
    """A billing cycle or payout the operator would not make; the message says why."""


def _tax_entity(tax):
    return {"code": tax.code, "rate": tax.rate} if tax.rate is not None else {"code": tax.code}


def _order_entities(order, line, **extra):
    entities = {
        "domain": "PRODUCT",
        "order": {
            "id": order.order_id,
            "commercial_id": order.commercial_id,
            "creation_date": format_datetime(order.created_date),
        },
        "order_line": {"id": line.order_line_id},
    }
    if order.channel_code:
        entities["channel"] = {"code": order.channel_code}
    entities.update(extra)
    return entities


def _amounts(order, line, quantity, shipping, refund=None):
    """``[(type, amount, extra entities)]`` of ``quantity`` units, shipping included if
    ``shipping``; a refund (``{"id": ...}``) turns every sign and every type."""
    fee = line.commission_fee(quantity)
    commission_tax = money(fee * COMMISSION_TAX_RATE / 100)
    rows = [("ORDER_AMOUNT", money(line.unit_price * quantity), {})]
    rows += [
        ("ORDER_AMOUNT_TAX", money(tax.amount * quantity), {"order_tax": _tax_entity(tax)})
        for tax in line.unit_taxes
    ]
    if shipping and line.shipping_price:
        rows.append(("ORDER_SHIPPING_AMOUNT", line.shipping_price, {}))
        rows += [
            ("ORDER_SHIPPING_AMOUNT_TAX", tax.amount, {"order_tax": _tax_entity(tax)})
            for tax in line.shipping_taxes
        ]
    shop_tax = {"shop_tax": {"code": COMMISSION_TAX_CODE, "rate": COMMISSION_TAX_RATE}}
    rows += [("COMMISSION_FEE", -fee, {}), ("COMMISSION_VAT", -commission_tax, shop_tax)]
    if refund is None:
        return rows
    return [
        (f"REFUND_{kind}", -amount, {**extra, "refund": refund}) for kind, amount, extra in rows
    ]


def _order_rows(book, order):
    """The amounts of ``order`` no cycle billed yet, marked billed."""
    rows = []
    for line in order.lines:
        if line.shipped_date is None:
            continue
        key = (order.shop_id, "line", line.order_line_id)
        quantity = line.quantity - line.cancelled_quantity
        if key not in book.billed and quantity > 0:
            shipping = not any(item.shipping for item in line.cancelations)
            rows += [(line, row) for row in _amounts(order, line, quantity, shipping)]
            book.billed.add(key)
        for refund in line.refunds:
            key = (order.shop_id, "refund", refund.id)
            if key in book.billed or refund.refund_state != "REFUNDED":
                continue
            amounts = _amounts(order, line, refund.quantity, refund.shipping, {"id": refund.id})
            rows += [(line, row) for row in amounts]
            book.billed.add(key)
    return rows


def _sum(lines, types):
    return sum((line.amount for line in lines if line.type in types), ZERO)


def _details(lines, start, end):
    """The document's lines: what the operator charges (positive), with its VAT."""
    period = f"from {start:%d/%m/%Y} to {end:%d/%m/%Y}"
    details = []
    commissions = -_sum(lines, COMMISSION_TYPES)
    if commissions or _sum(lines, COMMISSION_TAX_TYPES):
        tax = -_sum(lines, COMMISSION_TAX_TYPES)
        details.append(
            {
                "description": f"Commissions of completed orders {period}",
                "amount_excl_taxes": commissions,
                "quantity": 1,
                "taxes": [{"code": COMMISSION_TAX_CODE, "amount": tax}],
            }
        )
    subscription = -_sum(lines, {"SUBSCRIPTION_FEE"})
    if subscription:
        tax = -_sum(lines, {"SUBSCRIPTION_VAT"})
        details.append(
            {
                "description": f"Subscription {period}",
                "amount_excl_taxes": subscription,
                "quantity": 1,
                "taxes": [{"code": COMMISSION_TAX_CODE, "amount": tax}],
            }
        )
    return details


def _summary(lines, net):
    commission_tax = _sum(lines, {"COMMISSION_VAT"})
    refund_commission_tax = _sum(lines, {"REFUND_COMMISSION_VAT"})
    return {
        "amount_transferred": max(net, ZERO),
        "amount_transferred_to_operator": max(-net, ZERO),
        "total_payable_orders_excl_tax": _sum(lines, {"ORDER_AMOUNT", "ORDER_SHIPPING_AMOUNT"}),
        "total_payable_orders_incl_tax": _sum(lines, ORDER_TYPES),
        "total_refund_orders_excl_tax": -_sum(
            lines, {"REFUND_ORDER_AMOUNT", "REFUND_ORDER_SHIPPING_AMOUNT"}
        ),
        "total_refund_orders_incl_tax": -_sum(lines, REFUND_TYPES),
        "total_commissions_excl_tax": _sum(lines, {"COMMISSION_FEE"}),
        "total_commissions_incl_tax": _sum(lines, {"COMMISSION_FEE"}) + commission_tax,
        "total_refund_commissions_excl_tax": _sum(lines, {"REFUND_COMMISSION_FEE"}),
        "total_refund_commissions_incl_tax": (
            _sum(lines, {"REFUND_COMMISSION_FEE"}) + refund_commission_tax
        ),
        "total_subscription_excl_tax": _sum(lines, {"SUBSCRIPTION_FEE"}),
        "total_subscription_incl_tax": _sum(lines, {"SUBSCRIPTION_FEE", "SUBSCRIPTION_VAT"}),
    }


def run_cycle(store, shop_id, now, paid=True, subscription_fee=None):
    """Bill what ``shop_id`` sold and refunded since its last cycle (shipped lines only) and
    return the new ``AccountingDocument``, paid out now unless ``paid`` is False.

    Raises ``CycleError`` when there is nothing to bill.
    """
    book, shop = store.accounting, store.shops[shop_id]
    orders = store.orders.book(shop_id)
    rows = []
    for entry in orders.entries():
        order = orders.view(entry.order_id)
        rows += [(order, line, row) for line, row in _order_rows(book, order)]
    currency = shop.currency_iso_code
    lines = [
        book.add_line(shop_id, kind, amount, currency, now, _order_entities(order, line, **extra))
        for order, line, (kind, amount, extra) in rows
    ]
    if subscription_fee:
        fee = money(subscription_fee)
        tax = money(fee * SUBSCRIPTION_TAX_RATE / 100)
        shop_tax = {"shop_tax": {"code": COMMISSION_TAX_CODE, "rate": SUBSCRIPTION_TAX_RATE}}
        lines.append(book.add_line(shop_id, "SUBSCRIPTION_FEE", -fee, currency, now, {}))
        lines.append(book.add_line(shop_id, "SUBSCRIPTION_VAT", -tax, currency, now, shop_tax))
    if not lines:
        raise CycleError(f"shop {shop_id} has nothing to bill: no shipped order or refund left")
    previous = book.documents_of(shop_id)
    start = (
        previous[-1].end_time
        if previous
        else min((o.created_date for o, _l, _r in rows), default=now)
    )
    net = sum((line.amount for line in lines), ZERO)
    document = AccountingDocument(
        id=book.new_id(),
        invoice_id=store.next_id(),
        shop_id=shop_id,
        shop_name=shop.name,
        currency_iso_code=currency,
        seller_billing_cycle_id=book.new_id(),
        date_created=now,
        start_time=start,
        end_time=now,
        details=_details(lines, start, now),
        summary=_summary(lines, net),
    )
    book.documents.append(document)
    for line in lines:
        line.accounting_document_number = document.number
        line.accounting_document_creation_date = now
        line.seller_billing_cycle_id = document.seller_billing_cycle_id
    if paid:
        pay(book, document, now)
    return document


def pay(book, document, now, reference=None):
    """Pay ``document`` out now: a ``PAYMENT`` line debits the net amount of its lines (when
    the shop is owed something) and every line of the cycle becomes PAID."""
    if document.payment_state == "PAID":
        raise CycleError(f"accounting document {document.number} is paid already")
    reference = reference or f"PAYOUT-{document.number}"
    lines = book.lines_of_document(document)
    net = sum((line.amount for line in lines), ZERO)
    if net > 0:
        payment = book.add_line(
            document.shop_id,
            "PAYMENT",
            -net,
            document.currency_iso_code,
            now,
            {"transaction_info": {"date": format_datetime(now), "number": reference}},
        )
        payment.accounting_document_number = document.number
        payment.accounting_document_creation_date = document.date_created
        payment.seller_billing_cycle_id = document.seller_billing_cycle_id
        lines.append(payment)
    for line in lines:
        line.payment_state = "PAID"
        line.last_updated = now
    document.payment_state = "PAID"
    document.payment_reference = reference
    document.payment_date = now
