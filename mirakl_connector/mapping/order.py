"""Mirakl order (OR11/OR15 JSON) -> Odoo values: the mirror, contacts, sale order lines, the
totals Odoo must reach and the acceptance rules.

Pure functions on the order's JSON as stored on ``mirakl.order`` (a dict, money as numbers or
strings). Odoo ids come in lookup dicts the flow builds once per batch, so nothing here reads
the database and every rule can be unit-tested on a payload.
"""

import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal

from babel.core import get_global

# The happy path, in order; ``states_from(state)`` is that state and the ones after it.
FLOW_STATES = (
    "STAGING",
    "WAITING_ACCEPTANCE",
    "WAITING_DEBIT",
    "WAITING_DEBIT_PAYMENT",
    "SHIPPING",
    "SHIPPED",
    "TO_COLLECT",
    "RECEIVED",
    "CLOSED",
)
ORDER_STATES = (*FLOW_STATES, "REFUSED", "CANCELED")
LINE_STATES = (*ORDER_STATES, "INCIDENT_OPEN", "INCIDENT_CLOSED", "REFUNDED")
# Accepted orders, whatever happened to them since (neither refused nor cancelled).
ACCEPTED_STATES = FLOW_STATES[FLOW_STATES.index("WAITING_DEBIT") :]
# States in which the customer has the goods, whoever shipped them.
SHIPPED_STATES = ("SHIPPED", "TO_COLLECT", "RECEIVED", "CLOSED")
# Lines that were never sold: no sale order line, nothing to ship.
UNSOLD_LINE_STATES = ("REFUSED", "CANCELED")
TAX_MODES = ("TAX_INCLUDED", "TAX_EXCLUDED")
ZERO = Decimal(0)
CENT = Decimal("0.01")
# Alpha-3 codes CLDR does not alias (user-assigned codes operators use).
EXTRA_ALPHA3 = {"XKX": "XK"}


class PayloadError(ValueError):
    """The order JSON lacks something the import needs; the message says what."""


# -- reading values ---------------------------------------------------------------------------


def fingerprint(raw):
    """``(payload, hash)``: the order as JSON-safe data and a hash that changes with it.

    Mirakl's numbers arrive as Decimal; they are kept as strings so no cent is lost and the
    hash of an unchanged order is the same on every read (sweeps, widened windows).
    """
    text = json.dumps(raw, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return json.loads(text), hashlib.sha256(text.encode()).hexdigest()


def to_decimal(value):
    """Exact amount of a JSON number or numeric string; missing means zero."""
    if value is None or value == "":
        return ZERO
    return Decimal(str(value))


def to_datetime(value):
    """Naive UTC datetime (Odoo's storage) of a Mirakl date, or False."""
    if not value:
        return False
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def states_from(milestone):
    """The states of the happy path at ``milestone`` and beyond it."""
    return FLOW_STATES[FLOW_STATES.index(milestone) :]


def known(value, values):
    """``value`` if it is one of ``values``: Mirakl adds enum values without notice."""
    return value if value in values else "OTHER"


def summary(raw):
    """What the import stores before anything is checked: the key, the state and the date
    that decides the watermark. Never raises on a malformed order (the rest may be missing)."""
    raw = raw if isinstance(raw, dict) else {}
    order_id = raw.get("order_id")
    return {
        "mirakl_order_id": str(order_id) if order_id not in (None, "") else False,
        "mirakl_state": known(raw.get("order_state"), ORDER_STATES) if raw else "OTHER",
        "last_updated_date": _safe_datetime(raw.get("last_updated_date")),
    }


def _safe_datetime(value):
    try:
        return to_datetime(value)
    except (TypeError, ValueError):
        return False


def check(payload):
    """Raise PayloadError naming what is missing or unreadable before anything is mapped."""
    problems = []
    for key in ("order_id", "order_state", "created_date", "last_updated_date"):
        if not payload.get(key):
            problems.append(f"no {key}")
    if not isinstance(payload.get("customer"), dict) or not payload["customer"].get("customer_id"):
        problems.append("no customer.customer_id")
    lines = payload.get("order_lines")
    if not isinstance(lines, list) or not lines:
        problems.append("no order_lines")
        lines = []
    seen = set()
    for index, line in enumerate(lines):
        where = f"order_lines[{index}]"
        if not isinstance(line, dict):
            problems.append(f"{where} is not an object")
            continue
        if line.get("order_line_id") in seen:
            problems.append(f"{where}: order_line_id {line['order_line_id']} appears twice")
        seen.add(line.get("order_line_id"))
        for key in ("order_line_id", "order_line_state", "quantity", "price_unit"):
            if line.get(key) in (None, ""):
                problems.append(f"{where}: no {key}")
        if not (line.get("offer_sku") or line.get("product_sku")):
            problems.append(f"{where}: no offer_sku")
        try:
            int(line.get("quantity") or 0)
            to_decimal(line.get("price_unit"))
            to_decimal(line.get("price"))
        except (ArithmeticError, TypeError, ValueError):
            problems.append(f"{where}: quantity or prices are not numbers")
    try:
        to_datetime(payload.get("created_date"))
        to_datetime(payload.get("last_updated_date"))
    except (TypeError, ValueError):
        problems.append("unreadable dates")
    if payload.get("order_tax_mode") not in (None, *TAX_MODES):
        problems.append(f"unknown order_tax_mode {payload.get('order_tax_mode')!r}")
    if problems:
        raise PayloadError("Incomplete order from Mirakl: " + "; ".join(problems) + ".")


# -- the mirror -------------------------------------------------------------------------------


def customer_name(customer):
    customer = customer or {}
    name = " ".join(p for p in (customer.get("firstname"), customer.get("lastname")) if p)
    return name or customer.get("customer_id") or ""


def order_values(payload):
    """``mirakl.order`` values (codes, not ids) of a checked payload."""
    customer = payload.get("customer") or {}
    channel = payload.get("channel") or {}
    fulfillment = ((payload.get("fulfillment") or {}).get("center") or {}).get("code")
    return {
        "commercial_id": payload.get("commercial_id") or False,
        "mirakl_state": known(payload["order_state"], ORDER_STATES),
        "state_reason_code": payload.get("order_state_reason_code") or False,
        "state_reason_label": payload.get("order_state_reason_label") or False,
        "created_date": to_datetime(payload["created_date"]),
        "last_updated_date": to_datetime(payload["last_updated_date"]),
        "acceptance_decision_date": to_datetime(payload.get("acceptance_decision_date")),
        "shipping_deadline": to_datetime(payload.get("shipping_deadline")),
        "customer_id": str(customer.get("customer_id") or ""),
        "customer_name": customer_name(customer),
        "customer_notification_email": payload.get("customer_notification_email") or False,
        "has_addresses": bool(customer.get("shipping_address") or customer.get("billing_address")),
        "tax_mode": payload.get("order_tax_mode") or False,
        "price": float(to_decimal(payload.get("price"))),
        "shipping_price": float(to_decimal(payload.get("shipping_price"))),
        "total_price": float(to_decimal(payload.get("total_price"))),
        "channel_code": channel.get("code") or False,
        "shipping_type_code": payload.get("shipping_type_code") or False,
        "shipping_type_label": payload.get("shipping_type_label") or False,
        "shipping_zone_code": payload.get("shipping_zone_code") or False,
        "shipping_carrier_code": payload.get("shipping_carrier_code") or False,
        "shipping_tracking": payload.get("shipping_tracking") or False,
        "shipping_tracking_url": payload.get("shipping_tracking_url") or False,
        "fulfillment_center_code": fulfillment or False,
        "payment_workflow": payload.get("payment_workflow") or False,
        "payment_type": payload.get("payment_type") or False,
        "can_cancel": bool(payload.get("can_cancel")),
    }


def line_values(line):
    """``mirakl.order.line`` values of one order line."""
    cancelled = sum(int(item.get("quantity") or 0) for item in line.get("cancelations") or [])
    refunded = sum(int(item.get("quantity") or 0) for item in line.get("refunds") or [])
    return {
        "mirakl_line_id": str(line["order_line_id"]),
        "sequence": int(line.get("order_line_index") or 0),
        "mirakl_state": known(line["order_line_state"], LINE_STATES),
        "state_reason_code": line.get("order_line_state_reason_code") or False,
        "state_reason_label": line.get("order_line_state_reason_label") or False,
        "offer_id": str(line["offer_id"]) if line.get("offer_id") is not None else False,
        "offer_sku": line.get("offer_sku") or False,
        "product_sku": line.get("product_sku") or False,
        "product_title": line.get("product_title") or line.get("offer_sku") or "",
        "quantity": int(line["quantity"]),
        "cancelled_quantity": cancelled,
        "refunded_quantity": refunded,
        "price_unit": float(to_decimal(line["price_unit"])),
        "origin_unit_price": float(to_decimal(line.get("origin_unit_price"))),
        "price": float(to_decimal(line.get("price"))),
        "shipping_price": float(to_decimal(line.get("shipping_price"))),
        "tax_amount": float(_tax_sum(line.get("taxes"))),
        "shipping_tax_amount": float(_tax_sum(line.get("shipping_taxes"))),
        "total_price": float(to_decimal(line.get("total_price"))),
    }


def adjustment_values(line):
    """``mirakl.order.adjustment`` values of a line's cancellations and refunds."""
    result = []
    for kind, key in (("cancelation", "cancelations"), ("refund", "refunds")):
        for item in line.get(key) or []:
            result.append(
                {
                    "kind": kind,
                    "mirakl_id": str(item.get("id")),
                    "quantity": int(item.get("quantity") or 0),
                    "amount": float(to_decimal(item.get("amount"))),
                    "shipping_amount": float(to_decimal(item.get("shipping_amount"))),
                    "tax_amount": float(
                        _tax_sum(item.get("taxes")) + _tax_sum(item.get("shipping_taxes"))
                    ),
                    "reason_code": item.get("reason_code") or False,
                    "refund_state": item.get("refund_state") or item.get("state") or False,
                    "mirakl_date": to_datetime(item.get("created_date")),
                }
            )
    return result


def _tax_sum(taxes):
    return sum((to_decimal(tax.get("amount")) for tax in taxes or []), ZERO)


# -- contacts ---------------------------------------------------------------------------------


def alpha2(alpha3):
    """ISO 3166 alpha-2 code of a Mirakl alpha-3 country code (CLDR aliases), or None."""
    if not alpha3:
        return None
    code = alpha3.strip().upper()
    if len(code) == 2:
        return code
    targets = get_global("territory_aliases").get(code)
    if targets and len(targets) == 1:
        return targets[0]
    return EXTRA_ALPHA3.get(code)


def address_values(address, countries, states):
    """res.partner address values of a Mirakl address.

    :param countries: ``{alpha-2: country id}``
    :param states: ``{(country id, lower-case state code or name): state id}``
    """
    country_id = countries.get(alpha2(address.get("country_iso_code")))
    state = (address.get("state") or "").strip()
    person = " ".join(p for p in (address.get("firstname"), address.get("lastname")) if p)
    company = (address.get("company") or "").strip()
    # Odoo keeps a company name on contacts only through a company partner: name it here.
    name = f"{person} ({company})" if person and company else person or company
    return {
        "name": name,
        "street": address.get("street_1") or False,
        "street2": address.get("street_2") or False,
        "zip": address.get("zip_code") or False,
        "city": address.get("city") or False,
        "state_id": states.get((country_id, state.lower()), False) if state else False,
        "country_id": country_id or False,
        "phone": address.get("phone") or False,
        "mobile": address.get("phone_secondary") or False,
        "comment": address.get("additional_info") or False,
    }


def address_key(values):
    """Fingerprint of an address: the same address of a customer is one contact, reused."""
    keys = ("name", "street", "street2", "zip", "city", "state_id", "country_id")
    text = "|".join(str(values.get(key) or "").strip().lower() for key in keys)
    text += "|" + str(values.get("phone") or "")
    return hashlib.sha1(text.encode()).hexdigest()


def customer_values(customer):
    """Values of the partner that stands for the Marketplace customer (no address)."""
    return {"name": customer_name(customer)}


def company_key(customer):
    """Key and name of the customer's company (B2B organisation, else billing company)."""
    organization = customer.get("organization") or {}
    billing = customer.get("billing_address") or {}
    if organization.get("organization_id"):
        name = organization.get("name") or billing.get("company") or organization["organization_id"]
        return (
            f"org:{organization['organization_id']}",
            name,
            organization.get("tax_identification_number"),
        )
    if billing.get("company"):
        return f"company:{billing['company'].strip().lower()}", billing["company"].strip(), None
    return None, None, None


# -- sale order -------------------------------------------------------------------------------


def tax_key(tax):
    """``(code, rate)`` of a Mirakl tax; the rate is None for fixed amounts."""
    rate = tax.get("rate")
    return tax.get("code"), (to_decimal(rate).normalize() if rate is not None else None)


def sold_lines(payload):
    """The lines that make the sale order: not refused, not cancelled as a whole."""
    return [
        line
        for line in payload.get("order_lines") or []
        if line.get("order_line_state") not in UNSOLD_LINE_STATES
    ]


def _cancelled(line):
    """Quantity, amount, shipping amount, taxes and shipping taxes cancelled on a line."""
    items = line.get("cancelations") or []
    return (
        sum(int(item.get("quantity") or 0) for item in items),
        sum((to_decimal(item.get("amount")) for item in items), ZERO),
        sum((to_decimal(item.get("shipping_amount")) for item in items), ZERO),
        sum((_tax_sum(item.get("taxes")) for item in items), ZERO),
        sum((_tax_sum(item.get("shipping_taxes")) for item in items), ZERO),
    )


def line_quantity(line):
    """Units still sold on a line: ordered minus cancelled (0 for refused or cancelled lines)."""
    if line.get("order_line_state") in UNSOLD_LINE_STATES:
        return 0
    return max(int(line["quantity"]) - _cancelled(line)[0], 0)


def promotion_note(line, digits=2):
    """One line telling the promotions Mirakl applied to a line, or ''."""
    notes = []
    for promotion in line.get("promotions") or []:
        configuration = promotion.get("configuration") or {}
        label = configuration.get("internal_description") or promotion.get("id")
        notes.append(f"{label}: -{to_decimal(promotion.get('deduced_amount')):.{digits}f}")
    origin = line.get("origin_unit_price")
    if origin is not None and to_decimal(origin) > to_decimal(line.get("price_unit")):
        notes.append(f"was {to_decimal(origin):.{digits}f} per unit")
    return ("Promotion: " + ", ".join(notes)) if notes else ""


def promotion_remainder(line):
    """Discount Mirakl applied to the line beyond its unit price (0 when price = unit × qty)."""
    return to_decimal(line.get("price")) - to_decimal(line["price_unit"]) * int(line["quantity"])


def shipping_groups(lines):
    """Shipping of the sold ``lines`` grouped by tax set: ``{(tax keys): amount}``, Mirakl's
    amounts minus the shipping cancelled."""
    groups = {}
    for line in lines:
        amount = to_decimal(line.get("shipping_price")) - _cancelled(line)[2]
        key = tuple(sorted(tax_key(tax) for tax in line.get("shipping_taxes") or []))
        groups[key] = groups.get(key, ZERO) + amount
    return {key: amount for key, amount in groups.items() if amount}


def expected_totals(payload):
    """``(untaxed, tax, total)`` Odoo must reach for the sold part of the order, as Mirakl
    computed it: line and shipping prices and taxes minus what was cancelled."""
    price = tax = ZERO
    for line in sold_lines(payload):
        _qty, amount, shipping, taxes, shipping_taxes = _cancelled(line)
        price += to_decimal(line.get("price")) - amount
        price += to_decimal(line.get("shipping_price")) - shipping
        tax += _tax_sum(line.get("taxes")) - taxes
        tax += _tax_sum(line.get("shipping_taxes")) - shipping_taxes
    if payload.get("order_tax_mode") == "TAX_EXCLUDED":
        return price, tax, price + tax
    return price - tax, tax, price


def totals_difference(expected, actual):
    """Largest absolute gap between Mirakl's ``(untaxed, tax, total)`` and Odoo's, in cents
    rounded: 0 when they agree to the cent."""
    gaps = [
        abs(Decimal(str(a)).quantize(CENT) - e.quantize(CENT))
        for e, a in zip(expected, actual, strict=True)
    ]
    return max(gaps)


# -- acceptance -------------------------------------------------------------------------------


def rule_refusals(lines, products, free_qty, prices, buffer, tolerance):
    """Why each line breaks the acceptance rules: ``{order_line_id: reason}`` (empty = accept).

    :param products: ``{order_line_id: product id or False}`` (known and linked SKU)
    :param free_qty: ``{product id: free quantity in the Marketplace warehouse}``
    :param prices: ``{order_line_id: listing price or None}``
    :param buffer: units kept back from the free quantity
    :param tolerance: accepted gap between the ordered and the listed price, in percent
    """
    reasons = {}
    needed = {}
    for line in lines:
        product_id = products.get(line["order_line_id"])
        if product_id:
            needed[product_id] = needed.get(product_id, 0) + int(line["quantity"])
    for line in lines:
        line_id = line["order_line_id"]
        product_id = products.get(line_id)
        if not product_id:
            reasons[line_id] = f"no Odoo product for SKU {line.get('offer_sku')}"
            continue
        available = free_qty.get(product_id, 0.0) - buffer
        if needed[product_id] > available:
            reasons[line_id] = (
                f"{max(available, 0):g} free after the buffer, {needed[product_id]} ordered"
            )
            continue
        listed = prices.get(line_id)
        if listed is None:
            reasons[line_id] = "no listing price to compare with"
            continue
        ordered = to_decimal(line["price_unit"])
        listed = to_decimal(listed)
        if listed and abs(ordered - listed) * 100 > abs(listed) * Decimal(str(tolerance)):
            reasons[line_id] = f"price {ordered} is more than {tolerance}% away from {listed}"
    return reasons
