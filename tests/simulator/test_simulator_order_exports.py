"""OR13 -> OR14 -> OR15 over HTTP, the lazy benchmark generator and the demo orders."""

import json
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from mirakl_simulator import OperatorSimulator
from mirakl_simulator.demo import seed_demo
from mirakl_simulator.orders.book import OrderStub

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
EVER = {"start_update_date": "2020-01-01T00:00:00Z", "end_update_date": "2030-01-01T00:00:00Z"}


@pytest.fixture
def frozen(sim):
    sim.clock.freeze(NOW)
    return sim


@pytest.fixture
def post(http):
    def _post(sim, body, key="key-2001"):
        return http.post(
            f"{sim.url}/api/orders/async-export",
            data=json.dumps(body),
            headers={"Authorization": key, "Content-Type": "application/json"},
            timeout=10,
        )

    return _post


def _status(call, sim, tracking_id):
    response = call(sim, f"/api/orders/async-export/status/{tracking_id}")
    assert response.status_code == 200, response.text
    return response.json()


def test_export_completes_after_a_poll_in_chunks(frozen, post, call, http):
    frozen.add_generated_orders(2001, 5, lines_per_order=1)
    frozen.add_order(2001, order_id="W-A")  # WAITING_ACCEPTANCE: filtered out below
    body = dict(EVER, order_state_codes=["SHIPPING"], items_per_chunk=2)
    body["order_tax_mode"] = "TAX_INCLUDED"
    response = post(frozen, body)
    assert response.status_code == 200
    tracking_id = response.json()["tracking_id"]
    assert _status(call, frozen, tracking_id) == {
        "status": "PENDING",
        "last_updated": "2026-03-02T12:00:00Z",
    }
    status = _status(call, frozen, tracking_id)
    assert status["status"] == "COMPLETED"
    assert len(status["urls"]) == 3
    ids = []
    for url in status["urls"]:
        assert url.startswith(frozen.url + "/api/")
        chunk = http.get(url, headers={"Authorization": "key-2001"}, timeout=10)
        assert chunk.status_code == 200
        orders = chunk.json()["orders"]
        assert {order["order_tax_mode"] for order in orders} == {"TAX_INCLUDED"}
        ids += [order["order_id"] for order in orders]
    assert ids == [f"GEN2001-0-{i:06d}-A" for i in range(1, 6)]
    assert http.get(status["urls"][0], timeout=10).status_code == 401  # the key is needed


def test_one_export_at_a_time_and_failures(frozen, post, call):
    first = post(frozen, EVER).json()["tracking_id"]
    second = post(frozen, EVER)
    assert (second.status_code, "already in progress" in second.json()["message"]) == (400, True)
    frozen.finish_order_exports("FAILED")
    assert _status(call, frozen, first) == {
        "status": "FAILED",
        "last_updated": "2026-03-02T12:00:00Z",
    }
    frozen.order_settings.export_outcome = "FAILED"
    frozen.order_settings.export_pending_polls = 0
    again = post(frozen, EVER).json()["tracking_id"]
    assert _status(call, frozen, again)["status"] == "FAILED"


def test_export_of_no_order_has_one_empty_file(frozen, post, call, http):
    tracking_id = post(frozen, EVER).json()["tracking_id"]
    frozen.finish_order_exports()
    [url] = _status(call, frozen, tracking_id)["urls"]
    assert http.get(url, headers={"Authorization": "key-2001"}, timeout=10).json() == {"orders": []}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "A date range is required"),
        ({"start_update_date": "2020-01-01T00:00:00Z"}, "must be given together"),
        ({"start_date": "2020-01-01T00:00:00Z"}, "must be given together"),
        (dict(EVER, order_state_codes=["LOST"]), "Invalid value 'LOST'"),
        (dict(EVER, order_tax_mode="NONE"), "order_tax_mode"),
        (dict(EVER, items_per_chunk=0), "items_per_chunk"),
        (dict(EVER, start_update_date="soon"), "start_update_date"),
        (["not", "an", "object"], "JSON object"),
    ],
)
def test_export_request_validation(sim, post, body, message):
    response = post(sim, body)
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_unknown_exports_and_files_are_404(sim, post, call, http):
    assert call(sim, "/api/orders/async-export/status/nope").status_code == 404
    tracking_id = post(sim, EVER).json()["tracking_id"]
    assert (
        call(sim, f"/api/orders/async-export/status/{tracking_id}", key="multi-key").status_code
        == 200
    )
    assert (
        call(sim, f"/api/orders/async-export/status/{tracking_id}", key="multi-key", shop_id=2002)
    ).status_code == 404  # another shop's export
    for chunk in ("1", "2", "x"):  # PENDING has no file; then only file 1 exists
        assert call(sim, f"/api/orders/async-export/files/{tracking_id}/{chunk}").status_code == 404
        sim.finish_order_exports()
    assert call(sim, f"/api/orders/async-export/files/{tracking_id}/1").status_code == 200


def test_generated_orders_are_lazy_deterministic_and_new_customers(frozen, call):
    ids = frozen.add_generated_orders(2001, 2000, lines_per_order=3, seed=7)
    book = frozen.store.orders.book(2001)
    assert (len(ids), len(book), book.built_count) == (2000, 2000, 0)
    page = call(frozen, "/api/orders", max=100, offset=1900).json()
    assert page["total_count"] == 2000
    assert [order["order_id"] for order in page["orders"]] == ids[1900:]
    assert book.built_count == 0  # served orders are built for the answer only
    assert {len(order["order_lines"]) for order in page["orders"]} == {3}
    assert {order["order_state"] for order in page["orders"]} == {"SHIPPING"}
    customers = [order["customer"]["customer_id"] for order in page["orders"]]
    assert len(set(customers)) == 100
    assert all(order["customer"]["shipping_address"] for order in page["orders"])
    again = OperatorSimulator()
    again.clock.freeze(NOW)
    again.add_shop(2001, "Same")
    again.add_generated_orders(2001, 2000, seed=7)
    assert again.order_payload(ids[1950]) == frozen.order_payload(ids[1950])
    frozen.set_order_state(ids[5], "SHIPPED")  # changing one builds and keeps just that one
    assert book.built_count == 1
    with pytest.raises(ValueError, match="already exists"):
        frozen.add_generated_orders(2001, 1, seed=7)


@pytest.mark.parametrize("state", ["WAITING_ACCEPTANCE", "SHIPPING", "RECEIVED", "CANCELED"])
def test_generated_stubs_match_the_orders_they_build(frozen, state):
    frozen.add_generated_orders(2001, 4, lines_per_order=2, state=state, seed=1)
    for stub in frozen.store.orders.book(2001).entries():
        assert isinstance(stub, OrderStub)
        order = stub.build()
        for name in ("state", "created_date", "last_updated_date", "channel_code"):
            assert getattr(order, name) == getattr(stub, name), name
        assert (order.customer_debited_date is None) == (stub.customer_debited_date is None)


def test_generated_waiting_orders_are_refused_on_time(frozen):
    [order_id] = frozen.add_generated_orders(2001, 1, state="WAITING_ACCEPTANCE")
    frozen.clock.advance(days=3)
    assert frozen.order_payload(order_id)["order_state"] == "REFUSED"


def test_demo_orders(demo_sim, call):
    response = call(demo_sim, "/api/orders", key="demo-shop-key", max=100)
    orders = response.json(parse_float=Decimal)["orders"]
    states = Counter(order["order_state"] for order in orders)
    assert len(orders) >= 30
    assert states["WAITING_ACCEPTANCE"] >= 5
    assert {"SHIPPING", "SHIPPED", "CANCELED", "REFUSED", "RECEIVED", "CLOSED"} <= set(states)
    assert {o["order_tax_mode"] for o in orders} == {"TAX_INCLUDED"}  # the demo's PC01 mode
    lines = [line for order in orders for line in order["order_lines"]]
    assert any(line["order_line_state"] == "REFUSED" for line in lines)
    assert any(line["cancelations"] for line in lines)
    assert any(line["refunds"] for line in lines)
    assert any(line["promotions"] for line in lines)
    assert len({o["channel"]["code"] for o in orders if "channel" in o}) >= 3
    assert len({o["shipping_type_code"] for o in orders}) >= 4
    assert any(o.get("shipping_carrier_code") for o in orders)
    customers = Counter(o["customer"]["customer_id"] for o in orders)
    assert customers.most_common(1)[0][1] == 2  # one returning customer
    for order in orders:
        assert order["price"] == sum(line["price"] for line in order["order_lines"])
        assert order["total_price"] == order["price"] + order["shipping_price"]
        hidden = order["customer"]["billing_address"] is None
        assert hidden is ("customer_debited_date" not in order), order["order_id"]


def test_demo_orders_are_deterministic():
    one, two = OperatorSimulator(), OperatorSimulator()
    for sim in (one, two):
        sim.clock.freeze(NOW)
    seed_demo(one)
    seed_demo(two)
    ids = [entry.order_id for entry in one.store.orders.book(2001).entries()]
    assert ids == [entry.order_id for entry in two.store.orders.book(2001).entries()]
    for order_id in ids:
        assert one.order_payload(order_id) == two.order_payload(order_id)


def test_order_ids_are_unique_across_shops(sim):
    first = sim.add_generated_orders(2001, 2)
    second = sim.add_generated_orders(2002, 2)
    assert not set(first) & set(second)
    with pytest.raises(ValueError, match="already exists"):
        sim.add_order(2002, order_id=first[0])
    assert len(sim.store.orders.book(2002)) == 2
