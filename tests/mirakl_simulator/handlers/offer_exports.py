"""Asynchronous offer export: OF52 (start), OF53 (status), OF54 (chunk files).

OF54 has no fixed path in the spec (a "dynamic URL" given by OF53): the simulator serves chunks
under ``/api/offers/export/async/file/{tracking_id}?file=...``, like Mirakl's example URLs, so they
need the same API key and shop as the export.
"""

from ..context import Reply
from ..errors import ApiError
from ..offer_export_format import CSV_DELIMITERS, csv_chunk, json_chunk
from ..offer_exports import COMPLETED, FILE_PATH, JSON_EXPORT, parse_request, start_export
from ..routing import route

CSV_TYPE = "text/csv;charset=UTF-8"


def _export(ctx):
    """The export named in the path; another shop's export is as unknown as a made-up id."""
    tracking_id = ctx.path_params["tracking_id"]
    export = ctx.store.offer_exports.get(tracking_id)
    if export is None or export.shop_id != ctx.shop.shop_id:
        raise ApiError(404, f"Export with tracking id {tracking_id} not found")
    return export


def _base_url(ctx):
    configured = ctx.store.offer_export_settings.file_base_url
    if configured:
        return configured.rstrip("/")
    host = next((v for k, v in ctx.headers.items() if k.lower() == "host"), "localhost")
    return f"http://{host}"


@route("POST", "/api/offers/export/async", op="OF52")
def start_offer_export(ctx):
    export = start_export(ctx.store, ctx.shop, parse_request(ctx.body))
    return {"tracking_id": export.tracking_id}


@route("GET", "/api/offers/export/async/status/{tracking_id}", op="OF53")
def get_offer_export_status(ctx):
    export = _export(ctx)
    export.poll(ctx.store.clock.now())
    return export.status_body(_base_url(ctx))


@route("GET", FILE_PATH, op="OF54")
def get_offer_export_file(ctx):
    export = _export(ctx)
    chunk = export.chunk_number(ctx.param("file")) if export.status == COMPLETED else None
    if chunk is None:
        raise ApiError(404, f"Export file {ctx.param('file')!r} not found")
    rows = export.rows(chunk)
    if export.export_type == JSON_EXPORT:
        return Reply(200, json_chunk(rows, export.include_fields))
    features = ctx.store.platform_configuration["features"]
    delimiter = CSV_DELIMITERS.get(features.get("operator_csv_delimiter"), ";")
    channels = [channel["code"] for channel in ctx.store.reference["channels"]]
    body = csv_chunk(rows, channels, delimiter, export.include_fields, export.rename_fields)
    return Reply(200, body, CSV_TYPE)
