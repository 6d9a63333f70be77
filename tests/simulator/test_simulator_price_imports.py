"""PRI01 -> PRI02 -> PRI03 over HTTP: every price of an offer replaced (default, discount,
channels, volume ranges), offers imported whole or not at all, realistic row errors, and the
PRI02 list with its filters and paging."""

import csv
import io
from datetime import UTC, datetime

import pytest

from mirakl_simulator.demo import DEMO_SHOP_KEY

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
PRICES = "/api/offers/pricing/imports"
HEADER = "offer-sku;price;discount-price;discount-start-date;discount-end-date;channels"


@pytest.fixture
def demo(fresh_demo_sim):
    """The demo operator (channel pricing SINGLE), imports complete at the first poll."""
    fresh_demo_sim.clock.freeze(NOW)
    fresh_demo_sim.import_settings.pending_polls = 0
    return fresh_demo_sim


@pytest.fixture
def run(upload, call):
    """``run(sim, content, key=DEMO_SHOP_KEY)`` -> the PRI02 entry of the finished import."""

    def _run(sim, content, key=DEMO_SHOP_KEY, **query):
        response = upload(sim, PRICES, content, key=key)
        assert response.status_code == 201, response.text
        import_id = response.json()["import_id"]
        listed = call(sim, PRICES, key=key, import_id=import_id, **query)
        assert listed.status_code == 200, listed.text
        [entry] = listed.json()["data"]
        return entry

    return _run


def _offer(sim, index):
    return sim.shop(2001).offers[index]


def _report(call, sim, import_id):
    response = call(sim, f"{PRICES}/{import_id}/error_report", key=DEMO_SHOP_KEY)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.text), delimiter=";"))


def test_prices_replace_every_price_of_the_offer(demo, run, call):
    offer = next(o for o in demo.shop(2001).offers if len(o["all_prices"]) > 1)  # has WEB_DE
    sku = offer["shop_sku"]
    content = (
        f"{HEADER}\n{sku};20.00;17.5;2026-03-01T00:00:00Z;2026-04-01T00:00:00Z;\n"
        f"{sku};22;;;;WEB_FR|APP\n"
    )
    entry = run(demo, content)
    assert (entry["status"], entry["offers_updated"], entry["lines_in_success"]) == (
        "COMPLETE",
        1,
        2,
    )
    assert offer["price"] == 17.5  # the discount is running
    assert offer["applicable_pricing"]["unit_origin_price"] == 20.0
    assert offer["total_price"] == round(17.5 + offer["min_shipping_price"], 2)
    assert [p.get("context") for p in offer["all_prices"]] == [
        None,
        {"channel_codes": ["WEB_FR", "APP"]},
    ]  # the WEB_DE price is gone: PRI01 deletes what it is not given
    default = offer["all_prices"][0]
    assert (default["discount_start_date"], default["discount_end_date"]) == (
        "2026-03-01T00:00:00Z",
        "2026-04-01T00:00:00Z",
    )
    fr = call(demo, "/api/offers", key=DEMO_SHOP_KEY, sku=sku, pricing_channel_code="WEB_FR")
    assert fr.json()["offers"][0]["price"] == 22
    assert demo.shop(2001).offer_dates(offer["offer_id"])[1] == NOW


def test_a_future_discount_does_not_apply_yet(demo, run):
    offer = _offer(demo, 1)
    content = f"{HEADER}\n{offer['shop_sku']};30;25;2026-05-01T00:00:00+02:00;;\n"
    assert run(demo, content)["offers_updated"] == 1
    assert offer["price"] == 30
    assert offer["all_prices"][0]["unit_discount_price"] == 25
    assert offer["all_prices"][0]["discount_start_date"] == "2026-04-30T22:00:00Z"


def test_an_offer_with_one_bad_price_keeps_all_its_prices(demo, run, call):
    bad, good = _offer(demo, 1), _offer(demo, 2)
    before = [dict(p) for p in bad["all_prices"]]
    content = (
        f"{HEADER}\n{bad['shop_sku']};10;;;;\n{good['shop_sku']};11;;;;\n"
        f"{bad['shop_sku']};12;12;;;WEB_DE\n"
    )
    entry = run(demo, content)
    assert {k: entry[k] for k in ("lines_in_success", "lines_in_error")} == {
        "lines_in_success": 1,
        "lines_in_error": 2,
    }
    assert (entry["offers_updated"], entry["offers_in_error"]) == (1, 1)
    assert entry["has_error_report"] is True
    assert entry["reason_status"] == "The import is complete with 2 line(s) in error"
    assert bad["all_prices"] == before
    assert good["price"] == 11
    rows = _report(call, demo, entry["import_id"])
    assert rows[0] == ["error-line", "error-message", *HEADER.split(";")]
    assert [(row[0], row[1], row[2]) for row in rows[1:]] == [
        (
            "2",
            f"Not imported: another price of the offer '{bad['shop_sku']}' is in error",
            bad["shop_sku"],
        ),
        ("4", "The discount price must be lower than the price", bad["shop_sku"]),
    ]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["{sku};10,50;;;;"], "The value '10,50' of 'price' is not a valid number"),
        (["{sku};10.505;;;;"], "The value '10.505' of 'price' has more than 2 decimals"),
        (["{sku};0;;;;"], "The value of 'price' must be greater than 0"),
        (["{sku};;;;;"], "The column 'price' is required"),
        (["{sku};10;;2026-01-01T00:00:00Z;;"], "Discount dates need a discount price"),
        (
            ["{sku};10;9;2026-02-01T00:00:00Z;2026-01-01T00:00:00Z;"],
            "The discount end date must be after its start date",
        ),
        (["{sku};10;;yesterday;;"], "The value 'yesterday' of 'discount-start-date' is not"),
        (["{sku};10;;;;WEB_XX"], "The channel 'WEB_XX' does not exist"),
        (["{sku};10;;;;WEB_FR"], "The offer needs a default price"),
        (["{sku};10;;;;", "{sku};11;;;;"], "The offer already has a price for this context"),
        (
            ["{sku};10;;;;", "{sku};11;;;;WEB_FR|APP", "{sku};12;;;;APP"],
            "The offer already has a price for the channel 'APP'",
        ),
        (["UNKNOWN;10;;;;"], "The offer with SKU 'UNKNOWN' does not exist"),
    ],
)
def test_row_errors(demo, run, call, lines, message):
    sku = _offer(demo, 1)["shop_sku"]
    content = HEADER + "\n" + "\n".join(line.format(sku=sku) for line in lines) + "\n"
    entry = run(demo, content)
    assert entry["offers_updated"] == 0
    messages = [row[1] for row in _report(call, demo, entry["import_id"])[1:]]
    assert any(text.startswith(message) for text in messages), messages


def test_features_the_platform_lacks_are_refused(demo, run, call):
    sku = _offer(demo, 1)["shop_sku"]
    pricing = demo.platform_configuration["features"]["pricing"]
    cases = [
        ("offer-sku;price;price-ranges", f"{sku};10;1|10,5|9", "Volume pricing is not enabled"),
        ("offer-sku;price;start-date", f"{sku};10;2026-01-01T00:00:00Z", "Scheduled pricing"),
        ("offer-sku;price;channels", f"{sku};10;", None),
    ]
    pricing["channel_pricing"] = "DISABLED"
    cases.append(("offer-sku;price;channels", f"{sku};9;\n{sku};10;APP", "Channel pricing"))
    for header, line, message in cases:
        entry = run(demo, f"{header}\n{line}\n")
        if message is None:
            assert entry["lines_in_error"] == 0
        else:
            rows = _report(call, demo, entry["import_id"])
            assert message in rows[-1][1]


def test_volume_prices_when_enabled(demo, run):
    demo.platform_configuration["features"]["pricing"].update(
        volume_pricing=True, volume_discount=True
    )
    offer = _offer(demo, 1)
    header = "offer-sku;price;price-ranges;discount-price;discount-ranges"
    entry = run(demo, f"{header}\n{offer['shop_sku']};20;1|20,10|15;18;1|18,10|12\n")
    assert entry["offers_updated"] == 1
    assert offer["all_prices"][0]["volume_prices"] == [
        {"quantity_threshold": 1, "price": 18, "unit_origin_price": 20, "unit_discount_price": 18},
        {"quantity_threshold": 10, "price": 12, "unit_origin_price": 15, "unit_discount_price": 12},
    ]


@pytest.mark.parametrize(
    "header", ["offer-sku;discount-price", "offer-sku;price;price-type", "sku;price"]
)
def test_unusable_files_fail_with_a_reason(demo, run, header):
    entry = run(demo, f"{header}\nX;1\n")
    assert entry["status"] == "FAILED"
    assert entry["has_error_report"] is False
    assert entry["reason_status"].startswith(("Missing required column", "Unknown column"))


def test_price_import_list_filters_and_pages(demo, upload, call):
    demo.import_settings.pending_polls = 1
    sku = _offer(demo, 1)["shop_sku"]
    ids = []
    for minute in range(3):
        response = upload(demo, PRICES, f"offer-sku;price\n{sku};{10 + minute}\n", DEMO_SHOP_KEY)
        ids.append(response.json()["import_id"])
        demo.clock.advance(minutes=1)
    page = call(demo, PRICES, key=DEMO_SHOP_KEY, limit=2).json()
    assert [entry["import_id"] for entry in page["data"]] == ids[:0:-1]  # newest first
    assert {entry["status"] for entry in page["data"]} == {"WAITING"}
    rest = call(demo, PRICES, key=DEMO_SHOP_KEY, page_token=page["next_page_token"]).json()
    assert [entry["import_id"] for entry in rest["data"]] == [ids[0]]
    both = call(demo, f"{PRICES}?import_id={ids[0]}&import_id={ids[2]}", key=DEMO_SHOP_KEY)
    assert {entry["import_id"] for entry in both.json()["data"]} == {ids[0], ids[2]}
    complete = call(demo, PRICES, key=DEMO_SHOP_KEY, status="COMPLETE").json()["data"]
    assert {entry["import_id"] for entry in complete} == set(ids)  # every list call polls
    assert call(demo, PRICES, key=DEMO_SHOP_KEY, status="WAITING").json()["data"] == []
    assert call(demo, PRICES, key=DEMO_SHOP_KEY, start_date="soon").status_code == 400
    assert call(demo, PRICES, key=DEMO_SHOP_KEY, origins="FTP").json()["data"] == []
    assert _offer(demo, 1)["price"] == 12  # applied oldest first
    assert call(demo, f"{PRICES}/{ids[0]}/error_report", key=DEMO_SHOP_KEY).status_code == 404
