"""Refunds (OR28) and cancellations (OR30) of Mirakl order lines, computed as Mirakl does.

Pure functions on an order line as the last import stored it (OR11 JSON, amounts in the
order's tax mode). What is left of a line is its price, shipping and taxes minus the
cancellations and refunds Mirakl lists and those Odoo sent that it does not list yet. Taxes
are refunded in proportion to the amount (OR75 PROPORTIONAL_TO_AMOUNT, and the share Odoo
sends for the other rules): each tax gives the share of what is left of it that the amount
is of what is left of the price, rounded half up to the cent, so a refund of everything that
is left gives back exactly the taxes left.
"""

from decimal import ROUND_HALF_UP, Decimal

from .order import to_decimal

ZERO = Decimal(0)
CENT = Decimal("0.01")


def money(value, cent=CENT):
    return to_decimal(value).quantize(cent, rounding=ROUND_HALF_UP)


def _add(totals, taxes, sign=1):
    for tax in taxes or []:
        code = tax.get("code")
        totals[code] = totals.get(code, ZERO) + sign * to_decimal(tax.get("amount"))


def line_left(line, pending=()):
    """What is left of the order ``line`` (a dict of its payload) to refund or cancel:
    ``{"amount", "shipping", "taxes": {code: amount}, "shipping_taxes": {code: amount}}``.

    ``pending`` are parts Odoo sent that the payload does not list yet, shaped as OR28 parts
    (``amount``, ``shipping_amount``, ``taxes``, ``shipping_taxes``).
    """
    taxes, shipping_taxes = {}, {}
    _add(taxes, line.get("taxes"))
    _add(shipping_taxes, line.get("shipping_taxes"))
    amount = to_decimal(line.get("price"))
    shipping = to_decimal(line.get("shipping_price"))
    parts = [*(line.get("cancelations") or []), *(line.get("refunds") or []), *pending]
    for part in parts:
        amount -= to_decimal(part.get("amount"))
        shipping -= to_decimal(part.get("shipping_amount"))
        _add(taxes, part.get("taxes"), -1)
        _add(shipping_taxes, part.get("shipping_taxes"), -1)
    return {
        "amount": amount,
        "shipping": shipping,
        "taxes": taxes,
        "shipping_taxes": shipping_taxes,
    }


def proportional_taxes(left_taxes, left_amount, amount, cent=CENT):
    """``[{code, amount}]``: each tax's share of ``amount`` out of ``left_amount``."""
    return [
        {"code": code, "amount": money(left * amount / left_amount, cent) if left_amount else ZERO}
        for code, left in left_taxes.items()
    ]


def units_left(line, pending_quantity=0):
    """Units of a line not cancelled yet (by Mirakl, or by Odoo's pending requests)."""
    cancelled = sum(int(item.get("quantity") or 0) for item in line.get("cancelations") or [])
    return int(line["quantity"]) - cancelled - pending_quantity


def part(line, left, amount, shipping, cent=CENT):
    """The amounts of an OR28/OR30 part of ``line`` for ``amount`` and ``shipping`` (in the
    order's tax mode), taxes included when the line has some; None when more than what is
    ``left`` is asked (the caller says why)."""
    if amount > left["amount"] or shipping > left["shipping"]:
        return None
    values = {"order_line_id": str(line["order_line_id"]), "amount": amount}
    values["shipping_amount"] = shipping
    if line.get("taxes"):
        values["taxes"] = proportional_taxes(left["taxes"], left["amount"], amount, cent)
    if line.get("shipping_taxes"):
        values["shipping_taxes"] = proportional_taxes(
            left["shipping_taxes"], left["shipping"], shipping, cent
        )
    return values


def allocate(amount, capacities):
    """Share ``amount`` among ``[(key, capacity)]`` in their order, each up to its capacity:
    ``({key: share}, amount not placed)``."""
    shares = {}
    for key, capacity in capacities:
        if amount <= 0:
            break
        share = min(amount, capacity)
        if share > 0:
            shares[key] = share
            amount -= share
    return shares, amount


def tax_total(values):
    """Sum of the taxes of a part (product and shipping)."""
    taxes = [*values.get("taxes", []), *values.get("shipping_taxes", [])]
    return sum((to_decimal(tax["amount"]) for tax in taxes), ZERO)


def json_safe(values):
    """The part with its amounts as strings, to store it (JSON) without losing a cent."""
    result = {}
    for key, value in values.items():
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, list):
            value = [{**tax, "amount": str(tax["amount"])} for tax in value]
        result[key] = value
    return result
