"""Refunds (OR28) and cancellations (OR30) over HTTP: amounts and taxes in both tax modes,
what OR11 shows afterwards (refunds, cancellations, line states, can_refund), Mirakl's
refusals (all-or-nothing 400s) and refunds made on Mirakl's side. Every JSON answer is also
spec-validated."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
HEADERS = {"Authorization": "key-2001", "Accept": "application/json"}
LINE_1, LINE_2 = "R-1-A-1", "R-1-A-2"


@pytest.fixture
def frozen(sim):
    sim.clock.freeze(NOW)
    return sim


@pytest.fixture
def send(http):
    """``send(sim, path, json)``: a PUT with key-2001 -> ``requests.Response``."""

    def _send(sim, path, body):
        return http.put(sim.url + path, json=body, headers=HEADERS, timeout=10)

    return _send


def _order(sim, state="SHIPPED", order_id="R-1-A"):
    """2 x 10.00 + 5.00 shipping, and 1 x 25.50, without tax; 20 % VAT (proportional)."""
    lines = [
        {"offer_sku": "SKU-1", "quantity": 2, "price_unit": "10.00", "shipping_price": "5.00"},
        {"offer_sku": "SKU-2", "quantity": 1, "price_unit": "25.50"},
    ]
    return sim.add_order(2001, order_id=order_id, state=state, lines=lines, tax_mode="TAX_EXCLUDED")


def _line(sim, line_id, tax_mode="TAX_EXCLUDED"):
    payload = sim.order_payload(line_id.rpartition("-")[0], tax_mode)
    return next(line for line in payload["order_lines"] if line["order_line_id"] == line_id)


def _refund(line_id=LINE_1, amount=10, shipping=0, **extra):
    return {
        "order_line_id": line_id,
        "amount": amount,
        "shipping_amount": shipping,
        "reason_code": "REF1",
        **extra,
    }


# -- OR28 ----------------------------------------------------------------------------------


def test_partial_refund_with_taxes_then_the_rest_in_the_other_tax_mode(frozen, send):
    _order(frozen)
    body = {
        "order_tax_mode": "TAX_EXCLUDED",
        "refunds": [_refund(quantity=1, taxes=[{"code": "VAT", "amount": 2}])],
    }
    response = send(frozen, "/api/orders/refund", body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["order_tax_mode"] == "TAX_EXCLUDED"
    [refund] = answer["refunds"]
    assert refund["order_line_id"] == LINE_1
    assert (refund["amount"], refund["shipping_amount"], refund["quantity"]) == (10, 0, 1)
    assert refund["taxes"] == [{"code": "VAT", "amount": 2, "rate": 20}]
    assert (refund["reason_code"], refund["currency_iso_code"]) == ("REF1", "EUR")
    line = _line(frozen, LINE_1, "TAX_INCLUDED")
    [listed] = line["refunds"]
    assert listed["id"] == refund["refund_id"]
    assert listed["order_refund_id"] == refund["order_refund_id"]
    assert (listed["amount"], listed["shipping_amount"]) == (Decimal("12.00"), Decimal("0.00"))
    assert listed["taxes"] == [{"code": "VAT", "amount": Decimal("2.00"), "rate": 20}]
    assert (listed["refund_state"], listed["reason_code"]) == ("REFUNDED", "REF1")
    assert (line["order_line_state"], line["can_refund"]) == ("SHIPPED", True)
    assert line["last_updated_date"] == "2026-03-02T12:00:00Z"

    # The rest, tax included and without taxes: VAT is proportional, Mirakl computes it.
    body = {"order_tax_mode": "TAX_INCLUDED", "refunds": [_refund(amount="12.00", shipping=6)]}
    response = send(frozen, "/api/orders/refund", body)
    assert response.status_code == 200, response.text
    [refund] = response.json()["refunds"]
    assert refund["taxes"] == [{"code": "VAT", "amount": 2, "rate": 20}]
    assert refund["shipping_taxes"] == [{"code": "VAT", "amount": 1, "rate": 20}]
    line = _line(frozen, LINE_1)
    assert [(r["amount"], r["shipping_amount"]) for r in line["refunds"]] == [
        (Decimal("10.00"), Decimal("0.00")),
        (Decimal("10.00"), Decimal("5.00")),
    ]
    assert (line["order_line_state"], line["can_refund"]) == ("REFUNDED", False)
    assert frozen.order_payload("R-1-A")["order_state"] == "SHIPPED"


def test_refunds_of_two_lines_share_an_order_refund_id(frozen, send):
    _order(frozen)
    body = {"refunds": [_refund(amount=5), _refund(LINE_2, amount="25.50")]}
    response = send(frozen, "/api/orders/refund", body)
    assert response.status_code == 200, response.text
    first, second = response.json()["refunds"]
    assert first["order_refund_id"] == second["order_refund_id"]
    assert first["refund_id"] != second["refund_id"]
    assert second["taxes"] == [{"code": "VAT", "amount": 5.1, "rate": 20}]
    assert first["taxes"] == [{"code": "VAT", "amount": 1, "rate": 20}]
    assert _line(frozen, LINE_2)["order_line_state"] == "REFUNDED"
    assert (_line(frozen, LINE_1)["can_refund"], _line(frozen, LINE_2)["can_refund"]) == (
        True,
        False,
    )


def test_a_refund_waiting_for_payment_leaves_the_line_shipped(frozen, send):
    _order(frozen)
    frozen.order_settings.refund_state = "WAITING_REFUND"
    assert send(frozen, "/api/orders/refund", {"refunds": [_refund(LINE_2, "25.50")]}).ok
    line = _line(frozen, LINE_2)
    assert line["refunds"][0]["refund_state"] == "WAITING_REFUND"
    assert (line["order_line_state"], line["can_refund"]) == ("SHIPPED", False)


@pytest.mark.parametrize(
    ("refund", "message"),
    [
        (_refund(amount="20.01"), "20.01 is more than the 20.00 left"),
        (_refund(shipping=6), "shipping amount to refund: 6.00 is more than the 5.00 left"),
        (_refund(taxes=[{"code": "VAT", "amount": 5}]), "tax VAT of 5.00 is more than"),
        (_refund(taxes=[{"code": "ECO", "amount": 1}]), "ECO is not a tax of the line"),
        (_refund(reason_code="CAN1"), "'CAN1' is not a REFUND reason"),
        (_refund(reason_code="NOPE"), "'NOPE' is not a REFUND reason"),
        (_refund(amount=0), "the refund is empty"),
        (_refund(amount=-1), "must be a positive amount"),
        (_refund(amount="1.001"), "at most 2 decimals"),
        (_refund(currency_iso_code="USD"), "the order is in EUR, not USD"),
        (_refund(fees=[{"code": "F", "amount": 1}]), "has no fees to refund"),
        (_refund(colour="red"), "Unrecognized field(s) in refunds[1]: colour"),
        ({"order_line_id": LINE_1, "amount": 1, "reason_code": "REF1"}, "shipping_amount is"),
    ],
)
def test_refund_refusals_change_nothing(frozen, send, refund, message):
    _order(frozen)
    response = send(frozen, "/api/orders/refund", {"refunds": [_refund(LINE_2, 1), refund]})
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert response.json()["status"] == 400
    assert _line(frozen, LINE_2)["refunds"] == [], "all or nothing"


def test_refund_of_a_line_mirakl_does_not_let_refund(frozen, send):
    _order(frozen, state="SHIPPING")
    response = send(frozen, "/api/orders/refund", {"refunds": [_refund()]})
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Order line R-1-A-1 cannot be refunded (line SHIPPING, order SHIPPING)."
    )
    response = send(frozen, "/api/orders/refund", {"refunds": [_refund("R-9-A-1")]})
    assert response.status_code == 404
    assert response.json()["message"] == "The order line R-9-A-1 does not exist."


def test_refund_request_shape_errors(frozen, send, http):
    _order(frozen)
    response = send(frozen, "/api/orders/refund", {"refunds": [_refund(), _refund()]})
    assert (response.status_code, response.json()["message"]) == (
        400,
        "The order line R-1-A-1 is listed twice.",
    )
    response = send(frozen, "/api/orders/refund", {"refunds": []})
    assert response.json()["message"] == "refunds must be a non-empty list"
    response = send(frozen, "/api/orders/refund", {"order_tax_mode": "GROSS", "refunds": []})
    assert response.json()["message"] == "Invalid value 'GROSS' for parameter : order_tax_mode"
    response = http.put(
        frozen.url + "/api/orders/refund", data="refunds", headers=HEADERS, timeout=10
    )
    assert response.status_code == 415


def test_taxes_are_required_unless_computed_proportionally(frozen, send):
    frozen.reference["taxes"][0]["tax_calculation_rule"] = "NONE"
    _order(frozen)
    response = send(frozen, "/api/orders/refund", {"refunds": [_refund()]})
    assert response.status_code == 400
    assert (
        "the taxes are required, VAT not being computed proportionally"
        in (response.json()["message"])
    )
    refund = _refund(taxes=[{"code": "VAT", "amount": "2.00"}])
    assert send(frozen, "/api/orders/refund", {"refunds": [refund]}).status_code == 200
    assert _line(frozen, LINE_1)["refunds"][0]["taxes"][0]["amount"] == Decimal("2.00")


def test_refund_made_on_mirakl_side_shows_in_or11(frozen):
    _order(frozen)
    refund = frozen.refund_on_mirakl("R-1-A", LINE_1, "6.00", tax_mode="TAX_INCLUDED")
    line = _line(frozen, LINE_1)
    [listed] = line["refunds"]
    assert listed["id"] == refund.id
    assert (listed["amount"], listed["taxes"][0]["amount"]) == (Decimal("5.00"), Decimal("1.00"))
    assert line["can_refund"] is True
    with pytest.raises(ValueError, match=r"more than the 15\.00 left"):
        frozen.refund_on_mirakl("R-1-A", LINE_1, "16.00")


# -- OR30 ----------------------------------------------------------------------------------


def _cancelation(line_id=LINE_1, quantity=1, amount=10, shipping=0, **extra):
    return {
        "order_line_id": line_id,
        "quantity": quantity,
        "amount": amount,
        "shipping_amount": shipping,
        "reason_code": "CAN1",
        **extra,
    }


def test_partial_then_full_cancellation(frozen, send):
    _order(frozen, state="SHIPPING")
    body = {"order_tax_mode": "TAX_INCLUDED", "cancelations": [_cancelation(amount=12)]}
    response = send(frozen, "/api/orders/cancel", body)
    assert response.status_code == 200, response.text
    answer = response.json()
    [cancelation] = answer["cancelations"]
    assert (cancelation["amount"], cancelation["quantity"]) == (12, 1)
    assert cancelation["taxes"] == [{"code": "VAT", "amount": 2, "rate": 20}]
    line = _line(frozen, LINE_1)
    [listed] = line["cancelations"]
    assert listed["id"] == cancelation["cancelation_id"]
    assert (listed["amount"], listed["quantity"]) == (Decimal("10.00"), 1)
    assert line["order_line_state"] == "SHIPPING"
    assert frozen.order_payload("R-1-A")["can_cancel"] is True

    rest = [_cancelation(shipping=5), _cancelation(LINE_2, amount="25.50")]
    response = send(frozen, "/api/orders/cancel", {"cancelations": rest})
    assert response.status_code == 200, response.text
    payload = frozen.order_payload("R-1-A")
    assert [line["order_line_state"] for line in payload["order_lines"]] == [
        "CANCELED",
        "CANCELED",
    ]
    assert (payload["order_state"], payload["can_cancel"]) == ("CANCELED", False)
    assert payload["order_state_reason_code"] == "CAN1"


@pytest.mark.parametrize(
    ("cancelation", "message"),
    [
        (_cancelation(quantity=3), "the quantity to cancel must be from 1 to 2"),
        (_cancelation(quantity=0), "the quantity to cancel must be from 1 to 2"),
        (_cancelation(amount=21), "21.00 is more than the 20.00 left"),
        (_cancelation(reason_code="REF1"), "'REF1' is not a CANCELATION reason"),
        (_cancelation(excluded_from_shipment=True), "Unrecognized field(s)"),
    ],
)
def test_cancellation_refusals_change_nothing(frozen, send, cancelation, message):
    _order(frozen, state="SHIPPING")
    body = {"cancelations": [_cancelation(LINE_2, amount="25.50"), cancelation]}
    response = send(frozen, "/api/orders/cancel", body)
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert _line(frozen, LINE_2)["cancelations"] == []


def test_cancellation_needs_an_order_to_ship_and_the_feature(frozen, send):
    _order(frozen, state="SHIPPED")
    response = send(frozen, "/api/orders/cancel", {"cancelations": [_cancelation()]})
    assert response.json()["message"] == (
        "Order line R-1-A-1 cannot be canceled (line SHIPPED, order SHIPPED)."
    )
    _order(frozen, state="SHIPPING", order_id="R-2-A")
    frozen.order_settings.partial_cancelation = False
    response = send(frozen, "/api/orders/cancel", {"cancelations": [_cancelation("R-2-A-1")]})
    assert response.status_code == 400
    assert response.json()["message"] == "The shop partial cancelation feature is not enabled."
