"""OF52 -> OF53 -> OF54 over real HTTP: request checks, the PENDING -> COMPLETED / FAILED state
machine, full and differential selection, chunking, JSON and CSV files. Every response is also
checked against the spec by the autouse validator (OF54 chunks item by item)."""

import csv
import io
import re
from datetime import timedelta

import pytest

import spec
from mirakl_simulator.clock import format_datetime
from mirakl_simulator.demo import DEMO_MULTI_KEY, DEMO_SHOP_KEY
from mirakl_simulator.demo_catalog import DEMO_EPOCH

EXPORT = "/api/offers/export/async"
CSV_SCHEMA = "OF54_Response_200_TextCsv_Ext_FileStructure"


@pytest.fixture
def export(http):
    """``export(sim, body=None, key=DEMO_SHOP_KEY, polls=None, **query)`` -> final OF53 body.

    Starts an export and polls OF53 until it leaves PENDING (at most ``polls`` times, default 10);
    the tracking id is under ``"tracking_id"`` of the returned body.
    """

    def _export(sim, body=None, key=DEMO_SHOP_KEY, polls=10, **query):
        headers = {"Authorization": key, "Accept": "application/json"}
        started = http.post(sim.url + EXPORT, json=body or {}, params=query, headers=headers)
        assert started.status_code == 200, started.text
        tracking_id = started.json()["tracking_id"]
        for _ in range(polls):
            status = http.get(
                f"{sim.url}{EXPORT}/status/{tracking_id}", params=query, headers=headers
            )
            assert status.status_code == 200, status.text
            if status.json()["status"] != "PENDING":
                break
        return {**status.json(), "tracking_id": tracking_id}

    return _export


@pytest.fixture
def download(http):
    """``download(url, key=DEMO_SHOP_KEY)`` -> ``requests.Response`` of one chunk URL."""

    def _download(url, key=DEMO_SHOP_KEY, **query):
        return http.get(url, params=query, headers={"Authorization": key}, timeout=10)

    return _download


def _json_offers(status, download, **query):
    offers = []
    for url in status["urls"]:
        response = download(url, **query)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("application/json")
        offers.extend(response.json())
    return offers


def test_full_export_serves_active_offers_in_chunks(demo_sim, export, download):
    status = export(demo_sim, {"export_type": "application/json", "items_per_chunk": 100})
    assert status["status"] == "COMPLETED"
    offers = _json_offers(status, download)
    shop = demo_sim.shop(2001)
    active = {offer["offer_id"] for offer in shop.offers if offer["active"]}
    assert [offer["offer_id"] for offer in offers] == sorted(active)
    assert len(status["urls"]) == -(-len(active) // 100)
    assert not any(offer["deleted"] or not offer["active"] for offer in offers)
    assert {o["shop_id"] for o in offers} == {2001}


def test_full_export_with_inactive_offers(demo_sim, export, download, monkeypatch):
    monkeypatch.setattr(demo_sim.offer_export_settings, "product_fields", True)
    body = {"export_type": "application/json", "include_inactive_offers": True}
    offers = _json_offers(export(demo_sim, body), download)
    shop = demo_sim.shop(2001)
    assert len(offers) == len(shop.offers) == 250
    inactive = [offer for offer in offers if not offer["active"]]
    assert {r for o in inactive for r in o["inactivity_reasons"]} == {
        "ZERO_QUANTITY",
        "NOT_IN_AVAILABILITY_PERIOD",
    }
    assert not any(offer["deleted"] for offer in offers)


def test_exported_offer_fields(demo_sim, export, download, openapi, monkeypatch):
    monkeypatch.setattr(demo_sim.offer_export_settings, "product_fields", True)
    body = {"export_type": "application/json", "include_inactive_offers": True}
    offers = {o["offer_id"]: o for o in _json_offers(export(demo_sim, body), download)}
    stored = demo_sim.shop(2001).offers[7]  # discounted (index % 7 == 0), WEB_DE price maybe
    offer = offers[stored["offer_id"]]
    assert openapi.validate("OF54", 200, [offer])
    assert offer["shop_sku"] == stored["shop_sku"]
    assert offer["product_references"] == stored["product_references"]
    assert offer["product_title"] == stored["product_title"]
    default = offer["prices"][0]
    assert "context" not in default
    assert default["origin_price"] == stored["applicable_pricing"]["unit_origin_price"]
    assert default["discount_price"] == stored["price"] < default["origin_price"]
    assert default["volume_prices"][0]["unit_discount_price"] == stored["price"]
    assert offer["logistic_class"] == {"code": stored["logistic_class"]["code"]}
    channel_prices = [p for o in offers.values() for p in o["prices"] if "context" in p]
    assert {c for p in channel_prices for c in p["context"]["channel_codes"]} == {"WEB_DE"}
    created, updated = demo_sim.shop(2001).offer_times[stored["offer_id"]]
    assert (offer["date_created"], offer["last_updated"]) == (
        format_datetime(created),
        format_datetime(updated),
    )


def test_differential_export_reports_changes_deletions_and_inactive(
    fresh_demo_sim, export, download
):
    sim = fresh_demo_sim
    sim.offer_export_settings.product_fields = True  # inactivity_reasons (not in the spec)
    shop = sim.shop(2001)
    since = DEMO_EPOCH - timedelta(days=3)
    body = {"export_type": "application/json", "last_request_date": format_datetime(since)}
    offers = _json_offers(export(sim, body), download)
    expected = {oid for oid, (_, updated) in shop.offer_times.items() if updated >= since}
    assert {offer["offer_id"] for offer in offers} == expected
    deleted = [offer for offer in offers if offer["deleted"]]
    assert len(deleted) == 2 and not any(offer["active"] for offer in deleted)
    assert any(not offer["active"] and not offer["deleted"] for offer in offers)

    sim.clock.freeze()
    now = sim.clock.now()
    changed, removed = shop.offers[3], shop.offers[4]
    sim.update_offer(2001, changed["offer_id"], quantity=0)
    sim.delete_offer(2001, removed["offer_id"])
    body["last_request_date"] = format_datetime(now)
    offers = {o["offer_id"]: o for o in _json_offers(export(sim, body), download)}
    assert set(offers) == {changed["offer_id"], removed["offer_id"]}
    assert offers[changed["offer_id"]]["inactivity_reasons"] == ["ZERO_QUANTITY"]
    assert (offers[changed["offer_id"]]["active"], offers[removed["offer_id"]]["deleted"]) == (
        False,
        True,
    )
    assert {o["last_updated"] for o in offers.values()} == {format_datetime(now)}
    full = _json_offers(export(sim, {"export_type": "application/json"}), download)
    assert removed["offer_id"] not in {offer["offer_id"] for offer in full}


def test_pending_polls_then_completed(fresh_demo_sim, export):
    fresh_demo_sim.offer_export_settings.pending_polls = 3
    status = export(fresh_demo_sim, {"export_type": "application/json"}, polls=3)
    assert status["status"] == "PENDING" and "urls" not in status
    state = fresh_demo_sim.offer_exports[status["tracking_id"]]
    assert (state.polls, state.status) == (3, "PENDING")
    assert export(fresh_demo_sim, {"export_type": "text/csv"}, polls=4)["status"] == "COMPLETED"


def test_pending_by_clock_time(fresh_demo_sim, export):
    sim = fresh_demo_sim
    sim.clock.freeze()
    sim.offer_export_settings.pending_seconds = 60
    status = export(sim, {"export_type": "application/json"}, polls=5)
    assert status["status"] == "PENDING"
    sim.clock.advance(seconds=60)
    status = export(sim, {"export_type": "application/json"}, polls=1)  # duplicate: same export
    assert status["status"] == "COMPLETED"
    assert len(sim.offer_exports) == 1


def test_failed_export(fresh_demo_sim, export, download):
    fresh_demo_sim.fail_next_offer_export(code="42", detail="Export storage unavailable")
    failed = export(fresh_demo_sim, {"export_type": "application/json"})
    assert failed["status"] == "FAILED"
    assert failed["error"] == {"code": "42", "detail": "Export storage unavailable"}
    assert "urls" not in failed
    file_url = f"{fresh_demo_sim.url}{EXPORT}/file/{failed['tracking_id']}"
    assert download(file_url, file="of52-export/offers/0.json").status_code == 404
    assert export(fresh_demo_sim, {"export_type": "application/json"})["status"] == "COMPLETED"


def test_duplicate_pending_request_returns_same_tracking_id(fresh_demo_sim, export):
    fresh_demo_sim.offer_export_settings.pending_polls = 5
    body = {"export_type": "application/json", "items_per_chunk": 50}
    first = export(fresh_demo_sim, body, polls=1)["tracking_id"]
    assert export(fresh_demo_sim, body, polls=1)["tracking_id"] == first
    assert export(fresh_demo_sim, {**body, "items_per_chunk": 60}, polls=1)["tracking_id"] != first


def test_unknown_or_foreign_tracking_id_is_404(demo_sim, export, call):
    response = call(demo_sim, f"{EXPORT}/status/no-such-export", key=DEMO_SHOP_KEY)
    assert response.status_code == 404
    assert response.json()["status"] == 404
    tracking_id = export(demo_sim, {"export_type": "application/json"})["tracking_id"]
    other_shop = call(demo_sim, f"{EXPORT}/status/{tracking_id}", key=DEMO_MULTI_KEY, shop_id=2002)
    assert other_shop.status_code == 404


def test_chunk_urls_need_auth_and_a_known_file(demo_sim, export, download):
    status = export(demo_sim, {"export_type": "application/json", "items_per_chunk": 200})
    url = status["urls"][0]
    assert url.startswith(f"{demo_sim.url}{EXPORT}/file/{status['tracking_id']}?file=")
    assert download(url, key="wrong-key").status_code == 401
    assert download(url.replace("0.json", "2.json")).status_code == 404
    assert download(url.replace("0.json", "0.csv")).status_code == 404
    assert download(url, key=DEMO_MULTI_KEY, shop_id=2002).status_code == 404
    assert download(url, key=DEMO_MULTI_KEY).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"export_type": "application/xml"},
        {"export_type": "application/json", "items_per_chunk": 0},
        {"export_type": "application/json", "items_per_chunk": True},
        {"export_type": "application/json", "last_request_date": "yesterday"},
        {"last_request_date": "2025-01-01T00:00:00Z", "include_inactive_offers": False},
        {"export_type": "application/json", "rename_fields": {"offer_id": "id"}},
        {"export_type": "application/json", "include_inactive_offers": "yes"},
        {"export_type": "application/json", "unknown_option": 1},
        {"export_type": "application/json", "channel_codes": ["WEB_FR"]},
        [],
    ],
)
def test_invalid_export_requests_are_400(demo_sim, http, body):
    response = http.post(demo_sim.url + EXPORT, json=body, headers={"Authorization": DEMO_SHOP_KEY})
    assert response.status_code == 400
    assert response.json()["message"]


def test_export_type_defaults_to_csv(demo_sim, export, download):
    status = export(demo_sim, {})
    assert status["urls"][0].endswith(".csv")
    assert download(status["urls"][0]).headers["Content-Type"].startswith("text/csv")


def _csv_rows(response, delimiter=";"):
    return list(csv.DictReader(io.StringIO(response.text), delimiter=delimiter))


def _spec_csv_column(openapi, column):
    """True when ``column`` is a documented OF54 CSV column (``<channelCode>``... as wildcards)."""
    schema = openapi.document["components"]["schemas"][CSV_SCHEMA]
    for name in schema["properties"]:
        pattern = re.sub(r"<[^>]*>", "[^],]+", re.escape(name))
        if re.fullmatch(pattern, column):
            return True
    return False


def test_csv_export(fresh_demo_sim, export, download, openapi):
    sim = fresh_demo_sim
    body = {"export_type": "text/csv", "include_inactive_offers": True, "items_per_chunk": 100}
    status = export(sim, body)
    responses = [download(url) for url in status["urls"]]
    rows = [row for response in responses for row in _csv_rows(response)]
    assert len(rows) == 250
    assert all(_spec_csv_column(openapi, column) for column in rows[0])
    assert "price[channel=WEB_DE]" in rows[0]
    offer = sim.shop(2001).offers[7]
    row = next(row for row in rows if row["offer-id"] == str(offer["offer_id"]))
    assert row["shop-sku"] == offer["shop_sku"]
    assert row["price"] == f"{offer['price']:.2f}"
    assert row["channels"] == "|".join(offer["channels"])
    assert row["deleted"] == "false"

    sim.platform_configuration["features"]["operator_csv_delimiter"] = "COMMA"
    renamed = {
        **body,
        "include_fields": ["offer-id", "shop-sku"],
        "rename_fields": {"offer-id": "offerId"},
    }
    response = download(export(sim, renamed)["urls"][0])
    assert response.text.splitlines()[0] == "offerId,shop-sku"


def test_include_fields_in_json(demo_sim, export, download):
    body = {"export_type": "application/json", "include_fields": ["offer_id", "deleted"]}
    offers = _json_offers(export(demo_sim, body), download)
    assert offers and all(set(offer) == {"offer_id", "deleted"} for offer in offers)


def test_export_is_spec_strict_by_default(fresh_demo_sim, export, download):
    """The spec's OF54 schema has no product references: the simulator serves that strict shape
    unless a test switches ``product_fields`` on."""
    assert fresh_demo_sim.offer_export_settings.product_fields is False
    offers = _json_offers(export(fresh_demo_sim, {"export_type": "application/json"}), download)
    assert offers
    for offer in offers:
        assert not {"product_references", "product_title", "inactivity_reasons"} & set(offer)


@pytest.fixture(scope="module")
def openapi():
    return spec.load_spec()


def test_spec_checks_chunks_item_by_item(openapi):
    """OF54's documented schema is one offer; chunks are arrays of them (see spec.py)."""
    assert openapi.validate("OF54", 200, [{"offer_id": 1, "shop_sku": "a", "deleted": False}])
    with pytest.raises(spec.SpecValidationError):
        openapi.validate("OF54", 200, [{"offer_id": "one"}])
    with pytest.raises(spec.SpecValidationError):
        openapi.validate("OF54", 200, {"offer_id": 1})
