"""Refunds and cancellations of order lines: OR28 (refund) and OR30 (cancel).

Both are all-or-nothing, as on Mirakl: every part is checked first and one wrong part is a 400
for the whole call, with Mirakl's ``{status, message}`` body; nothing is recorded then. The
rules live in ``orders.refunds``; the answer echoes each part with the id OR11 lists it under.
"""

import uuid

from ..errors import ApiError, bad_request
from ..orders.query import tax_mode
from ..orders.refunds import (
    CANCELATION,
    REFUND,
    AdjustmentError,
    plan,
    record_cancelation,
    record_refund,
)
from ..routing import route

REFUND_FIELDS = {
    "order_line_id",
    "amount",
    "shipping_amount",
    "quantity",
    "reason_code",
    "currency_iso_code",
    "excluded_from_shipment",
    "taxes",
    "shipping_taxes",
    "fees",
    "tax_legal_notice",
}
CANCELATION_FIELDS = REFUND_FIELDS - {"excluded_from_shipment", "tax_legal_notice"}
REQUIRED = {
    REFUND: ("order_line_id", "amount", "shipping_amount", "reason_code"),
    CANCELATION: ("order_line_id", "amount", "shipping_amount", "quantity", "reason_code"),
}


def _parts(ctx, key, fields, kind):
    """``(tax mode, [Part])`` of the request, every part checked; 400 on the first error."""
    store = ctx.store
    store.orders.tick(store.clock.now())
    body = ctx.json_object()
    unknown = set(body) - {"order_tax_mode", key}
    if unknown:
        raise bad_request(f"Unrecognized field(s): {', '.join(sorted(unknown))}")
    mode = tax_mode(
        body.get("order_tax_mode"), store.platform_configuration["features"]["order_tax_mode"]
    )
    items = body.get(key)
    if not isinstance(items, list) or not items:
        raise bad_request(f"{key} must be a non-empty list")
    book = store.orders.book(ctx.shop.shop_id)
    parts, seen = [], set()
    for index, item in enumerate(items):
        where = f"{key}[{index}]"
        if not isinstance(item, dict):
            raise bad_request(f"{where} must be a JSON object")
        unknown = set(item) - fields
        if unknown:
            raise bad_request(f"Unrecognized field(s) in {where}: {', '.join(sorted(unknown))}")
        missing = [name for name in REQUIRED[kind] if item.get(name) in (None, "")]
        if missing:
            raise bad_request(f"{where}: {', '.join(missing)} is required")
        line_id = str(item["order_line_id"])
        if line_id in seen:
            raise bad_request(f"The order line {line_id} is listed twice.")
        seen.add(line_id)
        order = book.get(line_id.rpartition("-")[0])
        line = order.line(line_id) if order is not None else None
        if line is None:
            raise ApiError(404, f"The order line {line_id} does not exist.")
        try:
            parts.append(plan(store, order, line, item, mode, kind))
        except AdjustmentError as error:
            raise bad_request(error.message) from None
    return mode, parts


@route("PUT", "/api/orders/refund", op="OR28")
def refund_order_lines(ctx):
    mode, parts = _parts(ctx, "refunds", REFUND_FIELDS, REFUND)
    store, now = ctx.store, ctx.store.clock.now()
    state = store.orders.settings.refund_state
    groups = {}  # one order_refund_id per order and call
    answers = []
    for part in parts:
        group = groups.setdefault(part.order.order_id, str(uuid.uuid4()))
        refund = record_refund(part, (str(store.orders.next_id()), group), state, now)
        answer = part.answer(mode, part.order.currency_iso_code)
        answers.append(
            {
                **answer,
                "refund_id": refund.id,
                "order_refund_id": group,
                "excluded_from_shipment": False,
            }
        )
    return {"order_tax_mode": mode, "refunds": answers}


@route("PUT", "/api/orders/cancel", op="OR30")
def cancel_order_lines(ctx):
    mode, parts = _parts(ctx, "cancelations", CANCELATION_FIELDS, CANCELATION)
    store, now = ctx.store, ctx.store.clock.now()
    answers = []
    for part in parts:
        cancelation = record_cancelation(store.reference, part, str(store.orders.next_id()), now)
        answers.append(
            {**part.answer(mode, part.order.currency_iso_code), "cancelation_id": cancelation.id}
        )
    return {"order_tax_mode": mode, "cancelations": answers}
