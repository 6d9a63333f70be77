"""The generated catalogue: deterministic, lazy (memory flat whatever its size), exported like
stored offers, with product references a benchmark can turn into matching Odoo products."""

import time
import tracemalloc

import pytest

from mirakl_simulator import OperatorSimulator
from mirakl_simulator.clock import format_datetime

EXPORT = "/api/offers/export/async"
KEY = "key-2001"


def _gs1_valid(code):
    digits = [int(d) for d in code]
    total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(reversed(digits[:-1]), start=1))
    return (10 - total % 10) % 10 == digits[-1]


@pytest.fixture
def run_export(http):
    """``run_export(sim, body)`` -> the COMPLETED OF53 body (``pending_polls`` set to 0)."""

    def _run(sim, body):
        sim.offer_export_settings.pending_polls = 0
        headers = {"Authorization": KEY}
        started = http.post(sim.url + EXPORT, json=body, headers=headers).json()
        url = f"{sim.url}{EXPORT}/status/{started['tracking_id']}"
        status = http.get(url, headers=headers).json()
        assert status["status"] == "COMPLETED"
        return status

    return _run


@pytest.fixture
def chunk(http):
    def _chunk(url):
        response = http.get(url, headers={"Authorization": KEY}, timeout=30)
        assert response.status_code == 200
        return response.json()

    return _chunk


def test_generated_catalogue_is_deterministic_and_matchable():
    first = OperatorSimulator()
    first.add_shop(2001, "Shop")
    other = OperatorSimulator()
    other.add_shop(2001, "Shop")
    one = first.add_generated_offers(2001, count=1000, seed=7)
    two = other.add_generated_offers(2001, count=1000, seed=7)
    assert [one.offer(i) for i in (0, 1, 999)] == [two.offer(i) for i in (0, 1, 999)]
    assert one.offer(0) != first.add_generated_offers(2001, count=10, seed=8).offer(0)

    products = list(one.products())
    assert len(products) == 1000
    assert len({p["default_code"] for p in products}) == 1000
    barcodes = [p["barcode"] for p in products if p["barcode"]]
    assert len(barcodes) == 750 == len(set(barcodes))
    assert all(_gs1_valid(code) and len(code) in (12, 13) for code in barcodes)
    for index in (0, 1, 2, 3, 998):
        offer = one.offer(index)
        assert offer["shop_sku"] == products[index]["default_code"]
        references = {ref["reference"] for ref in offer["product_references"]}
        assert (products[index]["barcode"] in references) == (index % 4 != 3)


def test_generated_catalogue_memory_is_flat():
    sim = OperatorSimulator()
    sim.add_shop(2001, "Shop")
    sim.add_api_key(KEY, [2001])
    tracemalloc.start()
    try:
        catalogue = sim.add_generated_offers(2001, count=1_000_000, seed=1)
        catalogue.offer(999_999)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 200_000  # bytes: nothing per offer is stored
    assert sim.shop(2001).offers_count() == 1_000_000


def test_large_export_is_served_chunk_by_chunk(sim, run_export, chunk):
    sim.offer_export_settings.product_fields = True
    catalogue = sim.add_generated_offers(2001, count=200_000, seed=3)
    started = time.perf_counter()
    status = run_export(sim, {"export_type": "application/json", "items_per_chunk": 100})
    assert time.perf_counter() - started < 1.0  # nothing is computed before a chunk is asked for
    assert len(status["urls"]) == 2000
    middle = chunk(status["urls"][1234])
    assert [o["offer_id"] for o in middle] == [
        catalogue.offer_id(i) for i in range(123_400, 123_500)
    ]
    assert middle[0]["product_references"] == catalogue.references(123_400)


def test_generated_offers_follow_updates_and_deletions(sim, run_export, chunk):
    catalogue = sim.add_generated_offers(2001, count=100, seed=5)
    sim.clock.freeze()
    sim.clock.advance(seconds=1)
    since = format_datetime(sim.clock.now())
    sim.update_offer(2001, catalogue.offer_id(10), quantity=0)
    sim.update_offer(2001, catalogue.offer_id(20), price=12.5)
    sim.delete_offer(2001, catalogue.offer_id(30))

    body = {"export_type": "application/json", "last_request_date": since}
    changes = {o["offer_id"]: o for o in chunk(run_export(sim, body)["urls"][0])}
    assert set(changes) == {catalogue.offer_id(i) for i in (10, 20, 30)}
    assert changes[catalogue.offer_id(10)]["active"] is False
    assert changes[catalogue.offer_id(30)]["deleted"] is True
    assert changes[catalogue.offer_id(20)]["last_updated"] == since

    full = run_export(sim, {"export_type": "application/json"})
    ids = {o["offer_id"] for o in chunk(full["urls"][0])}
    assert len(ids) == 98  # deleted and inactive offers left out
    everything = {"export_type": "application/json", "include_inactive_offers": True}
    assert len(chunk(run_export(sim, everything)["urls"][0])) == 99


def test_stored_and_generated_offers_share_one_export(fresh_demo_sim, http):
    sim = fresh_demo_sim
    sim.add_generated_offers(2001, count=20, seed=9)
    sim.offer_export_settings.pending_polls = 0
    headers = {"Authorization": "demo-shop-key"}
    body = {"export_type": "application/json", "include_inactive_offers": True}
    started = http.post(sim.url + EXPORT, json={**body, "items_per_chunk": 100}, headers=headers)
    tracking_id = started.json()["tracking_id"]
    status = http.get(f"{sim.url}{EXPORT}/status/{tracking_id}", headers=headers).json()
    counts = [len(http.get(url, headers=headers).json()) for url in status["urls"]]
    assert counts == [100, 100, 70]


def test_journal_omits_huge_bodies(sim, run_export, http):
    sim.add_generated_offers(2001, count=2500, seed=2)
    status = run_export(sim, {"export_type": "application/json"})
    response = http.get(status["urls"][0], headers={"Authorization": KEY})
    assert len(response.json()) == 2500 and len(response.content) > 1 << 20
    recorded = sim.responses[-1]
    assert (recorded.op, recorded.omitted, recorded.body) == ("OF54", True, b"")
