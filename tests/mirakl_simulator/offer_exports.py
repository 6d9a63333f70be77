"""Asynchronous offer exports (OF52 -> OF53 -> OF54): request checks, offer selection, the
PENDING -> COMPLETED / FAILED state machine, and chunking.

Stored offers are exported as they were when OF52 was called (a snapshot, like Mirakl's job);
generated catalogues are read lazily when a chunk is downloaded, so an export of 100,000 offers
holds a few integers until then. Settings (``ExportSettings``) decide how many status polls (or
how much simulated time) an export stays PENDING, and whether the next one FAILS.
"""

import itertools
import json
import math
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

from .clock import format_datetime, parse_datetime
from .errors import bad_request
from .offer_export_format import exported_offer

PENDING, COMPLETED, FAILED = "PENDING", "COMPLETED", "FAILED"
JSON_EXPORT, CSV_EXPORT = "application/json", "text/csv"
DEFAULT_ITEMS_PER_CHUNK = 10_000
MAX_ITEMS_PER_CHUNK = 1_000_000  # the spec's minimum (10,000) is lowered on test platforms
SUPPORTED_FIELDS = {
    "export_type",
    "last_request_date",
    "include_inactive_offers",
    "items_per_chunk",
    "megabytes_per_chunk",  # accepted; chunks are cut by items only
    "include_fields",
    "rename_fields",
}
NOT_SIMULATED_FIELDS = {"channel_codes", "shipping_zones", "ongoing_discount_campaign_identifiers"}
FILE_PATH = "/api/offers/export/async/file/{tracking_id}"
_FILE_NAME = re.compile(r"^of52-export/offers/(\d+)\.(json|csv)$")


@dataclass
class ExportSettings:
    """How the next exports behave; tests edit ``sim.offer_export_settings`` in place.

    ``pending_polls``: OF53 answers PENDING that many times, then the final state.
    ``pending_seconds``: when set, simulated clock time decides instead of the poll count.
    ``fail_next``: ``{"code", "detail"}`` the next export reports as FAILED (consumed by it).
    ``file_base_url``: base of the chunk URLs; None = the host the client called.
    ``product_fields``: add product_references / product_title / inactivity_reasons, which the
    spec's OF54 schema lacks. Off by default (spec-strict, like Mirakl): the connector reads
    them from OF21; tests that want them in the export switch it on.
    """

    pending_polls: int = 1
    pending_seconds: float = None
    fail_next: dict = None
    file_base_url: str = None
    product_fields: bool = False


@dataclass
class StoredRows:
    """Stored offers of an export, exported when it was requested."""

    rows: list

    @property
    def count(self):
        return len(self.rows)

    def slice(self, start, stop):
        return iter(self.rows[start:stop])


@dataclass
class GeneratedRows:
    """A generated catalogue's share of an export: ``count`` offers from ``indexes()``, computed
    only when a chunk asks for them."""

    catalogue: object
    shop: object
    indexes: object  # callable -> iterator of catalogue indexes, in export order
    count: int
    product_fields: bool

    def slice(self, start, stop):
        catalogue = self.catalogue
        for index in itertools.islice(self.indexes(), start, stop):
            yield exported_offer(
                catalogue.offer(index),
                self.shop,
                catalogue.created_at,
                catalogue.last_updated(index),
                deleted=index in catalogue.deleted,
                product_fields=self.product_fields,
                snapshot=False,  # serialised right away
            )


@dataclass
class OfferExport:
    """One OF52 export and its OF53 state."""

    tracking_id: str
    shop_id: int
    request: dict
    export_type: str
    items_per_chunk: int
    created_at: object
    sources: list
    pending_polls: int
    pending_seconds: float = None
    failure: dict = None
    include_fields: list = None
    rename_fields: dict = None
    status: str = PENDING
    polls: int = 0
    last_updated: object = None

    @property
    def total(self):
        return sum(source.count for source in self.sources)

    @property
    def chunk_count(self):
        return math.ceil(self.total / self.items_per_chunk)

    def poll(self, now):
        """One OF53 call: leave PENDING once enough polls (or simulated time) went by."""
        self.polls += 1
        if self.status != PENDING:
            return
        if self.pending_seconds is not None:
            due = now >= self.created_at + timedelta(seconds=self.pending_seconds)
        else:
            due = self.polls > self.pending_polls
        if due:
            self.status = FAILED if self.failure else COMPLETED
            self.last_updated = now

    def file_urls(self, base_url):
        extension = "json" if self.export_type == JSON_EXPORT else "csv"
        path = FILE_PATH.format(tracking_id=self.tracking_id)
        return [
            f"{base_url}{path}?file=of52-export%2Foffers%2F{chunk}.{extension}"
            for chunk in range(self.chunk_count)
        ]

    def status_body(self, base_url):
        body = {"status": self.status, "last_updated": format_datetime(self.last_updated)}
        if self.status == COMPLETED:
            body["urls"] = self.file_urls(base_url)
        if self.status == FAILED:
            body["error"] = dict(self.failure)
        return body

    def chunk_number(self, file_name):
        """The chunk a ``file`` query value names, or None when it names none of this export."""
        match = _FILE_NAME.match(file_name or "")
        extension = "json" if self.export_type == JSON_EXPORT else "csv"
        if not match or match.group(2) != extension:
            return None
        chunk = int(match.group(1))
        return chunk if chunk < self.chunk_count else None

    def rows(self, chunk):
        """The exported offers of chunk ``chunk``, produced lazily across sources."""
        start = chunk * self.items_per_chunk
        stop = start + self.items_per_chunk
        for source in self.sources:
            if start < source.count and stop > 0:
                yield from source.slice(max(start, 0), min(stop, source.count))
            start -= source.count
            stop -= source.count


def parse_request(raw):
    """Check an OF52 body as Mirakl does; return it as a dict (400 on anything wrong)."""
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise bad_request("The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object")
    unknown = set(body) - SUPPORTED_FIELDS - NOT_SIMULATED_FIELDS
    if unknown:
        raise bad_request(f"Unrecognized field(s): {', '.join(sorted(unknown))}")
    not_simulated = set(body) & NOT_SIMULATED_FIELDS
    if not_simulated:
        raise bad_request(f"Not simulated: {', '.join(sorted(not_simulated))}")
    export_type = body.get("export_type", CSV_EXPORT)
    if export_type not in (CSV_EXPORT, JSON_EXPORT):
        raise bad_request(f"Invalid export_type '{export_type}'")
    chunk = body.get("items_per_chunk", DEFAULT_ITEMS_PER_CHUNK)
    if (
        isinstance(chunk, bool)
        or not isinstance(chunk, int)
        or not 1 <= chunk <= MAX_ITEMS_PER_CHUNK
    ):
        raise bad_request(f"items_per_chunk must be an integer from 1 to {MAX_ITEMS_PER_CHUNK}")
    since = body.get("last_request_date")
    if since is not None:
        try:
            since = parse_datetime(since)
        except (TypeError, ValueError):
            raise bad_request(f"Invalid last_request_date '{since}'") from None
        if "include_inactive_offers" in body:
            raise bad_request("include_inactive_offers cannot be used with last_request_date")
    if not isinstance(body.get("include_inactive_offers", False), bool):
        raise bad_request("include_inactive_offers must be a boolean")
    if "rename_fields" in body and export_type != CSV_EXPORT:
        raise bad_request("rename_fields is only supported for CSV exports")
    return {
        "request": body,
        "export_type": export_type,
        "items_per_chunk": chunk,
        "since": since,
        "include_inactive": body.get("include_inactive_offers", False),
        "include_fields": body.get("include_fields"),
        "rename_fields": body.get("rename_fields"),
    }


def _stored_rows(shop, since, include_inactive, product_fields):
    selected = []
    candidates = list(shop.offers) + (list(shop.deleted_offers.values()) if since else [])
    for offer in candidates:
        created, updated = shop.offer_dates(offer["offer_id"])
        deleted = offer["offer_id"] in shop.deleted_offers
        if since is not None:
            if updated < since:
                continue
        elif not (offer["active"] or include_inactive):
            continue
        selected.append(exported_offer(offer, shop, created, updated, deleted, product_fields))
    selected.sort(key=lambda row: row["offer_id"])
    return StoredRows(selected)


def _generated_rows(catalogue, shop, since, include_inactive, product_fields):
    if since is None:
        hidden = catalogue.hidden_from_full_export(include_inactive)
        count = catalogue.count - len(hidden)

        def indexes():
            return (i for i in range(catalogue.count) if i not in hidden)

    elif catalogue.created_at >= since:
        count = catalogue.count

        def indexes():
            return iter(range(catalogue.count))

    else:
        changed = sorted(i for i, when in catalogue.changed.items() if when >= since)
        count = len(changed)

        def indexes():
            return iter(changed)

    return GeneratedRows(catalogue, shop, indexes, count, product_fields)


def start_export(store, shop, options):
    """Create (or, for a duplicate of a PENDING one, return) the export for ``parse_request``'s
    ``options``."""
    request = options["request"]
    for export in store.offer_exports.values():
        if (export.shop_id, export.request, export.status) == (shop.shop_id, request, PENDING):
            return export
    settings = store.offer_export_settings
    since, include_inactive = options["since"], options["include_inactive"]
    product_fields = settings.product_fields
    sources = [_stored_rows(shop, since, include_inactive, product_fields)]
    sources += [
        _generated_rows(catalogue, shop, since, include_inactive, product_fields)
        for catalogue in shop.generated_offers
    ]
    now = store.clock.now()
    export = OfferExport(
        tracking_id=str(uuid.uuid4()),
        shop_id=shop.shop_id,
        request=request,
        export_type=options["export_type"],
        items_per_chunk=options["items_per_chunk"],
        created_at=now,
        sources=sources,
        pending_polls=settings.pending_polls,
        pending_seconds=settings.pending_seconds,
        failure=settings.fail_next,
        include_fields=options["include_fields"],
        rename_fields=options["rename_fields"],
        last_updated=now,
    )
    settings.fail_next = None
    store.offer_exports[export.tracking_id] = export
    return export
