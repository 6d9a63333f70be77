"""Asynchronous order export (OR13 -> OR14 -> OR15): Mirakl's way to read a long order history.

OR11 is for the incremental sync; an initial import of months of orders goes through an export
(Mirakl recommends it for large volumes), read one file at a time so memory stays bounded.
"""

from urllib.parse import quote

from . import schemas
from ._orders import check_tax_mode
from ._transport import wire_value

EXPORT_PATH = "/api/orders/async-export"


class OrderExportMixin:
    """OR13, OR14, OR15."""

    def start_order_export(
        self,
        *,
        start_date=None,
        end_date=None,
        start_update_date=None,
        end_update_date=None,
        order_state_codes=None,
        channel_codes=None,
        only_null_channel=None,
        order_tax_mode=None,
        items_per_chunk=None,
        megabytes_per_chunk=None,
    ):
        """OR13: start a JSON export of the shop's orders and return its tracking id.

        Mirakl needs one complete date range, by creation (`start_date`/`end_date`) or by last
        update (`start_update_date`/`end_update_date`); datetimes, naive = UTC. Mirakl runs one
        export per shop at a time. A POST: retried on 429/503 only.
        """
        ranges = ((start_date, end_date), (start_update_date, end_update_date))
        if any((start is None) != (end is None) for start, end in ranges) or all(
            start is None for start, _end in ranges
        ):
            raise ValueError(
                "start_order_export needs start_date and end_date, or start_update_date and "
                "end_update_date"
            )
        body = {
            "start_date": wire_value(start_date),
            "end_date": wire_value(end_date),
            "start_update_date": wire_value(start_update_date),
            "end_update_date": wire_value(end_update_date),
            "order_state_codes": list(order_state_codes) if order_state_codes else None,
            "channel_codes": list(channel_codes) if channel_codes else None,
            "only_null_channel": only_null_channel,
            "order_tax_mode": check_tax_mode(order_tax_mode),
            "items_per_chunk": items_per_chunk,
            "megabytes_per_chunk": megabytes_per_chunk,
        }
        body = {key: value for key, value in body.items() if value is not None}
        response = self.request("OR13", "POST", EXPORT_PATH, json=body)
        payload = self._decode("OR13", response)
        return self._parse("OR13", schemas.OrderExportTracking, payload).tracking_id

    def get_order_export_status(self, tracking_id):
        """OR14: PENDING, COMPLETED (with the file URLs) or FAILED; poll every 10 s at most."""
        if not str(tracking_id or "").strip():
            raise ValueError("tracking_id is empty")
        path = f"{EXPORT_PATH}/status/{quote(str(tracking_id).strip(), safe='')}"
        return self._parse("OR14", schemas.OrderExportStatus, self.get_json("OR14", path))

    def iter_order_export_file(self, url, on_invalid=None):
        """OR15: yield the `schemas.Order`s of one file URL returned by OR14.

        A URL on another origin than the operator URL raises `MiraklForeignUrlError` at once,
        without any request, since the API key goes with the GET. `on_invalid` as in
        `iter_orders`.
        """
        self._check_same_origin("OR15", url)
        return self._exported_orders(url, on_invalid)

    def _exported_orders(self, url, on_invalid):
        payload = self._decode("OR15", self._send("OR15", "GET", url))
        items = self._items("OR15", payload, "orders")
        yield from self._parse_orders("OR15", items, on_invalid)
