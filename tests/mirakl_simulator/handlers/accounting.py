"""Accounting: IV01 (list accounting documents), IV02 (download one as PDF) and TL02 (list
transaction lines, seek paging up to 2000 a page).

The lines and documents, and the billing cycles that make them, live in
``mirakl_simulator.accounting``; this module only speaks HTTP.
"""

from ..accounting.model import document_pdf
from ..clock import parse_datetime
from ..context import Reply
from ..errors import ApiError, bad_request
from ..paging import offset_page, seek_page
from ..routing import route

DOCUMENT_TYPES = ("ALL", "AUTO_INVOICE", "MANUAL_INVOICE", "MANUAL_CREDIT")
PAYMENT_STATUSES = ("PENDING", "PAID", "FAILED")
TRANSACTION_SORTS = {"dateCreated": "date_created", "lastUpdated": "last_updated"}
MAX_IDS = 100
MAX_TRANSACTION_LIMIT = 2000


def _values(filters, name):
    """Every value of ``name``, repeated or comma-separated; 400 beyond 100."""
    values = [item for raw in filters.get(name, []) for item in raw.split(",") if item]
    if len(values) > MAX_IDS:
        raise bad_request(f"The limit of {MAX_IDS} is exceeded for the parameter : {name}")
    return values


def _value(filters, name, choices=None):
    raw = (filters.get(name) or [""])[0]
    if raw and choices is not None and raw not in choices:
        raise bad_request(f"Invalid value '{raw}' for parameter : {name}")
    return raw or None


def _date(filters, name):
    raw = _value(filters, name)
    try:
        return parse_datetime(raw) if raw else None
    except ValueError:
        raise bad_request(f"Invalid value '{raw}' for parameter : {name}") from None


def _within(value, start, end):
    return (start is None or value >= start) and (end is None or value <= end)


@route("GET", "/api/invoices", op="IV01")
def list_accounting_documents(ctx):
    query = ctx.query
    kind = _value(query, "type", DOCUMENT_TYPES) or "AUTO_INVOICE"
    status = _value(query, "payment_status", PAYMENT_STATUSES)
    currency = _value(query, "currency")
    start, end = _date(query, "start_date"), _date(query, "end_date")
    cycles = set(_values(query, "seller_billing_cycle_id"))
    try:
        invoice_ids = {int(value) for value in _values(query, "invoice_id")}
    except ValueError:
        raise bad_request("Invalid value for parameter : invoice_id") from None
    descending = _value(query, "order", ("asc", "desc")) == "desc"
    documents = [
        document
        for document in ctx.store.accounting.documents_of(ctx.shop.shop_id)
        if kind in ("ALL", document.type)
        and (status is None or document.payment_state == status)
        and (currency is None or document.currency_iso_code == currency)
        and _within(document.date_created, start, end)
        and (not cycles or document.seller_billing_cycle_id in cycles)
        and (not invoice_ids or document.invoice_id in invoice_ids)
    ]
    documents.sort(key=lambda document: document.date_created, reverse=descending)
    page, total = offset_page(documents, query)
    return {"invoices": [document.body() for document in page], "total_count": total}


@route("GET", "/api/invoices/{accounting_document_id}", op="IV02")
def download_accounting_document(ctx):
    raw = ctx.path_params["accounting_document_id"]
    if not raw.isdigit():
        raise bad_request(f"Invalid value '{raw}' for parameter : accounting_document_id")
    document = ctx.store.accounting.document(int(raw), ctx.shop.shop_id)
    if document is None:
        raise ApiError(404, f"The accounting document {raw} does not exist.")
    headers = {"Content-Disposition": f'attachment; filename="invoice-{document.number}.pdf"'}
    return Reply(200, document_pdf(document), "application/octet-stream", headers)


def _sort(filters):
    """TL02 ``sort=criterion[,direction]``: dateCreated (default) or lastUpdated, newest first
    unless ASC."""
    raw = _value(filters, "sort") or "dateCreated"
    criterion, _, direction = raw.partition(",")
    direction = direction or (_value(filters, "order") or "DESC")
    if criterion not in TRANSACTION_SORTS or direction.upper() not in ("ASC", "DESC"):
        raise bad_request(f"Invalid value '{raw}' for parameter : sort")
    return TRANSACTION_SORTS[criterion], direction.upper() == "DESC"


def _matching_lines(lines, filters):
    attribute, descending = _sort(filters)
    updated_from = _date(filters, "last_updated_from")
    created = _date(filters, "date_created_from"), _date(filters, "date_created_to")
    transaction = _date(filters, "transaction_date_from"), _date(filters, "transaction_date_to")
    document_number = _value(filters, "accounting_document_number")
    sets = {
        name: set(_values(filters, name))
        for name in (
            "order_id",
            "order_line_id",
            "payment_state",
            "transaction_type",
            "seller_billing_cycle_id",
        )
    }
    selected = [
        line
        for line in lines
        if (updated_from is None or line.last_updated >= updated_from)
        and _within(line.date_created, *created)
        and _within(line.date_created, *transaction)
        and (document_number is None or line.accounting_document_number == document_number)
        and (not sets["order_id"] or line.order_id in sets["order_id"])
        and (not sets["order_line_id"] or line.order_line_id in sets["order_line_id"])
        and (not sets["payment_state"] or line.payment_state in sets["payment_state"])
        and (not sets["transaction_type"] or line.type in sets["transaction_type"])
        and (
            not sets["seller_billing_cycle_id"]
            or line.seller_billing_cycle_id in sets["seller_billing_cycle_id"]
        )
    ]
    # Equal dates keep the creation order: newest first reverses it too.
    selected.sort(key=lambda line: getattr(line, attribute))
    if descending:
        selected.reverse()
    return [line.body() for line in selected]


@route("GET", "/api/sellerpayment/transactions_logs", op="TL02")
def list_transaction_lines(ctx):
    lines = ctx.store.accounting.lines_of(ctx.shop.shop_id)
    return seek_page(
        ctx.query, lambda filters: _matching_lines(lines, filters), MAX_TRANSACTION_LIMIT
    )
