"""OR11/OR15 JSON of an order in one tax mode (spec ``OR11_Response_200_Orders``).

Absent optional values are omitted rather than sent as ``null`` (the spec declares nothing
nullable), except the customer's addresses, which the spec documents as "Null before shipping
(or acceptance, depending on platform setting)".
"""

from ..clock import format_datetime
from .model import (
    COMMISSION_RATE,
    COMMISSION_TAX_CODE,
    COMMISSION_TAX_RATE,
    ZERO,
    money,
    tax_total,
)
from .states import can_cancel, can_refund, fully_refunded

_CUSTOMER_FIELDS = ("customer_id", "firstname", "lastname", "civility", "locale")


def _date(value):
    return format_datetime(value) if value is not None else None


def _compact(body):
    return {key: value for key, value in body.items() if value is not None}


def _commission(fee):
    tax = money(fee * COMMISSION_TAX_RATE / 100)
    return tax, [{"code": COMMISSION_TAX_CODE, "amount": tax, "rate": COMMISSION_TAX_RATE}]


def _adjustment(line, item, tax_mode, refund):
    """A ``cancelations[]`` or ``refunds[]`` entry, amounts in ``tax_mode``."""
    net = item.net_amount(line)
    fee = money(net * COMMISSION_RATE)
    tax, taxes = _commission(fee)
    product_taxes, shipping_taxes = item.tax_parts(line), item.shipping_tax_parts(line)
    body = {
        "id": item.id,
        "amount": net + tax_total(product_taxes, tax_mode),
        "shipping_amount": item.net_shipping(line) + tax_total(shipping_taxes, tax_mode),
        "quantity": item.quantity,
        "reason_code": item.reason_code,
        "taxes": [t.as_json() for t in product_taxes],
        "shipping_taxes": [t.as_json() for t in shipping_taxes],
        "commission_amount": fee,
        "commission_taxes": [{"code": t["code"], "amount": t["amount"]} for t in taxes],
        "commission_total_amount": fee + tax,
        "created_date": format_datetime(item.created_date),
    }
    if refund:
        body.update(
            order_refund_id=item.order_refund_id,
            refund_state=item.refund_state,
            state=item.refund_state,  # deprecated twin of refund_state, still required
            commission_tax_amount=tax,
        )
    return _compact(body)


def _promotions(line, tax_mode):
    """Line promotions: the discount from ``origin_unit_price`` to ``price_unit``."""
    promotion = line.promotion
    if not promotion or line.origin_unit_price is None:
        return []
    origin = line.origin_unit_price_in(tax_mode)
    configuration = {
        "type": promotion["type"],
        "internal_description": promotion.get("description", promotion["id"]),
    }
    for key in ("amount_off", "percentage_off", "reduced_unit_price"):
        if promotion.get(key) is not None:
            configuration[key] = promotion[key]
    return [
        {
            "id": promotion["id"],
            "deduced_amount": (origin - line.unit_price_in(tax_mode)) * line.quantity,
            "apportioned": True,
            "configuration": configuration,
        }
    ]


def render_line(order, line, tax_mode):
    fee = line.commission_fee()
    commission_tax, commission_taxes = _commission(fee)
    body = {
        "order_line_id": line.order_line_id,
        "order_line_index": line.index,
        "order_line_state": line.state,
        "order_line_state_reason_code": line.state_reason_code,
        "order_line_state_reason_label": line.state_reason_label,
        "created_date": format_datetime(line.created_date),
        "last_updated_date": format_datetime(line.last_updated_date),
        "debited_date": _date(line.debited_date),
        "shipped_date": _date(line.shipped_date),
        "received_date": _date(line.received_date),
        "offer_id": line.offer_id,
        "offer_sku": line.offer_sku,
        "offer_state_code": line.offer_state_code,
        "product_sku": line.product_sku,
        "product_shop_sku": line.offer_sku,
        "product_title": line.product_title,
        "category_code": line.category_code,
        "category_label": line.category_label,
        "description": line.product_title,
        "quantity": line.quantity,
        "price_unit": line.unit_price_in(tax_mode),
        "origin_unit_price": line.origin_unit_price_in(tax_mode),
        "price": line.price_in(tax_mode),
        "shipping_price": line.shipping_price_in(tax_mode),
        "total_price": line.total_price_in(tax_mode),
        "taxes": [
            {**tax.as_json(line.quantity), "tax_calculation_rule": tax.rule}
            for tax in line.unit_taxes
        ],
        "shipping_taxes": [
            {**tax.as_json(), "tax_calculation_rule": tax.rule} for tax in line.shipping_taxes
        ],
        "promotions": _promotions(line, tax_mode),
        "commission_fee": fee,
        "commission_taxes": commission_taxes,
        "commission_vat": commission_tax,
        "commission_rate_vat": COMMISSION_TAX_RATE,
        "total_commission": fee + commission_tax,
        "can_refund": can_refund(order, line),
        "cancelations": [_adjustment(line, c, tax_mode, False) for c in line.cancelations],
        "refunds": [_adjustment(line, r, tax_mode, True) for r in line.refunds],
        "order_line_additional_fields": list(line.additional_fields),
        "product_medias": [],
    }
    return _compact(body)


def _order_promotions(lines):
    applied = {}
    for line in lines:
        for promotion in line["promotions"]:
            if promotion["id"] in applied:
                applied[promotion["id"]]["deduced_amount"] += promotion["deduced_amount"]
            else:
                applied[promotion["id"]] = dict(promotion)
    total = sum((p["deduced_amount"] for p in applied.values()), ZERO)
    return {"applied_promotions": list(applied.values()), "total_deduced_amount": total}


def _customer(order, show_addresses):
    customer = {key: order.customer.get(key) for key in _CUSTOMER_FIELDS}
    customer = _compact(customer)
    for key in ("billing_address", "shipping_address"):
        customer[key] = dict(order.customer[key]) if show_addresses else None
    return customer


def render_order(order, tax_mode, details_before_acceptance=False):
    """The order as OR11 lists it; addresses are null until the customer was debited unless
    PC01 ``shipping_and_billing_details_before_acceptance`` is on."""
    lines = [render_line(order, line, tax_mode) for line in order.lines]
    price = sum((line["price"] for line in lines), ZERO)
    shipping_price = sum((line["shipping_price"] for line in lines), ZERO)
    show_addresses = details_before_acceptance or order.customer_debited_date is not None
    shipping = order.shipping
    body = {
        "order_id": order.order_id,
        "commercial_id": order.commercial_id,
        "order_state": order.state,
        "order_state_reason_code": order.state_reason_code,
        "order_state_reason_label": order.state_reason_label,
        "created_date": format_datetime(order.created_date),
        "last_updated_date": format_datetime(order.last_updated_date),
        "acceptance_decision_date": _date(order.acceptance_decision_date),
        "customer_debited_date": _date(order.customer_debited_date),
        "order_tax_mode": tax_mode,
        "currency_iso_code": order.currency_iso_code,
        "channel": dict(order.channel) if order.channel else None,
        "customer": _customer(order, show_addresses),
        "customer_notification_email": (
            f"notification+{order.order_id.lower()}@notification.mirakl.net"
        ),
        "price": price,
        "shipping_price": shipping_price,
        "total_price": price + shipping_price,
        "total_commission": sum((line["total_commission"] for line in lines), ZERO),
        "promotions": _order_promotions(lines),
        "shipping_type_code": shipping["type_code"],
        "shipping_type_label": shipping["type_label"],
        "shipping_type_standard_code": shipping.get("type_standard_code"),
        "shipping_zone_code": shipping["zone_code"],
        "shipping_zone_label": shipping["zone_label"],
        "shipping_carrier_code": shipping.get("carrier_code"),
        "shipping_carrier_standard_code": shipping.get("carrier_standard_code"),
        "shipping_company": shipping.get("carrier_label"),
        "shipping_tracking": shipping.get("tracking"),
        "shipping_tracking_url": shipping.get("tracking_url"),
        "shipping_deadline": _date(order.shipping_deadline),
        "leadtime_to_ship": order.leadtime_to_ship,
        "payment_workflow": order.payment_workflow,
        "payment_type": order.payment_type,
        "paymentType": order.payment_type,
        "fulfillment": {"center": {"code": order.fulfillment_center}},
        "can_cancel": can_cancel(order),
        "can_shop_ship": order.state == "SHIPPING",
        "fully_refunded": fully_refunded(order),
        "has_customer_message": order.has_customer_message,
        "has_incident": order.has_incident,
        "has_invoice": order.has_invoice,
        "order_additional_fields": list(order.additional_fields),
        "order_lines": lines,
    }
    return _compact(body)


def details_before_acceptance(configuration):
    """PC01 ``shipping_and_billing_details_before_acceptance``: addresses shown from the start."""
    workflows = configuration["features"].get("order_workflows", {})
    return bool(workflows.get("shipping_and_billing_details_before_acceptance"))


def renderer(book, configuration):
    """``render(order_ids, tax_mode)`` -> the bodies of those orders of ``book`` (OR11 pages,
    OR15 chunks); generated orders are built for the answer and not kept."""
    details = details_before_acceptance(configuration)

    def render(order_ids, tax_mode):
        return [render_order(book.view(order_id), tax_mode, details) for order_id in order_ids]

    return render
