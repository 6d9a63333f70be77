"""Shipping endpoints: OR23 (order tracking), OR24 (ship an order) and, with PC01
``features.shipment.multi_shipment``, ST01 (create shipments), ST11 (list them), ST23 (their
tracking) and ST24 (ship them).

A malformed body is a 400 for the whole call; business refusals of one shipment are entries of
``shipment_errors`` next to ``shipment_success`` (201/200), as Mirakl answers batch calls. The
rules themselves live in ``orders.shipping``.
"""

from urllib.parse import unquote

from ..clock import parse_datetime
from ..context import Reply
from ..errors import ApiError, bad_request
from ..orders.shipping import (
    ShippingError,
    create_shipment,
    resolve_tracking,
    set_order_tracking,
    ship_order,
    ship_shipment,
    update_shipment_tracking,
)
from ..paging import seek_page
from ..routing import route

MAX_SHIPMENTS = 1000
SHIPMENT_FIELDS = {
    "order_id",
    "shipment_lines",
    "tracking",
    "shipped",
    "invoice_reference",
    "shipping_from",
    "shipment_additional_information",
}
LINE_FIELDS = {"order_line_id", "offer_sku", "quantity", "package_reference"}
ST01_TRACKING_FIELDS = {
    "carrier_code",
    "carrier_name",
    "carrier_standard_code",
    "tracking_number",
    "tracking_url",
}
OR23_FIELDS = (ST01_TRACKING_FIELDS - {"tracking_url"}) | {"carrier_url"}


def _check_fields(item, allowed, where):
    if not isinstance(item, dict):
        raise bad_request(f"{where} must be a JSON object")
    unknown = set(item) - allowed
    if unknown:
        raise bad_request(f"Unrecognized field(s) in {where}: {', '.join(sorted(unknown))}")


def _context(ctx):
    store = ctx.store
    store.orders.tick(store.clock.now())  # debits due by now make orders shippable
    return store.reference, store.platform_configuration["features"], store.clock.now()


def _order(ctx, order_id):
    """The order of the path (``%2F``-style escapes decoded); 404 if the shop has none."""
    order_id = unquote(order_id)
    order = ctx.store.orders.book(ctx.shop.shop_id).get(order_id)
    if order is None:
        raise ApiError(404, f"The order {order_id} does not exist.")
    return order


@route("PUT", "/api/orders/{order_id}/tracking", op="OR23")
def update_order_tracking(ctx):
    reference, features, now = _context(ctx)
    body = ctx.json_object()
    _check_fields(body, OR23_FIELDS, "the request body")
    order = _order(ctx, ctx.path_params["order_id"])
    try:
        set_order_tracking(order, resolve_tracking(reference, features, body, "carrier_url"), now)
    except ShippingError as error:
        raise bad_request(error.message) from None
    return Reply(204, content_type="")


@route("PUT", "/api/orders/{order_id}/ship", op="OR24")
def ship(ctx):
    """Body-less: Mirakl wants ``Content-Length: 0`` (411 without it)."""
    reference, _features, now = _context(ctx)
    length = ctx.header("content-length")
    if length is None:
        raise ApiError(411, "The Content-Length header is required (0 for an empty body)")
    if length.strip() != "0":
        raise bad_request("OR24 takes no request body: send Content-Length: 0")
    order = _order(ctx, ctx.path_params["order_id"])
    try:
        ship_order(reference, order, now)
    except ShippingError as error:
        raise bad_request(error.message) from None
    return Reply(204, content_type="")


def _multi_shipment(ctx):
    if not ctx.store.platform_configuration["features"]["shipment"].get("multi_shipment"):
        raise bad_request("Multi-shipment is not enabled on this platform")


def _check_shipment(shipment, index):
    where = f"shipments[{index}]"
    _check_fields(shipment, SHIPMENT_FIELDS, where)
    if not isinstance(shipment.get("order_id"), str) or not shipment["order_id"]:
        raise bad_request(f"{where}.order_id is required")
    lines = shipment.get("shipment_lines")
    if not isinstance(lines, list) or not lines:
        raise bad_request(f"{where}.shipment_lines must be a non-empty list")
    for number, line in enumerate(lines):
        _check_fields(line, LINE_FIELDS, f"{where}.shipment_lines[{number}]")
        quantity = line.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise bad_request(f"{where}.shipment_lines[{number}].quantity must be at least 1")
    if shipment.get("tracking") is not None:
        _check_fields(shipment["tracking"], ST01_TRACKING_FIELDS, f"{where}.tracking")
    if not isinstance(shipment.get("shipped", False), bool):
        raise bad_request(f"{where}.shipped must be true or false")


def _shipments(body, key_fields, limit=MAX_SHIPMENTS):
    shipments = body.get("shipments")
    if not isinstance(shipments, list) or not 1 <= len(shipments) <= limit:
        raise bad_request(f"shipments must be a list of 1 to {limit} items")
    for index, shipment in enumerate(shipments):
        if key_fields is None:
            _check_shipment(shipment, index)
        else:
            _check_fields(shipment, key_fields, f"shipments[{index}]")
            if not isinstance(shipment.get("id"), str):
                raise bad_request(f"shipments[{index}].id is required")
    return shipments


@route("POST", "/api/shipments", op="ST01")
def create_shipments(ctx):
    _multi_shipment(ctx)
    reference, features, now = _context(ctx)
    book = ctx.store.orders.book(ctx.shop.shop_id)
    successes, errors = [], []
    for request in _shipments(ctx.json_object(), None):
        order = book.get(request["order_id"])
        try:
            if order is None:
                raise ShippingError(f"The order {request['order_id']} does not exist.")
            shipment = create_shipment(
                ctx.store.shipments, reference, features, order, request, now
            )
        except ShippingError as error:
            errors.append({"order_id": request["order_id"], "message": error.message})
        else:
            successes.append(shipment.body())
    return Reply(201, {"shipment_success": successes, "shipment_errors": errors})


def _matching_shipments(shipments, filters):
    """ST11 filters, oldest first (``dateCreated`` ASC, Mirakl's default)."""

    def values(name):
        return [item for raw in filters.get(name, []) for item in raw.split(",") if item]

    def date(name):
        raw = (filters.get(name) or [""])[0]
        try:
            return parse_datetime(raw) if raw else None
        except ValueError:
            raise bad_request(f"Invalid value '{raw}' for parameter : {name}") from None

    orders, statuses = set(values("order_id")), set(values("shipment_state_code"))
    start, end = date("last_updated_from"), date("last_updated_to")
    return [
        shipment.body()
        for shipment in sorted(shipments, key=lambda s: s.created_date)  # stable: creation order
        if (not orders or shipment.order_id in orders)
        and (not statuses or shipment.status in statuses)
        and (start is None or shipment.last_updated_date >= start)
        and (end is None or shipment.last_updated_date <= end)
    ]


@route("GET", "/api/shipments", op="ST11")
def list_shipments(ctx):
    _multi_shipment(ctx)
    shipments = ctx.store.shipments.of_shop(ctx.shop.shop_id)
    return seek_page(ctx.query, lambda filters: _matching_shipments(shipments, filters))


def _each_shipment(ctx, fields, action):
    """Run ``action(shipment, request)`` per listed shipment: ``{shipment_success,
    shipment_errors}`` with ``{id}`` / ``{id, message}`` entries."""
    successes, errors = [], []
    for request in _shipments(ctx.json_object(), fields):
        shipment = ctx.store.shipments.get(request["id"], ctx.shop.shop_id)
        try:
            if shipment is None:
                raise ShippingError(f"No shipment with id '{request['id']}'.")
            action(shipment, request)
        except ShippingError as error:
            errors.append({"id": request["id"], "message": error.message})
        else:
            successes.append({"id": shipment.id})
    return {"shipment_success": successes, "shipment_errors": errors}


@route("POST", "/api/shipments/tracking", op="ST23")
def update_shipments_tracking(ctx):
    _multi_shipment(ctx)
    reference, features, now = _context(ctx)

    def update(shipment, request):
        if not isinstance(request.get("tracking"), dict):
            raise ShippingError("tracking is required")
        update_shipment_tracking(reference, features, shipment, request["tracking"], now)

    return _each_shipment(ctx, {"id", "tracking"}, update)


@route("PUT", "/api/shipments/ship", op="ST24")
def ship_shipments(ctx):
    _multi_shipment(ctx)
    reference, _features, now = _context(ctx)
    book = ctx.store.orders.book(ctx.shop.shop_id)

    def confirm(shipment, _request):
        ship_shipment(ctx.store.shipments, reference, book.get(shipment.order_id), shipment, now)

    return _each_shipment(ctx, {"id"}, confirm)
