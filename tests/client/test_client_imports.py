"""File imports through the client against the simulator: the exact multipart requests of
STO01/PRI01/OF01 and their CSV content, status polling (STO02/PRI02/OF02), error reports mapped
back to the uploaded lines (STO03/PRI03/OF03), and the 429 of a too-frequent upload surfacing
`retry_after` for a queue job."""

import tempfile
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from mirakl import MiraklNotFoundError, MiraklRateLimitError, files, schemas
from mirakl_simulator.demo import DEMO_MULTI_KEY, DEMO_SHOP_KEY
from mirakl_simulator.imports.files import parse_multipart

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def demo(fresh_demo_sim):
    fresh_demo_sim.clock.freeze(NOW)
    return fresh_demo_sim


@pytest.fixture
def client(demo, make_client):
    return make_client(demo.url, DEMO_SHOP_KEY)


def _offer(sim, index, shop_id=2001):
    return sim.shop(shop_id).offers[index]


def _upload_request(sim, op):
    """The one upload of `op` and its multipart parts."""
    [request] = [r for r in sim.requests if r.op == op]
    return request, parse_multipart(request.headers["Content-Type"], request.body)


def _until_final(get_status, import_id, polls=5):
    for _ in range(polls):
        status = get_status(import_id)
        if status.is_final:
            return status
    raise AssertionError(f"import {import_id} not final after {polls} polls")


def test_stock_round_trip_with_bad_rows(demo, client):
    plain, split = _offer(demo, 1), _offer(demo, 5)
    rows = [
        (plain["shop_sku"], 12),
        (split["shop_sku"], 4, "WH-PARIS"),
        (split["shop_sku"], 6, "WH-LYON"),
        ("UNKNOWN-SKU", 1),
        (plain["shop_sku"], 3, "WH-NOWHERE"),
    ]
    import_id = client.upload_stock_file(files.write_stock_file(rows))
    request, parts = _upload_request(demo, "STO01")
    assert (request.method, request.path, request.query) == (
        "POST",
        "/api/offers/stock/imports",
        {},
    )
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert request.headers["Authorization"] == DEMO_SHOP_KEY
    assert set(parts) == {"file"}
    assert (parts["file"].filename, parts["file"].content_type) == ("stock.csv", "text/csv")
    assert parts["file"].text == (
        "offer-sku;quantity;warehouse-code;update-delete\n"
        f"{plain['shop_sku']};12;;\n"
        f"{split['shop_sku']};4;WH-PARIS;\n"
        f"{split['shop_sku']};6;WH-LYON;\n"
        "UNKNOWN-SKU;1;;\n"
        f"{plain['shop_sku']};3;WH-NOWHERE;\n"
    )
    assert demo.stock_imports[import_id].content == parts["file"].content
    statuses = [client.get_stock_import(import_id) for _ in range(3)]
    assert [s.status for s in statuses] == ["WAITING", "RUNNING", "COMPLETE"]
    done = statuses[-1]
    assert isinstance(done, schemas.StockImport)
    assert (done.lines_in_success, done.lines_in_error, done.has_error_report) == (3, 2, True)
    assert done.date_created == NOW
    errors = client.get_stock_import_error_report(import_id)
    assert [(e.line, e.sku, e.message) for e in errors] == [
        (5, "UNKNOWN-SKU", "The offer with SKU 'UNKNOWN-SKU' does not exist"),
        (6, plain["shop_sku"], "The warehouse with code 'WH-NOWHERE' does not exist"),
    ]
    assert errors[1].values["warehouse-code"] == "WH-NOWHERE"
    offers = {o.shop_sku: o for o in client.iter_offers(sku=split["shop_sku"])}
    offer = offers[split["shop_sku"]]
    assert offer.quantity == 10
    assert [(w.code, w.quantity) for w in offer.warehouses] == [("WH-PARIS", 4), ("WH-LYON", 6)]
    report = next(r for r in demo.requests if r.op == "STO03")
    assert report.path == f"/api/offers/stock/imports/{import_id}/error_report"


def test_stock_upload_from_a_temporary_file_for_another_shop(demo, make_client):
    demo.import_settings.pending_polls = 0
    client = make_client(demo.url, DEMO_MULTI_KEY, shop_id=2002)
    offer = _offer(demo, 0, shop_id=2002)
    with tempfile.TemporaryFile() as target:
        files.write_stock_file(([offer["shop_sku"], n] for n in [9]), target)
        import_id = client.upload_stock_file(target, filename="stock-2002.csv")
    request, parts = _upload_request(demo, "STO01")
    assert request.query == {"shop_id": ["2002"]}
    assert parts["file"].filename == "stock-2002.csv"
    assert client.get_stock_import(import_id).status == "COMPLETE"
    assert offer["quantity"] == 9
    assert client.get_stock_import(import_id).has_error_report is False


def test_price_file_with_channel_prices(demo, client):
    demo.import_settings.pending_polls = 0
    offer, other = _offer(demo, 1), _offer(demo, 2)
    columns = files.price_columns(channels=True)
    rows = [
        (offer["shop_sku"], Decimal("20.00"), Decimal("18.00"), NOW, None, None),
        (offer["shop_sku"], Decimal("22.50"), None, None, None, ["WEB_FR", "APP"]),
        (other["shop_sku"], Decimal("9.999")),  # three decimals: refused
    ]
    import_id = client.upload_price_file(files.write_price_file(rows, columns=columns))
    request, parts = _upload_request(demo, "PRI01")
    assert (request.method, request.path) == ("POST", "/api/offers/pricing/imports")
    assert parts["file"].text == (
        "offer-sku;price;discount-price;discount-start-date;discount-end-date;channels\n"
        f"{offer['shop_sku']};20.00;18.00;2026-03-02T12:00:00Z;;\n"
        f"{offer['shop_sku']};22.50;;;;WEB_FR|APP\n"
        f"{other['shop_sku']};9.999;;;;\n"
    )
    status = client.get_price_import(import_id)
    assert isinstance(status, schemas.PriceImport)
    assert (status.status, status.offers_updated, status.offers_in_error) == ("COMPLETE", 1, 1)
    listed = next(r for r in demo.requests if r.op == "PRI02")
    assert listed.query == {"import_id": [import_id], "limit": ["1"]}
    [error] = client.get_price_import_error_report(import_id)
    assert (error.line, error.sku) == (4, other["shop_sku"])
    assert "more than 2 decimals" in error.message
    [updated] = client.iter_offers(sku=offer["shop_sku"])
    assert updated.price == Decimal("18")
    assert [(p.price, p.context and p.context.channel_codes) for p in updated.all_prices] == [
        (Decimal("18"), None),
        (Decimal("22.5"), ["WEB_FR", "APP"]),
    ]
    assert [i.import_id for i in client.iter_price_imports(status="COMPLETE")] == [import_id]
    with pytest.raises(MiraklNotFoundError):
        client.get_price_import("00000000-0000-0000-0000-000000000000")


def test_offer_file_as_stock_fallback(demo, client):
    """Where STO01 is not available: OF01 NORMAL with every column, so nothing is reset."""
    demo.import_settings.pending_polls = 0
    demo.import_settings.stock_api = False
    offer = _offer(demo, 1)
    with pytest.raises(MiraklNotFoundError) as refused:
        client.upload_stock_file(files.write_stock_file([(offer["shop_sku"], 42)]))
    assert refused.value.op == "STO01"
    demo.reset_logs()
    row = {
        "sku": offer["shop_sku"],
        "product-id": offer["product_sku"],
        "product-id-type": "SKU",
        "description": offer["description"],
        "price": Decimal(str(offer["price"])),
        "quantity": 42,
        "min-quantity-alert": 2,
        "state": offer["state_code"],
        "leadtime-to-ship": offer["leadtime_to_ship"],
        "logistic-class": offer["logistic_class"]["code"],
        "update-delete": "update",
    }
    import_id = client.upload_offer_file(files.write_offer_file([row]))
    assert isinstance(import_id, int)
    request, parts = _upload_request(demo, "OF01")
    assert (request.method, request.path) == ("POST", "/api/offers/imports")
    assert parts["import_mode"].text == "NORMAL"
    assert parts["file"].filename == "offers.csv"
    header, line = parts["file"].text.splitlines()
    assert header.split(";") == list(files.OFFER_COLUMNS)
    assert dict(zip(header.split(";"), line.split(";"), strict=True))["quantity"] == "42"
    status = client.get_offer_import(import_id)
    assert isinstance(status, schemas.OfferImport)
    assert (status.status, status.mode, status.offer_updated, status.is_final) == (
        "COMPLETE",
        "NORMAL",
        1,
        True,
    )
    [updated] = client.iter_offers(sku=offer["shop_sku"])
    assert (updated.quantity, updated.description) == (42, offer["description"])
    with pytest.raises(MiraklNotFoundError):
        client.get_offer_import_error_report(import_id)


def test_offer_file_error_report_maps_back_to_lines(demo, client):
    demo.import_settings.pending_polls = 0
    rows = [{"sku": "NEW-1", "product-id": "0000000000000", "product-id-type": "EAN", "price": 5}]
    rows.append({"sku": "NEW-2", "price": 5, "state": "11"})
    import_id = client.upload_offer_file(files.write_offer_file(rows), import_mode="REPLACE")
    assert demo.offer_imports[import_id].mode == "REPLACE"
    with pytest.raises(MiraklNotFoundError, match="has no error report"):
        client.get_offer_import_error_report(import_id)  # not processed before a status poll
    assert client.get_offer_import(import_id).offer_deleted == 250  # REPLACE: none listed
    assert demo.shop(2001).offers == []
    errors = client.get_offer_import_error_report(import_id)
    assert [(e.line, e.sku, e.message) for e in errors] == [
        (2, "NEW-1", "The product does not exist"),
        (3, "NEW-2", "The column 'product-id-type' is required"),
    ]
    with pytest.raises(ValueError, match="import_mode"):
        client.upload_offer_file(b"sku\n", import_mode="PARTIAL_UPDATE")


def test_too_frequent_upload_surfaces_retry_after(demo, client, sleep):
    demo.import_settings.rate_limit = True
    content = files.write_stock_file([(_offer(demo, 1)["shop_sku"], 1)]).getvalue()
    client.upload_stock_file(content)
    with pytest.raises(MiraklRateLimitError) as info:
        client.upload_stock_file(content)
    assert (info.value.status, info.value.op, info.value.retry_after) == (429, "STO01", 60.0)
    assert info.value.retryable
    assert sleep.calls == []  # 60 s is beyond max_retry_seconds: raised at once for the job
    assert [r.op for r in demo.requests] == ["STO01", "STO01"]
    assert len(demo.stock_imports) == 1


def test_short_rate_limit_waits_are_retried(demo, make_client, sleep):
    """A Retry-After within the retry budget is slept through and the same bytes sent again."""
    demo.import_settings.rate_limit = True
    demo.import_settings.rate_limit_seconds = 5
    client = make_client(demo.url, DEMO_SHOP_KEY, max_retry_seconds=30)
    content = files.write_stock_file([(_offer(demo, 1)["shop_sku"], 1)]).getvalue()
    client.upload_stock_file(content)

    def wait(seconds):
        sleep.calls.append(seconds)
        demo.clock.advance(seconds=seconds)

    client._sleep = wait
    client.upload_stock_file(content)
    assert sleep.calls == [5.0]
    first, second = [r.body for r in demo.requests if r.op == "STO01"][1:]
    assert first == second
    assert len(demo.stock_imports) == 2
