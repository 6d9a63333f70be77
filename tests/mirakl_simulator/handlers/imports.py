"""File imports over HTTP: stock (STO01 upload, STO02 status, STO03 error report), prices
(PRI01, PRI02, PRI03) and offers (OF01, OF02, OF03).

Uploads are multipart with the file in part ``file`` (OF01 adds ``import_mode``); the state
machine, the rate limit and the checks of each kind live in ``mirakl_simulator.imports``.
Imports driven by simulated time are advanced before every answer.
"""

import uuid

from ..clock import parse_datetime
from ..context import Reply
from ..errors import ApiError, bad_request
from ..imports.files import FileRejected, parse_multipart, read_rows
from ..imports.jobs import OFFERS, PRICES, STOCK, ImportJob
from ..imports.offers import process_offers
from ..imports.prices import process_prices
from ..imports.stock import process_stock
from ..paging import seek_page
from ..routing import route

STOCK_PATH = "/api/offers/stock/imports"
PRICES_PATH = "/api/offers/pricing/imports"
OFFERS_PATH = "/api/offers/imports"
CSV_TYPE = "text/csv;charset=UTF-8"
IMPORT_MODES = ("NORMAL", "REPLACE")


def _imports(ctx):
    imports = ctx.store.imports
    imports.tick(ctx.store.clock.now())
    return imports


def _form_value(part):
    """A text part, plain (``NORMAL``) or JSON-quoted (``"NORMAL"``, the spec's curl example)."""
    return part.text.strip().strip('"') if part is not None else None


def _upload(ctx, kind, import_id, process, mode=None):
    """Check the request, parse the file and register the import."""
    imports, now = _imports(ctx), ctx.store.clock.now()
    parts = parse_multipart(ctx.header("content-type"), ctx.body)
    upload = parts.get("file")
    if upload is None or not upload.content:
        raise bad_request("The request must contain a non-empty file part named 'file'")
    imports.check_rate(kind, ctx.shop.shop_id, now)
    try:
        columns, rows = read_rows(upload.content)
        reason = None
    except FileRejected as error:
        columns, rows, reason = (), [], error.reason
    job = ImportJob(
        kind=kind,
        import_id=import_id,
        shop_id=ctx.shop.shop_id,
        created_at=now,
        file_name=upload.filename,
        content=upload.content,
        columns=columns,
        rows=rows,
        process=process,
        mode=mode,
        reason=reason,
        listing={} if kind == OFFERS else None,
    )
    if job.listing is not None:
        ctx.shop.offer_imports.append(job.listing)
    return imports.add(job, now)


def _created(ctx, job, status_path):
    host = ctx.header("host") or "localhost"
    headers = {"Location": f"http://{host}{status_path}"}
    return Reply(201, {"import_id": job.import_id}, headers=headers)


def _job(ctx, kind, import_id):
    job = _imports(ctx).get(kind, import_id, ctx.shop.shop_id)
    if job is None:
        raise ApiError(404, f"Import {import_id} not found")
    return job


def _report(ctx, kind, import_id, content_type):
    job = _job(ctx, kind, import_id)
    if job.report is None:
        raise ApiError(404, f"Import {import_id} has no error report")
    return Reply(200, job.report, content_type)


# -- stock -----------------------------------------------------------------------------------


def _stock_api(ctx):
    if not ctx.store.imports.settings.stock_api:
        raise ApiError(404, "No endpoint: the stock import API is not enabled on this platform")


@route("POST", STOCK_PATH, op="STO01")
def upload_stock(ctx):
    _stock_api(ctx)
    shop = ctx.shop
    job = _upload(ctx, STOCK, str(uuid.uuid4()), lambda j, now: process_stock(shop, j, now))
    return _created(ctx, job, f"{STOCK_PATH}/{job.import_id}/status")


@route("GET", STOCK_PATH + "/{import_id}/status", op="STO02")
def get_stock_import(ctx):
    _stock_api(ctx)
    job = _job(ctx, STOCK, ctx.path_params["import_id"])
    job.poll(ctx.store.clock.now())
    return job.sto02_body()


@route("GET", STOCK_PATH + "/{import_id}/error_report", op="STO03")
def get_stock_error_report(ctx):
    _stock_api(ctx)
    return _report(ctx, STOCK, ctx.path_params["import_id"], CSV_TYPE)


# -- prices ----------------------------------------------------------------------------------


@route("POST", PRICES_PATH, op="PRI01")
def upload_prices(ctx):
    store, shop = ctx.store, ctx.shop
    job = _upload(
        ctx, PRICES, str(uuid.uuid4()), lambda j, now: process_prices(store, shop, j, now)
    )
    return _created(ctx, job, f"{PRICES_PATH}?import_id={job.import_id}")


def _matching_price_imports(jobs, filters, now):
    """PRI02 filters, newest first; each listed import counts as polled."""

    def values(name):
        return [item for raw in filters.get(name, []) for item in raw.split(",") if item]

    def when(name):
        raw = (filters.get(name) or [""])[0]
        try:
            return parse_datetime(raw) if raw else None
        except ValueError:
            raise bad_request(f"Invalid value '{raw}' for parameter : {name}") from None

    ids, origins = set(values("import_id")), set(values("origins"))
    status = (filters.get("status") or [""])[0]
    start, end = when("start_date"), when("end_date")
    selected = [
        job
        for job in jobs
        if (not ids or job.import_id in ids)
        and (not origins or "API" in origins)
        and (start is None or job.created_at >= start)
        and (end is None or job.created_at <= end)
    ]
    for job in selected:
        job.poll(now)
    selected = [job for job in selected if not status or job.status == status]
    selected.sort(key=lambda job: (job.created_at, job.import_id), reverse=True)
    return [job.pri02_body() for job in selected]


@route("GET", PRICES_PATH, op="PRI02")
def list_price_imports(ctx):
    jobs, now = _imports(ctx).of_shop(PRICES, ctx.shop.shop_id), ctx.store.clock.now()
    return seek_page(ctx.query, lambda filters: _matching_price_imports(jobs, filters, now))


@route("GET", PRICES_PATH + "/{import_id}/error_report", op="PRI03")
def get_price_error_report(ctx):
    return _report(ctx, PRICES, ctx.path_params["import_id"], CSV_TYPE)


# -- offers ----------------------------------------------------------------------------------


def _duplicate(ctx, content, mode):
    """An unfinished OF01 import of the same file and mode: Mirakl returns it again."""
    for job in _imports(ctx).of_shop(OFFERS, ctx.shop.shop_id):
        if not job.final and (job.content, job.mode) == (content, mode):
            return job
    return None


@route("POST", OFFERS_PATH, op="OF01")
def upload_offers(ctx):
    parts = parse_multipart(ctx.header("content-type"), ctx.body)
    mode = _form_value(parts.get("import_mode"))
    if mode == "PARTIAL_UPDATE":
        raise bad_request("The import mode PARTIAL_UPDATE is deprecated: use NORMAL or REPLACE")
    if mode not in IMPORT_MODES:
        raise bad_request(f"import_mode is required and must be one of {', '.join(IMPORT_MODES)}")
    if (_form_value(parts.get("with_products")) or "false").lower() != "false":
        raise bad_request("Offer imports with products are not simulated")
    upload = parts.get("file")
    job = _duplicate(ctx, upload.content, mode) if upload is not None else None
    if job is None:
        store, shop = ctx.store, ctx.shop
        job = _upload(
            ctx, OFFERS, store.next_id(), lambda j, now: process_offers(store, shop, j, now), mode
        )
    return _created(ctx, job, f"{OFFERS_PATH}/{job.import_id}")


def _offer_import_id(ctx):
    raw = ctx.path_params["import"]
    if not raw.isdigit():
        raise bad_request(f"Invalid value '{raw}' for parameter : import")
    return int(raw)


@route("GET", OFFERS_PATH + "/{import}", op="OF02")
def get_offer_import(ctx):
    job = _job(ctx, OFFERS, _offer_import_id(ctx))
    job.poll(ctx.store.clock.now())
    return job.of02_body()


@route("GET", OFFERS_PATH + "/{import}/error_report", op="OF03")
def get_offer_error_report(ctx):
    return _report(ctx, OFFERS, _offer_import_id(ctx), "application/octet-stream")
