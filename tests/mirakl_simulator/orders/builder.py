"""Build an ``Order`` from the short description tests give ``sim.add_order``.

Everything not given gets a realistic default: offers of the shop, the operator's reference data
(shipping types, zones, carriers, channels, taxes) and a generated customer, so a test only
states what it is about. Prices are read in the order's tax mode and split into the canonical
tax-free amount plus taxes (``model.split_taxes``).
"""

from .model import Order, OrderLine, money, split_taxes
from .people import make_customer

DEFAULT_TAX_RATE = 20
LINE_KEYS = frozenset(
    {
        "offer_id",
        "offer_sku",
        "product_sku",
        "product_title",
        "category_code",
        "category_label",
        "quantity",
        "price_unit",
        "shipping_price",
        "taxes",
        "shipping_taxes",
        "origin_unit_price",
        "promotion",
        "additional_fields",
    }
)


def _by_code(items, code, what):
    for item in items:
        if item["code"] == code:
            return item
    raise ValueError(f"unknown {what} {code!r}: not in the operator's reference data")


def default_taxes(reference):
    """20 % of the operator's default VAT code (TAXDEFAULT if it has one, else its first tax)."""
    codes = [tax["code"] for tax in reference["taxes"]]
    if not codes:
        return []
    code = "TAXDEFAULT" if "TAXDEFAULT" in codes else codes[0]
    return [{"code": code, "rate": DEFAULT_TAX_RATE}]


def resolve_shipping(reference, spec):
    """Shipping type, zone and (optional) carrier with their labels and tracking URL."""
    spec = spec or {}
    kind = _by_code(
        reference["shipping_types"],
        spec.get("type_code", reference["shipping_types"][0]["code"]),
        "shipping type",
    )
    zone = _by_code(
        reference["shipping_zones"],
        spec.get("zone_code", reference["shipping_zones"][0]["code"]),
        "shipping zone",
    )
    shipping = {
        "type_code": kind["code"],
        "type_label": kind["label"],
        "type_standard_code": kind.get("standard_code"),
        "zone_code": zone["code"],
        "zone_label": zone["label"],
    }
    if spec.get("carrier_code"):
        carrier = _by_code(reference["carriers"], spec["carrier_code"], "carrier")
        tracking = spec.get("tracking")
        url = carrier.get("tracking_url")
        shipping.update(
            carrier_code=carrier["code"],
            carrier_label=carrier["label"],
            carrier_standard_code=carrier.get("standard_code"),
            tracking=tracking,
            tracking_url=url.replace("{trackingId}", tracking) if url and tracking else None,
        )
    return shipping


def resolve_channel(reference, code):
    if code is None:
        return None
    channel = next((c for c in reference["channels"] if c["code"] == code), None)
    return {"code": code, "label": channel["label"] if channel else code}


def _offer_defaults(shop, spec, index):
    """Product data of the shop offer with ``offer_sku`` (or the index-th offer), else made up."""
    offers = shop.offers
    offer = None
    if "offer_id" in spec:  # the caller (the generator) gives the product data itself
        return {"category_code": "ROOT", "category_label": "All products"}
    if spec.get("offer_sku"):
        offer = next((o for o in offers if o["shop_sku"] == spec["offer_sku"]), None)
    elif offers:
        offer = offers[index % len(offers)]
    if offer is None:
        sku = spec.get("offer_sku") or f"SKU-{index + 1}"
        return {
            "offer_id": 900000 + index,
            "offer_sku": sku,
            "product_sku": f"PRD-{sku}",
            "product_title": f"Product {sku}",
            "category_code": "ROOT",
            "category_label": "All products",
            "price_unit": "10.00",
        }
    return {
        "offer_id": offer["offer_id"],
        "offer_sku": offer["shop_sku"],
        "product_sku": offer.get("product_sku", f"PRD-{offer['shop_sku']}"),
        "product_title": offer.get("product_title", offer["shop_sku"]),
        "category_code": offer.get("category_code", "ROOT"),
        "category_label": offer.get("category_label", "All products"),
        "price_unit": offer.get("price", "10.00"),
    }


def build_line(store, shop, order_id, index, spec, tax_mode, at):
    """One ``OrderLine`` (``index`` from 0) from ``spec``; amounts are read in ``tax_mode``."""
    unknown = set(spec) - LINE_KEYS
    if unknown:
        raise ValueError(f"unknown order line keys {sorted(unknown)}, expected {sorted(LINE_KEYS)}")
    spec = {**_offer_defaults(shop, spec, index), **spec}
    rules = {tax["code"]: tax["tax_calculation_rule"] for tax in store.reference["taxes"]}
    taxes = spec.get("taxes", default_taxes(store.reference))
    shipping = money(spec.get("shipping_price", 0))
    shipping_taxes = spec.get("shipping_taxes", taxes if shipping else [])
    quantity = int(spec.get("quantity", 1))
    if quantity < 1:
        raise ValueError("an order line needs a quantity of at least 1")
    unit_price, unit_taxes = split_taxes(spec["price_unit"], taxes, tax_mode, rules)
    shipping_price, shipping_tax_items = split_taxes(shipping, shipping_taxes, tax_mode, rules)
    origin_price, origin_taxes = None, ()
    if spec.get("origin_unit_price") is not None:
        origin_price, origin_taxes = split_taxes(spec["origin_unit_price"], taxes, tax_mode, rules)
    return OrderLine(
        order_line_id=f"{order_id}-{index + 1}",
        index=index + 1,
        offer_id=int(spec["offer_id"]),
        offer_sku=spec["offer_sku"],
        product_sku=spec["product_sku"],
        product_title=spec["product_title"],
        category_code=spec["category_code"],
        category_label=spec["category_label"],
        quantity=quantity,
        unit_price=unit_price,
        unit_taxes=unit_taxes,
        shipping_price=shipping_price,
        shipping_taxes=shipping_tax_items,
        origin_unit_price=origin_price,
        origin_unit_taxes=origin_taxes,
        promotion=spec.get("promotion"),
        state="WAITING_ACCEPTANCE",
        created_date=at,
        last_updated_date=at,
        additional_fields=list(spec.get("additional_fields", [])),
    )


def build_order(
    store,
    shop,
    order_id,
    created_date,
    lines,
    *,
    tax_mode,
    customer=None,
    channel=None,
    shipping=None,
    leadtime_to_ship=2,
    fulfillment_center="DEFAULT",
    operator_fulfilled=False,
    additional_fields=(),
):
    """A WAITING_ACCEPTANCE ``Order`` of ``shop`` (keywords: see ``sim.add_order``)."""
    if not lines:
        raise ValueError("an order needs at least one line")
    commercial_id = order_id.removesuffix("-A")
    return Order(
        order_id=order_id,
        commercial_id=commercial_id,
        shop_id=shop.shop_id,
        currency_iso_code=shop.currency_iso_code,
        state="WAITING_ACCEPTANCE",
        created_date=created_date,
        last_updated_date=created_date,
        customer=make_customer(order_id, customer),
        lines=[
            build_line(store, shop, order_id, i, spec, tax_mode, created_date)
            for i, spec in enumerate(lines)
        ],
        shipping=resolve_shipping(store.reference, shipping),
        channel=resolve_channel(store.reference, channel),
        leadtime_to_ship=leadtime_to_ship,
        fulfillment_center=fulfillment_center,
        operator_fulfilled=operator_fulfilled,
        additional_fields=list(additional_fields),
    )
