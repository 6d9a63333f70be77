"""The client's offer export (OF52 -> OF53 -> OF54) against the simulator over real sockets."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from mirakl import errors, schemas
from mirakl_simulator.demo import DEMO_MULTI_KEY, DEMO_SHOP_KEY
from mirakl_simulator.demo_catalog import DEMO_EPOCH


@pytest.fixture
def client(fresh_demo_sim, make_client):
    fresh_demo_sim.offer_export_settings.pending_polls = 0
    return make_client(fresh_demo_sim.url, DEMO_SHOP_KEY)


def _completed(client, tracking_id, polls=5):
    for _ in range(polls):
        status = client.get_offer_export_status(tracking_id)
        if status.status != "PENDING":
            return status
    raise AssertionError(f"export {tracking_id} still PENDING after {polls} polls")


def _export(client, **options):
    status = _completed(client, client.start_offer_export(**options))
    assert status.status == "COMPLETED", status
    return [offer for url in status.urls for offer in client.iter_offer_export_file(url)]


def test_full_export_with_inactive_offers(client, fresh_demo_sim):
    offers = _export(client)
    shop = fresh_demo_sim.shop(2001)
    assert sorted(o.offer_id for o in offers) == sorted(o["offer_id"] for o in shop.offers)
    assert all(isinstance(offer, schemas.ExportedOffer) for offer in offers)
    assert any(not offer.active for offer in offers)
    assert not any(offer.deleted for offer in offers)
    (request,) = [r for r in fresh_demo_sim.requests if r.op == "OF52"]
    assert json.loads(request.body) == {
        "export_type": "application/json",
        "items_per_chunk": 10000,
        "include_inactive_offers": True,
    }


def test_full_export_of_active_offers_only(client, fresh_demo_sim):
    offers = _export(client, include_inactive_offers=False)
    active = [o["offer_id"] for o in fresh_demo_sim.shop(2001).offers if o["active"]]
    assert sorted(offer.offer_id for offer in offers) == sorted(active)
    assert all(offer.active for offer in offers)


def test_exported_product_references_when_the_export_has_them(client, fresh_demo_sim):
    fresh_demo_sim.offer_export_settings.product_fields = True
    stored = fresh_demo_sim.shop(2001).offers[7]
    offer = next(o for o in _export(client) if o.offer_id == stored["offer_id"])
    assert [(r.reference_type, r.reference) for r in offer.product_references] == [
        (r["reference_type"], r["reference"]) for r in stored["product_references"]
    ]


def test_exported_offer_is_typed(client, fresh_demo_sim):
    stored = fresh_demo_sim.shop(2001).offers[7]
    offer = next(o for o in _export(client) if o.offer_id == stored["offer_id"])
    assert offer.shop_sku == stored["shop_sku"]
    assert offer.product_sku == stored["product_sku"]
    # spec-strict OF54: no product references (OF21 has them)
    assert "product_references" not in offer.model_fields_set
    origin = stored["applicable_pricing"]["unit_origin_price"]
    assert offer.default_price.origin_price == Decimal(str(origin))  # exact, never a float
    assert offer.default_price.discount_price == Decimal(str(stored["price"]))
    assert offer.last_updated.tzinfo is not None
    assert offer.logistic_class.code == stored["logistic_class"]["code"]
    assert offer.channels == stored["channels"]


def test_differential_export(client, fresh_demo_sim):
    shop = fresh_demo_sim.shop(2001)
    since = (DEMO_EPOCH - timedelta(days=3)).replace(tzinfo=None)  # Odoo hands naive UTC
    offers = _export(client, last_request_date=since)
    expected = {
        oid
        for oid, (_, updated) in shop.offer_times.items()
        if updated >= DEMO_EPOCH - timedelta(days=3)
    }
    assert {offer.offer_id for offer in offers} == expected
    deleted = [offer for offer in offers if offer.deleted]
    assert len(deleted) == 2 and not any(offer.active for offer in deleted)
    (request,) = [r for r in fresh_demo_sim.requests if r.op == "OF52"]
    body = json.loads(request.body)
    assert body["last_request_date"] == "2025-05-29T08:00:00Z"
    assert "include_inactive_offers" not in body  # Mirakl rejects it in differential mode


def test_differential_export_sees_changes(client, fresh_demo_sim):
    sim = fresh_demo_sim
    sim.offer_export_settings.product_fields = True  # inactivity_reasons (not in the spec)
    sim.clock.freeze(datetime(2026, 1, 5, 10, 0, tzinfo=UTC))
    since = sim.clock.now()
    sim.clock.advance(minutes=5)
    updated, removed = sim.shop(2001).offers[:2]
    sim.update_offer(2001, updated["offer_id"], quantity=0)
    sim.delete_offer(2001, removed["offer_id"])
    offers = {offer.offer_id: offer for offer in _export(client, last_request_date=since)}
    assert set(offers) == {updated["offer_id"], removed["offer_id"]}
    assert offers[updated["offer_id"]].inactivity_reasons == ["ZERO_QUANTITY"]
    assert offers[removed["offer_id"]].deleted is True
    assert offers[updated["offer_id"]].last_updated == since + timedelta(minutes=5)


def test_chunks_are_downloaded_one_at_a_time(client, fresh_demo_sim):
    tracking_id = client.start_offer_export(items_per_chunk=100)
    status = _completed(client, tracking_id)
    assert len(status.urls) == 3
    fresh_demo_sim.reset_logs()
    chunk = client.iter_offer_export_file(status.urls[1])
    assert fresh_demo_sim.requests == []  # lazy: nothing sent before iterating
    assert next(chunk).offer_id
    assert [r.op for r in fresh_demo_sim.requests] == ["OF54"]
    assert sum(1 for _ in chunk) == 99
    assert [sum(1 for _ in client.iter_offer_export_file(url)) for url in status.urls] == [
        100,
        100,
        50,
    ]


def test_pending_polls(client, fresh_demo_sim):
    fresh_demo_sim.offer_export_settings.pending_polls = 2
    tracking_id = client.start_offer_export()
    states = [client.get_offer_export_status(tracking_id) for _ in range(3)]
    assert [state.status for state in states] == ["PENDING", "PENDING", "COMPLETED"]
    assert states[0].urls == [] and states[0].error is None
    assert states[0].last_updated is not None
    assert len(states[2].urls) == 1


def test_failed_export(client, fresh_demo_sim):
    fresh_demo_sim.fail_next_offer_export(code="1", detail="Internal error")
    status = _completed(client, client.start_offer_export())
    assert status.status == "FAILED"
    assert (status.error.code, status.error.detail) == ("1", "Internal error")
    assert status.urls == []


def test_unknown_tracking_id_is_not_found(client):
    with pytest.raises(errors.MiraklNotFoundError) as raised:
        client.get_offer_export_status("0b7e3c2a-unknown")
    assert raised.value.op == "OF53" and raised.value.status == 404
    with pytest.raises(ValueError):
        client.get_offer_export_status(" ")


def test_multi_shop_key_sends_shop_id_everywhere(fresh_demo_sim, make_client):
    fresh_demo_sim.offer_export_settings.pending_polls = 0
    client = make_client(fresh_demo_sim.url, DEMO_MULTI_KEY, shop_id=2002)
    offers = _export(client)
    assert {offer.shop_id for offer in offers} == {2002}
    for request in fresh_demo_sim.requests:
        assert request.query["shop_id"] == ["2002"], request


@pytest.mark.parametrize(
    "url",
    [
        "http://files.example.com/api/offers/export/async/file/x?file=0.json",
        "https://{host}/api/offers/export/async/file/x?file=0.json",  # another scheme
        "http://{host}:1/api/offers/export/async/file/x?file=0.json",  # another port
        "//evil.example/api/x",
        "not a url",
    ],
)
def test_file_url_on_another_origin_is_refused(client, fresh_demo_sim, url):
    host = fresh_demo_sim.url.split("//")[1].split(":")[0]
    fresh_demo_sim.reset_logs()
    with pytest.raises(errors.MiraklForeignUrlError) as raised:
        client.iter_offer_export_file(url.format(host=host))
    assert isinstance(raised.value, errors.MiraklResponseError)
    assert not raised.value.retryable
    assert DEMO_SHOP_KEY not in str(raised.value)
    assert fresh_demo_sim.requests == []  # refused before anything was sent


def test_simulator_handing_out_a_foreign_file_url(client, fresh_demo_sim):
    fresh_demo_sim.offer_export_settings.file_base_url = "http://files.example.com"
    status = _completed(client, client.start_offer_export())
    with pytest.raises(errors.MiraklForeignUrlError):
        client.iter_offer_export_file(status.urls[0])


def test_csv_file_is_not_what_the_client_reads(client, fresh_demo_sim):
    """The client asks for JSON only; a CSV chunk (served to other callers) is a clear error."""
    response = client.request("OF52", "POST", "/api/offers/export/async", json={})
    status = _completed(client, response.json()["tracking_id"])
    assert status.urls[0].endswith(".csv")
    with pytest.raises(errors.MiraklResponseError) as raised:
        list(client.iter_offer_export_file(status.urls[0]))
    assert "not JSON" in str(raised.value) and "text/csv" in str(raised.value)


def test_start_is_retried_only_when_refused_before_processing(client, fresh_demo_sim, sleep):
    fresh_demo_sim.inject_fault(op="OF52", status=503, times=1)
    assert client.start_offer_export()
    assert sleep.calls == [0.5]
    fresh_demo_sim.inject_fault(op="OF52", status=500, times=1)
    with pytest.raises(errors.MiraklServerError):
        client.start_offer_export()
    assert sleep.calls == [0.5]  # a POST that got a 500 may have run: not replayed


def test_download_is_retried_on_server_errors(client, fresh_demo_sim, sleep):
    status = _completed(client, client.start_offer_export())
    fresh_demo_sim.inject_fault(op="OF54", status=502, times=1)
    assert len(list(client.iter_offer_export_file(status.urls[0]))) == 250
    assert sleep.calls == [0.5]


def test_not_a_json_array(client, fresh_demo_sim):
    status = _completed(client, client.start_offer_export())
    fresh_demo_sim.inject_fault(op="OF54", status=200, body='{"offers": []}', times=1)
    with pytest.raises(errors.MiraklResponseError, match="not a JSON array"):
        list(client.iter_offer_export_file(status.urls[0]))


def test_mirakl_examples_parse(example):
    offers = [
        schemas.ExportedOffer.model_validate(o) for o in example("OF54_offers_export_chunk.json")
    ]
    assert offers[0].offer_id == 2003 and offers[0].product_references == []
    assert offers[0].default_price.origin_price == Decimal("69.99")
    failed = schemas.OfferExportStatus.model_validate(example("OF53_export_status_failed.json"))
    assert (failed.status, failed.error.code, failed.urls) == ("FAILED", "1", [])
    done = schemas.OfferExportStatus.model_validate(
        example("OF53_export_status_completed_csv.json")
    )
    assert done.status == "COMPLETED" and len(done.urls) == 3
    tracking = schemas.OfferExportTracking.model_validate(example("OF52_export_tracking.json"))
    assert tracking.tracking_id == "760a9a3a-1a3a-4f0d-93a5-cef772c7c3e5"
