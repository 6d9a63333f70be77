"""OF01 -> OF02 -> OF03 over HTTP: NORMAL updates that reset what the file leaves out, offer
creation from a known product, deletions, REPLACE, channel prices and custom fields, the OF04
history kept in step, duplicate uploads, and OF03's error report."""

import csv
import io
from datetime import UTC, datetime

import pytest

from mirakl_simulator.demo import DEMO_MULTI_KEY, DEMO_SHOP_KEY

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
OFFERS = "/api/offers/imports"
HEADER = "sku;product-id;product-id-type;price;quantity;state"


@pytest.fixture
def demo(fresh_demo_sim):
    fresh_demo_sim.clock.freeze(NOW)
    fresh_demo_sim.import_settings.pending_polls = 0
    return fresh_demo_sim


@pytest.fixture
def run(upload, call):
    """``run(sim, content, mode="NORMAL", key=DEMO_SHOP_KEY)`` -> the OF02 body once finished."""

    def _run(sim, content, mode="NORMAL", key=DEMO_SHOP_KEY, **query):
        path = f"{OFFERS}?shop_id={query['shop_id']}" if "shop_id" in query else OFFERS
        response = upload(sim, path, content, key=key, import_mode=mode)
        assert response.status_code == 201, response.text
        import_id = response.json()["import_id"]
        assert isinstance(import_id, int)
        status = call(sim, f"{OFFERS}/{import_id}", key=key, **query)
        assert status.status_code == 200, status.text
        return status.json()

    return _run


def _line(offer, **values):
    row = {
        "sku": offer["shop_sku"],
        "product-id": offer["product_sku"],
        "product-id-type": "SKU",
        "price": "19.90",
        "quantity": "5",
        "state": "11",
    }
    row.update(values)
    return ";".join(row.values())


def _find(sim, sku, shop_id=2001):
    return next((o for o in sim.shop(shop_id).offers if o["shop_sku"] == sku), None)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "import_mode is required"),
        ({"import_mode": "PARTIAL_UPDATE"}, "PARTIAL_UPDATE is deprecated"),
        ({"import_mode": "MERGE"}, "must be one of NORMAL, REPLACE"),
        ({"import_mode": "NORMAL", "with_products": "true"}, "with products are not simulated"),
    ],
)
def test_upload_refusals(demo, upload, fields, message):
    response = upload(demo, OFFERS, f"{HEADER}\n", key=DEMO_SHOP_KEY, **fields)
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_json_quoted_import_mode_is_accepted(demo, upload):
    """The spec's curl example sends `import_mode="\\"NORMAL\\""`."""
    response = upload(demo, OFFERS, f"{HEADER}\n", key=DEMO_SHOP_KEY, import_mode='"NORMAL"')
    assert response.status_code == 201


def test_normal_update_resets_what_the_file_leaves_out(demo, run):
    offer = next(o for o in demo.shop(2001).offers if "discount_start_date" in o["all_prices"][0])
    assert offer["description"] and offer["min_quantity_alert"] == 2
    status = run(demo, f"{HEADER}\n{_line(offer)}\n")
    assert {k: status[k] for k in ("status", "mode", "offer_updated", "lines_in_success")} == {
        "status": "COMPLETE",
        "mode": "NORMAL",
        "offer_updated": 1,
        "lines_in_success": 1,
    }
    updated = _find(demo, offer["shop_sku"])
    assert updated["offer_id"] == offer["offer_id"]
    assert (updated["quantity"], updated["price"], updated["description"]) == (5, 19.9, "")
    assert updated["min_quantity_alert"] == 0
    assert [p.get("unit_discount_price") for p in updated["all_prices"]] == [None]
    assert updated["product_title"] == offer["product_title"]  # product data stays
    assert demo.shop(2001).offer_dates(offer["offer_id"])[1] == NOW


def test_new_offers_need_a_known_product(demo, run, call):
    source = demo.shop(2001).offers[3]
    reference = source["product_references"][0]
    new = f"NEW-1;{reference['reference']};{reference['reference_type']};12.50;3;11"
    unknown = "NEW-2;0000000000000;EAN;12.50;3;11"
    status = run(demo, f"{HEADER}\n{new}\n{unknown}\n")
    assert (status["offer_inserted"], status["lines_in_error"]) == (1, 1)
    created = _find(demo, "NEW-1")
    assert created["product_sku"] == source["product_sku"]
    assert created["offer_id"] not in {o["offer_id"] for o in demo.shop(2001).offers[:-1]}
    assert (created["quantity"], created["active"], created["state_code"]) == (3, True, "11")
    listed = call(demo, "/api/offers", key=DEMO_SHOP_KEY, sku="NEW-1").json()
    assert listed["total_count"] == 1
    report = call(demo, f"{OFFERS}/{status['import_id']}/error_report", key=DEMO_SHOP_KEY)
    assert report.status_code == 200
    assert report.headers["Content-Type"] == "application/octet-stream"
    rows = list(csv.reader(io.StringIO(report.text), delimiter=";"))
    assert rows == [
        [*HEADER.split(";"), "error-line", "error-message"],
        [*unknown.split(";"), "3", "The product does not exist"],
    ]
    assert report.text.splitlines()[1].endswith('"3";"The product does not exist"')


def test_delete_lines(demo, run):
    offer = demo.shop(2001).offers[4]
    header = "sku;update-delete"
    status = run(demo, f"{header}\n{offer['shop_sku']};delete\nNOPE;delete\n")
    assert (status["offer_deleted"], status["lines_in_error"]) == (1, 1)
    assert _find(demo, offer["shop_sku"]) is None
    assert offer["offer_id"] in demo.shop(2001).deleted_offers


def test_replace_deletes_the_offers_the_file_does_not_list(demo, run):
    shop = demo.shop(2002)
    keep = shop.offers[0]
    count = len(shop.offers)
    status = run(demo, f"{HEADER}\n{_line(keep)}\n", "REPLACE", DEMO_MULTI_KEY, shop_id=2002)
    assert (status["mode"], status["offer_updated"], status["offer_deleted"]) == (
        "REPLACE",
        1,
        count - 1,
    )
    assert [o["shop_sku"] for o in shop.offers] == [keep["shop_sku"]]
    assert len(demo.shop(2001).offers) > 200  # the other shop is untouched


def test_channel_prices_and_custom_fields(demo, run):
    offer = demo.shop(2001).offers[6]
    channel = "price[channel=WEB_DE];discount-price[channel=WEB_DE]"
    header = f"{HEADER};{channel};warranty;leadtime-to-ship"
    status = run(demo, f"{header}\n{_line(offer)};21;20;2Y;4\n")
    assert status["lines_in_error"] == 0, status
    updated = _find(demo, offer["shop_sku"])
    assert [p.get("context") for p in updated["all_prices"]] == [
        None,
        {"channel_codes": ["WEB_DE"]},
    ]
    assert updated["all_prices"][1]["price"] == 20
    assert updated["offer_additional_fields"] == [
        {"code": "warranty", "type": "LIST", "value": "2Y"}
    ]
    assert updated["leadtime_to_ship"] == 4
    assert updated["shipping_deadline"] == "2026-03-06T12:00:00Z"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"state": "99"}, "The offer state '99' does not exist"),
        ({"state": ""}, "The column 'state' is required"),
        ({"quantity": "-2"}, "The value of 'quantity' must be greater than or equal to 0"),
        ({"price": "abc"}, "The value 'abc' of 'price' is not a valid number"),
        ({"product-id-type": "", "sku": "BRAND-NEW"}, "The column 'product-id-type' is required"),
    ],
)
def test_row_errors(demo, run, call, values, message):
    offer = demo.shop(2001).offers[1]
    status = run(demo, f"{HEADER}\n{_line(offer, **values)}\n")
    assert status["lines_in_error"] == 1
    report = call(demo, f"{OFFERS}/{status['import_id']}/error_report", key=DEMO_SHOP_KEY)
    assert report.text.splitlines()[1].endswith(f'"2";"{message}"')


def test_a_sku_listed_twice_is_refused_the_second_time(demo, run):
    offer = demo.shop(2001).offers[1]
    status = run(demo, f"{HEADER}\n{_line(offer)}\n{_line(offer, quantity='9')}\n")
    assert (status["offer_updated"], status["lines_in_error"]) == (1, 1)
    assert _find(demo, offer["shop_sku"])["quantity"] == 5


def test_unknown_columns_fail_the_import(demo, run, call):
    status = run(demo, "sku;colour\nX;red\n")
    assert status["status"] == "FAILED"
    assert status["reason_status"] == "Unknown column(s): colour"
    report = call(demo, f"{OFFERS}/{status['import_id']}/error_report", key=DEMO_SHOP_KEY)
    assert report.status_code == 404


def test_status_and_history_follow_simulated_time(demo, upload, call):
    demo.import_settings.pending_seconds = 120
    content = f"{HEADER}\n{_line(demo.shop(2001).offers[1])}\n"
    response = upload(demo, OFFERS, content, DEMO_SHOP_KEY, import_mode="NORMAL")
    import_id = response.json()["import_id"]
    again = upload(demo, OFFERS, content, DEMO_SHOP_KEY, import_mode="NORMAL")
    assert again.json()["import_id"] == import_id  # a duplicate of a running import
    assert len(demo.offer_imports) == 1

    def history():
        rows = call(demo, OFFERS, key=DEMO_SHOP_KEY, limit=1).json()["data"]
        return rows[0]["import_id"], rows[0]["status"]

    assert history() == (import_id, "WAITING")
    demo.clock.advance(seconds=60)
    assert history() == (import_id, "RUNNING")
    demo.clock.advance(seconds=60)
    assert history() == (import_id, "COMPLETE")
    status = call(demo, f"{OFFERS}/{import_id}", key=DEMO_SHOP_KEY).json()
    assert (status["status"], status["offer_updated"], status["type"]) == ("COMPLETE", 1, "AUTO")
    demo.clock.advance(minutes=1)
    later = upload(demo, OFFERS, content, DEMO_SHOP_KEY, import_mode="NORMAL")
    assert later.json()["import_id"] != import_id
    assert call(demo, f"{OFFERS}/abc", key=DEMO_SHOP_KEY).status_code == 400
    assert call(demo, f"{OFFERS}/1", key=DEMO_SHOP_KEY).status_code == 404
