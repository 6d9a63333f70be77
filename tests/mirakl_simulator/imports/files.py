"""The uploaded file of an import: its multipart envelope and its CSV rows, and the error report
written back.

Mirakl import files are UTF-8 CSV with a header row, ``;`` between values and optional ``"``
quoting. The error report echoes the rejected rows with ``error-line`` (the row's line in the
file, the header being line 1) and ``error-message``: after the input columns for OF03 (spec
example), before them for STO03/PRI03 ("the first column contains the line number in error, the
second column contains the error reason").
"""

import csv
import io
from dataclasses import dataclass
from email.message import Message

from ..errors import bad_request

ERROR_COLUMNS = ("error-line", "error-message")


class FileRejected(Exception):
    """The whole file is unusable: the import ends FAILED with this reason."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Part:
    """One part of a multipart/form-data body."""

    name: str
    filename: str
    content_type: str
    content: bytes

    @property
    def text(self):
        return self.content.decode("utf-8", "replace")


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its ``line`` in the file and its values as sent; ``positions`` (shared by
    the rows of a file) maps column names to positions, so 100,000 rows stay small."""

    line: int
    raw: tuple
    positions: dict

    def get(self, column):
        """The stripped value of ``column`` ("" when absent or empty)."""
        position = self.positions.get(column)
        if position is None or position >= len(self.raw):
            return ""
        return self.raw[position].strip()

    @property
    def values(self):
        """``{column: value}`` as sent."""
        return {c: self.raw[p] for c, p in self.positions.items() if p < len(self.raw)}


def _header_params(raw):
    message = Message()
    message["content-type"] = raw
    return message


def parse_multipart(content_type, body):
    """``{name: Part}`` of a multipart/form-data body; 400 for any other kind of body. A name
    sent several times keeps its last part: ``parse_parts`` has them all."""
    return {part.name: part for part in parse_parts(content_type, body)}


def parse_parts(content_type, body):
    """Every named ``Part`` of a multipart/form-data body, in order (repeated names, such as
    the ``files`` of a message, included); 400 for any other kind of body."""
    if not (content_type or "").lower().startswith("multipart/form-data"):
        raise bad_request("Current request is not a multipart request")
    boundary = _header_params(content_type).get_param("boundary")
    if not boundary:
        raise bad_request("Malformed multipart request: no boundary")
    parts = []
    for chunk in body.split(b"--" + boundary.encode())[1:]:
        if chunk.startswith(b"--"):
            break  # the closing delimiter
        head, separator, content = chunk.partition(b"\r\n\r\n")
        if not separator:
            raise bad_request("Malformed multipart request: a part has no headers")
        headers = {}
        for line in head.decode("utf-8", "replace").strip().split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        disposition = _header_params(f"form-data; {headers.get('content-disposition', '')}")
        name = disposition.get_param("name")
        if name:
            parts.append(
                Part(
                    name,
                    disposition.get_param("filename"),
                    headers.get("content-type", "text/plain"),
                    content.removesuffix(b"\r\n"),
                )
            )
    return parts


def read_rows(content):
    """``(columns, rows)`` of a CSV import file; FileRejected when it cannot be read at all.

    Blank lines are skipped; a row with another number of values than the header is kept as
    sent (missing values read as empty).
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRejected("The file is not encoded in UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        columns = tuple(name.strip() for name in next(reader, ()))
        if not any(columns):
            raise FileRejected("The file is empty: a header row is required")
        positions = {column: position for position, column in enumerate(columns)}
        rows = []
        for record in reader:
            if any(value.strip() for value in record):
                rows.append(Row(len(rows) + 2, tuple(record), positions))
    except csv.Error as error:
        raise FileRejected(f"The file is not a valid CSV file: {error}") from None
    return columns, rows


def check_columns(columns, required, known):
    """FileRejected when a required column is missing, a column is repeated or unknown;
    ``known(column)`` says whether a column name is understood."""
    missing = [column for column in required if column not in columns]
    if missing:
        raise FileRejected(f"Missing required column(s): {', '.join(missing)}")
    repeated = sorted({column for column in columns if columns.count(column) > 1})
    if repeated:
        raise FileRejected(f"Duplicate column(s): {', '.join(repeated)}")
    unknown = [column for column in columns if not known(column)]
    if unknown:
        raise FileRejected(f"Unknown column(s): {', '.join(unknown)}")


def error_report(columns, failures, errors_first):
    """The error report of ``failures`` (``[(Row, message)]``), every value quoted like
    Mirakl's OF03 example."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    header = list(columns)
    writer.writerow([*ERROR_COLUMNS, *header] if errors_first else [*header, *ERROR_COLUMNS])
    for row, message in failures:
        values = [*row.raw, *[""] * (len(header) - len(row.raw))]
        error = [str(row.line), message]
        writer.writerow([*error, *values] if errors_first else [*values, *error])
    return out.getvalue().encode("utf-8")
