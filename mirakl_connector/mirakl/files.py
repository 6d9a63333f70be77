"""CSV files of Mirakl imports (STO01 stock, PRI01 prices, OF01 offers) and their error reports.

Pure and streaming: writers take any iterable of rows and write them one by one to a binary file
object (a BytesIO by default, a temporary file for 100,000 listings), so memory does not grow
with the catalogue; the error-report reader yields one line at a time.

The dialect is the one of Mirakl's examples: UTF-8, a header row, `;` between values, `"`
quoting only where needed, `.` as decimal point (never the locale's), UTC dates with a Z,
`true`/`false`, lists joined with `|` and volume ranges as `quantity|price,quantity|price`.

Error reports echo the rejected rows with two extra columns, `error-line` (the row's line in
the uploaded file, the header being line 1) and `error-message`: after the input columns for
OF03, before them for STO03/PRI03. The reader finds them by name, wherever they are.
"""

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

DELIMITER = ";"
STOCK_COLUMNS = ("offer-sku", "quantity", "warehouse-code", "update-delete")
PRICE_COLUMNS = ("offer-sku", "price", "discount-price", "discount-start-date", "discount-end-date")
PRICE_CHANNEL_COLUMNS = ("channels",)  # channel pricing: `|`-separated codes, empty = default
PRICE_VOLUME_COLUMNS = ("price-ranges", "discount-ranges")  # volume pricing
PRICE_SCHEDULE_COLUMNS = ("start-date", "end-date")  # scheduled pricing
# What an OF01 update must carry so nothing is reset: NORMAL mode empties absent columns.
OFFER_COLUMNS = (
    "sku",
    "product-id",
    "product-id-type",
    "description",
    "internal-description",
    "price",
    "price-additional-info",
    "quantity",
    "min-quantity-alert",
    "state",
    "available-start-date",
    "available-end-date",
    "discount-price",
    "discount-start-date",
    "discount-end-date",
    "leadtime-to-ship",
    "min-order-quantity",
    "max-order-quantity",
    "package-quantity",
    "logistic-class",
    "update-delete",
)
OFFER_CHANNEL_PRICE_FIELDS = (
    "price",
    "discount-price",
    "discount-start-date",
    "discount-end-date",
)
ERROR_LINE = "error-line"
ERROR_MESSAGE = "error-message"


def offer_channel_columns(channel_code):
    """The OF01 price columns of one channel: `price[channel=FR]`, `discount-price[...]`..."""
    return tuple(f"{name}[channel={channel_code}]" for name in OFFER_CHANNEL_PRICE_FIELDS)


def format_value(value):
    """One CSV value as Mirakl reads it (see the module docstring); None is empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        value = Decimal(repr(value))  # the shortest repr: 0.1 stays 0.1
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        if value.tzinfo is None:  # Odoo datetimes are naive UTC
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(item, (list, tuple)) and len(item) == 2 for item in value):
            return ",".join(f"{format_value(q)}|{format_value(p)}" for q, p in value)
        return "|".join(format_value(item) for item in value)
    return str(value)


def _cells(row, columns):
    """The values of `row` (a mapping by column name, or a sequence in column order)."""
    if isinstance(row, Mapping):
        unknown = set(row) - set(columns)
        if unknown:
            raise ValueError(f"unknown column(s) {sorted(unknown)}; the file has {list(columns)}")
        return [format_value(row.get(column)) for column in columns]
    values = list(row)
    if len(values) > len(columns):
        raise ValueError(f"row {values!r} has more values than the columns {list(columns)}")
    return [format_value(value) for value in values] + [""] * (len(columns) - len(values))


def write_csv(rows, columns, target=None, check=None):
    """Write a header and `rows` to `target` (a binary file object; a new BytesIO by default)
    and return it rewound, ready to upload. `check(cells)`, when given, validates each row's
    formatted values by column and raises ValueError."""
    target = io.BytesIO() if target is None else target
    text = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=True)
    try:
        writer = csv.writer(text, delimiter=DELIMITER, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            cells = _cells(row, columns)
            if check is not None:
                check(dict(zip(columns, cells, strict=True)))
            writer.writerow(cells)
        text.flush()
    finally:
        text.detach()  # leave the target open for the caller
    target.seek(0)
    return target


def _require(cells, column):
    if not cells[column]:
        raise ValueError(f"every row needs a {column!r}")


def _check_stock(cells):
    _require(cells, "offer-sku")
    action = cells["update-delete"]
    if action not in ("", "update", "delete"):
        raise ValueError(f"update-delete must be 'update' or 'delete', not {action!r}")
    if action != "delete" and not cells["quantity"].isdigit():
        raise ValueError(f"quantity must be an integer >= 0, not {cells['quantity']!r}")


def write_stock_file(rows, target=None):
    """STO01 file: rows `(offer_sku, quantity[, warehouse_code[, update_delete]])` or mappings
    by column. Quantities are integers >= 0; without warehouse code a quantity is global."""
    return write_csv(rows, STOCK_COLUMNS, target, _check_stock)


def price_columns(channels=False, volume=False, scheduled=False):
    """PRI01 columns: the base ones, plus those of the pricing features the platform has."""
    return (
        PRICE_COLUMNS
        + (PRICE_CHANNEL_COLUMNS if channels else ())
        + (PRICE_VOLUME_COLUMNS if volume else ())
        + (PRICE_SCHEDULE_COLUMNS if scheduled else ())
    )


def _check_price(cells):
    _require(cells, "offer-sku")
    _require(cells, "price")


def write_price_file(rows, target=None, columns=PRICE_COLUMNS):
    """PRI01 file. PRI01 replaces all the prices of each offer it lists, so give every price of
    an offer (default price first, then per channel), on consecutive rows. `columns` from
    `price_columns(...)`; rows are mappings by column or sequences in column order."""
    return write_csv(rows, columns, target, _check_price)


def write_offer_file(rows, columns=OFFER_COLUMNS, target=None):
    """OF01 file: rows are mappings by column (or sequences in column order). In NORMAL mode an
    update resets what the file leaves out, so send complete offers (`OFFER_COLUMNS`, plus
    `offer_channel_columns(code)` per channel and custom field codes)."""
    return write_csv(rows, tuple(columns), target, lambda cells: _require(cells, "sku"))


@dataclass(frozen=True)
class ErrorReportLine:
    """One rejected row: its line in the uploaded file (1 = header), Mirakl's message and the
    row's values by column, as uploaded."""

    line: int | None
    message: str
    values: dict

    @property
    def sku(self):
        """The offer SKU of the row (`offer-sku` in stock and price files, `sku` in offer ones)."""
        return self.values.get("offer-sku") or self.values.get("sku") or None


def _text(data):
    if isinstance(data, bytes):
        return io.StringIO(data.decode("utf-8-sig"), newline="")
    if isinstance(data, str):
        return io.StringIO(data, newline="")
    return io.TextIOWrapper(data, encoding="utf-8-sig", newline="")


def read_error_report(data):
    """Yield the `ErrorReportLine`s of an STO03/PRI03/OF03 report (bytes, text or a binary file
    object). Raise ValueError when it has no `error-message` column."""
    stream = _text(data)
    try:
        yield from _report_lines(stream)
    finally:
        if isinstance(stream, io.TextIOWrapper):
            stream.detach()  # the caller's file stays open


def _report_lines(stream):
    header_line = stream.readline()
    delimiter = "," if header_line.count(",") > header_line.count(";") else ";"
    columns = [name.strip() for name in next(csv.reader([header_line], delimiter=delimiter), [])]
    if ERROR_MESSAGE not in columns:
        raise ValueError(f"not a Mirakl error report: no {ERROR_MESSAGE!r} column in {columns}")
    for record in csv.reader(stream, delimiter=delimiter):
        if not any(value.strip() for value in record):
            continue
        values = dict(zip(columns, record, strict=False))
        line = (values.pop(ERROR_LINE, "") or "").strip()
        message = values.pop(ERROR_MESSAGE, "") or ""
        yield ErrorReportLine(int(line) if line.isdigit() else None, message, values)
