"""The client against the simulator over real sockets: successful calls, headers and shop_id."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from mirakl import MiraklClient, const, schemas

DEMO_KEY = "demo-shop-key"
DEMO_MULTI_KEY = "demo-multi-key"

REFERENCE_LISTS = [
    ("list_shipping_zones", "SH11", "shipping_zones", schemas.ShippingZone),
    ("list_shipping_types", "SH12", "shipping_types", schemas.ShippingType),
    ("list_carriers", "SH21", "carriers", schemas.Carrier),
    ("list_logistic_classes", "SH31", "logistic_classes", schemas.LogisticClass),
    ("list_channels", "CH11", "channels", schemas.Channel),
    ("list_offer_conditions", "OF61", "offer_states", schemas.OfferCondition),
    ("list_hierarchies", "H11", "hierarchies", schemas.Hierarchy),
    ("list_additional_fields", "AF01", "additional_fields", schemas.AdditionalField),
    ("list_reasons", "RE01", "reasons", schemas.Reason),
    ("list_currencies", "CUR01", "currencies", schemas.Currency),
    ("list_locales", "L01", "locales", schemas.Locale),
    ("list_document_types", "DO01", "documents", schemas.DocumentType),
    ("list_order_taxes", "OR75", "taxes", schemas.OrderTax),
]


@pytest.fixture
def demo_client(demo_sim, make_client):
    return make_client(demo_sim.url + "/api/", DEMO_KEY)


def test_get_account(demo_client, demo_sim):
    account = demo_client.get_account()
    assert isinstance(account, schemas.Account)
    assert (account.shop_id, account.shop_name, account.currency_iso_code) == (
        2001,
        "Demo Outdoor Shop",
        "EUR",
    )
    assert account.date_created.utcoffset().total_seconds() == 0
    assert [(r.op, r.method, r.path) for r in demo_sim.requests] == [("A01", "GET", "/api/account")]


def test_get_platform_configuration(demo_client, demo_sim):
    config = demo_client.get_platform_configuration()
    assert isinstance(config, schemas.PlatformConfiguration)
    expected = demo_sim.platform_configuration["features"]
    assert config.features.order_tax_mode == expected["order_tax_mode"]
    assert config.features.shipment.multi_shipment == expected["shipment"]["multi_shipment"]
    assert config.timezone == demo_sim.platform_configuration["timezone"]


def test_platform_configuration_follows_the_operator(sim, make_client):
    sim.platform_configuration["features"]["order_tax_mode"] = "TAX_EXCLUDED"
    client = make_client(sim.url, "key-2001")
    assert client.get_platform_configuration().features.order_tax_mode == "TAX_EXCLUDED"


def test_get_version(demo_client):
    assert demo_client.get_version()["version"]


@pytest.mark.parametrize("method, op, key, model", REFERENCE_LISTS)
def test_reference_lists(demo_client, demo_sim, method, op, key, model):
    items = getattr(demo_client, method)()
    assert [r.op for r in demo_sim.requests] == [op]
    sent = demo_sim.responses[0].json()[key]
    assert items and [item.code for item in items] == [item["code"] for item in sent]
    assert all(isinstance(item, model) for item in items)


@pytest.mark.parametrize("method", ["list_additional_fields", "list_document_types"])
def test_entities_filter(demo_client, demo_sim, method):
    items = getattr(demo_client, method)(entities=["SHOP", "ORDER"])
    assert demo_sim.requests[0].query["entities"] == ["SHOP,ORDER"]
    assert items and {item.entity for item in items} <= {"SHOP", "ORDER"}


def test_money_arrives_as_decimal(demo_client):
    offer = next(demo_client.iter_offers())
    assert isinstance(offer.price, Decimal) and isinstance(offer.total_price, Decimal)


def test_headers_sent_on_every_call(demo_client, demo_sim):
    demo_client.get_account()
    demo_client.list_channels()
    list(demo_client.iter_offers())
    assert len(demo_sim.requests) == 5
    for recorded in demo_sim.requests:
        headers = {name.lower(): value for name, value in recorded.headers.items()}
        assert headers["authorization"] == DEMO_KEY  # raw key, no "Bearer"
        assert headers["accept"] == "application/json"
        assert headers["user-agent"] == const.USER_AGENT
        assert "shop_id" not in recorded.query  # no shop set: the key's default shop


def test_shop_id_sent_on_every_call(demo_sim, make_client):
    client = make_client(demo_sim.url, DEMO_MULTI_KEY, shop_id=2002)
    assert client.get_account().shop_id == 2002
    client.get_platform_configuration()
    client.list_carriers()
    list(client.iter_offers())
    list(client.iter_offer_imports())
    client.request("A01", "GET", "/api/account", params={"shop_id": 9999})
    assert len(demo_sim.requests) >= 6
    assert all(r.query.get("shop_id") == ["2002"] for r in demo_sim.requests)


def test_multi_shop_key_defaults_to_its_first_shop(demo_sim, make_client):
    assert make_client(demo_sim.url, DEMO_MULTI_KEY).get_account().shop_id == 2001


def test_query_values_in_mirakl_format(demo_client, demo_sim):
    paris = timezone(timedelta(hours=2))
    demo_client.request(
        "OF04",
        "GET",
        "/api/offers/imports",
        params={
            "start_date": datetime(2025, 3, 1, 12, 0, 0, 123000, tzinfo=paris),
            "end_date": datetime(2025, 3, 2),
            "origins": ["API", "FTP"],
            "mode": None,
            "status": "COMPLETE",
        },
    )
    demo_client.request("OF21", "GET", "/api/offers", params={"favorite": True})
    imports_query, offers_query = (r.query for r in demo_sim.requests)
    assert imports_query == {
        "start_date": ["2025-03-01T10:00:00Z"],
        "end_date": ["2025-03-02T00:00:00Z"],
        "origins": ["API", "FTP"],
        "status": ["COMPLETE"],
    }
    assert offers_query == {"favorite": ["true"]}


def test_session_is_reused(demo_client, demo_sim):
    demo_client.get_account()
    demo_client.list_channels()
    demo_client.get_account()
    manager = demo_client._session.get_adapter(demo_sim.url).poolmanager
    assert len(manager.pools) == 1
    # three calls, one TCP connection
    assert manager.connection_from_url(demo_sim.url).num_connections == 1


def test_client_as_context_manager_closes_its_session(demo_sim):
    with MiraklClient(demo_sim.url, DEMO_KEY) as client:
        client.get_account()
    assert len(client._session.get_adapter(demo_sim.url).poolmanager.pools) == 0
