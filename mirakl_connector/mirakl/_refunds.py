"""Refunds and cancellations of order lines: OR28 refunds money on shipped lines, OR30 cancels
units not shipped yet (it needs Mirakl's "shop partial cancelation" feature).

Each part names its order line and gives Mirakl's amounts in the call's `order_tax_mode`:
`amount` for the products, `shipping_amount` for the shipping, and the tax amounts by Mirakl
tax code (`taxes`, `shipping_taxes`), which Mirakl requires when the line has taxes whose
OR75 `tax_calculation_rule` is not PROPORTIONAL_TO_AMOUNT. Reason codes come from RE01 (type
REFUND, or CANCELATION). Neither call is idempotent: they are retried on 429/503 only, and a
caller that lost an answer reads the order again (OR11) before sending the part once more.
"""

from decimal import Decimal

from . import schemas
from ._orders import check_tax_mode

REFUND_PATH = "/api/orders/refund"
CANCEL_PATH = "/api/orders/cancel"
TAX_KEYS = frozenset({"code", "amount"})
COMMON_KEYS = frozenset(
    {
        "order_line_id",
        "amount",
        "shipping_amount",
        "quantity",
        "reason_code",
        "currency_iso_code",
        "taxes",
        "shipping_taxes",
        "fees",
    }
)
REFUND_KEYS = COMMON_KEYS | {"excluded_from_shipment", "tax_legal_notice"}
CANCELATION_KEYS = COMMON_KEYS


def _money(value, where):
    """A JSON number of an amount (Decimal, int, float or numeric string), never negative."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float, str)):
        raise ValueError(f"{where} must be a number, not {value!r}")
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise ValueError(f"{where} must be a number, not {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{where} must be a positive number or zero, not {value!r}")
    # requests encodes JSON without Decimal support; a float of a cent amount keeps its digits.
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _taxes(taxes, where):
    """`[{code, amount}]` of a mapping `{code: amount}` or a list of such mappings."""
    if isinstance(taxes, dict):
        taxes = [{"code": code, "amount": amount} for code, amount in taxes.items()]
    result = []
    for index, tax in enumerate(taxes):
        if not isinstance(tax, dict) or set(tax) - TAX_KEYS or not tax.get("code"):
            raise ValueError(f"{where}[{index}] must be {{code, amount}}, not {tax!r}")
        result.append(
            {"code": str(tax["code"]), "amount": _money(tax.get("amount"), f"{where}.amount")}
        )
    return result


def _part(item, allowed, what, quantity_required):
    """One checked refund or cancellation of a line: the mistakes Mirakl would refuse raise
    ValueError before anything is sent."""
    if not isinstance(item, dict):
        raise ValueError(f"each {what} must be a mapping, not {type(item).__name__}")
    unknown = set(item) - allowed
    if unknown:
        raise ValueError(f"unknown {what} key(s) {sorted(unknown)}")
    body = {key: value for key, value in item.items() if value is not None}
    line_id = str(body.get("order_line_id") or "").strip()
    if not line_id:
        raise ValueError(f"every {what} needs an order_line_id")
    where = f"{what} of {line_id}"
    if not str(body.get("reason_code") or "").strip():
        raise ValueError(f"the {where} needs a reason_code (RE01)")
    body["order_line_id"] = line_id
    body["reason_code"] = str(body["reason_code"]).strip()
    for key in ("amount", "shipping_amount"):
        body[key] = _money(body.get(key, 0), f"{key} of the {where}")
    quantity = body.get("quantity")
    if quantity is None and quantity_required:
        raise ValueError(f"the {where} needs a quantity")
    if quantity is not None and (
        isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0
    ):
        raise ValueError(f"the quantity of the {where} must be an integer >= 0, not {quantity!r}")
    for key in ("taxes", "shipping_taxes", "fees"):
        if key in body:
            body[key] = _taxes(body[key], f"{key} of the {where}")
    return body


class RefundsMixin:
    """OR28, OR30."""

    def refund_order_lines(self, refunds, order_tax_mode=None):
        """OR28: refund parts of order lines and return `schemas.RefundsCreated`.

        Each refund is a mapping: `order_line_id`, `amount`, `shipping_amount`, `reason_code`,
        optional `quantity` (informative only), `currency_iso_code`, `taxes` and
        `shipping_taxes` (`[{code, amount}]` or `{code: amount}`), `fees`,
        `excluded_from_shipment`. Amounts are in `order_tax_mode`: always pass the tax mode
        the amounts were computed in. Mirakl refuses the whole call (MiraklBadRequestError)
        when one refund is wrong.
        """
        body = self._adjustments_body(
            "refunds", refunds, REFUND_KEYS, "refund", False, order_tax_mode
        )
        response = self.request("OR28", "PUT", REFUND_PATH, json=body)
        return self._parse("OR28", schemas.RefundsCreated, self._decode("OR28", response))

    def cancel_order_lines(self, cancelations, order_tax_mode=None):
        """OR30: cancel units of order lines not shipped yet (`can_cancel`); returns
        `schemas.CancelationsCreated`. Each cancellation is a mapping like a refund of
        `refund_order_lines`, with a required `quantity`."""
        body = self._adjustments_body(
            "cancelations", cancelations, CANCELATION_KEYS, "cancelation", True, order_tax_mode
        )
        response = self.request("OR30", "PUT", CANCEL_PATH, json=body)
        return self._parse("OR30", schemas.CancelationsCreated, self._decode("OR30", response))

    @staticmethod
    def _adjustments_body(key, items, allowed, what, quantity_required, order_tax_mode):
        parts = [_part(item, allowed, what, quantity_required) for item in items]
        if not parts:
            raise ValueError(f"at least one {what} is needed")
        body = {key: parts}
        if check_tax_mode(order_tax_mode):
            body = {"order_tax_mode": order_tax_mode, **body}
        return body
