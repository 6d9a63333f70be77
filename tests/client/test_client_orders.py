"""Orders through the client against the simulator: the exact OR11/OR21/OR13-15 requests, paging,
id batching, retries of a non-idempotent PUT, errors, and tolerant order parsing."""

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from mirakl import (
    MiraklBadRequestError,
    MiraklForeignUrlError,
    MiraklNotFoundError,
    MiraklResponseError,
    MiraklServerError,
    schemas,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
BASE_QUERY = {"sort": ["dateCreated"], "order": ["asc"], "max": ["100"], "offset": ["0"]}


@pytest.fixture
def client(sim, make_client):
    sim.clock.freeze(NOW)
    return make_client(sim.url, "key-2001")


def _calls(sim, op):
    return [request for request in sim.requests if request.op == op]


def test_iter_orders_sends_the_filters_mirakl_expects(sim, client):
    order = sim.add_order(2001, state="SHIPPING")
    found = list(
        client.iter_orders(
            start_update_date=datetime(2026, 3, 1, 13, 30, tzinfo=timezone(timedelta(hours=2))),
            end_update_date=datetime(2026, 3, 2, 12, 0),  # naive = UTC
            order_state_codes=["WAITING_ACCEPTANCE", "SHIPPING"],
            order_tax_mode="TAX_EXCLUDED",
        )
    )
    assert [o.order_id for o in found] == [order.order_id]
    [request] = sim.requests
    assert (request.op, request.method, request.path) == ("OR11", "GET", "/api/orders")
    assert request.query == {
        **BASE_QUERY,
        "start_update_date": ["2026-03-01T11:30:00Z"],
        "end_update_date": ["2026-03-02T12:00:00Z"],
        "order_state_codes": ["WAITING_ACCEPTANCE,SHIPPING"],
        "order_tax_mode": ["TAX_EXCLUDED"],
    }


def test_iter_orders_pages_by_100_oldest_first(sim, client):
    ids = sim.add_generated_orders(2001, 250, lines_per_order=1)
    found = [order.order_id for order in client.iter_orders(order_tax_mode="TAX_INCLUDED")]
    assert found == ids
    assert [r.query["offset"] for r in _calls(sim, "OR11")] == [["0"], ["100"], ["200"]]
    assert all(r.query["order_tax_mode"] == ["TAX_INCLUDED"] for r in sim.requests)


def test_order_ids_are_sent_100_at_a_time(sim, client):
    ids = sim.add_generated_orders(2001, 230, lines_per_order=1)
    wanted = ids + ids[:5] + ["UNKNOWN-A"]  # duplicates dropped, unknown ids just not found
    found = [order.order_id for order in client.iter_orders(order_ids=wanted)]
    assert found == ids
    batches = [r.query["order_ids"][0].split(",") for r in _calls(sim, "OR11")]
    assert [len(batch) for batch in batches] == [100, 100, 31]
    assert [order_id for batch in batches for order_id in batch] == [*ids, "UNKNOWN-A"]
    sim.reset_logs()
    assert list(client.iter_orders(order_ids=[])) == []
    assert sim.requests == []


def test_orders_parse_with_decimal_money_and_hidden_addresses(sim, client):
    sim.add_order(
        2001,
        order_id="W-A",
        tax_mode="TAX_INCLUDED",
        lines=[{"quantity": 3, "price_unit": "9.99", "shipping_price": "4.90"}],
    )
    sim.add_order(2001, order_id="S-A", state="SHIPPING", channel="WEB")
    shipping, waiting = client.iter_orders(order_tax_mode="TAX_INCLUDED")  # oldest first
    assert isinstance(waiting, schemas.Order)
    line = waiting.order_lines[0]
    assert (line.price_unit, line.price, line.shipping_price, line.total_price) == (
        Decimal("9.99"),
        Decimal("29.97"),
        Decimal("4.9"),
        Decimal("34.87"),
    )
    assert [(tax.code, tax.amount, tax.rate) for tax in line.taxes] == [
        ("VAT", Decimal("4.98"), Decimal(20))
    ]
    assert waiting.total_price == Decimal("34.87")
    assert waiting.customer.billing_address is None
    assert waiting.customer.shipping_address is None
    assert waiting.created_date.tzinfo is not None
    assert shipping.customer.shipping_address.country_iso_code in {
        "FRA",
        "DEU",
        "BEL",
        "ESP",
        "ITA",
    }
    assert (shipping.channel.code, shipping.order_state) == ("WEB", "SHIPPING")


def test_order_schema_is_tolerant(example):
    """Mirakl's own examples (with nulls) parse; unknown states and fields are kept."""
    for name in ("OR11_orders_list.json", "OR11_orders_list_all_fields_typed.json"):
        for raw in example(name)["orders"]:
            order = schemas.Order.model_validate(raw)
            assert order.order_id and order.order_lines
    order = schemas.Order.model_validate(
        {
            "order_id": "X-A",
            "order_state": "WAITING_SOMETHING_NEW",
            "new_field": {"a": 1},
            "customer": {"customer_id": "C1", "billing_address": None, "shipping_address": None},
            "channel": None,
            "order_lines": [{"order_line_id": "X-A-1", "order_line_state": "INCIDENT_OPEN"}],
        }
    )
    assert order.order_state == "WAITING_SOMETHING_NEW"
    assert order.model_extra == {"new_field": {"a": 1}}
    assert order.order_lines[0].refunds == []
    assert order.promotions is None


def test_an_unparsable_order_is_reported_not_lost(sim, make_client, scripted_session):
    good = sim.order_payload(sim.add_order(2001).order_id)
    bad = dict(good, order_id="BAD-A", total_price="not a number")
    page = {"orders": [bad, good], "total_count": 2}
    session = scripted_session(
        *[scripted_session.reply(200, json.dumps(page, default=str).encode()) for _ in range(2)]
    )
    scripted = make_client("https://acme.mirakl.net", "key", session=session)
    with pytest.raises(MiraklResponseError, match=r"orders\.0\.total_price"):
        list(scripted.iter_orders())
    rejected = []
    found = list(scripted.iter_orders(on_invalid=lambda payload, error: rejected.append(payload)))
    assert [order.order_id for order in found] == [good["order_id"]]
    assert [payload["order_id"] for payload in rejected] == ["BAD-A"]


def test_iter_orders_checks_the_tax_mode(client):
    with pytest.raises(ValueError, match="order_tax_mode"):
        list(client.iter_orders(order_tax_mode="TAX_FREE"))


def test_accept_order_lines_sends_one_decision_per_line(sim, client):
    order = sim.add_order(2001, lines=[{"offer_sku": "A"}, {"offer_sku": "B"}])
    first, second = (line.order_line_id for line in order.lines)
    assert client.accept_order_lines(order.order_id, [(first, True), (second, False)]) is None
    [request] = sim.requests
    assert (request.op, request.method, request.path) == (
        "OR21",
        "PUT",
        f"/api/orders/{order.order_id}/accept",
    )
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body) == {
        "order_lines": [{"id": first, "accepted": True}, {"id": second, "accepted": False}]
    }
    assert [line.state for line in order.lines] == ["WAITING_DEBIT_PAYMENT", "REFUSED"]


def test_accept_order_lines_takes_a_mapping_and_the_shop_id(sim, make_client):
    order = sim.add_order(2002)
    client = make_client(sim.url, "multi-key", shop_id=2002)
    client.accept_order_lines(order.order_id, {order.lines[0].order_line_id: True})
    assert sim.requests[-1].query == {"shop_id": ["2002"]}
    assert order.state == "WAITING_DEBIT_PAYMENT"


@pytest.mark.parametrize(
    "decisions", [[], [("L-1", "yes")], [("L-1", 1)]], ids=["none", "string", "int"]
)
def test_accept_order_lines_rejects_bad_decisions_locally(sim, client, decisions):
    with pytest.raises(ValueError):
        client.accept_order_lines("O-A", decisions)
    assert sim.requests == []


def test_accept_order_lines_errors_keep_mirakl_code(sim, client):
    order = sim.add_order(2001, lines=[{}, {}])
    line_id = order.lines[0].order_line_id
    with pytest.raises(MiraklBadRequestError) as caught:
        client.accept_order_lines(order.order_id, [(line_id, True)])
    assert caught.value.message.startswith("ORDER_LINE_ACCEPTANCE_DECISION_MISSING: ")
    assert json.loads(caught.value.body)["code"] == "ORDER_LINE_ACCEPTANCE_DECISION_MISSING"
    with pytest.raises(MiraklNotFoundError, match="ORDER_NOT_FOUND"):
        client.accept_order_lines("NOPE-A", [(line_id, True)])


def test_accept_is_retried_on_503_but_not_on_500(sim, client, sleep):
    order = sim.add_order(2001)
    decisions = [(order.lines[0].order_line_id, True)]
    sim.inject_fault(op="OR21", status=503, times=1)
    client.accept_order_lines(order.order_id, decisions)
    assert len(_calls(sim, "OR21")) == 2
    assert len(sleep.calls) == 1
    other = sim.add_order(2001)
    sim.inject_fault(op="OR21", status=500, times=1)
    with pytest.raises(MiraklServerError):
        client.accept_order_lines(other.order_id, [(other.lines[0].order_line_id, True)])
    assert len(_calls(sim, "OR21")) == 3  # a PUT that may have been applied is not replayed
    assert other.state == "WAITING_ACCEPTANCE"


def test_order_export_round_trip(sim, client):
    ids = sim.add_generated_orders(2001, 5, lines_per_order=2)
    tracking_id = client.start_order_export(
        start_update_date=datetime(2026, 1, 1),
        end_update_date=NOW,
        order_state_codes=["SHIPPING"],
        order_tax_mode="TAX_EXCLUDED",
        items_per_chunk=2,
    )
    [request] = sim.requests
    assert (request.op, request.method, request.path) == (
        "OR13",
        "POST",
        "/api/orders/async-export",
    )
    assert json.loads(request.body) == {
        "start_update_date": "2026-01-01T00:00:00Z",
        "end_update_date": "2026-03-02T12:00:00Z",
        "order_state_codes": ["SHIPPING"],
        "order_tax_mode": "TAX_EXCLUDED",
        "items_per_chunk": 2,
    }
    status = client.get_order_export_status(tracking_id)
    assert (status.status, status.urls) == ("PENDING", [])
    status = client.get_order_export_status(tracking_id)
    assert status.status == "COMPLETED"
    assert status.last_updated == NOW
    found = [order for url in status.urls for order in client.iter_order_export_file(url)]
    assert [order.order_id for order in found] == ids
    assert {order.order_tax_mode for order in found} == {"TAX_EXCLUDED"}
    assert [r.op for r in sim.requests] == ["OR13", "OR14", "OR14", "OR15", "OR15", "OR15"]
    assert sim.requests[1].path == f"/api/orders/async-export/status/{tracking_id}"


def test_order_export_needs_a_complete_date_range(sim, client):
    for dates in ({}, {"start_date": NOW}, {"start_update_date": NOW, "end_date": NOW}):
        with pytest.raises(ValueError, match="start_date and end_date"):
            client.start_order_export(**dates)
    with pytest.raises(ValueError):
        client.get_order_export_status(" ")
    assert sim.requests == []


def test_export_files_elsewhere_never_get_the_key(sim, client):
    for url in (
        "https://evil.example.com/api/orders/async-export/files/x/1",
        sim.url.replace("127.0.0.1", "localhost") + "/api/x",
        sim.url.replace("http://", "https://") + "/api/x",
    ):
        with pytest.raises(MiraklForeignUrlError):
            client.iter_order_export_file(url)
    assert sim.requests == []
