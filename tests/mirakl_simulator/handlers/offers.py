"""Shop offers: OF21 (list, offset paging) and OF04 (offer import history, seek paging).

Offers are stored on the shop in their OF21 shape; later issues add OF22/OF24 and the import
endpoints (OF01-03, STO, PRI) next to these.
"""

import copy

from ..clock import parse_datetime
from ..errors import bad_request
from ..paging import offset_page, seek_page
from ..routing import route

OFFER_SORTS = {
    "totalPrice": lambda offer: (offer.get("total_price", 0), offer["offer_id"]),
    "price": lambda offer: (offer.get("price", 0), offer.get("total_price", 0), offer["offer_id"]),
    "productTitle": lambda offer: (offer["product_title"], offer.get("total_price", 0)),
}


def _with_channel_pricing(offer, channel):
    """Apply the price of ``channel`` (``pricing_channel_code``) when the offer has one."""
    for pricing in offer.get("all_prices", []):
        if channel in (pricing.get("context") or {}).get("channel_codes", []):
            offer = copy.deepcopy(offer)
            offer["applicable_pricing"] = copy.deepcopy(pricing)
            offer["price"] = pricing["price"]
            offer["total_price"] = round(pricing["price"] + offer["min_shipping_price"], 2)
            return offer
    return offer


@route("GET", "/api/offers", op="OF21")
def list_offers(ctx):
    offers = ctx.shop.offers
    states = set(ctx.list_param("offer_state_codes"))
    if states:
        offers = [offer for offer in offers if offer["state_code"] in states]
    if ctx.param("sku"):
        offers = [offer for offer in offers if offer["shop_sku"] == ctx.param("sku")]
    if ctx.param("product_id"):
        offers = [offer for offer in offers if offer["product_sku"] == ctx.param("product_id")]
    if ctx.bool_param("favorite", False):
        offers = [offer for offer in offers if offer.get("favorite_rank")]
    sort = ctx.param("sort", "totalPrice")
    if sort not in OFFER_SORTS:
        raise bad_request(f"Invalid sort '{sort}', expected one of {', '.join(OFFER_SORTS)}")
    direction = ctx.param("order", "asc").lower()
    if direction not in ("asc", "desc"):
        raise bad_request(f"Invalid order '{direction}', expected asc or desc")
    offers = sorted(offers, key=OFFER_SORTS[sort], reverse=direction == "desc")
    page, total = offset_page(offers, ctx.query)
    channel = ctx.param("pricing_channel_code")
    if channel:
        page = [_with_channel_pricing(offer, channel) for offer in page]
    return {"offers": copy.deepcopy(page), "total_count": total}


def _matching_imports(imports, filters):
    """OF04 filters; the list is newest first (Mirakl's default ``dateCreated`` DESC)."""

    def first(name):
        values = filters.get(name) or [""]
        return values[0] or None

    start, end = first("start_date"), first("end_date")
    try:
        start = parse_datetime(start) if start else None
        end = parse_datetime(end) if end else None
    except ValueError:
        raise bad_request("Invalid date for parameter : start_date / end_date") from None
    origins = {item for raw in filters.get("origins", []) for item in raw.split(",") if item}
    selected = []
    for item in imports:
        created = parse_datetime(item["date_created"])
        if (start and created < start) or (end and created > end):
            continue
        if first("status") and item["status"] != first("status"):
            continue
        if first("mode") and item["mode"] != first("mode"):
            continue
        if origins and item["origin"] not in origins:
            continue
        selected.append(item)
    selected.sort(key=lambda item: (item["date_created"], item["import_id"]), reverse=True)
    return copy.deepcopy(selected)


@route("GET", "/api/offers/imports", op="OF04")
def list_offer_imports(ctx):
    ctx.store.imports.tick(ctx.store.clock.now())  # OF01 imports moving with simulated time
    return seek_page(ctx.query, lambda filters: _matching_imports(ctx.shop.offer_imports, filters))
