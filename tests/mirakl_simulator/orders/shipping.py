"""Shipping an order: tracking (OR23, ST01/ST23), shipment confirmation (OR24, ST24) and
multi-shipments (ST01) with the rules Mirakl enforces.

Only SHIPPING orders (``can_shop_ship``) ship; a shipment may not exceed what is left of each
line (ordered - cancelled - already in a shipment); a registered carrier (SH21) is named by its
code and its URL is built from its ``{trackingId}`` template, an unregistered one by name (and
URL), unless PC01 ``disable_seller_alternative_carrier`` forbids it; a shipping type with
``mandatory_tracking`` (SH12) ships only with tracking. Once every unit of an order is in a
shipped shipment, the order is SHIPPED. One shipment carries one tracking number: several
parcels are several shipments.
"""

import uuid
from dataclasses import dataclass, field

from ..clock import format_datetime
from . import states

TRACKING_KEYS = ("carrier_code", "carrier_name", "carrier_standard_code", "tracking_number")
SHIPPING, SHIPPED = "SHIPPING", "SHIPPED"
TRACKABLE_ORDER_STATES = frozenset({"SHIPPING", "SHIPPED", "TO_COLLECT"})


class ShippingError(Exception):
    """A refusal, with Mirakl's message: a 400 for OR23/OR24, an entry of the ST* error lists."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Shipment:
    """One ST01 shipment; ``lines`` are ``{order_line_id, offer_sku, quantity}`` (plus
    ``package_reference`` when given)."""

    id: str
    order_id: str
    shop_id: int
    lines: list
    tracking: dict
    status: str
    created_date: object
    last_updated_date: object
    shipped_date: object = None
    invoice_reference: str = None
    warehouse_code: str = None
    additional_information: list = field(default_factory=list)

    def body(self):
        """ST01/ST11 JSON (spec ``ST11_Response_200_Data``)."""
        body = {
            "id": self.id,
            "order_id": self.order_id,
            "status": self.status,
            "status_customer_debit": "NO_DEBIT",
            "created_date": format_datetime(self.created_date),
            "last_updated_date": format_datetime(self.last_updated_date),
            "shipment_lines": [dict(line) for line in self.lines],
            "tracking": dict(self.tracking),
        }
        if self.shipped_date is not None:
            body["shipped_date"] = format_datetime(self.shipped_date)
        if self.invoice_reference:
            body["invoice_reference"] = self.invoice_reference
        if self.warehouse_code:
            body["shipping_from"] = {"warehouse": {"code": self.warehouse_code}}
        if self.additional_information:
            body["shipment_additional_information"] = list(self.additional_information)
        return body


class ShipmentBook:
    """Every shop's shipments, by id, in creation order."""

    def __init__(self):
        self._shipments = {}

    def __len__(self):
        return len(self._shipments)

    def add(self, shipment):
        self._shipments[shipment.id] = shipment

    def get(self, shipment_id, shop_id):
        """The shipment ``shipment_id`` of ``shop_id``; another shop's is as unknown as none."""
        shipment = self._shipments.get(shipment_id)
        return shipment if shipment is not None and shipment.shop_id == shop_id else None

    def of_shop(self, shop_id):
        return [s for s in self._shipments.values() if s.shop_id == shop_id]

    def of_order(self, order_id):
        return [s for s in self._shipments.values() if s.order_id == order_id]

    def quantities(self, order_id, shipped_only=False):
        """``{order_line_id: units}`` in the order's shipments (only shipped ones if asked)."""
        totals = {}
        for shipment in self.of_order(order_id):
            if shipped_only and shipment.status != SHIPPED:
                continue
            for line in shipment.lines:
                totals[line["order_line_id"]] = (
                    totals.get(line["order_line_id"], 0) + line["quantity"]
                )
        return totals


def _carrier(reference, code):
    return next((c for c in reference["carriers"] if c["code"] == code), None)


def resolve_tracking(reference, features, tracking, url_key):
    """Check a tracking request and return the stored form ``{carrier_code?, carrier_name,
    carrier_standard_code?, tracking_number?, tracking_url?}``.

    ``url_key`` is the request's name of the URL: ``carrier_url`` (OR23) or ``tracking_url``
    (ST01, ST23).
    """
    unknown = set(tracking) - {*TRACKING_KEYS, url_key}
    if unknown:
        raise ShippingError(f"Unrecognized tracking field(s): {', '.join(sorted(unknown))}")
    code, name = tracking.get("carrier_code"), tracking.get("carrier_name")
    number, url = tracking.get("tracking_number"), tracking.get(url_key)
    if code:
        carrier = _carrier(reference, code)
        if carrier is None:
            raise ShippingError(f"The carrier with code '{code}' does not exist.")
        template = carrier.get("tracking_url")
        if template and "{trackingId}" in template and not number:
            raise ShippingError(f"A tracking number is required for the carrier '{code}'.")
        resolved = {"carrier_code": code, "carrier_name": carrier["label"]}
        if carrier.get("standard_code"):
            resolved["carrier_standard_code"] = carrier["standard_code"]
        if template:  # the URL sent for a registered carrier is unused: Mirakl computes it
            url = template.replace("{trackingId}", number or "")
    elif name:
        if features.get("disable_seller_alternative_carrier"):
            raise ShippingError(
                "Unregistered carriers are disabled on this platform: use a carrier code."
            )
        resolved = {"carrier_name": name}
    else:
        raise ShippingError("A carrier code or a carrier name is required.")
    if number:
        resolved["tracking_number"] = number
    if url:
        resolved["tracking_url"] = url
    return resolved


def set_order_tracking(order, tracking, now):
    """OR23: the order's carrier and tracking, shown by OR11 (``shipping_*`` fields)."""
    if order.state not in TRACKABLE_ORDER_STATES:
        raise ShippingError(
            f"The order status must be 'SHIPPING' or 'SHIPPED' but it is '{order.state}'."
        )
    order.shipping.update(
        carrier_code=tracking.get("carrier_code"),
        carrier_label=tracking["carrier_name"],
        carrier_standard_code=tracking.get("carrier_standard_code"),
        tracking=tracking.get("tracking_number"),
        tracking_url=tracking.get("tracking_url"),
    )
    order.last_updated_date = now


def _shipping_type(reference, order):
    code = order.shipping["type_code"]
    return next((t for t in reference["shipping_types"] if t["code"] == code), {"code": code})


def _require_shipping(order):
    if order.state != SHIPPING:
        raise ShippingError(f"The order status must be 'SHIPPING' but it is '{order.state}'.")


def _require_tracking(reference, order, tracking_number):
    kind = _shipping_type(reference, order)
    if kind.get("mandatory_tracking") and not tracking_number:
        raise ShippingError(
            f"Tracking information is mandatory for the shipping type '{kind['code']}'."
        )


def ship_order(reference, order, now):
    """OR24: the whole order is shipped."""
    _require_shipping(order)
    _require_tracking(reference, order, order.shipping.get("tracking"))
    states.advance(order, SHIPPED, now)


def _shipment_lines(order, requested, already):
    """The checked ``shipment_lines`` of an ST01 shipment for ``order``."""
    lines, seen = [], set()
    for item in requested:
        line = None
        if item.get("order_line_id"):
            line = order.line(item["order_line_id"])
        elif item.get("offer_sku"):  # deprecated: the first line of that offer
            line = next((ln for ln in order.lines if ln.offer_sku == item["offer_sku"]), None)
        if line is None:
            wanted = item.get("order_line_id") or item.get("offer_sku")
            raise ShippingError(f"The order line '{wanted}' does not exist in this order.")
        if line.order_line_id in seen:
            raise ShippingError(f"The order line '{line.order_line_id}' is listed twice.")
        seen.add(line.order_line_id)
        left = 0
        if line.state not in states.DETACHED_LINE_STATES:
            left = line.quantity - line.cancelled_quantity - already.get(line.order_line_id, 0)
        if item["quantity"] > left:
            raise ShippingError("Shipment quantity is invalid.")
        shipped = {
            "order_line_id": line.order_line_id,
            "offer_sku": line.offer_sku,
            "quantity": item["quantity"],
        }
        if item.get("package_reference"):
            shipped["package_reference"] = item["package_reference"]
        lines.append(shipped)
    return lines


def create_shipment(book, reference, features, order, request, now):
    """ST01, one shipment: check it against ``order`` and the shipments it already has."""
    _require_shipping(order)
    lines = _shipment_lines(order, request["shipment_lines"], book.quantities(order.order_id))
    tracking = {}
    if request.get("tracking"):
        tracking = resolve_tracking(reference, features, request["tracking"], "tracking_url")
    shipped = bool(request.get("shipped", False))
    if shipped:
        _require_tracking(reference, order, tracking.get("tracking_number"))
    warehouse = (request.get("shipping_from") or {}).get("warehouse") or {}
    shipment = Shipment(
        id=str(uuid.uuid4()),
        order_id=order.order_id,
        shop_id=order.shop_id,
        lines=lines,
        tracking=tracking,
        status=SHIPPED if shipped else SHIPPING,
        created_date=now,
        last_updated_date=now,
        shipped_date=now if shipped else None,
        invoice_reference=request.get("invoice_reference"),
        warehouse_code=warehouse.get("code"),
        additional_information=list(request.get("shipment_additional_information") or []),
    )
    book.add(shipment)
    settle(book, order, now)
    return shipment


def update_shipment_tracking(reference, features, shipment, tracking, now):
    """ST23: new tracking for a shipment not delivered yet."""
    if shipment.status not in (SHIPPING, SHIPPED):
        raise ShippingError(f"Shipment with id '{shipment.id}' is {shipment.status}.")
    shipment.tracking = resolve_tracking(reference, features, tracking, "tracking_url")
    shipment.last_updated_date = now


def ship_shipment(book, reference, order, shipment, now):
    """ST24: confirm a SHIPPING shipment."""
    if shipment.status != SHIPPING:
        raise ShippingError(f"Shipment with id '{shipment.id}' is not in SHIPPING status.")
    _require_tracking(reference, order, shipment.tracking.get("tracking_number"))
    shipment.status = SHIPPED
    shipment.shipped_date = shipment.last_updated_date = now
    settle(book, order, now)


def settle(book, order, now):
    """Lines whose every unit shipped are SHIPPED; the order once all its live lines are."""
    shipped = book.quantities(order.order_id, shipped_only=True)
    lines = states.live_lines(order)
    done = [
        line
        for line in lines
        if shipped.get(line.order_line_id, 0) >= line.quantity - line.cancelled_quantity
    ]
    for line in done:
        if line.state != SHIPPED:
            line.state, line.shipped_date, line.last_updated_date = SHIPPED, now, now
    order.last_updated_date = now
    if lines and len(done) == len(lines) and order.state == SHIPPING:
        states.advance(order, SHIPPED, now)
