"""Orders as the simulator keeps them: amounts stored once, without tax, rendered in either mode.

OR11/OR15 answer in the tax mode asked for (``order_tax_mode``), so an order has one canonical
form: per-unit prices without tax plus per-unit tax amounts (shipping: line totals). Rendering
adds the taxes for TAX_INCLUDED, so both modes agree to the cent:
``price_unit(incl) = price_unit(excl) + unit taxes``, ``price = price_unit * quantity``,
``total_price = price + shipping_price`` and the order's amounts are the sums over all its lines
(refused and cancelled ones included: what was ordered). Cancellations and refunds are kept as
quantities next to the ordered amounts, which never change, and rendered the same way.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

TAX_INCLUDED = "TAX_INCLUDED"
TAX_EXCLUDED = "TAX_EXCLUDED"
TAX_MODES = (TAX_INCLUDED, TAX_EXCLUDED)
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
COMMISSION_RATE = Decimal("0.10")  # operator commission on the tax-free price
COMMISSION_TAX_RATE = Decimal("20")
COMMISSION_TAX_CODE = "COMMISSION_VAT"


def money(value):
    """Exact cents from a Decimal, int, str or float (floats through their shortest repr)."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Tax:
    """One tax of a line: ``amount`` per unit (product taxes) or for the line (shipping taxes)."""

    code: str
    amount: Decimal
    rate: Decimal | None = None
    rule: str = "PROPORTIONAL_TO_AMOUNT"

    def as_json(self, factor=1):
        body = {"code": self.code, "amount": self.amount * factor}
        if self.rate is not None:
            body["rate"] = self.rate
        return body


def tax_total(taxes, tax_mode):
    """What ``taxes`` add to a price in ``tax_mode`` (nothing when prices exclude tax)."""
    return sum((tax.amount for tax in taxes), ZERO) if tax_mode == TAX_INCLUDED else ZERO


def split_taxes(amount, specs, tax_mode, rules):
    """``(amount without tax, taxes)`` of ``amount`` expressed in ``tax_mode``.

    ``specs`` are ``{"code", "rate"}`` (a percentage) or ``{"code", "amount"}`` (fixed); ``rules``
    maps tax codes to their OR75 calculation rule. In TAX_INCLUDED mode the last rated tax takes
    the rounding remainder, so the parts always add up to ``amount`` exactly.
    """
    amount = money(amount)
    fixed = [(spec["code"], money(spec["amount"])) for spec in specs if spec.get("rate") is None]
    rated = [
        (spec["code"], Decimal(str(spec["rate"]))) for spec in specs if spec.get("rate") is not None
    ]
    if tax_mode == TAX_EXCLUDED:
        net = amount
        rated_amounts = [money(net * rate / 100) for _, rate in rated]
    else:
        base = amount - sum((value for _, value in fixed), ZERO)
        net = money(base * 100 / (100 + sum((rate for _, rate in rated), Decimal(0))))
        rated_amounts = [money(net * rate / 100) for _, rate in rated]
        if rated_amounts:
            rated_amounts[-1] = base - net - sum(rated_amounts[:-1], ZERO)
    taxes = [
        Tax(code, value, rate, rules.get(code, "PROPORTIONAL_TO_AMOUNT"))
        for (code, rate), value in zip(rated, rated_amounts, strict=True)
    ]
    taxes += [Tax(code, value, None, rules.get(code, "NONE")) for code, value in fixed]
    return net, tuple(taxes)


@dataclass
class Adjustment:
    """A cancellation or refund of ``quantity`` units, plus the line's shipping if ``shipping``.

    Made by OR28/OR30, it has amounts of its own instead: ``amount`` and ``shipping_amount``
    without tax, ``taxes`` and ``shipping_taxes`` as ``Tax`` totals of the part (``quantity``
    is then informative).
    """

    id: str
    quantity: int
    shipping: bool
    reason_code: str
    created_date: datetime
    order_refund_id: str | None = None  # refunds only
    refund_state: str | None = None  # refunds only
    amount: Decimal | None = None
    shipping_amount: Decimal | None = None
    taxes: tuple | None = None
    shipping_taxes: tuple | None = None

    def net_amount(self, line):
        return line.unit_price * self.quantity if self.amount is None else self.amount

    def net_shipping(self, line):
        if self.shipping_amount is not None:
            return self.shipping_amount
        return line.shipping_price if self.shipping else ZERO

    def tax_parts(self, line):
        if self.taxes is not None:
            return self.taxes
        return tuple(replace(tax, amount=tax.amount * self.quantity) for tax in line.unit_taxes)

    def shipping_tax_parts(self, line):
        if self.shipping_taxes is not None:
            return self.shipping_taxes
        return line.shipping_taxes if self.shipping else ()


@dataclass(frozen=True)
class Left:
    """What no cancellation or refund took of a line yet: amounts without tax, taxes by code."""

    amount: Decimal
    shipping: Decimal
    taxes: dict
    shipping_taxes: dict


@dataclass
class OrderLine:
    """One order line; prices are without tax, ``unit_taxes`` per unit."""

    order_line_id: str
    index: int
    offer_id: int
    offer_sku: str
    product_sku: str
    product_title: str
    category_code: str
    category_label: str
    quantity: int
    unit_price: Decimal
    unit_taxes: tuple
    shipping_price: Decimal
    shipping_taxes: tuple
    state: str
    created_date: datetime
    last_updated_date: datetime
    origin_unit_price: Decimal | None = None
    origin_unit_taxes: tuple = ()
    promotion: dict | None = None  # {"id", "type", "description", "amount_off"|"percentage_off"}
    state_reason_code: str | None = None
    state_reason_label: str | None = None
    debited_date: datetime | None = None
    shipped_date: datetime | None = None
    received_date: datetime | None = None
    cancelations: list = field(default_factory=list)
    refunds: list = field(default_factory=list)
    additional_fields: list = field(default_factory=list)
    offer_state_code: str = "11"

    def unit_price_in(self, tax_mode):
        return self.unit_price + tax_total(self.unit_taxes, tax_mode)

    def origin_unit_price_in(self, tax_mode):
        if self.origin_unit_price is None:
            return None
        return self.origin_unit_price + tax_total(self.origin_unit_taxes, tax_mode)

    def shipping_price_in(self, tax_mode):
        return self.shipping_price + tax_total(self.shipping_taxes, tax_mode)

    def price_in(self, tax_mode):
        return self.unit_price_in(tax_mode) * self.quantity

    def total_price_in(self, tax_mode):
        return self.price_in(tax_mode) + self.shipping_price_in(tax_mode)

    def commission_fee(self, quantity=None):
        units = self.quantity if quantity is None else quantity
        return money(self.unit_price * units * COMMISSION_RATE)

    @property
    def cancelled_quantity(self):
        return sum(item.quantity for item in self.cancelations)

    @property
    def refunded_quantity(self):
        return sum(item.quantity for item in self.refunds)

    @property
    def shipping_adjusted(self):
        return any(item.shipping for item in (*self.cancelations, *self.refunds))

    def left(self):
        """``Left`` of this line after its cancellations and refunds."""
        amount, shipping = self.unit_price * self.quantity, self.shipping_price
        taxes = {tax.code: tax.amount * self.quantity for tax in self.unit_taxes}
        shipping_taxes = {tax.code: tax.amount for tax in self.shipping_taxes}
        for item in (*self.cancelations, *self.refunds):
            amount -= item.net_amount(self)
            shipping -= item.net_shipping(self)
            for tax in item.tax_parts(self):
                taxes[tax.code] = taxes.get(tax.code, ZERO) - tax.amount
            for tax in item.shipping_tax_parts(self):
                shipping_taxes[tax.code] = shipping_taxes.get(tax.code, ZERO) - tax.amount
        return Left(amount, shipping, taxes, shipping_taxes)


@dataclass
class Order:
    """One shop order (``order_id`` = commercial id + ``-A``) and its lifecycle dates."""

    order_id: str
    commercial_id: str
    shop_id: int
    currency_iso_code: str
    state: str
    created_date: datetime
    last_updated_date: datetime
    customer: dict  # customer_id, firstname, lastname, civility, locale, *_address
    lines: list
    shipping: dict  # type/zone/carrier codes and labels, tracking
    channel: dict | None = None
    state_reason_code: str | None = None
    state_reason_label: str | None = None
    acceptance_decision_date: datetime | None = None
    accepted_at: datetime | None = None  # also set by automatic acceptance (decision date null)
    customer_debited_date: datetime | None = None
    shipping_deadline: datetime | None = None
    leadtime_to_ship: int = 2
    payment_workflow: str = "PAY_ON_ACCEPTANCE"
    payment_type: str = "CREDIT_CARD"
    fulfillment_center: str = "DEFAULT"
    operator_fulfilled: bool = False  # OR21 then answers ORDER_FULFILLED_UNAUTHORIZED
    additional_fields: list = field(default_factory=list)
    has_customer_message: bool = False  # set by a customer message on one of its threads
    has_invoice: bool = False  # set by a CUSTOMER_INVOICE document (OR74)

    @property
    def channel_code(self):
        return self.channel["code"] if self.channel else None

    @property
    def has_incident(self):
        return any(line.state == "INCIDENT_OPEN" for line in self.lines)

    def line(self, order_line_id):
        return next((ln for ln in self.lines if ln.order_line_id == order_line_id), None)
