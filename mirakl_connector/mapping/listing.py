"""Mirakl offer -> ``mirakl.listing`` values, shared by the OF54 export and the OF21 listing.

Only the fields present in the payload are mapped: an export configured without some columns
(or Mirakl's OF54, which has no product references) must not blank what an earlier import
learned. The values are hashed so an unchanged offer is recognised without reading the listing.
"""

import hashlib

from .order import to_datetime

# Mirakl reference type -> listing field; the other types only go to ``references``.
REFERENCE_FIELDS = {"EAN": "ean", "UPC": "upc", "ISBN": "isbn", "MPN": "mpn"}
# Reference fields that hold a barcode (ISBN-13 is an EAN-13 too).
BARCODE_FIELDS = ("ean", "upc", "isbn")
# Pricing contexts that make a price apply to some customers or channels only.
RESTRICTING_CONTEXT_KEYS = ("channel_codes", "customer_group_ids", "customer_organization_ids")


def get(obj, name):
    """Attribute of a pydantic model (declared or extra field) or key of a dict, else None."""
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def present_fields(offer):
    """Names of the fields the payload actually carries, even as null."""
    if isinstance(offer, dict):
        return set(offer)
    return set(offer.model_fields_set) | set(offer.model_extra or ())


def to_naive_utc(value):
    """Naive UTC datetime of a Mirakl date, to the second (what a listing stores)."""
    value = to_datetime(value)
    return value and value.replace(microsecond=0)


def to_amount(value):
    return float(value) if value is not None else 0.0


def default_pricing(offer):
    """The price for every customer: OF21's ``applicable_pricing``, else the first price of
    ``prices`` (OF54) or ``all_prices`` (OF21) not restricted to a channel or customer."""
    pricing = get(offer, "applicable_pricing")
    if pricing is not None:
        return pricing
    prices = get(offer, "prices") or get(offer, "all_prices") or []
    for candidate in prices:
        context = get(candidate, "context")
        if not any(get(context, key) for key in RESTRICTING_CONTEXT_KEYS):
            return candidate
    return prices[0] if prices else None


def price_values(offer):
    pricing = default_pricing(offer)
    origin = get(pricing, "unit_origin_price")
    if origin is None:
        origin = get(pricing, "origin_price")
    discount = get(pricing, "unit_discount_price")
    if discount is None:
        discount = get(pricing, "discount_price")
    price = get(offer, "price")
    if price is None:
        price = get(pricing, "price")
    if price is None:
        price = discount if discount is not None else origin
    return {
        "price": to_amount(price),
        "origin_price": to_amount(origin if origin is not None else price),
        "discount_price": to_amount(discount),
        "discount_start_date": to_naive_utc(get(pricing, "discount_start_date")),
        "discount_end_date": to_naive_utc(get(pricing, "discount_end_date")),
    }


def reference_values(references):
    """First reference of each known type, and every reference as searchable text."""
    values = dict.fromkeys(REFERENCE_FIELDS.values(), False)
    texts = []
    for reference in references or []:
        kind = (get(reference, "reference_type") or "").upper()
        code = (get(reference, "reference") or "").strip()
        if not code:
            continue
        texts.append(f"{kind} {code}".strip())
        field = REFERENCE_FIELDS.get(kind)
        if field and not values[field]:
            values[field] = code
    values["references"] = ", ".join(texts) or False
    return values


def barcode_candidates(values):
    """Barcodes a product may carry for these listing values: a UPC-A is also written as an
    EAN-13 with a leading zero, and the other way round."""
    candidates = []
    for field in BARCODE_FIELDS:
        code = values.get(field)
        if not code:
            continue
        candidates.append(code)
        if code.isdigit() and len(code) == 12:
            candidates.append("0" + code)
        elif code.isdigit() and len(code) == 13 and code.startswith("0"):
            candidates.append(code[1:])
    return candidates


def listing_values(offer, codes):
    """Values of the listing of ``offer``. ``codes`` maps master-data codes to record ids:
    ``{"condition": {...}, "logistic_class": {...}, "channel": {...}}``."""
    present = present_fields(offer)
    deleted = bool(get(offer, "deleted"))
    values = {
        "offer_id": str(get(offer, "offer_id")),
        "deleted": deleted,
        "active": not deleted,
    }
    simple = {
        "shop_sku": "shop_sku",
        "product_sku": "product_sku",
        "product_title": "title",
        "quantity": "quantity",
        "leadtime_to_ship": "leadtime_to_ship",
        "min_order_quantity": "min_order_quantity",
        "max_order_quantity": "max_order_quantity",
    }
    for key, field in simple.items():
        if key in present:
            values[field] = get(offer, key) or False
    if "active" in present:
        values["mirakl_active"] = bool(get(offer, "active"))
    if "inactivity_reasons" in present or get(offer, "active"):
        # an active offer has no reason to be inactive, even when the payload omits the list
        values["inactivity_reasons"] = ", ".join(get(offer, "inactivity_reasons") or []) or False
    if "last_updated" in present:
        values["mirakl_update_date"] = to_naive_utc(get(offer, "last_updated"))
    if "product_references" in present:
        values.update(reference_values(get(offer, "product_references")))
    if "state_code" in present:
        values["condition_id"] = codes["condition"].get(get(offer, "state_code"), False)
    if "logistic_class" in present:
        code = get(get(offer, "logistic_class"), "code")
        values["logistic_class_id"] = codes["logistic_class"].get(code, False)
    if "channels" in present:
        channel_ids = sorted(
            {
                codes["channel"][code]
                for code in get(offer, "channels") or []
                if code in codes["channel"]
            }
        )
        values["channel_ids"] = [(6, 0, channel_ids)]
    if present & {"price", "applicable_pricing", "prices", "all_prices"}:
        values.update(price_values(offer))
    return values


def values_hash(values):
    """A short fingerprint of listing values, stable across runs and processes."""
    return hashlib.md5(repr(sorted(values.items())).encode(), usedforsecurity=False).hexdigest()
