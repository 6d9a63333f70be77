"""Refunds (OR28) and cancellations (OR30) of order lines, checked as Mirakl does.

A request names a line and gives amounts in the call's ``order_tax_mode``: ``amount`` (the
products) and ``shipping_amount``, with the taxes of each part by tax code. Taxes may be left
out only when every tax of the line is computed PROPORTIONAL_TO_AMOUNT (OR75): Mirakl then
takes the same share of what is left of each tax as the amount is of what is left of the
price. Nothing may exceed what earlier cancellations and refunds left (``OrderLine.left``).
Parts are stored without tax (``Adjustment`` amounts), so OR11 renders them in either mode.

Refunds need a line Mirakl lets refund (``can_refund``: shipped, something left) and a REFUND
reason; cancellations an order Mirakl still lets the shop cancel (``can_cancel``), whole units
and a CANCELATION reason. A line whose units are all cancelled is CANCELED; one with nothing
left to refund is REFUNDED once its refund is paid (``refund_state`` REFUNDED).
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from . import states
from .model import TAX_INCLUDED, ZERO, Adjustment, Tax, money

PROPORTIONAL = "PROPORTIONAL_TO_AMOUNT"
REFUND, CANCELATION = "REFUND", "CANCELATION"
VERBS = {REFUND: "refund", CANCELATION: "cancel"}


class AdjustmentError(Exception):
    """A refusal with Mirakl's message (a 400 for the whole call)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Part:
    """A checked refund or cancellation of one line; amounts without tax, taxes as ``Tax``."""

    order: object
    line: object
    quantity: int
    reason_code: str
    amount: Decimal
    shipping: Decimal
    taxes: tuple
    shipping_taxes: tuple

    def answer(self, tax_mode, currency):
        """The part as OR28/OR30 echo it, amounts in ``tax_mode``."""
        included = tax_mode == TAX_INCLUDED
        return {
            "order_line_id": self.line.order_line_id,
            "amount": self.amount + (_total(self.taxes) if included else ZERO),
            "shipping_amount": self.shipping + (_total(self.shipping_taxes) if included else ZERO),
            "quantity": self.quantity,
            "reason_code": self.reason_code,
            "currency_iso_code": currency,
            "taxes": [tax.as_json() for tax in self.taxes],
            "shipping_taxes": [tax.as_json() for tax in self.shipping_taxes],
            "fees": [],
        }


def _total(taxes):
    return sum((tax.amount for tax in taxes), ZERO)


def check_reason(reference, code, kind):
    """The RE01 reason ``code``, which must be of ``kind`` and usable by shops."""
    reason = next((r for r in reference["reasons"] if r["code"] == str(code)), None)
    if reason is None or reason["type"] != kind or not reason.get("is_shop_right", True):
        raise AdjustmentError(f"The reason code '{code}' is not a {kind} reason of the shop.")
    return reason["code"]


def _amount(value, where):
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise AdjustmentError(f"{where} must be a number.")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise AdjustmentError(f"{where} must be a number.") from None
    if not amount.is_finite() or amount < 0 or amount != money(amount):
        raise AdjustmentError(f"{where} must be a positive amount with at most 2 decimals.")
    return money(amount)


def _requested_taxes(items, where):
    """``{code: amount}`` of the request's taxes, or None when it gives none."""
    if items is None or items == []:
        return None
    if not isinstance(items, list):
        raise AdjustmentError(f"{where} must be a list of {{code, amount}}.")
    taxes = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("code"), str):
            raise AdjustmentError(f"{where} must be a list of {{code, amount}}.")
        if item["code"] in taxes:
            raise AdjustmentError(f"{where}: the tax {item['code']} is given twice.")
        taxes[item["code"]] = _amount(item.get("amount"), f"{where}.amount")
    return taxes


def _split(amount, requested, left_net, left_taxes, line_taxes, tax_mode, where):
    """``(amount without tax, taxes)`` of ``amount`` asked in ``tax_mode``, checked against
    what is left (``left_net`` and ``left_taxes`` by code, without tax)."""
    known = {tax.code: tax for tax in line_taxes}
    included = tax_mode == TAX_INCLUDED
    left = left_net + (sum(left_taxes.values(), ZERO) if included else ZERO)
    if requested is None:
        explicit = sorted(code for code, tax in known.items() if tax.rule != PROPORTIONAL)
        if explicit and amount:
            raise AdjustmentError(
                f"{where}: the taxes are required, {', '.join(explicit)} "
                "not being computed proportionally to the amount."
            )
        values = {
            code: money(left_taxes.get(code, ZERO) * amount / left) if left else ZERO
            for code in known
        }
    else:
        unknown = sorted(set(requested) - set(known))
        if unknown:
            raise AdjustmentError(f"{where}: {', '.join(unknown)} is not a tax of the line.")
        values = {code: requested.get(code, ZERO) for code in known}
    net = amount - sum(values.values(), ZERO) if included else amount
    if net < 0:
        raise AdjustmentError(f"{where}: the taxes are more than the amount {amount}.")
    if net > left_net:
        raise AdjustmentError(f"{where}: {amount} is more than the {left} left.")
    for code, value in values.items():
        if value > left_taxes.get(code, ZERO):
            raise AdjustmentError(
                f"{where}: the tax {code} of {value} is more than the "
                f"{left_taxes.get(code, ZERO)} left."
            )
    taxes = tuple(
        Tax(code, value, known[code].rate, known[code].rule)
        for code, value in values.items()
        if value
    )
    return net, taxes


def _check_line(order, line, kind, quantity, settings):
    where = f"Order line {line.order_line_id}"
    if kind == REFUND:
        if not states.can_refund(order, line):
            raise AdjustmentError(
                f"{where} cannot be refunded (line {line.state}, order {order.state})."
            )
        return
    if not settings.partial_cancelation:
        raise AdjustmentError("The shop partial cancelation feature is not enabled.")
    if not states.can_cancel(order) or line.state in states.DETACHED_LINE_STATES:
        raise AdjustmentError(
            f"{where} cannot be canceled (line {line.state}, order {order.state})."
        )
    left = line.quantity - line.cancelled_quantity
    if not 1 <= quantity <= left:
        raise AdjustmentError(f"{where}: the quantity to cancel must be from 1 to {left}.")


def plan(store, order, line, item, tax_mode, kind):
    """Check one request ``item`` on ``line`` of ``order``: the ``Part`` to record."""
    where = f"Order line {line.order_line_id}"
    quantity = item.get("quantity", 0)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise AdjustmentError(f"{where}: the quantity must be an integer of at least 0.")
    currency = item.get("currency_iso_code")
    if currency is not None and currency != order.currency_iso_code:
        raise AdjustmentError(
            f"{where}: the order is in {order.currency_iso_code}, not {currency}."
        )
    if item.get("fees"):
        raise AdjustmentError(f"{where} has no fees to {VERBS[kind]}.")
    reason_code = check_reason(store.reference, item.get("reason_code"), kind)
    _check_line(order, line, kind, quantity, store.orders.settings)
    left = line.left()
    amount, taxes = _split(
        _amount(item.get("amount"), f"{where}: amount"),
        _requested_taxes(item.get("taxes"), f"{where}: taxes"),
        left.amount,
        left.taxes,
        line.unit_taxes,
        tax_mode,
        f"{where}: amount to {VERBS[kind]}",
    )
    shipping, shipping_taxes = _split(
        _amount(item.get("shipping_amount"), f"{where}: shipping_amount"),
        _requested_taxes(item.get("shipping_taxes"), f"{where}: shipping_taxes"),
        left.shipping,
        left.shipping_taxes,
        line.shipping_taxes,
        tax_mode,
        f"{where}: shipping amount to {VERBS[kind]}",
    )
    if kind == REFUND and not (amount or shipping or taxes or shipping_taxes):
        raise AdjustmentError(f"{where}: the refund is empty.")
    return Part(order, line, quantity, reason_code, amount, shipping, taxes, shipping_taxes)


def record_refund(part, ids, refund_state, at):
    """Record an OR28 refund (``ids``: refund id, order refund id) and return it."""
    line, order = part.line, part.order
    refund = Adjustment(
        ids[0],
        part.quantity,
        bool(part.shipping),
        part.reason_code,
        at,
        ids[1],
        refund_state,
        part.amount,
        part.shipping,
        part.taxes,
        part.shipping_taxes,
    )
    line.refunds.append(refund)
    left = line.left()
    if not left.amount + left.shipping and refund_state == "REFUNDED":
        line.state, line.state_reason_code, line.state_reason_label = "REFUNDED", None, None
    line.last_updated_date = order.last_updated_date = at
    return refund


def record_cancelation(reference, part, adjustment_id, at):
    """Record an OR30 cancellation of ``part.quantity`` units with the part's amounts."""
    reason = next(r for r in reference["reasons"] if r["code"] == part.reason_code)
    states.cancel_line(
        part.order, part.line, part.quantity, (reason["code"], reason["label"]), at, adjustment_id
    )
    cancelation = part.line.cancelations[-1]
    cancelation.shipping = bool(part.shipping)
    cancelation.amount, cancelation.shipping_amount = part.amount, part.shipping
    cancelation.taxes, cancelation.shipping_taxes = part.taxes, part.shipping_taxes
    return cancelation
