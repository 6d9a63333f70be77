"""Shipping through the client against the simulator: the exact OR23/OR24/ST01/ST11/ST23/ST24
requests, full and partial shipments with per-order errors, known and unknown carriers, and the
mistakes the client refuses before sending anything."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from mirakl import MiraklBadRequestError, MiraklServerError, schemas

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def client(sim, make_client):
    sim.clock.freeze(NOW)
    return make_client(sim.url, "key-2001")


@pytest.fixture
def multi(sim):
    sim.platform_configuration["features"]["shipment"]["multi_shipment"] = True
    return sim


def _order(sim, order_id="S-1-A", quantities=(3, 1), state="SHIPPING"):
    lines = [{"offer_sku": f"SKU-{i + 1}", "quantity": q} for i, q in enumerate(quantities)]
    return sim.add_order(2001, order_id=order_id, state=state, lines=lines)


def _sent(sim, op):
    return [request for request in sim.requests if request.op == op]


def test_update_tracking_with_a_registered_carrier(sim, client):
    _order(sim)
    client.update_tracking("S-1-A", carrier_code="UPS", tracking_number="1Z999")
    [request] = sim.requests
    assert (request.op, request.method, request.path) == (
        "OR23",
        "PUT",
        "/api/orders/S-1-A/tracking",
    )
    assert request.query == {}
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body) == {"carrier_code": "UPS", "tracking_number": "1Z999"}
    assert sim.order_payload("S-1-A")["shipping_tracking_url"].endswith("tracknum=1Z999")


def test_update_tracking_with_an_unknown_carrier(sim, client):
    _order(sim)
    client.update_tracking(
        "S-1-A", carrier_name="Coursier Dupont", carrier_url="https://dupont.example/42"
    )
    assert json.loads(sim.requests[-1].body) == {
        "carrier_name": "Coursier Dupont",
        "carrier_url": "https://dupont.example/42",
    }
    order = sim.order_payload("S-1-A")
    assert (order["shipping_company"], order["shipping_tracking_url"]) == (
        "Coursier Dupont",
        "https://dupont.example/42",
    )


def test_unknown_carriers_refused_by_the_platform(sim, client):
    _order(sim)
    sim.platform_configuration["features"]["disable_seller_alternative_carrier"] = True
    with pytest.raises(MiraklBadRequestError, match="Unregistered carriers are disabled") as info:
        client.update_tracking("S-1-A", carrier_name="Dupont")
    assert info.value.op == "OR23"
    with pytest.raises(ValueError, match="carrier_code or a carrier_name"):
        client.update_tracking("S-1-A", tracking_number="1")
    assert len(sim.requests) == 1


def test_ship_order_sends_content_length_zero(sim, client):
    _order(sim, order_id="ORD/1-A")
    client.ship_order("ORD/1-A")
    [request] = sim.requests
    assert (request.op, request.method, request.path) == (
        "OR24",
        "PUT",
        "/api/orders/ORD%2F1-A/ship",
    )
    assert request.headers["Content-Length"] == "0"
    assert request.body == b""
    assert "Content-Type" not in request.headers
    assert sim.get_order("ORD/1-A").state == "SHIPPED"


def test_ship_order_refusals_are_bad_requests(sim, client):
    _order(sim, state="WAITING_DEBIT_PAYMENT")
    with pytest.raises(MiraklBadRequestError, match="must be 'SHIPPING'"):
        client.ship_order("S-1-A")
    sim.inject_fault(op="OR24", status=500, times=1)
    with pytest.raises(MiraklServerError):
        client.ship_order("S-1-A")  # a write: never retried on 500
    assert len(_sent(sim, "OR24")) == 2


def test_tracking_then_ship_fallback(sim, client):
    """Without multi-shipment: OR23 then OR24, as a delivery of the whole order."""
    sim.reference["shipping_types"][0]["mandatory_tracking"] = True
    _order(sim)
    with pytest.raises(MiraklBadRequestError, match="Tracking information is mandatory"):
        client.ship_order("S-1-A")
    client.update_tracking("S-1-A", carrier_code="UPS", tracking_number="1Z1")
    client.ship_order("S-1-A")
    assert [r.op for r in sim.requests] == ["OR24", "OR23", "OR24"]
    assert sim.get_order("S-1-A").state == "SHIPPED"


def test_full_shipment(multi, client):
    _order(multi)
    result = client.create_shipments(
        [
            {
                "order_id": "S-1-A",
                "shipment_lines": [
                    {"order_line_id": "S-1-A-1", "quantity": 3, "package_reference": None},
                    {"order_line_id": "S-1-A-2", "quantity": 1},
                ],
                "tracking": {"carrier_code": "UPS", "tracking_number": "1Z1", "tracking_url": None},
                "shipped": True,
            }
        ]
    )
    [request] = multi.requests
    assert (request.op, request.method, request.path) == ("ST01", "POST", "/api/shipments")
    assert json.loads(request.body) == {
        "shipments": [
            {
                "order_id": "S-1-A",
                "shipment_lines": [
                    {"order_line_id": "S-1-A-1", "quantity": 3},
                    {"order_line_id": "S-1-A-2", "quantity": 1},
                ],
                "tracking": {"carrier_code": "UPS", "tracking_number": "1Z1"},
                "shipped": True,
            }
        ]
    }
    assert isinstance(result, schemas.ShipmentsCreated)
    assert result.shipment_errors == []
    [shipment] = result.shipment_success
    assert (shipment.order_id, shipment.status, shipment.created_date) == ("S-1-A", "SHIPPED", NOW)
    assert shipment.tracking.tracking_url == "https://www.ups.com/track?tracknum=1Z1"
    assert [(line.order_line_id, line.quantity) for line in shipment.shipment_lines] == [
        ("S-1-A-1", 3),
        ("S-1-A-2", 1),
    ]
    assert multi.get_order("S-1-A").state == "SHIPPED"


def test_partial_shipments_with_per_order_errors(multi, client):
    """A partial delivery, a second parcel, a backorder later; refusals come back per order."""
    _order(multi)
    _order(multi, order_id="DONE-A", state="SHIPPED")
    parcels = [
        {
            "order_id": "S-1-A",
            "shipment_lines": [{"order_line_id": "S-1-A-1", "quantity": 1}],
            "tracking": {"carrier_name": "Dupont", "tracking_number": f"P{n}"},
            "shipped": True,
        }
        for n in (1, 2)
    ]
    late = {"order_id": "DONE-A", "shipment_lines": [{"order_line_id": "DONE-A-1", "quantity": 1}]}
    too_many = {
        "order_id": "S-1-A",
        "shipment_lines": [{"order_line_id": "S-1-A-2", "quantity": 2}],
    }
    result = client.create_shipments([*parcels, late, too_many])
    assert [s.tracking.tracking_number for s in result.shipment_success] == ["P1", "P2"]
    assert result.errors_by_order() == {
        "DONE-A": ["The order status must be 'SHIPPING' but it is 'SHIPPED'."],
        "S-1-A": ["Shipment quantity is invalid."],
    }
    assert multi.get_order("S-1-A").state == "SHIPPING"  # one unit of line 1 and line 2 left
    rest = client.create_shipments(
        [
            {
                "order_id": "S-1-A",
                "shipment_lines": [
                    {"order_line_id": "S-1-A-1", "quantity": 1},
                    {"order_line_id": "S-1-A-2", "quantity": 1},
                ],
                "shipped": True,
            }
        ]
    )
    assert rest.shipment_errors == []
    assert multi.get_order("S-1-A").state == "SHIPPED"
    shipments = list(client.iter_shipments(order_ids=["S-1-A"]))
    assert [s.id for s in shipments] == [
        s.id for s in result.shipment_success + rest.shipment_success
    ]
    assert _sent(multi, "ST11")[0].query == {"order_id": ["S-1-A"], "limit": ["100"]}


def test_shipments_are_sent_1000_a_call(multi, client):
    shipments = [
        {"order_id": f"NOPE-{n}-A", "shipment_lines": [{"order_line_id": "L", "quantity": 1}]}
        for n in range(1001)
    ]
    result = client.create_shipments(shipments)
    assert [len(json.loads(r.body)["shipments"]) for r in multi.requests] == [1000, 1]
    assert len(result.shipment_errors) == 1001


@pytest.mark.parametrize(
    ("shipment", "message"),
    [
        ({"shipment_lines": [{"order_line_id": "L", "quantity": 1}]}, "needs an order_id"),
        ({"order_id": "A", "shipment_lines": []}, "has no shipment_lines"),
        ({"order_id": "A", "shipment_lines": [{"order_line_id": "L", "quantity": 0}]}, ">= 1"),
        ({"order_id": "A", "shipment_lines": [{"order_line_id": "L", "quantity": True}]}, ">= 1"),
        ({"order_id": "A", "shipment_lines": [{"order_line": "L", "quantity": 1}]}, "order_line"),
        (
            {
                "order_id": "A",
                "shipment_lines": [{"order_line_id": "L", "quantity": 1}],
                "tracking": {"carrier_name": "X", "carrier_url": "https://x"},
            },
            "ST01 names it tracking_url",
        ),
        (
            {
                "order_id": "A",
                "shipment_lines": [{"order_line_id": "L", "quantity": 1}],
                "tracking": {"tracking_number": "1"},
            },
            "carrier_code",
        ),
    ],
)
def test_shipments_mirakl_would_refuse_are_not_sent(multi, client, shipment, message):
    with pytest.raises(ValueError, match=message):
        client.create_shipments([shipment])
    assert multi.requests == []


def test_tracking_update_and_ship_of_unshipped_shipments(multi, client):
    _order(multi)
    lines = [
        {"order_line_id": "S-1-A-1", "quantity": 3},
        {"order_line_id": "S-1-A-2", "quantity": 1},
    ]
    [shipment] = client.create_shipments(
        [{"order_id": "S-1-A", "shipment_lines": lines}]
    ).shipment_success
    assert shipment.status == "SHIPPING"
    multi.clock.advance(minutes=1)
    updated = client.update_shipment_tracking(
        {
            shipment.id: {"carrier_code": "UPS", "tracking_number": "NEW"},
            "nope": {"carrier_name": "X"},
        }
    )
    assert [ref.id for ref in updated.shipment_success] == [shipment.id]
    assert [(e.id, e.message) for e in updated.shipment_errors] == [
        ("nope", "No shipment with id 'nope'.")
    ]
    request = _sent(multi, "ST23")[0]
    assert (request.method, request.path) == ("POST", "/api/shipments/tracking")
    assert json.loads(request.body)["shipments"][0] == {
        "id": shipment.id,
        "tracking": {"carrier_code": "UPS", "tracking_number": "NEW"},
    }
    shipped = client.ship_shipments([shipment.id])
    assert [ref.id for ref in shipped.shipment_success] == [shipment.id]
    request = _sent(multi, "ST24")[0]
    assert (request.method, request.path, json.loads(request.body)) == (
        "PUT",
        "/api/shipments/ship",
        {"shipments": [{"id": shipment.id}]},
    )
    [listed] = client.iter_shipments(
        shipment_state_codes=["SHIPPED"], last_updated_from=NOW + timedelta(seconds=30)
    )
    assert (listed.status, listed.tracking.tracking_number) == ("SHIPPED", "NEW")
    assert _sent(multi, "ST11")[0].query == {
        "shipment_state_code": ["SHIPPED"],
        "last_updated_from": ["2026-03-02T12:00:30Z"],
        "limit": ["100"],
    }
    assert list(client.iter_shipments(order_ids=[])) == []
    with pytest.raises(ValueError, match="at least one shipment"):
        client.ship_shipments([])


def test_multi_shop_key_sends_shop_id_on_writes(multi, make_client):
    multi.clock.freeze(NOW)
    multi.add_order(2002, order_id="B-1-A", state="SHIPPING")
    client = make_client(multi.url, "multi-key", shop_id=2002)
    client.update_tracking("B-1-A", carrier_code="UPS", tracking_number="1")
    client.ship_order("B-1-A")
    result = client.create_shipments(
        [{"order_id": "B-1-A", "shipment_lines": [{"order_line_id": "B-1-A-1", "quantity": 1}]}]
    )
    assert result.errors_by_order() == {
        "B-1-A": ["The order status must be 'SHIPPING' but it is 'SHIPPED'."]
    }
    assert all(r.query["shop_id"] == ["2002"] for r in multi.requests)
