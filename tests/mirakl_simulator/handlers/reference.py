"""Operator-wide reference data: shipping settings, channels, conditions, hierarchies, fields,
reasons, currencies, locales, document types and order taxes."""

import copy

from ..routing import route


def _listing(ctx, key, with_total=False):
    items = copy.deepcopy(ctx.store.reference[key])
    body = {key: items}
    if with_total:  # deprecated but still required by the spec for these lists
        body["total_count"] = len(items)
    return body


@route("GET", "/api/shipping/zones", op="SH11")
def list_shipping_zones(ctx):
    return _listing(ctx, "shipping_zones")


@route("GET", "/api/shipping/types", op="SH12")
def list_shipping_types(ctx):
    return _listing(ctx, "shipping_types")


@route("GET", "/api/shipping/carriers", op="SH21")
def list_carriers(ctx):
    return _listing(ctx, "carriers")


@route("GET", "/api/shipping/logistic_classes", op="SH31")
def list_logistic_classes(ctx):
    return _listing(ctx, "logistic_classes")


@route("GET", "/api/channels", op="CH11")
def list_channels(ctx):
    return _listing(ctx, "channels")


@route("GET", "/api/offers/states", op="OF61")
def list_offer_conditions(ctx):
    return _listing(ctx, "offer_states", with_total=True)


@route("GET", "/api/hierarchies", op="H11")
def list_hierarchies(ctx):
    """``hierarchy`` restricts to a node and its descendants, ``max_level`` to that many levels
    below it (0 = unlimited)."""
    items = ctx.store.reference["hierarchies"]
    root = ctx.param("hierarchy")
    max_level = ctx.int_param("max_level", 0)
    if root:
        children = {}
        for item in items:
            children.setdefault(item["parent_code"], []).append(item)
        selected = [item for item in items if item["code"] == root]
        frontier = list(selected)
        while frontier:
            frontier = [child for node in frontier for child in children.get(node["code"], [])]
            selected.extend(frontier)
        base_level = selected[0]["level"] if selected else 0
    else:
        selected, base_level = list(items), 0
    if max_level:
        selected = [item for item in selected if item["level"] - base_level <= max_level]
    return {"hierarchies": copy.deepcopy(selected)}


@route("GET", "/api/additional_fields", op="AF01")
def list_additional_fields(ctx):
    entities = set(ctx.list_param("entities"))
    items = [
        field
        for field in ctx.store.reference["additional_fields"]
        if not entities or field["entity"] in entities
    ]
    return {"additional_fields": copy.deepcopy(items), "total_count": len(items)}


@route("GET", "/api/reasons", op="RE01")
def list_reasons(ctx):
    return _listing(ctx, "reasons", with_total=True)


@route("GET", "/api/currencies", op="CUR01")
def list_currencies(ctx):
    return _listing(ctx, "currencies")


@route("GET", "/api/locales", op="L01")
def list_locales(ctx):
    return _listing(ctx, "locales")


@route("GET", "/api/documents", op="DO01")
def list_document_types(ctx):
    entities = set(ctx.list_param("entities"))
    items = [
        doc for doc in ctx.store.reference["documents"] if not entities or doc["entity"] in entities
    ]
    return {"documents": copy.deepcopy(items)}


@route("GET", "/api/orders/taxes", op="OR75")
def list_order_taxes(ctx):
    return _listing(ctx, "taxes")
