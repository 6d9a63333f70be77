"""STO01 -> STO02 -> STO03 over HTTP, and what every file import shares: the multipart upload,
the WAITING -> RUNNING -> COMPLETE / FAILED state machine (by polls or simulated time), the
optional once-a-minute limit, and changed offers reaching OF21 and the offer export."""

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from mirakl_simulator.clock import format_datetime
from mirakl_simulator.demo import DEMO_MULTI_KEY, DEMO_SHOP_KEY

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
STOCK = "/api/offers/stock/imports"
HEADER = "offer-sku;quantity;warehouse-code;update-delete\n"


@pytest.fixture
def demo(fresh_demo_sim):
    fresh_demo_sim.clock.freeze(NOW)
    return fresh_demo_sim


@pytest.fixture
def status(call):
    """``status(sim, import_id, key=DEMO_SHOP_KEY)`` -> the STO02 body (one poll)."""

    def _status(sim, import_id, key=DEMO_SHOP_KEY, **query):
        response = call(sim, f"{STOCK}/{import_id}/status", key=key, **query)
        assert response.status_code == 200, response.text
        return response.json()

    return _status


def _offers(sim, *indexes):
    return [sim.shop(2001).offers[index] for index in indexes]


def _import(sim, upload, content, key=DEMO_SHOP_KEY):
    response = upload(sim, STOCK, content, key=key)
    assert response.status_code == 201, response.text
    return response.json()["import_id"]


def test_upload_returns_a_uuid_and_parses_the_file(demo, upload):
    first, second = _offers(demo, 1, 2)
    content = f"{HEADER}{first['shop_sku']};5;;\n\n{second['shop_sku']};0;;update\n"
    response = upload(demo, STOCK, content, key=DEMO_SHOP_KEY)
    assert response.status_code == 201
    import_id = response.json()["import_id"]
    assert str(uuid.UUID(import_id)) == import_id
    assert response.headers["Location"].endswith(f"{STOCK}/{import_id}/status")
    job = demo.stock_imports[import_id]
    assert job.columns == ("offer-sku", "quantity", "warehouse-code", "update-delete")
    assert [(row.line, row.get("offer-sku"), row.get("quantity")) for row in job.rows] == [
        (2, first["shop_sku"], "5"),
        (3, second["shop_sku"], "0"),
    ]
    assert job.content == content.encode()


def test_status_moves_over_polls_and_applies_on_completion(demo, upload, status):
    offer = _offers(demo, 1)[0]
    before = offer["quantity"]
    import_id = _import(demo, upload, f"{HEADER}{offer['shop_sku']};{before + 7};;\n")
    waiting = status(demo, import_id)
    assert (waiting["status"], waiting["has_error_report"]) == ("WAITING", False)
    assert waiting["date_created"] == "2026-03-02T12:00:00Z"
    assert status(demo, import_id)["status"] == "RUNNING"
    assert offer["quantity"] == before  # not applied until the job completes
    done = status(demo, import_id)
    assert done == {
        "import_id": import_id,
        "shop_id": 2001,
        "date_created": "2026-03-02T12:00:00Z",
        "status": "COMPLETE",
        "has_error_report": False,
        "lines_in_success": 1,
        "lines_in_error": 0,
    }
    assert offer["quantity"] == before + 7
    assert status(demo, import_id)["status"] == "COMPLETE"


def test_status_moves_with_simulated_time(demo, upload, status):
    demo.import_settings.pending_seconds = 60
    offer = _offers(demo, 1)[0]
    import_id = _import(demo, upload, f"{HEADER}{offer['shop_sku']};3;;\n")
    for _ in range(3):
        assert status(demo, import_id)["status"] == "WAITING"
    demo.clock.advance(seconds=30)
    assert status(demo, import_id)["status"] == "RUNNING"
    demo.clock.advance(seconds=30)
    assert status(demo, import_id)["status"] == "COMPLETE"
    assert offer["quantity"] == 3


def test_good_rows_are_applied_and_bad_rows_reported(demo, upload, status, call):
    demo.import_settings.pending_polls = 0
    plain, split, other, untouched = _offers(demo, 1, 5, 2, 3)  # offer 5 has two warehouses
    assert [w["code"] for w in split["warehouses"]] == ["WH-PARIS", "WH-LYON"]
    lines = [
        f"{plain['shop_sku']};12;;",
        f"{split['shop_sku']};4;WH-PARIS;update",
        f"{split['shop_sku']};;WH-LYON;delete",
        "UNKNOWN-SKU;1;;",
        f"{other['shop_sku']};-1;;",
        f"{other['shop_sku']};1.5;;",
        f"{other['shop_sku']};abc;;",
        f"{other['shop_sku']};2;WH-NOWHERE;",
        f"{plain['shop_sku']};3;;",
        f"{split['shop_sku']};3;;",
        f"{other['shop_sku']};2;;replace",
        f"{untouched['shop_sku']};;;",
    ]
    import_id = _import(demo, upload, HEADER + "\n".join(lines) + "\n")
    done = status(demo, import_id)
    assert (done["lines_in_success"], done["lines_in_error"]) == (3, 9)
    assert done["has_error_report"] is True
    assert (plain["quantity"], plain["warehouses"] if "warehouses" in plain else []) == (12, [])
    assert split["warehouses"] == [{"code": "WH-PARIS", "quantity": 4}]
    assert split["quantity"] == 4
    report = call(demo, f"{STOCK}/{import_id}/error_report", key=DEMO_SHOP_KEY)
    assert report.status_code == 200
    assert report.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(report.text), delimiter=";"))
    assert rows[0] == ["error-line", "error-message", *HEADER.strip().split(";")]
    assert report.text.splitlines()[1].startswith('"5";"The offer with SKU \'UNKNOWN-SKU\'')
    assert [(row[0], row[1]) for row in rows[1:]] == [
        ("5", "The offer with SKU 'UNKNOWN-SKU' does not exist"),
        ("6", "The value of 'quantity' must be greater than or equal to 0"),
        ("7", "The value '1.5' of 'quantity' is not a valid integer"),
        ("8", "The value 'abc' of 'quantity' is not a valid integer"),
        ("9", "The warehouse with code 'WH-NOWHERE' does not exist"),
        ("10", f"The offer '{plain['shop_sku']}' is listed twice for no warehouse"),
        ("11", f"The offer '{split['shop_sku']}' mixes a global quantity and warehouse quantities"),
        ("12", "Invalid update-delete value 'replace'"),
        ("13", "The column 'quantity' is required"),
    ]
    assert rows[1][2:] == ["UNKNOWN-SKU", "1", "", ""]


def test_changed_offers_show_in_of21_and_the_offer_export(demo, upload, status, call, http):
    demo.import_settings.pending_polls = 0
    offer = _offers(demo, 1)[0]
    demo.clock.advance(minutes=5)
    _import_id = _import(demo, upload, f"{HEADER}{offer['shop_sku']};0;;\n")
    status(demo, _import_id)
    listed = call(demo, "/api/offers", key=DEMO_SHOP_KEY, sku=offer["shop_sku"]).json()
    assert listed["offers"][0]["quantity"] == 0
    assert listed["offers"][0]["active"] is False
    assert listed["offers"][0]["inactivity_reasons"] == ["ZERO_QUANTITY"]
    assert demo.shop(2001).offer_dates(offer["offer_id"])[1] == NOW + timedelta(minutes=5)
    headers = {"Authorization": DEMO_SHOP_KEY}
    body = {"export_type": "application/json", "last_request_date": format_datetime(NOW)}
    demo.offer_export_settings.pending_polls = 0
    tracking = http.post(f"{demo.url}/api/offers/export/async", json=body, headers=headers)
    state = call(
        demo, f"/api/offers/export/async/status/{tracking.json()['tracking_id']}", DEMO_SHOP_KEY
    )
    [url] = state.json()["urls"]
    exported = http.get(url, headers=headers).json()
    assert [(o["shop_sku"], o["quantity"], o["last_updated"]) for o in exported] == [
        (offer["shop_sku"], 0, "2026-03-02T12:05:00Z")
    ]


def test_generated_offers_take_stock_by_sku(demo, upload, status):
    demo.import_settings.pending_polls = 0
    catalogue = demo.add_generated_offers(2001, 1000, seed=3)
    content = f"{HEADER}{catalogue.shop_sku(5)};77;;\n{catalogue.shop_sku(1000)};1;;\n"
    done = status(demo, _import(demo, upload, content))
    assert (done["lines_in_success"], done["lines_in_error"]) == (1, 1)
    assert catalogue.offer(5)["quantity"] == 77
    assert catalogue.last_updated(5) == NOW
    assert catalogue.last_updated(6) == catalogue.created_at


@pytest.mark.parametrize(
    "content",
    [
        "offer-sku;warehouse-code\nX;\n",  # no quantity column
        "offer-sku;quantity;price\nX;1;2\n",  # not a stock column
        b"offer-sku;quantity\n\xff\xfe;1\n",  # not UTF-8
    ],
)
def test_unusable_files_fail(demo, upload, status, call, content):
    demo.import_settings.pending_polls = 0
    import_id = _import(demo, upload, content)
    done = status(demo, import_id)
    assert (done["status"], done["has_error_report"]) == ("FAILED", False)
    report = call(demo, f"{STOCK}/{import_id}/error_report", key=DEMO_SHOP_KEY)
    assert report.status_code == 404


def test_fail_next_fails_one_import(demo, upload, status):
    demo.import_settings.pending_polls = 0
    demo.import_settings.fail_next = "Internal error"
    offer = _offers(demo, 1)[0]
    before = offer["quantity"]
    failed = _import(demo, upload, f"{HEADER}{offer['shop_sku']};{before + 1};;\n")
    assert status(demo, failed)["status"] == "FAILED"
    assert offer["quantity"] == before
    assert demo.import_settings.fail_next is None
    assert status(demo, _import(demo, upload, f"{HEADER}{offer['shop_sku']};1;;\n"))["status"] == (
        "COMPLETE"
    )


def test_upload_refusals(demo, upload, http):
    headers = {"Authorization": DEMO_SHOP_KEY}
    not_multipart = http.post(demo.url + STOCK, data=HEADER, headers=headers)
    assert not_multipart.status_code == 400
    assert "not a multipart request" in not_multipart.json()["message"]
    other_part = http.post(demo.url + STOCK, files={"stock": ("s.csv", HEADER)}, headers=headers)
    assert other_part.status_code == 400
    assert upload(demo, STOCK, b"", key=DEMO_SHOP_KEY).status_code == 400
    assert demo.stock_imports == {}


def test_imports_of_another_shop_are_unknown(demo, upload, call):
    import_id = _import(demo, upload, f"{HEADER}X;1;;\n")
    path = f"{STOCK}/{import_id}/status"
    assert call(demo, path, key=DEMO_MULTI_KEY, shop_id=2002).status_code == 404
    assert call(demo, f"{STOCK}/{uuid.uuid4()}/status", key=DEMO_SHOP_KEY).status_code == 404
    assert call(demo, path, key=DEMO_MULTI_KEY).status_code == 200  # default shop 2001


def test_once_a_minute_limit_is_optional(demo, upload):
    content = f"{HEADER}X;1;;\n"
    assert upload(demo, STOCK, content, key=DEMO_SHOP_KEY).status_code == 201
    assert upload(demo, STOCK, content, key=DEMO_SHOP_KEY).status_code == 201  # off by default
    demo.import_settings.rate_limit = True
    refused = upload(demo, STOCK, content, key=DEMO_SHOP_KEY)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    assert "once every 60 seconds" in refused.json()["message"]
    demo.clock.advance(seconds=45)
    assert upload(demo, STOCK, content, key=DEMO_SHOP_KEY).headers["Retry-After"] == "15"
    # another kind and another shop have their own minute
    prices = upload(demo, "/api/offers/pricing/imports", "offer-sku;price\n", key=DEMO_SHOP_KEY)
    assert prices.status_code == 201
    other_shop = upload(demo, f"{STOCK}?shop_id=2002", content, key=DEMO_MULTI_KEY)
    assert other_shop.status_code == 201
    demo.clock.advance(seconds=15)
    assert upload(demo, STOCK, content, key=DEMO_SHOP_KEY).status_code == 201
    assert len(demo.stock_imports) == 4


def test_operators_without_the_stock_api(demo, upload, call):
    import_id = _import(demo, upload, f"{HEADER}X;1;;\n")
    demo.import_settings.stock_api = False
    refused = upload(demo, STOCK, f"{HEADER}X;1;;\n", key=DEMO_SHOP_KEY)
    assert refused.status_code == 404
    assert "stock import API is not enabled" in refused.json()["message"]
    assert call(demo, f"{STOCK}/{import_id}/status", key=DEMO_SHOP_KEY).status_code == 404
    assert call(demo, f"{STOCK}/{import_id}/error_report", key=DEMO_SHOP_KEY).status_code == 404
