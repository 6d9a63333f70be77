"""Shipping over HTTP: OR23 tracking (registered and unregistered carriers), OR24 with its
Content-Length and state rules, and multi-shipment (ST01 partial and full shipments with
per-order errors, ST11, ST23, ST24). Every JSON answer is also spec-validated."""

import http.client
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
HEADERS = {"Authorization": "key-2001", "Accept": "application/json"}


@pytest.fixture
def frozen(sim):
    sim.clock.freeze(NOW)
    return sim


@pytest.fixture
def multi(frozen):
    frozen.platform_configuration["features"]["shipment"]["multi_shipment"] = True
    return frozen


@pytest.fixture
def send(http):
    """``send(sim, method, path, json=None, **query)`` with key-2001 -> ``requests.Response``."""

    def _send(sim, method, path, json=None, **query):
        return http.request(
            method, sim.url + path, json=json, params=query, headers=HEADERS, timeout=10
        )

    return _send


def _order(sim, order_id="S-1-A", state="SHIPPING", quantities=(3, 1), shop_id=2001):
    lines = [{"offer_sku": f"SKU-{i + 1}", "quantity": q} for i, q in enumerate(quantities)]
    return sim.add_order(shop_id, order_id=order_id, state=state, lines=lines)


def _payload(sim, order_id):
    return sim.order_payload(order_id)


# -- OR23 ----------------------------------------------------------------------------------


def test_tracking_with_a_registered_carrier(frozen, send):
    _order(frozen)
    body = {"carrier_code": "UPS", "tracking_number": "1Z999"}
    response = send(frozen, "PUT", "/api/orders/S-1-A/tracking", body)
    assert response.status_code == 204, response.text
    order = _payload(frozen, "S-1-A")
    assert order["shipping_carrier_code"] == "UPS"
    assert order["shipping_company"] == "UPS"
    assert order["shipping_tracking"] == "1Z999"
    assert order["shipping_tracking_url"] == "https://www.ups.com/track?tracknum=1Z999"


def test_tracking_with_an_unregistered_carrier(frozen, send):
    _order(frozen)
    body = {"carrier_name": "Coursier Dupont", "carrier_url": "https://dupont.example/t/42"}
    body["tracking_number"] = "42"
    assert send(frozen, "PUT", "/api/orders/S-1-A/tracking", body).status_code == 204
    order = _payload(frozen, "S-1-A")
    assert "shipping_carrier_code" not in order
    assert order["shipping_company"] == "Coursier Dupont"
    assert order["shipping_tracking_url"] == "https://dupont.example/t/42"


def test_tracking_can_change_after_shipping(frozen, send):
    _order(frozen, state="SHIPPED")
    body = {"carrier_code": "UPS", "tracking_number": "NEW"}
    assert send(frozen, "PUT", "/api/orders/S-1-A/tracking", body).status_code == 204
    assert _payload(frozen, "S-1-A")["shipping_tracking"] == "NEW"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"carrier_code": "NOPE", "tracking_number": "1"}, "carrier with code 'NOPE'"),
        ({"carrier_code": "UPS"}, "tracking number is required"),
        ({"tracking_number": "1"}, "carrier code or a carrier name"),
        ({"carrier_name": "X", "tracking_url": "https://x"}, "Unrecognized field(s)"),
    ],
)
def test_tracking_refusals(frozen, send, body, message):
    _order(frozen)
    response = send(frozen, "PUT", "/api/orders/S-1-A/tracking", body)
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_unregistered_carriers_can_be_disabled(frozen, send):
    _order(frozen)
    frozen.platform_configuration["features"]["disable_seller_alternative_carrier"] = True
    response = send(frozen, "PUT", "/api/orders/S-1-A/tracking", {"carrier_name": "Dupont"})
    assert response.status_code == 400
    assert "Unregistered carriers are disabled" in response.json()["message"]
    body = {"carrier_code": "UPS", "tracking_number": "1"}
    assert send(frozen, "PUT", "/api/orders/S-1-A/tracking", body).status_code == 204


def test_tracking_of_unknown_or_waiting_orders(frozen, send):
    body = {"carrier_code": "UPS", "tracking_number": "1"}
    assert send(frozen, "PUT", "/api/orders/NOPE-A/tracking", body).status_code == 404
    _order(frozen, order_id="W-1-A", state="WAITING_ACCEPTANCE")
    response = send(frozen, "PUT", "/api/orders/W-1-A/tracking", body)
    assert response.status_code == 400
    assert "'WAITING_ACCEPTANCE'" in response.json()["message"]
    _order(frozen, order_id="OTHER-A", shop_id=2002)  # another shop's order is unknown
    assert send(frozen, "PUT", "/api/orders/OTHER-A/tracking", body).status_code == 404


# -- OR24 ----------------------------------------------------------------------------------


def test_ship_moves_the_order_to_shipped(frozen, send):
    _order(frozen)
    response = send(frozen, "PUT", "/api/orders/S-1-A/ship")
    assert response.status_code == 204, response.text
    assert frozen.requests[-1].headers["Content-Length"] == "0"
    order = _payload(frozen, "S-1-A")
    assert order["order_state"] == "SHIPPED"
    assert order["can_shop_ship"] is False
    assert {line["order_line_state"] for line in order["order_lines"]} == {"SHIPPED"}
    again = send(frozen, "PUT", "/api/orders/S-1-A/ship")
    assert again.status_code == 400
    assert again.json()["message"] == "The order status must be 'SHIPPING' but it is 'SHIPPED'."


def test_ship_needs_content_length(frozen):
    _order(frozen)
    url = urlsplit(frozen.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        connection.putrequest("PUT", "/api/orders/S-1-A/ship")
        connection.putheader("Authorization", "key-2001")
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 411
        response.read()
    finally:
        connection.close()
    assert frozen.get_order("S-1-A").state == "SHIPPING"


def test_ship_refuses_a_body_and_unpaid_orders(frozen, send):
    _order(frozen)
    response = send(frozen, "PUT", "/api/orders/S-1-A/ship", {"shipped": True})
    assert response.status_code == 400
    _order(frozen, order_id="D-1-A", state="WAITING_DEBIT_PAYMENT")
    assert send(frozen, "PUT", "/api/orders/D-1-A/ship").status_code == 400


def test_ship_needs_tracking_first_when_mandatory(frozen, send):
    frozen.reference["shipping_types"][0]["mandatory_tracking"] = True
    _order(frozen)
    refused = send(frozen, "PUT", "/api/orders/S-1-A/ship")
    assert refused.status_code == 400
    assert "Tracking information is mandatory" in refused.json()["message"]
    body = {"carrier_code": "UPS", "tracking_number": "1Z"}
    assert send(frozen, "PUT", "/api/orders/S-1-A/tracking", body).status_code == 204
    assert send(frozen, "PUT", "/api/orders/S-1-A/ship").status_code == 204


def test_debit_due_by_now_makes_an_order_shippable(frozen, send):
    order = _order(frozen, state="WAITING_DEBIT_PAYMENT")
    frozen.clock.advance(minutes=2)  # order_settings.debit_delay is one minute
    assert send(frozen, "PUT", f"/api/orders/{order.order_id}/ship").status_code == 204


# -- ST01 ----------------------------------------------------------------------------------


def _shipment(order_id="S-1-A", lines=(("S-1-A-1", 3), ("S-1-A-2", 1)), **extra):
    return {
        "order_id": order_id,
        "shipment_lines": [{"order_line_id": line, "quantity": qty} for line, qty in lines],
        **extra,
    }


def test_st01_needs_multi_shipment(frozen, send):
    _order(frozen)
    response = send(frozen, "POST", "/api/shipments", {"shipments": [_shipment()]})
    assert response.status_code == 400
    assert "Multi-shipment is not enabled" in response.json()["message"]


def test_full_shipment_ships_the_order(multi, send):
    _order(multi)
    tracking = {"carrier_code": "UPS", "tracking_number": "1Z1"}
    body = {"shipments": [_shipment(tracking=tracking, shipped=True, invoice_reference="INV-1")]}
    response = send(multi, "POST", "/api/shipments", body)
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["shipment_errors"] == []
    [shipment] = result["shipment_success"]
    assert shipment["order_id"] == "S-1-A"
    assert shipment["status"] == "SHIPPED"
    assert shipment["tracking"] == {
        "carrier_code": "UPS",
        "carrier_name": "UPS",
        "carrier_standard_code": "UPS",
        "tracking_number": "1Z1",
        "tracking_url": "https://www.ups.com/track?tracknum=1Z1",
    }
    assert [(line["order_line_id"], line["quantity"]) for line in shipment["shipment_lines"]] == [
        ("S-1-A-1", 3),
        ("S-1-A-2", 1),
    ]
    assert shipment["shipped_date"] == shipment["created_date"] == "2026-03-02T12:00:00Z"
    assert _payload(multi, "S-1-A")["order_state"] == "SHIPPED"


def test_partial_shipments_then_the_rest(multi, send):
    _order(multi)
    first = _shipment(lines=[("S-1-A-1", 1)], shipped=True, tracking={"carrier_name": "Dupont"})
    assert send(multi, "POST", "/api/shipments", {"shipments": [first]}).status_code == 201
    order = _payload(multi, "S-1-A")
    assert order["order_state"] == "SHIPPING"
    assert order["can_shop_ship"] is True
    too_many = _shipment(lines=[("S-1-A-1", 3)], shipped=True)
    refused = send(multi, "POST", "/api/shipments", {"shipments": [too_many]}).json()
    assert refused == {
        "shipment_success": [],
        "shipment_errors": [{"order_id": "S-1-A", "message": "Shipment quantity is invalid."}],
    }
    # two parcels of the rest in one call: two shipments, two tracking numbers
    rest = [
        _shipment(lines=[("S-1-A-1", 2)], shipped=True, tracking={"carrier_name": "D"}),
        _shipment(lines=[("S-1-A-2", 1)], shipped=True, tracking={"carrier_name": "D"}),
    ]
    done = send(multi, "POST", "/api/shipments", {"shipments": rest}).json()
    assert len(done["shipment_success"]) == 2
    assert _payload(multi, "S-1-A")["order_state"] == "SHIPPED"
    assert multi.shipments.quantities("S-1-A") == {"S-1-A-1": 3, "S-1-A-2": 1}


def test_partial_failure_lists_errors_per_order(multi, send):
    _order(multi)
    _order(multi, order_id="DONE-A", state="SHIPPED")
    _order(multi, order_id="OTHER-A", shop_id=2002)
    shipments = [
        _shipment(shipped=True),
        _shipment("DONE-A", [("DONE-A-1", 1)]),
        _shipment("NOPE-A", [("NOPE-A-1", 1)]),
        _shipment("OTHER-A", [("OTHER-A-1", 1)]),
    ]
    result = send(multi, "POST", "/api/shipments", {"shipments": shipments}).json()
    assert [s["order_id"] for s in result["shipment_success"]] == ["S-1-A"]
    shipped = "The order status must be 'SHIPPING' but it is 'SHIPPED'."
    assert result["shipment_errors"] == [
        {"order_id": "DONE-A", "message": shipped},
        {"order_id": "NOPE-A", "message": "The order NOPE-A does not exist."},
        {"order_id": "OTHER-A", "message": "The order OTHER-A does not exist."},
    ]


@pytest.mark.parametrize(
    ("shipment", "message"),
    [
        (_shipment(lines=[("S-1-A-9", 1)]), "The order line 'S-1-A-9' does not exist"),
        (_shipment(lines=[("S-1-A-1", 1), ("S-1-A-1", 1)]), "is listed twice"),
        (_shipment(tracking={"carrier_code": "NOPE"}), "carrier with code 'NOPE'"),
    ],
)
def test_shipment_refusals(multi, send, shipment, message):
    _order(multi)
    result = send(multi, "POST", "/api/shipments", {"shipments": [shipment]}).json()
    [error] = result["shipment_errors"]
    assert message in error["message"]
    assert len(multi.shipments) == 0


def test_cancelled_units_cannot_ship(multi, send):
    _order(multi)
    multi.cancel_order_line("S-1-A", "S-1-A-1", quantity=1)
    over = _shipment(lines=[("S-1-A-1", 3)])
    assert send(multi, "POST", "/api/shipments", {"shipments": [over]}).json()["shipment_errors"]
    rest = _shipment(lines=[("S-1-A-1", 2), ("S-1-A-2", 1)], shipped=True)
    assert send(multi, "POST", "/api/shipments", {"shipments": [rest]}).status_code == 201
    assert _payload(multi, "S-1-A")["order_state"] == "SHIPPED"


def test_deprecated_offer_sku_lines(multi, send):
    _order(multi)
    shipment = {"order_id": "S-1-A", "shipment_lines": [{"offer_sku": "SKU-2", "quantity": 1}]}
    result = send(multi, "POST", "/api/shipments", {"shipments": [shipment]}).json()
    assert result["shipment_success"][0]["shipment_lines"][0]["order_line_id"] == "S-1-A-2"


def test_mandatory_tracking_for_shipped_shipments(multi, send):
    multi.reference["shipping_types"][0]["mandatory_tracking"] = True
    _order(multi)
    result = send(multi, "POST", "/api/shipments", {"shipments": [_shipment(shipped=True)]})
    assert "Tracking information is mandatory" in result.json()["shipment_errors"][0]["message"]
    unshipped = send(multi, "POST", "/api/shipments", {"shipments": [_shipment()]}).json()
    assert unshipped["shipment_success"][0]["status"] == "SHIPPING"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"shipments": []},
        {"shipments": [{"order_id": "S-1-A", "shipment_lines": []}]},
        {"shipments": [_shipment(lines=[("S-1-A-1", 0)])]},
        {"shipments": [_shipment(tracking={"carrier_name": "X", "carrier_url": "https://x"})]},
        {"shipments": [_shipment(shipped="yes")]},
        {"shipments": [_shipment()] * 1001},
    ],
)
def test_malformed_shipment_requests(multi, send, body):
    _order(multi)
    assert send(multi, "POST", "/api/shipments", body).status_code == 400
    assert len(multi.shipments) == 0


# -- ST11, ST23, ST24 ----------------------------------------------------------------------


def test_unshipped_shipments_are_tracked_then_shipped(multi, send):
    _order(multi)
    created = send(multi, "POST", "/api/shipments", {"shipments": [_shipment()]}).json()
    shipment_id = created["shipment_success"][0]["id"]
    assert _payload(multi, "S-1-A")["order_state"] == "SHIPPING"
    multi.clock.advance(minutes=5)
    tracking = {"id": shipment_id, "tracking": {"carrier_code": "UPS", "tracking_number": "2"}}
    updated = send(multi, "POST", "/api/shipments/tracking", {"shipments": [tracking]}).json()
    assert updated == {"shipment_success": [{"id": shipment_id}], "shipment_errors": []}
    shipped = send(
        multi, "PUT", "/api/shipments/ship", {"shipments": [{"id": shipment_id}, {"id": "nope"}]}
    ).json()
    assert shipped["shipment_success"] == [{"id": shipment_id}]
    assert shipped["shipment_errors"] == [{"id": "nope", "message": "No shipment with id 'nope'."}]
    assert _payload(multi, "S-1-A")["order_state"] == "SHIPPED"
    listed = send(multi, "GET", "/api/shipments", order_id="S-1-A").json()["data"]
    assert listed[0]["tracking"]["tracking_number"] == "2"
    assert listed[0]["status"] == "SHIPPED"
    assert listed[0]["last_updated_date"] == "2026-03-02T12:05:00Z"
    again = send(multi, "PUT", "/api/shipments/ship", {"shipments": [{"id": shipment_id}]})
    assert "not in SHIPPING status" in again.json()["shipment_errors"][0]["message"]


def test_list_shipments_filters_and_pages(multi, send):
    for number in range(3):
        _order(multi, order_id=f"L-{number}-A", quantities=(1,))
        shipment = _shipment(f"L-{number}-A", [(f"L-{number}-A-1", 1)], shipped=number > 0)
        send(multi, "POST", "/api/shipments", {"shipments": [shipment]})
        multi.clock.advance(minutes=1)
    everything = send(multi, "GET", "/api/shipments", limit=2).json()
    assert [s["order_id"] for s in everything["data"]] == ["L-0-A", "L-1-A"]
    rest = send(multi, "GET", "/api/shipments", page_token=everything["next_page_token"]).json()
    assert [s["order_id"] for s in rest["data"]] == ["L-2-A"]
    query = "order_id=L-0-A&order_id=L-2-A&shipment_state_code=SHIPPED"
    both = send(multi, "GET", f"/api/shipments?{query}").json()
    assert [s["order_id"] for s in both["data"]] == ["L-2-A"]
    since = (NOW + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    recent = send(multi, "GET", "/api/shipments", last_updated_from=since).json()
    assert [s["order_id"] for s in recent["data"]] == ["L-1-A", "L-2-A"]
    assert send(multi, "GET", "/api/shipments", last_updated_from="soon").status_code == 400
