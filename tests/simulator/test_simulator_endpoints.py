"""Every served endpoint over real HTTP, checked against the OpenAPI spec, plus their filters."""

import pytest

import spec
from mirakl_simulator.routing import ROUTES

DEMO_KEY = "demo-shop-key"
DEMO_MULTI_KEY = "demo-multi-key"
ENDPOINTS = {
    "A01": "/api/account",
    "PC01": "/api/platform/configuration",
    "V01": "/api/version",
    "SH11": "/api/shipping/zones",
    "SH12": "/api/shipping/types",
    "SH21": "/api/shipping/carriers",
    "SH31": "/api/shipping/logistic_classes",
    "CH11": "/api/channels",
    "OF61": "/api/offers/states",
    "H11": "/api/hierarchies",
    "AF01": "/api/additional_fields",
    "RE01": "/api/reasons",
    "CUR01": "/api/currencies",
    "L01": "/api/locales",
    "DO01": "/api/documents",
    "OR75": "/api/orders/taxes",
    "OF21": "/api/offers",
    "OF04": "/api/offers/imports",
    "OR11": "/api/orders",
}
# Tested in test_simulator_offer_exports.py; OF54 is a "dynamic URL" in the spec (given by OF53).
EXPORT_OPS = {"OF52", "OF53", "OF54"}
# Tested in test_simulator_order*.py; OR15 is a "dynamic URL" in the spec (given by OR14).
ORDER_OPS = {"OR13", "OR14", "OR15", "OR21"}
# Tested in test_simulator_shipping.py and test_simulator_*_imports.py (writes and file imports).
SHIPPING_OPS = {"OR23", "OR24", "ST01", "ST11", "ST23", "ST24"}
IMPORT_OPS = {"STO01", "STO02", "STO03", "PRI01", "PRI02", "PRI03", "OF01", "OF02", "OF03"}
# Tested in test_simulator_messages.py (inbox threads, multipart replies, attachments).
MESSAGE_OPS = {"M10", "M11", "M12", "M13", "OR43"}
# Tested in test_simulator_returns.py (behind PC01 features.returns; per-return errors).
RETURN_OPS = {"RT11", "RT21", "RT25", "RT26", "RT27"}
# Tested in test_simulator_documents.py (uploads, downloads, archives).
DOCUMENT_OPS = {"OR72", "OR73", "OR74", "S30", "S31"}
# Tested in test_simulator_refunds.py (OR28 refunds, OR30 cancellations, their refusals).
REFUND_OPS = {"OR28", "OR30"}
# Tested in test_simulator_accounting.py (billing cycles, payouts, transaction lines).
ACCOUNTING_OPS = {"IV01", "IV02", "TL02"}


@pytest.fixture(scope="module")
def openapi():
    return spec.load_spec()


def test_routes_match_the_spec(openapi):
    """Each registered route exists in the spec with the same method and path, and is tested."""
    assert {route.op for route in ROUTES} == (
        set(ENDPOINTS)
        | EXPORT_OPS
        | ORDER_OPS
        | SHIPPING_OPS
        | IMPORT_OPS
        | MESSAGE_OPS
        | RETURN_OPS
        | DOCUMENT_OPS
        | REFUND_OPS
        | ACCOUNTING_OPS
    )
    for route in ROUTES:
        operation = openapi.operation(route.op)
        if operation.path.startswith("/dynamic-url/"):
            assert operation.method == route.method == "GET"
        else:
            assert (operation.method, operation.path) == (route.method, route.template)


@pytest.mark.parametrize("op", sorted(ENDPOINTS))
def test_demo_endpoint_is_spec_valid(op, demo_sim, call, openapi):
    response = call(demo_sim, ENDPOINTS[op], key=DEMO_KEY)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    checked = openapi.validate(op, 200, response.json())
    assert checked or op == "V01"  # V01 documents no body


@pytest.mark.parametrize("op", sorted(ENDPOINTS))
def test_empty_operator_endpoint_is_spec_valid(op, sim, call, openapi):
    response = call(sim, ENDPOINTS[op])
    assert response.status_code == 200
    assert openapi.validate(op, 200, response.json()) or op == "V01"


def test_account_reflects_selected_shop(demo_sim, call):
    default = call(demo_sim, "/api/account", key=DEMO_MULTI_KEY).json()
    second = call(demo_sim, "/api/account", key=DEMO_MULTI_KEY, shop_id=2002).json()
    assert (default["shop_id"], default["shop_name"]) == (2001, "Demo Outdoor Shop")
    assert second["shop_id"] == 2002
    assert second["offers_count"] == len(demo_sim.shop(2002).offers)
    assert default["contact_informations"]["country"] == "FRA"


def test_platform_configuration_is_editable(sim, call):
    sim.platform_configuration["features"]["order_tax_mode"] = "TAX_INCLUDED"
    body = call(sim, "/api/platform/configuration").json()
    assert body["features"]["order_tax_mode"] == "TAX_INCLUDED"


def test_offers_filters(demo_sim, call):
    offer = demo_sim.shop(2001).offers[42]
    by_sku = call(demo_sim, "/api/offers", key=DEMO_KEY, sku=offer["shop_sku"]).json()
    assert [o["offer_id"] for o in by_sku["offers"]] == [offer["offer_id"]]
    by_product = call(demo_sim, "/api/offers", key=DEMO_KEY, product_id=offer["product_sku"])
    assert by_product.json()["total_count"] == 1
    used = call(demo_sim, "/api/offers", key=DEMO_KEY, offer_state_codes="1,10", max=100).json()
    assert used["total_count"] > 0
    assert {o["state_code"] for o in used["offers"]} <= {"1", "10"}
    favorites = call(demo_sim, "/api/offers", key=DEMO_KEY, favorite="true", max=100).json()
    assert favorites["total_count"] > 0
    assert all(o["favorite_rank"] for o in favorites["offers"])


@pytest.mark.parametrize(("sort", "field"), [("price", "price"), ("totalPrice", "total_price")])
def test_offers_sorting(demo_sim, call, sort, field):
    body = call(demo_sim, "/api/offers", key=DEMO_KEY, sort=sort, order="desc", max=100).json()
    values = [offer[field] for offer in body["offers"]]
    assert values == sorted(values, reverse=True)


def test_offers_sort_by_title_and_bad_sort(demo_sim, call):
    body = call(demo_sim, "/api/offers", key=DEMO_KEY, sort="productTitle", max=50).json()
    titles = [offer["product_title"] for offer in body["offers"]]
    assert titles == sorted(titles)
    assert call(demo_sim, "/api/offers", key=DEMO_KEY, sort="bogus").status_code == 400
    assert call(demo_sim, "/api/offers", key=DEMO_KEY, order="sideways").status_code == 400


def test_offers_channel_pricing(demo_sim, call):
    channel_priced = next(
        offer for offer in demo_sim.shop(2001).offers if len(offer["all_prices"]) > 1
    )
    params = {"sku": channel_priced["shop_sku"], "pricing_channel_code": "WEB_DE"}
    offer = call(demo_sim, "/api/offers", key=DEMO_KEY, **params).json()["offers"][0]
    assert offer["applicable_pricing"]["context"] == {"channel_codes": ["WEB_DE"]}
    assert offer["price"] == channel_priced["all_prices"][1]["price"]
    assert offer["price"] != channel_priced["price"]


def test_offer_import_filters(demo_sim, call):
    def imports(**params):
        response = call(demo_sim, "/api/offers/imports", key=DEMO_KEY, limit=100, **params)
        assert response.status_code == 200
        return response.json()["data"]

    assert {row["status"] for row in imports(status="FAILED")} == {"FAILED"}
    assert {row["mode"] for row in imports(mode="REPLACE")} == {"REPLACE"}
    both = call(
        demo_sim, "/api/offers/imports?origins=API&origins=SFTP&limit=100", key=DEMO_KEY
    ).json()["data"]
    assert {row["origin"] for row in both} == {"API", "SFTP"}
    window = imports(start_date="2025-05-01T00:00:00Z", end_date="2025-05-15T23:59:59Z")
    assert window
    assert all("2025-05-01" <= row["date_created"][:10] <= "2025-05-15" for row in window)
    bad = call(demo_sim, "/api/offers/imports", key=DEMO_KEY, start_date="yesterday")
    assert bad.status_code == 400


def test_hierarchy_filters(demo_sim, call):
    everything = call(demo_sim, "/api/hierarchies", key=DEMO_KEY).json()["hierarchies"]
    camping = call(demo_sim, "/api/hierarchies", key=DEMO_KEY, hierarchy="CAMPING").json()
    top = call(demo_sim, "/api/hierarchies", key=DEMO_KEY, hierarchy="OUTDOOR", max_level=1)
    assert len(everything) == len(demo_sim.reference["hierarchies"])
    assert {h["code"] for h in camping["hierarchies"]} == {"CAMPING", "TENTS", "SLEEPING", "STOVES"}
    assert {h["level"] for h in top.json()["hierarchies"]} == {1, 2}


@pytest.mark.parametrize(
    ("path", "key", "entities", "expected"),
    [
        ("/api/additional_fields", "additional_fields", "OFFER,SHOP", {"OFFER", "SHOP"}),
        ("/api/additional_fields", "additional_fields", "ORDER_LINE", {"ORDER_LINE"}),
        ("/api/documents", "documents", "SHOP", {"SHOP"}),
    ],
)
def test_entity_filters(demo_sim, call, path, key, entities, expected):
    body = call(demo_sim, path, key=DEMO_KEY, entities=entities).json()
    assert {item["entity"] for item in body[key]} == expected
