"""The demo dataset is deterministic and has the variety connector tests rely on."""

import json

import pytest

from mirakl_simulator import OperatorSimulator
from mirakl_simulator.demo import DEMO_MULTI_KEY, DEMO_SHOP_KEY


@pytest.fixture(scope="module")
def demo():
    return OperatorSimulator.demo(start=False)


def _gs1_valid(code):
    digits = [int(d) for d in code]
    total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(reversed(digits[:-1]), start=1))
    return (10 - total % 10) % 10 == digits[-1]


def test_demo_is_deterministic(demo):
    again = OperatorSimulator.demo(start=False)
    for shop_id in (2001, 2002):
        assert json.dumps(again.shop(shop_id).offers) == json.dumps(demo.shop(shop_id).offers)
        assert again.shop(shop_id).offer_imports == demo.shop(shop_id).offer_imports
    assert again.reference == demo.reference


def test_demo_shops_and_keys(demo):
    assert demo.shop(2001).name == "Demo Outdoor Shop"
    assert demo.shop(2001).currency_iso_code == "EUR"
    assert demo.store.api_keys[DEMO_SHOP_KEY].shop_ids == (2001,)
    assert demo.store.api_keys[DEMO_MULTI_KEY].shop_ids == (2001, 2002)


def test_demo_offers_are_varied(demo):
    offers = demo.shop(2001).offers
    assert len(offers) == 250
    assert len({offer["offer_id"] for offer in offers}) == 250
    references = [ref for offer in offers for ref in offer["product_references"]]
    assert {ref["reference_type"] for ref in references} == {"EAN", "UPC", "ISBN", "MPN"}
    assert all(_gs1_valid(ref["reference"]) for ref in references if ref["reference_type"] != "MPN")
    inactive = [offer for offer in offers if not offer["active"]]
    assert 10 <= len(inactive) <= 40
    reasons = {reason for offer in inactive for reason in offer["inactivity_reasons"]}
    assert reasons == {"ZERO_QUANTITY", "NOT_IN_AVAILABILITY_PERIOD"}
    assert all(o["quantity"] == 0 for o in inactive if o["inactivity_reasons"] == ["ZERO_QUANTITY"])
    assert len({offer["state_code"] for offer in offers}) > 1
    assert any(len(offer["all_prices"]) > 1 for offer in offers)
    assert any(o["price"] < o["applicable_pricing"]["unit_origin_price"] for o in offers)


def test_demo_offers_use_reference_codes(demo):
    ref = demo.reference
    tree = ref["hierarchies"]
    leaves = {h["code"] for h in tree} - {h["parent_code"] for h in tree}
    codes = {key: {item["code"] for item in ref[key]} for key in ref if key != "additional_fields"}
    for offer in demo.shop(2001).offers:
        assert offer["category_code"] in leaves
        assert offer["state_code"] in codes["offer_states"]
        assert offer["logistic_class"]["code"] in codes["logistic_classes"]
        assert set(offer["channels"]) <= codes["channels"]
        assert offer["min_shipping_zone"] in codes["shipping_zones"]
        assert offer["min_shipping_type"] in codes["shipping_types"]


def test_demo_reference_data(demo):
    ref = demo.reference
    tracked = [c for c in ref["carriers"] if "tracking_url" in c]
    assert len(tracked) >= 5
    assert all("{trackingId}" in carrier["tracking_url"] for carrier in tracked)
    assert len(ref["channels"]) >= 3
    assert len(ref["shipping_zones"]) >= 3
    assert any(t["mandatory_tracking"] for t in ref["shipping_types"])
    assert any(t["click_and_collect"] for t in ref["shipping_types"])
    assert {r["type"] for r in ref["reasons"]} >= {"REFUND", "CANCELATION", "INCIDENT_OPEN"}
    assert any(r["type"] == "REFUND" and r["is_shop_right"] for r in ref["reasons"])
    assert {h["level"] for h in ref["hierarchies"]} == {1, 2, 3}
    parents = {h["parent_code"] for h in ref["hierarchies"]} - {""}
    assert parents <= {h["code"] for h in ref["hierarchies"]}
    entities = {f["entity"] for f in ref["additional_fields"]}
    assert entities == {"OFFER", "SHOP", "ORDER", "ORDER_LINE"}


def test_demo_offer_imports(demo):
    imports = demo.shop(2001).offer_imports
    assert len(imports) > 20
    assert {row["status"] for row in imports} == {"COMPLETE", "FAILED"}
    assert {row["mode"] for row in imports} == {"NORMAL", "REPLACE"}
    assert all(row["shop_id"] == 2001 for row in imports)
    assert all(row["reason_status"] for row in imports if row["status"] == "FAILED")


def test_demo_after_sale(demo_sim, call):
    """Shop 2001 serves returns, message threads, documents and a paid payout."""

    def get(path, key, **query):
        response = call(demo_sim, path, key=DEMO_SHOP_KEY, **query)
        assert response.status_code == 200, response.text
        return response.json()[key]

    returns = get("/api/returns", "data")
    assert sorted(item["state"] for item in returns) == ["IN_PROGRESS", "WAITING_ACCEPTANCE"]
    threads = get("/api/inbox/threads", "data", with_messages="true")
    assert len(threads) == 2
    waiting = [t for t in threads if t["metadata"]["shop_reply_needed_since"]]
    assert len(waiting) == 1
    assert waiting[0]["messages"][0]["attachments"]
    answered = next(t for t in threads if t is not waiting[0])
    assert answered["metadata"]["last_sender"]["type"] == "SHOP_USER"
    order_ids = ",".join(item["order_id"] for item in returns)
    documents = get("/api/orders/documents", "order_documents", order_ids=order_ids)
    assert [document["type"] for document in documents] == ["SYSTEM_DELIVERY_BILL"]
    shop_documents = get("/api/shops/documents", "shop_documents")
    assert {document["type"] for document in shop_documents} == {"LEGAL_DOC", "ID_CARD"}
    [invoice] = get("/api/invoices", "invoices")
    assert invoice["payment"]["state"] == "PAID"
    lines = get("/api/sellerpayment/transactions_logs", "data", limit=1000)
    assert {"ORDER_AMOUNT", "COMMISSION_FEE", "REFUND_ORDER_AMOUNT", "PAYMENT"} <= {
        line["type"] for line in lines
    }
    assert all(line["payment_state"] == "PAID" for line in lines)
