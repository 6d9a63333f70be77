"""`mirakl.files`: the import files the client uploads and the error reports it reads, without
any network."""

import io
import re
import tempfile
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from mirakl import files


def test_values_are_written_the_way_mirakl_reads_them():
    assert files.format_value(None) == ""
    assert files.format_value(True) == "true"
    assert files.format_value(0) == "0"
    assert files.format_value(Decimal("19.90")) == "19.90"
    assert files.format_value(Decimal("1E+1")) == "10"
    assert files.format_value(0.1) == "0.1"
    assert files.format_value(1e-7) == "0.0000001"
    paris = timezone(timedelta(hours=2))
    assert files.format_value(datetime(2026, 3, 2, 14, 0, tzinfo=paris)) == "2026-03-02T12:00:00Z"
    assert files.format_value(datetime(2026, 3, 2, 12, 0)) == "2026-03-02T12:00:00Z"  # naive=UTC
    assert files.format_value(date(2026, 3, 2)) == "2026-03-02"
    assert files.format_value(["WEB_FR", "APP"]) == "WEB_FR|APP"
    assert files.format_value([(1, Decimal("20")), (10, Decimal("15.5"))]) == "1|20,10|15.5"


def test_stock_file():
    rows = [("SKU-1", 5), {"offer-sku": "SKU;2", "quantity": 0, "warehouse-code": "WH-1"}]
    rows.append(("SKU-3", None, "WH-2", "delete"))
    content = files.write_stock_file(rows).read().decode()
    assert content == (
        "offer-sku;quantity;warehouse-code;update-delete\n"
        "SKU-1;5;;\n"
        '"SKU;2";0;WH-1;\n'
        "SKU-3;;WH-2;delete\n"
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("SKU", -1), "quantity must be an integer >= 0"),
        (("SKU", Decimal("1.5")), "quantity must be an integer >= 0"),
        (("SKU",), "quantity must be an integer >= 0"),
        ((None, 1), "every row needs a 'offer-sku'"),
        (("SKU", 1, None, "replace"), "update-delete must be"),
        (("SKU", 1, None, None, "extra"), "more values than the columns"),
        ({"sku": "SKU", "quantity": 1}, "unknown column(s) ['sku']"),
    ],
)
def test_stock_rows_mirakl_would_refuse_raise(row, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        files.write_stock_file([row])


def test_price_file_with_channels():
    columns = files.price_columns(channels=True)
    assert columns == (*files.PRICE_COLUMNS, "channels")
    start = datetime(2026, 3, 1, tzinfo=UTC)
    rows = [
        ("SKU-1", Decimal("20.00"), Decimal("18.00"), start, None, None),
        {"offer-sku": "SKU-1", "price": Decimal("22"), "channels": ["WEB_FR", "APP"]},
    ]
    assert files.write_price_file(rows, columns=columns).read().decode() == (
        "offer-sku;price;discount-price;discount-start-date;discount-end-date;channels\n"
        "SKU-1;20.00;18.00;2026-03-01T00:00:00Z;;\n"
        "SKU-1;22;;;;WEB_FR|APP\n"
    )
    assert files.price_columns(volume=True, scheduled=True)[-4:] == (
        "price-ranges",
        "discount-ranges",
        "start-date",
        "end-date",
    )
    with pytest.raises(ValueError, match="every row needs a 'price'"):
        files.write_price_file([("SKU-1", None)])


def test_offer_file_with_channel_columns():
    columns = (*files.OFFER_COLUMNS, *files.offer_channel_columns("WEB_DE"))
    assert columns[-4:] == (
        "price[channel=WEB_DE]",
        "discount-price[channel=WEB_DE]",
        "discount-start-date[channel=WEB_DE]",
        "discount-end-date[channel=WEB_DE]",
    )
    row = {"sku": "SKU-1", "price": Decimal("9.5"), "quantity": 3, "price[channel=WEB_DE]": 10}
    header, line = files.write_offer_file([row], columns).read().decode().splitlines()
    values = dict(zip(header.split(";"), line.split(";"), strict=True))
    assert (values["sku"], values["price"], values["quantity"]) == ("SKU-1", "9.5", "3")
    assert (values["state"], values["price[channel=WEB_DE]"]) == ("", "10")
    with pytest.raises(ValueError, match="every row needs a 'sku'"):
        files.write_offer_file([{"price": 1}])


def test_writers_stream_to_a_file_and_leave_it_open():
    rows = ((f"SKU-{n}", n) for n in range(10_000))  # a generator: nothing is held
    with tempfile.TemporaryFile() as target:
        assert files.write_stock_file(rows, target) is target
        assert not target.closed
        assert target.tell() == 0
        lines = target.read().decode().splitlines()
    assert len(lines) == 10_001
    assert lines[-1] == "SKU-9999;9999;;"


STOCK_REPORT = (
    '"error-line";"error-message";"offer-sku";"quantity";"warehouse-code";"update-delete"\n'
    '"3";"The offer with SKU \'X\' does not exist";"X";"1";"";""\n'
    '"4";"The value \'-1\' is invalid; expected >= 0";"Y";"-1";"";""\n'
)
OFFER_REPORT = (
    '"sku";"product-id";"price";"error-line";"error-message"\n'
    '"NEW-1";"123";"10.00";"2";"The product does not exist"\n'
)


def test_error_reports_in_both_layouts():
    first, second = files.read_error_report(STOCK_REPORT.encode())
    assert (first.line, first.message, first.sku) == (
        3,
        "The offer with SKU 'X' does not exist",
        "X",
    )
    empty = dict.fromkeys(files.STOCK_COLUMNS, "")
    assert first.values == {**empty, "offer-sku": "X", "quantity": "1"}
    assert second.message == "The value '-1' is invalid; expected >= 0"
    [offer] = files.read_error_report(OFFER_REPORT)
    assert (offer.line, offer.sku, offer.values["price"]) == (2, "NEW-1", "10.00")


def test_error_report_from_a_file_with_a_bom_and_commas():
    source = io.BytesIO(b"\xef\xbb\xbfsku,error-line,error-message\nA,2,Bad price\n\n")
    [line] = files.read_error_report(source)
    assert (line.sku, line.line, line.message) == ("A", 2, "Bad price")
    assert not source.closed


def test_not_an_error_report():
    with pytest.raises(ValueError, match="no 'error-message' column"):
        list(files.read_error_report(b"offer-sku;quantity\nA;1\n"))
