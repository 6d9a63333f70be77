"""The order state machine: OR21 and its spec error codes, the clock-driven debit and automatic
refusal, state changes tests trigger, and line cancellations and refunds in the payload."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
TWO_LINES = [{"offer_sku": "A", "quantity": 2}, {"offer_sku": "B"}]


@pytest.fixture
def frozen(sim):
    sim.clock.freeze(NOW)
    return sim


@pytest.fixture
def accept(http):
    def _accept(sim, order_id, body, key="key-2001", **headers):
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        return http.put(
            f"{sim.url}/api/orders/{order_id}/accept",
            data=data,
            headers={"Authorization": key, "Content-Type": "application/json", **headers},
            timeout=10,
        )

    return _accept


def _decisions(order, *accepted):
    return {
        "order_lines": [
            {"id": line.order_line_id, "accepted": flag}
            for line, flag in zip(order.lines, accepted, strict=True)
        ]
    }


def test_accepting_all_lines_then_the_debit_after_the_delay(frozen, accept):
    order = frozen.add_order(2001, lines=TWO_LINES)
    frozen.clock.advance(minutes=5)
    response = accept(frozen, order.order_id, _decisions(order, True, True))
    assert (response.status_code, response.content) == (204, b"")
    body = frozen.order_payload(order.order_id)
    accepted_at = "2026-03-02T12:05:00Z"
    assert (body["order_state"], body["acceptance_decision_date"]) == (
        "WAITING_DEBIT_PAYMENT",
        accepted_at,
    )
    assert body["last_updated_date"] == accepted_at
    assert body["customer"]["shipping_address"] is None
    frozen.clock.advance(seconds=59)
    assert frozen.order_payload(order.order_id)["order_state"] == "WAITING_DEBIT_PAYMENT"
    frozen.clock.advance(seconds=1)
    body = frozen.order_payload(order.order_id)
    assert body["order_state"] == "SHIPPING"
    assert body["customer_debited_date"] == body["last_updated_date"] == "2026-03-02T12:06:00Z"
    assert {line["order_line_state"] for line in body["order_lines"]} == {"SHIPPING"}
    assert body["customer"]["shipping_address"] is not None
    assert (body["can_shop_ship"], body["can_cancel"]) == (True, True)


def test_debit_on_demand_only(frozen, accept):
    frozen.order_settings.debit_delay = None
    order = frozen.add_order(2001)
    accept(frozen, order.order_id, _decisions(order, True))
    frozen.clock.advance(days=10)
    assert frozen.order_payload(order.order_id)["order_state"] == "WAITING_DEBIT_PAYMENT"
    frozen.set_order_state(order.order_id, "SHIPPING")
    assert frozen.order_payload(order.order_id)["last_updated_date"] == "2026-03-12T12:00:00Z"


def test_partial_refusal_and_full_refusal(frozen, accept):
    partial = frozen.add_order(2001, lines=TWO_LINES)
    refused = frozen.add_order(2001, lines=TWO_LINES)
    assert accept(frozen, partial.order_id, _decisions(partial, True, False)).status_code == 204
    assert accept(frozen, refused.order_id, _decisions(refused, False, False)).status_code == 204
    body = frozen.order_payload(partial.order_id)
    assert body["order_state"] == "WAITING_DEBIT_PAYMENT"
    assert [line["order_line_state"] for line in body["order_lines"]] == [
        "WAITING_DEBIT_PAYMENT",
        "REFUSED",
    ]
    assert frozen.order_payload(refused.order_id)["order_state"] == "REFUSED"
    frozen.clock.advance(minutes=1)
    states = [
        line["order_line_state"] for line in frozen.order_payload(partial.order_id)["order_lines"]
    ]
    assert states == ["SHIPPING", "REFUSED"]


def _error(response):
    body = response.json()
    assert body["message"].startswith(body["code"] + ": ")
    return response.status_code, body["code"]


def test_or21_error_codes(frozen, accept):
    order = frozen.add_order(2001, lines=TWO_LINES)
    first, second = (line.order_line_id for line in order.lines)
    cases = [
        (b"not json", "VALIDATION_ERROR"),
        ({"order_lines": []}, "VALIDATION_ERROR"),
        ({"order_lines": [{"id": first, "accepted": "yes"}]}, "VALIDATION_ERROR"),
        ({"order_lines": [{"accepted": True}]}, "VALIDATION_ERROR"),
        ({"order_lines": [None]}, "ORDER_LINE_NULL_ELEMENT"),
        ({"order_lines": [{"id": first, "accepted": True}] * 2}, "ORDER_LINE_DUPLICATE_ID"),
        ({"order_lines": [{"id": "nope", "accepted": True}]}, "ORDER_LINE_NOT_FOUND"),
        (
            {"order_lines": [{"id": first, "accepted": True}]},
            "ORDER_LINE_ACCEPTANCE_DECISION_MISSING",
        ),
    ]
    for body, code in cases:
        assert _error(accept(frozen, order.order_id, body)) == (400, code), body
    assert _error(accept(frozen, "UNKNOWN-A", _decisions(order, True, True))) == (
        404,
        "ORDER_NOT_FOUND",
    )
    other_shop = frozen.add_order(2002)
    assert _error(accept(frozen, other_shop.order_id, _decisions(other_shop, True)))[1] == (
        "ORDER_NOT_FOUND"
    )
    frozen.order_settings.partial_acceptance = False
    mixed = {"order_lines": [{"id": first, "accepted": True}, {"id": second, "accepted": False}]}
    assert _error(accept(frozen, order.order_id, mixed)) == (
        400,
        "ORDER_PARTIAL_ACCEPTANCE_DISABLED",
    )
    assert accept(frozen, order.order_id, _decisions(order, True, True)).status_code == 204
    assert _error(accept(frozen, order.order_id, _decisions(order, True, True))) == (
        400,
        "ORDER_INVALID_STATE",
    )
    fulfilled = frozen.add_order(2001, operator_fulfilled=True)
    assert _error(accept(frozen, fulfilled.order_id, _decisions(fulfilled, True))) == (
        400,
        "ORDER_FULFILLED_UNAUTHORIZED",
    )


def test_or21_wants_json(frozen, accept):
    order = frozen.add_order(2001)
    response = accept(
        frozen, order.order_id, _decisions(order, True), **{"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert frozen.get_order(order.order_id).state == "WAITING_ACCEPTANCE"


def test_orders_left_waiting_are_refused_automatically(frozen):
    order = frozen.add_order(2001)
    frozen.clock.advance(days=3, seconds=-1)
    assert frozen.order_payload(order.order_id)["order_state"] == "WAITING_ACCEPTANCE"
    frozen.clock.advance(seconds=1)
    body = frozen.order_payload(order.order_id)
    assert body["order_state"] == "REFUSED"
    assert "acceptance_decision_date" not in body  # decided automatically
    assert body["last_updated_date"] == "2026-03-05T12:00:00Z"
    frozen.order_settings.acceptance_delay = None
    kept = frozen.add_order(2001)
    frozen.clock.advance(days=30)
    assert frozen.get_order(kept.order_id).state == "WAITING_ACCEPTANCE"


@pytest.mark.parametrize(
    "state",
    ["SHIPPING", "SHIPPED", "TO_COLLECT", "RECEIVED", "CLOSED", "CANCELED", "REFUSED", "STAGING"],
)
def test_orders_created_in_any_state_have_coherent_dates(frozen, state):
    order = frozen.add_order(2001, state=state, lines=TWO_LINES)
    body = frozen.order_payload(order.order_id)
    assert body["order_state"] == state
    assert body["last_updated_date"] == "2026-03-02T12:00:00Z"
    assert body["created_date"] <= body["last_updated_date"]
    debited = state in ("SHIPPING", "SHIPPED", "TO_COLLECT", "RECEIVED", "CLOSED", "CANCELED")
    assert ("customer_debited_date" in body) is debited
    shipped = state in ("SHIPPED", "TO_COLLECT", "RECEIVED", "CLOSED")
    assert all(("shipped_date" in line) is shipped for line in body["order_lines"])


def test_set_order_state_moves_lines_and_bumps_the_update_date(frozen):
    order = frozen.add_order(2001, state="SHIPPING", lines=TWO_LINES)
    frozen.clock.advance(hours=2)
    frozen.set_order_state(order.order_id, "SHIPPED")
    body = frozen.order_payload(order.order_id)
    assert body["last_updated_date"] == "2026-03-02T14:00:00Z"
    assert {line["shipped_date"] for line in body["order_lines"]} == {"2026-03-02T14:00:00Z"}
    frozen.set_order_state(order.order_id, "CANCELED", reason_code="CAN1")
    body = frozen.order_payload(order.order_id)
    assert (body["order_state_reason_code"], body["order_state_reason_label"]) == (
        "CAN1",
        "Out of stock",
    )
    with pytest.raises(ValueError, match="unknown order state"):
        frozen.set_order_state(order.order_id, "LOST")
    with pytest.raises(KeyError):
        frozen.set_order_state("NOPE-A", "SHIPPED")


def test_cancelled_order_lists_its_cancellations(frozen):
    order = frozen.add_order(
        2001, state="CANCELED", lines=[{"price_unit": "10", "quantity": 2, "shipping_price": "5"}]
    )
    body = frozen.order_payload(order.order_id, tax_mode="TAX_EXCLUDED")
    line = body["order_lines"][0]
    assert line["order_line_state"] == "CANCELED"
    [cancelation] = line["cancelations"]
    assert (cancelation["quantity"], cancelation["amount"], cancelation["shipping_amount"]) == (
        2,
        Decimal("20.00"),
        Decimal("5.00"),
    )
    assert cancelation["reason_code"] == "CAN1"
    assert body["total_price"] == Decimal("25.00")  # what was ordered stays on the order


def test_line_cancellation_partial_then_full(frozen):
    order = frozen.add_order(
        2001,
        state="SHIPPING",
        tax_mode="TAX_INCLUDED",
        lines=[{"quantity": 3, "price_unit": "12", "shipping_price": "6"}, {}],
    )
    line_id = order.lines[0].order_line_id
    frozen.cancel_order_line(order.order_id, line_id, quantity=1)
    line = frozen.order_payload(order.order_id, "TAX_EXCLUDED")["order_lines"][0]
    assert line["order_line_state"] == "SHIPPING"
    assert [(c["quantity"], c["amount"], c["shipping_amount"]) for c in line["cancelations"]] == [
        (1, Decimal("10.00"), Decimal("0.00"))
    ]
    assert line["cancelations"][0]["taxes"] == [
        {"code": "VAT", "amount": Decimal("2.00"), "rate": 20}
    ]
    frozen.cancel_order_line(order.order_id, line_id)
    body = frozen.order_payload(order.order_id, "TAX_EXCLUDED")
    line = body["order_lines"][0]
    assert line["order_line_state"] == "CANCELED"
    assert [(c["quantity"], c["shipping_amount"]) for c in line["cancelations"]] == [
        (1, Decimal("0.00")),
        (2, Decimal("5.00")),
    ]
    assert body["order_state"] == "SHIPPING"  # the other line lives on
    frozen.cancel_order_line(order.order_id, order.lines[1].order_line_id)
    assert frozen.order_payload(order.order_id)["order_state"] == "CANCELED"
    with pytest.raises(ValueError, match="nothing left to cancel"):
        frozen.cancel_order_line(order.order_id, line_id)


def test_refunds_partial_then_full(frozen):
    order = frozen.add_order(
        2001,
        state="SHIPPED",
        tax_mode="TAX_INCLUDED",
        lines=[{"quantity": 2, "price_unit": "24", "shipping_price": "6"}],
    )
    line_id = order.lines[0].order_line_id
    with pytest.raises(ValueError, match="only shipped lines"):
        waiting = frozen.add_order(2001)
        frozen.refund_order_line(waiting.order_id, waiting.lines[0].order_line_id)
    frozen.refund_order_line(order.order_id, line_id, quantity=1, refund_state="WAITING_REFUND")
    line = frozen.order_payload(order.order_id, "TAX_INCLUDED")["order_lines"][0]
    [refund] = line["refunds"]
    assert (refund["amount"], refund["shipping_amount"], refund["refund_state"]) == (
        Decimal("24.00"),
        Decimal("0.00"),
        "WAITING_REFUND",
    )
    assert (refund["reason_code"], refund["state"]) == ("REF1", "WAITING_REFUND")
    assert (line["order_line_state"], line["can_refund"]) == ("SHIPPED", True)
    frozen.refund_order_line(order.order_id, line_id)
    body = frozen.order_payload(order.order_id, "TAX_INCLUDED")
    line = body["order_lines"][0]
    assert line["refunds"][1]["shipping_amount"] == Decimal("6.00")
    assert (line["order_line_state"], line["can_refund"]) == ("REFUNDED", False)
    assert (body["order_state"], body["fully_refunded"]) == ("SHIPPED", True)
    with pytest.raises(ValueError):
        frozen.refund_order_line(order.order_id, line_id)


def test_order_state_codes_follow_the_state_machine(frozen, call):
    order = frozen.add_order(2001)
    frozen.set_order_state(order.order_id, "SHIPPED")
    listed = call(frozen, "/api/orders", order_state_codes="SHIPPED").json()["orders"]
    assert [o["order_id"] for o in listed] == [order.order_id]
