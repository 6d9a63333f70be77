"""OF54 file formats: a stored (OF21-shaped) offer as an exported JSON object, and chunks as JSON or
CSV, so stored and generated offers are exported by the same code.

The JSON follows the spec's ``OF54_Response_200_Ext_FileStructure``. ``product_references``,
``product_title`` and ``inactivity_reasons`` are not in that schema; they are added only while
``ExportSettings.product_fields`` is on (off by default: spec-strict), to let tests play both
cases. The CSV follows the spec's OF54 CSV example: ``;`` or ``,`` per PC01
``operator_csv_delimiter``, ``|``-separated lists, ``qty|price`` ranges, one set of price columns
per operator channel.
"""

import copy
import csv
import io
import json

from .clock import format_datetime
from .context import json_default

PRODUCT_FIELDS = ("product_references", "product_title", "inactivity_reasons")
_OPTIONAL = (
    "product_tax_code",
    "msrp",
    "price_additional_info",
    "available_start_date",
    "available_end_date",
    "favorite_rank",
)
_COPIED = ("warehouses", "eco_contributions", "offer_additional_fields", "fulfillment")
_CSV_COLUMNS = (
    "offer-id",
    "product-sku",
    "min-shipping-price",
    "min-shipping-price-additional",
    "min-shipping-zone",
    "min-shipping-type",
    "price",
    "total-price",
    "price-additional-info",
    "quantity",
    "description",
    "state-code",
    "shop-id",
    "shop-name",
    "professional",
    "premium",
    "logistic-class",
    "active",
    "favorite-rank",
    "channels",
    "deleted",
    "origin-price",
    "discount-start-date",
    "discount-end-date",
    "available-start-date",
    "available-end-date",
    "discount-price",
    "currency-iso-code",
    "discount-ranges",
    "leadtime-to-ship",
    "allow-quote-requests",
    "price-ranges",
    "fulfillment-center-code",
    "shop-sku",
    "date-created",
    "last-updated",
    "min-order-quantity",
    "max-order-quantity",
    "package-quantity",
)
_CHANNEL_COLUMNS = (
    "price",
    "origin-price",
    "discount-price",
    "discount-start-date",
    "discount-end-date",
)
CSV_DELIMITERS = {"SEMICOLON": ";", "COMMA": ","}


def _keep(value):
    return value


def _price(entry, copy_value):
    """An OF21 ``all_prices`` entry as an OF54 ``prices`` entry."""
    origin = entry.get("unit_origin_price", entry["price"])
    discount = entry.get("unit_discount_price")
    discounted = discount is not None and discount < origin
    price = {"origin_price": origin}
    if entry.get("context"):
        price["context"] = copy_value(entry["context"])
    if discounted:
        price["discount_price"] = discount
        for key in ("discount_start_date", "discount_end_date"):
            if key in entry:
                price[key] = entry[key]
    price["volume_prices"] = []
    for volume in entry.get("volume_prices") or [{"quantity_threshold": 1}]:
        row = {
            "quantity_threshold": volume["quantity_threshold"],
            "unit_origin_price": volume.get("unit_origin_price", origin),
        }
        if discounted:
            row["unit_discount_price"] = volume.get("unit_discount_price", discount)
        price["volume_prices"].append(row)
    return price


def exported_offer(
    offer, shop, created, updated, deleted=False, product_fields=False, snapshot=True
):
    """The OF54 JSON object of ``offer`` (OF21 shape) at ``updated``; deleted ones are inactive.

    ``snapshot`` copies nested values, for rows kept until download; rows serialised at once
    (generated catalogues, ~10,000 per chunk) skip the copies.
    """
    copy_value = copy.deepcopy if snapshot else _keep
    body = {
        "offer_id": offer["offer_id"],
        "shop_sku": offer["shop_sku"],
        "product_sku": offer["product_sku"],
        "state_code": offer["state_code"],
        "active": bool(offer["active"]) and not deleted,
        "deleted": deleted,
        "quantity": offer["quantity"],
        "currency_iso_code": offer["currency_iso_code"],
        "prices": [_price(entry, copy_value) for entry in offer.get("all_prices", [])],
        "description": offer.get("description", ""),
        "leadtime_to_ship": offer["leadtime_to_ship"],
        "logistic_class": {"code": offer["logistic_class"]["code"]},
        "min_shipping_price": offer["min_shipping_price"],
        "min_shipping_price_additional": offer["min_shipping_price_additional"],
        "min_shipping_type": offer["min_shipping_type"],
        "min_shipping_zone": offer["min_shipping_zone"],
        "min_order_quantity": offer["min_order_quantity"],
        "max_order_quantity": offer["max_order_quantity"],
        "package_quantity": offer["package_quantity"],
        "allow_quote_requests": offer["allow_quote_requests"],
        "channels": list(offer.get("channels", [])),
        "shop_id": shop.shop_id,
        "shop_name": shop.name,
        "is_professional": True,
        "premium": False,
        "date_created": format_datetime(created),
        "last_updated": format_datetime(updated),
    }
    body.update({key: offer[key] for key in _OPTIONAL if key in offer})
    body.update({key: copy_value(offer[key]) for key in _COPIED if key in offer})
    if product_fields:
        body.update({key: copy_value(offer[key]) for key in PRODUCT_FIELDS if key in offer})
    return body


def json_chunk(rows, include_fields=None):
    """A chunk as Mirakl serves it: one JSON array."""
    if include_fields:
        rows = ({k: v for k, v in row.items() if k in include_fields} for row in rows)
    return json.dumps(list(rows), default=json_default).encode("utf-8")


def _money(value):
    return "" if value is None else f"{value:.2f}"


def _ranges(price, key):
    return ",".join(
        f"{volume['quantity_threshold']}|{_money(volume[key])}"
        for volume in price.get("volume_prices", [])
        if key in volume
    )


def _current(price):
    return price.get("discount_price", price["origin_price"])


def _csv_row(row, channels):
    """The OF54 CSV columns of one exported JSON object."""
    prices = row.get("prices", [])
    default = next((p for p in prices if "context" not in p), {"origin_price": None})
    current = None if default["origin_price"] is None else _current(default)
    values = {
        "offer-id": row["offer_id"],
        "product-sku": row["product_sku"],
        "min-shipping-price": _money(row["min_shipping_price"]),
        "min-shipping-price-additional": _money(row["min_shipping_price_additional"]),
        "min-shipping-zone": row["min_shipping_zone"],
        "min-shipping-type": row["min_shipping_type"],
        "price": _money(current),
        "total-price": _money(None if current is None else current + row["min_shipping_price"]),
        "price-additional-info": row.get("price_additional_info", ""),
        "quantity": row["quantity"],
        "description": row["description"],
        "state-code": row["state_code"],
        "shop-id": row["shop_id"],
        "shop-name": row["shop_name"],
        "professional": "true" if row["is_professional"] else "false",
        "premium": "true" if row["premium"] else "false",
        "logistic-class": row["logistic_class"]["code"],
        "active": "true" if row["active"] else "false",
        "favorite-rank": row.get("favorite_rank", ""),
        "channels": "|".join(row["channels"]),
        "deleted": "true" if row["deleted"] else "false",
        "origin-price": _money(default["origin_price"]),
        "discount-start-date": default.get("discount_start_date", ""),
        "discount-end-date": default.get("discount_end_date", ""),
        "available-start-date": row.get("available_start_date", ""),
        "available-end-date": row.get("available_end_date", ""),
        "discount-price": _money(default.get("discount_price")),
        "currency-iso-code": row["currency_iso_code"],
        "discount-ranges": _ranges(default, "unit_discount_price"),
        "leadtime-to-ship": row["leadtime_to_ship"],
        "allow-quote-requests": "true" if row["allow_quote_requests"] else "false",
        "price-ranges": _ranges(default, "unit_origin_price"),
        "fulfillment-center-code": (row.get("fulfillment") or {}).get("center", {}).get("code", ""),
        "shop-sku": row["shop_sku"],
        "date-created": row["date_created"],
        "last-updated": row["last_updated"],
        "min-order-quantity": row["min_order_quantity"],
        "max-order-quantity": row["max_order_quantity"],
        "package-quantity": row["package_quantity"],
    }
    for channel in channels:
        price = next(
            (p for p in prices if channel in (p.get("context") or {}).get("channel_codes", [])), {}
        )
        values[f"price[channel={channel}]"] = _money(_current(price)) if price else ""
        values[f"origin-price[channel={channel}]"] = _money(price.get("origin_price"))
        values[f"discount-price[channel={channel}]"] = _money(price.get("discount_price"))
        values[f"discount-start-date[channel={channel}]"] = price.get("discount_start_date", "")
        values[f"discount-end-date[channel={channel}]"] = price.get("discount_end_date", "")
    return values


def csv_columns(channels):
    return list(_CSV_COLUMNS) + [
        f"{column}[channel={channel}]" for channel in channels for column in _CHANNEL_COLUMNS
    ]


def csv_chunk(rows, channels, delimiter=";", include_fields=None, rename_fields=None):
    """A chunk as CSV with a header row; ``include_fields``/``rename_fields`` use CSV names."""
    columns = [c for c in csv_columns(channels) if not include_fields or c in include_fields]
    header = [(rename_fields or {}).get(column, column) for column in columns]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        values = _csv_row(row, channels)
        writer.writerow([values[column] for column in columns])
    return out.getvalue().encode("utf-8")
