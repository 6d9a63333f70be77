"""Refunds and cancellations through the client against the simulator: the exact OR28/OR30
requests (tax mode, amounts as JSON numbers, taxes by code), the parsed answers, Mirakl's
refusals as typed errors, and the mistakes the client refuses before sending anything."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from mirakl import MiraklBadRequestError, MiraklServerError, schemas

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def client(sim, make_client):
    sim.clock.freeze(NOW)
    return make_client(sim.url, "key-2001")


def _order(sim, state="SHIPPED"):
    lines = [
        {"offer_sku": "SKU-1", "quantity": 2, "price_unit": "10.00", "shipping_price": "5.00"},
        {"offer_sku": "SKU-2", "quantity": 1, "price_unit": "25.50"},
    ]
    return sim.add_order(2001, order_id="C-1-A", state=state, lines=lines, tax_mode="TAX_EXCLUDED")


def test_refund_order_lines(sim, client):
    _order(sim)
    result = client.refund_order_lines(
        [
            {
                "order_line_id": "C-1-A-1",
                "amount": Decimal("12.00"),
                "shipping_amount": Decimal("6.00"),
                "quantity": 1,
                "reason_code": "REF1",
                "taxes": {"VAT": Decimal("2.00")},
                "shipping_taxes": [{"code": "VAT", "amount": Decimal("1.00")}],
                "currency_iso_code": "EUR",
            }
        ],
        order_tax_mode="TAX_INCLUDED",
    )
    [request] = sim.requests
    assert (request.op, request.method, request.path) == ("OR28", "PUT", "/api/orders/refund")
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body) == {
        "order_tax_mode": "TAX_INCLUDED",
        "refunds": [
            {
                "order_line_id": "C-1-A-1",
                "amount": 12,
                "shipping_amount": 6,
                "quantity": 1,
                "reason_code": "REF1",
                "taxes": [{"code": "VAT", "amount": 2}],
                "shipping_taxes": [{"code": "VAT", "amount": 1}],
                "currency_iso_code": "EUR",
            }
        ],
    }
    assert isinstance(result, schemas.RefundsCreated)
    assert result.order_tax_mode == "TAX_INCLUDED"
    [refund] = result.refunds
    assert (refund.order_line_id, refund.amount, refund.shipping_amount) == (
        "C-1-A-1",
        Decimal("12.0"),
        Decimal("6.0"),
    )
    assert refund.taxes[0].amount == Decimal("2.0")
    assert refund.order_refund_id
    listed = sim.order_payload("C-1-A", "TAX_EXCLUDED")["order_lines"][0]["refunds"]
    assert [item["id"] for item in listed] == [refund.refund_id]


def test_amounts_keep_their_cents(sim, client):
    _order(sim)
    client.refund_order_lines(
        [
            {
                "order_line_id": "C-1-A-2",
                "amount": Decimal("12.35"),
                "shipping_amount": 0,
                "reason_code": "REF1",
                "taxes": {"VAT": "2.47"},
            }
        ],
        order_tax_mode="TAX_EXCLUDED",
    )
    body = json.loads(sim.requests[0].body, parse_float=Decimal)
    assert body["refunds"][0]["amount"] == Decimal("12.35")
    assert body["refunds"][0]["taxes"] == [{"code": "VAT", "amount": Decimal("2.47")}]
    assert "quantity" not in body["refunds"][0]


def test_refusal_is_a_bad_request_with_mirakl_message(sim, client):
    _order(sim, state="SHIPPING")
    refund = {"order_line_id": "C-1-A-1", "amount": 1, "shipping_amount": 0, "reason_code": "REF1"}
    with pytest.raises(MiraklBadRequestError) as caught:
        client.refund_order_lines([refund], order_tax_mode="TAX_EXCLUDED")
    assert caught.value.op == "OR28"
    assert caught.value.status == 400
    assert caught.value.message == (
        "Order line C-1-A-1 cannot be refunded (line SHIPPING, order SHIPPING)."
    )


def test_refund_is_not_retried_on_a_server_error(sim, client):
    _order(sim)
    sim.inject_fault("OR28", status=500, times=1)
    refund = {"order_line_id": "C-1-A-2", "amount": 1, "shipping_amount": 0, "reason_code": "REF1"}
    with pytest.raises(MiraklServerError):
        client.refund_order_lines([refund])
    assert len(sim.requests) == 1, "a write is replayed only on 429/503"


def test_cancel_order_lines(sim, client):
    _order(sim, state="SHIPPING")
    result = client.cancel_order_lines(
        [
            {
                "order_line_id": "C-1-A-2",
                "quantity": 1,
                "amount": Decimal("25.50"),
                "shipping_amount": 0,
                "reason_code": "CAN1",
                "taxes": {"VAT": Decimal("5.10")},
            }
        ],
        order_tax_mode="TAX_EXCLUDED",
    )
    [request] = sim.requests
    assert (request.op, request.method, request.path) == ("OR30", "PUT", "/api/orders/cancel")
    assert json.loads(request.body)["cancelations"] == [
        {
            "order_line_id": "C-1-A-2",
            "quantity": 1,
            "amount": 25.5,
            "shipping_amount": 0,
            "reason_code": "CAN1",
            "taxes": [{"code": "VAT", "amount": 5.1}],
        }
    ]
    assert isinstance(result, schemas.CancelationsCreated)
    [cancelation] = result.cancelations
    assert (cancelation.order_line_id, cancelation.quantity) == ("C-1-A-2", 1)
    line = sim.order_payload("C-1-A")["order_lines"][1]
    assert line["order_line_state"] == "CANCELED"
    assert line["cancelations"][0]["id"] == cancelation.cancelation_id


@pytest.mark.parametrize(
    ("part", "message"),
    [
        ({"amount": 1, "reason_code": "R"}, "needs an order_line_id"),
        ({"order_line_id": "L", "amount": 1}, "needs a reason_code"),
        ({"order_line_id": "L", "amount": -1, "reason_code": "R"}, "positive number"),
        ({"order_line_id": "L", "amount": "ten", "reason_code": "R"}, "must be a number"),
        ({"order_line_id": "L", "amount": True, "reason_code": "R"}, "must be a number"),
        ({"order_line_id": "L", "reason_code": "R", "quantity": 1.5}, "integer >= 0"),
        ({"order_line_id": "L", "reason_code": "R", "taxes": [{"rate": 20}]}, "{code, amount}"),
        ({"order_line_id": "L", "reason_code": "R", "colour": "red"}, "unknown refund key"),
    ],
)
def test_mistakes_are_refused_before_sending(sim, client, part, message):
    with pytest.raises(ValueError, match=message):
        client.refund_order_lines([part])
    assert not sim.requests


def test_cancellations_need_a_quantity_and_a_tax_mode_is_checked(sim, client):
    part = {"order_line_id": "L", "amount": 1, "reason_code": "R"}
    with pytest.raises(ValueError, match="needs a quantity"):
        client.cancel_order_lines([part])
    with pytest.raises(ValueError, match="order_tax_mode"):
        client.refund_order_lines([part], order_tax_mode="GROSS")
    with pytest.raises(ValueError, match="at least one refund"):
        client.refund_order_lines([])
    assert not sim.requests
