"""Shipping orders: OR23 (tracking) and OR24 (ship) for a whole order, or, where PC01
`features.shipment.multi_shipment` is on, ST01 shipments with per-line quantities (partial
deliveries, several parcels), listed by ST11, tracked by ST23 and shipped by ST24.

None of these writes is idempotent: like every write they are retried on 429/503 only. After a
timeout or a 500 on ST01, `iter_shipments(order_ids=...)` tells whether the shipment exists
before it is sent again. One ST01 shipment carries one tracking number: several parcels are
several shipments.
"""

from . import const, schemas
from ._args import check_keys, path_id

SHIPMENTS_PATH = "/api/shipments"
MAX_SHIPMENTS = 1000  # ST01 takes at most this many shipments per call
SHIPMENT_KEYS = frozenset(
    {
        "order_id",
        "shipment_lines",
        "tracking",
        "shipped",
        "invoice_reference",
        "shipping_from",
        "shipment_additional_information",
    }
)
LINE_KEYS = frozenset({"order_line_id", "offer_sku", "quantity", "package_reference"})
# ST01/ST23 name the URL `tracking_url`; OR23 names it `carrier_url`.
TRACKING_KEYS = frozenset(
    {"carrier_code", "carrier_name", "carrier_standard_code", "tracking_number", "tracking_url"}
)


def _order_path(order_id, action):
    return f"/api/orders/{path_id(order_id, 'order_id')}/{action}"


def _compact(mapping):
    return {key: value for key, value in mapping.items() if value is not None}


def _check_keys(mapping, allowed, what):
    check_keys(mapping, allowed, what, hints={"carrier_url": "ST01 names it tracking_url"})


def _tracking(tracking):
    _check_keys(tracking, TRACKING_KEYS, "tracking")
    tracking = _compact(tracking)
    if not tracking.get("carrier_code") and not tracking.get("carrier_name"):
        raise ValueError("tracking needs a carrier_code (registered carrier) or a carrier_name")
    return tracking


def _shipment(shipment):
    """One ST01 shipment, checked: the mistakes Mirakl would refuse raise ValueError here."""
    _check_keys(shipment, SHIPMENT_KEYS, "shipment")
    body = _compact(dict(shipment))
    if not str(body.get("order_id") or "").strip():
        raise ValueError("every shipment needs an order_id")
    lines = []
    for line in body.get("shipment_lines") or ():
        _check_keys(line, LINE_KEYS, "shipment line")
        quantity = line.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise ValueError(f"shipment line quantities are integers >= 1, not {quantity!r}")
        lines.append(_compact(dict(line)))
    if not lines:
        raise ValueError(f"the shipment of {body['order_id']} has no shipment_lines")
    body["shipment_lines"] = lines
    if body.get("tracking") is not None:
        body["tracking"] = _tracking(body["tracking"])
    return body


class ShippingMixin:
    """OR23, OR24, ST01, ST11, ST23, ST24."""

    def update_tracking(
        self,
        order_id,
        carrier_code=None,
        carrier_name=None,
        carrier_url=None,
        tracking_number=None,
        carrier_standard_code=None,
    ):
        """OR23: set (or change, also once shipped) the carrier and tracking of an order.

        A carrier the operator knows (SH21) goes by `carrier_code`, its URL built by Mirakl
        from `tracking_number`; another carrier by `carrier_name` and optional `carrier_url`
        (refused where PC01 `disable_seller_alternative_carrier` is on).
        """
        if not carrier_code and not carrier_name:
            raise ValueError("update_tracking needs a carrier_code or a carrier_name")
        body = _compact(
            {
                "carrier_code": carrier_code,
                "carrier_name": carrier_name,
                "carrier_standard_code": carrier_standard_code,
                "carrier_url": carrier_url,
                "tracking_number": tracking_number,
            }
        )
        self.request("OR23", "PUT", _order_path(order_id, "tracking"), json=body)

    def ship_order(self, order_id):
        """OR24: confirm the shipment of a whole order in SHIPPING (`can_shop_ship`).

        Body-less PUT: requests sends `Content-Length: 0`, which Mirakl requires. Where the
        shipping type has `mandatory_tracking`, call `update_tracking` first.
        """
        self.request("OR24", "PUT", _order_path(order_id, "ship"))

    def create_shipments(self, shipments):
        """ST01: create shipments and return `schemas.ShipmentsCreated`.

        Each shipment is Mirakl's JSON as a mapping: `order_id`, `shipment_lines`
        (`[{order_line_id, quantity, package_reference?}]`), optional `tracking`
        (`{carrier_code | carrier_name, tracking_number?, tracking_url?}`), `shipped`
        (True to ship at once; Mirakl's default is False), `invoice_reference`,
        `shipping_from`. Sent 1000 a call; answers are merged. Refusals are per order in
        `shipment_errors`, not exceptions.
        """
        bodies = [_shipment(shipment) for shipment in shipments]
        merged = schemas.ShipmentsCreated()
        for start in range(0, len(bodies), MAX_SHIPMENTS):
            batch = {"shipments": bodies[start : start + MAX_SHIPMENTS]}
            response = self.request("ST01", "POST", SHIPMENTS_PATH, json=batch)
            result = self._parse("ST01", schemas.ShipmentsCreated, self._decode("ST01", response))
            merged.shipment_success.extend(result.shipment_success)
            merged.shipment_errors.extend(result.shipment_errors)
        return merged

    def iter_shipments(
        self,
        order_ids=None,
        shipment_state_codes=None,
        last_updated_from=None,
        last_updated_to=None,
        page_size=const.MAX_PAGE_SIZE,
    ):
        """ST11: the shop's shipments (`schemas.Shipment`), oldest first; ids and states are
        lists (sent as repeated parameters), dates datetimes (naive = UTC)."""
        params = {
            "order_id": list(order_ids) if order_ids is not None else None,
            "shipment_state_code": (
                list(shipment_state_codes) if shipment_state_codes is not None else None
            ),
            "last_updated_from": last_updated_from,
            "last_updated_to": last_updated_to,
        }
        if params["order_id"] == []:
            return
        for page in self.iter_seek_pages("ST11", SHIPMENTS_PATH, params, page_size):
            for index, item in enumerate(page):
                yield self._parse("ST11", schemas.Shipment, item, ("data", index))

    def update_shipment_tracking(self, trackings):
        """ST23: new tracking for shipments, `{shipment_id: tracking mapping}` (keys as in
        `create_shipments`); returns `schemas.ShipmentsUpdated` with per-shipment refusals."""
        body = {
            "shipments": [
                {"id": str(shipment_id), "tracking": _tracking(tracking)}
                for shipment_id, tracking in dict(trackings).items()
            ]
        }
        return self._shipments_update("ST23", "POST", f"{SHIPMENTS_PATH}/tracking", body)

    def ship_shipments(self, shipment_ids):
        """ST24: ship shipments created with `shipped` False; returns `schemas.ShipmentsUpdated`."""
        body = {"shipments": [{"id": str(shipment_id)} for shipment_id in shipment_ids]}
        return self._shipments_update("ST24", "PUT", f"{SHIPMENTS_PATH}/ship", body)

    def _shipments_update(self, op, method, path, body):
        if not body["shipments"]:
            raise ValueError(f"{op} needs at least one shipment")
        response = self.request(op, method, path, json=body)
        return self._parse(op, schemas.ShipmentsUpdated, self._decode(op, response))
