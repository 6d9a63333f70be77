"""Orders: OR11 (list), OR21 (accept/refuse lines) and the async export OR13 -> OR14 -> OR15.

The orders themselves, their state machine and the exports live in ``mirakl_simulator.orders``;
this module only speaks HTTP. Time-driven moves are applied first (``tick``) so every answer
reflects the simulated clock.
"""

from ..clock import format_datetime
from ..context import Reply
from ..errors import ApiError, bad_request
from ..orders import states
from ..orders.acceptance import OrderApiError, check_decisions, parse_decisions
from ..orders.exports import COMPLETED
from ..orders.query import OrderFilter, sort_orders, tax_mode
from ..orders.render import renderer
from ..paging import offset_page
from ..routing import route

EXPORT_FILES_PATH = "/api/orders/async-export/files"
DEFAULT_ITEMS_PER_CHUNK = 10000


def _features(ctx):
    return ctx.store.platform_configuration["features"]


def _orders(ctx):
    """The operator's order store, with the clock-driven moves due by now applied."""
    orders = ctx.store.orders
    orders.tick(ctx.store.clock.now())
    return orders


@route("GET", "/api/orders", op="OR11")
def list_orders(ctx):
    orders = _orders(ctx)
    mode = tax_mode(ctx.param("order_tax_mode"), _features(ctx)["order_tax_mode"])
    query = OrderFilter.from_query(ctx, orders.settings.update_window_widening)
    book = orders.book(ctx.shop.shop_id)
    selected = sort_orders([entry for entry in book.entries() if query.matches(entry)], ctx)
    page, total = offset_page(selected, ctx.query)
    return {
        "orders": renderer(book, ctx.store.platform_configuration)(
            [entry.order_id for entry in page], mode
        ),
        "total_count": total,
    }


@route("PUT", "/api/orders/{order_id}/accept", op="OR21")
def accept_order_lines(ctx):
    orders = _orders(ctx)
    decisions = parse_decisions(ctx.json_body())
    order_id = ctx.path_params["order_id"]
    order = orders.book(ctx.shop.shop_id).get(order_id)
    if order is None:
        raise OrderApiError("ORDER_NOT_FOUND", order_id, status=404)
    accepted = check_decisions(order, decisions, orders.settings.partial_acceptance)
    states.accept(order, accepted, ctx.store.clock.now())
    return Reply(204, content_type="")


@route("POST", "/api/orders/async-export", op="OR13")
def start_order_export(ctx):
    orders = _orders(ctx)
    body = ctx.json_body()
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object")
    query = OrderFilter.from_export_request(body)
    mode = tax_mode(body.get("order_tax_mode"), _features(ctx)["order_tax_mode"])
    chunk = body.get("items_per_chunk", DEFAULT_ITEMS_PER_CHUNK)
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
        raise bad_request(f"Invalid value '{chunk}' for parameter : items_per_chunk")
    book = orders.book(ctx.shop.shop_id)
    selected = sorted(
        (entry for entry in book.entries() if query.matches(entry)),
        key=lambda entry: (entry.created_date, entry.order_id),
    )
    job = orders.exports.create(
        ctx.shop.shop_id,
        [entry.order_id for entry in selected],
        mode,
        chunk,
        ctx.store.clock.now(),
    )
    return {"tracking_id": job.tracking_id}


def _export(ctx, orders):
    job = orders.exports.get(ctx.path_params["tracking_id"], ctx.shop.shop_id)
    if job is None:
        raise ApiError(404, f"Order export {ctx.path_params['tracking_id']} not found")
    return job


@route("GET", "/api/orders/async-export/status/{tracking_id}", op="OR14")
def get_order_export_status(ctx):
    orders = _orders(ctx)
    job = _export(ctx, orders)
    book = orders.book(ctx.shop.shop_id)
    orders.exports.poll(
        job, ctx.store.clock.now(), renderer(book, ctx.store.platform_configuration)
    )
    body = {"status": job.status, "last_updated": format_datetime(job.last_updated)}
    if job.status == COMPLETED:
        host = next((v for k, v in ctx.headers.items() if k.lower() == "host"), "localhost")
        body["urls"] = [
            f"http://{host}{EXPORT_FILES_PATH}/{job.tracking_id}/{index + 1}"
            for index in range(len(job.chunks))
        ]
    return body


@route("GET", EXPORT_FILES_PATH + "/{tracking_id}/{chunk}", op="OR15")
def get_order_export_file(ctx):
    job = _export(ctx, _orders(ctx))
    chunk = ctx.path_params["chunk"]
    if job.status != COMPLETED or not chunk.isdigit() or not 1 <= int(chunk) <= len(job.chunks):
        raise ApiError(404, f"Order export file {job.tracking_id}/{chunk} not found")
    return job.chunks[int(chunk) - 1]
