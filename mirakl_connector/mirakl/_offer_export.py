"""Asynchronous offer export (OF52 -> OF53 -> OF54): Mirakl's way to sync a catalogue of any size.

The client asks for JSON only: typed and unambiguous, where the CSV dialect depends on operator
settings. Chunks are downloaded and parsed one at a time, so memory is bounded by
`items_per_chunk`, never by the catalogue.
"""

from urllib.parse import quote

from . import schemas
from ._transport import wire_value
from .errors import MiraklResponseError

EXPORT_PATH = "/api/offers/export/async"


class OfferExportMixin:
    """OF52, OF53, OF54."""

    def start_offer_export(
        self, last_request_date=None, include_inactive_offers=True, items_per_chunk=10000
    ):
        """OF52: start a JSON export of the shop's offers and return its tracking id.

        With `last_request_date` (datetime, naive = UTC) the export is differential: offers
        changed since then, deleted and inactive ones included; Mirakl rejects
        `include_inactive_offers` in that mode, so it is only sent for full exports. Not
        idempotent (a POST): retried on 429/503 only, like every write.
        """
        body = {"export_type": "application/json", "items_per_chunk": items_per_chunk}
        if last_request_date is not None:
            body["last_request_date"] = wire_value(last_request_date)
        else:
            body["include_inactive_offers"] = bool(include_inactive_offers)
        response = self.request("OF52", "POST", EXPORT_PATH, json=body)
        payload = self._decode("OF52", response)
        return self._parse("OF52", schemas.OfferExportTracking, payload).tracking_id

    def get_offer_export_status(self, tracking_id):
        """OF53: PENDING, COMPLETED (with the chunk URLs) or FAILED (with `error`).

        Mirakl allows one poll every 10 seconds at most; once a minute is recommended.
        """
        if not str(tracking_id or "").strip():
            raise ValueError("tracking_id is empty")
        path = f"{EXPORT_PATH}/status/{quote(str(tracking_id).strip(), safe='')}"
        return self._parse("OF53", schemas.OfferExportStatus, self.get_json("OF53", path))

    def iter_offer_export_file(self, url):
        """OF54: yield the `ExportedOffer`s of one chunk URL returned by OF53.

        The URL is checked at once: one on another origin than the operator URL raises
        `MiraklForeignUrlError` without any request, since the API key goes with the GET. The
        download itself starts on the first iteration.
        """
        self._check_same_origin("OF54", url)
        return self._exported_offers(url)

    def _exported_offers(self, url):
        items = self._decode("OF54", self._send("OF54", "GET", url))
        if not isinstance(items, list):
            raise MiraklResponseError(
                "Unexpected answer: the export file is not a JSON array.", "OF54"
            )
        items.reverse()  # pop from the end: each raw offer is freed once parsed
        index = 0
        while items:
            yield self._parse("OF54", schemas.ExportedOffer, items.pop(), (index,))
            index += 1
