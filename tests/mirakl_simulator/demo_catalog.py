"""Generators for the demo catalogue: category tree, offers with mixed product references, their
creation/update dates, deleted offers, and offer-import history. Pure functions of the seeded
``random.Random`` they are given."""

from datetime import UTC, datetime, timedelta

from .clock import format_datetime

DEMO_EPOCH = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)

# code, label, parent code (level follows from the parent)
CATEGORIES = [
    ("OUTDOOR", "Outdoor", ""),
    ("CAMPING", "Camping", "OUTDOOR"),
    ("TENTS", "Tents", "CAMPING"),
    ("SLEEPING", "Sleeping bags", "CAMPING"),
    ("STOVES", "Camping stoves", "CAMPING"),
    ("HIKING", "Hiking", "OUTDOOR"),
    ("BACKPACKS", "Backpacks", "HIKING"),
    ("BOOTS", "Hiking boots", "HIKING"),
    ("POLES", "Trekking poles", "HIKING"),
    ("CLIMBING", "Climbing", "OUTDOOR"),
    ("ROPES", "Ropes", "CLIMBING"),
    ("HARNESSES", "Harnesses", "CLIMBING"),
    ("WATER", "Water sports", "OUTDOOR"),
    ("KAYAKS", "Kayaks", "WATER"),
    ("BOOKS", "Guides and maps", ""),
    ("GUIDES", "Guide books", "BOOKS"),
]

# leaf category, product noun, brand, base price, logistic class
FAMILIES = [
    ("TENTS", "Dome Tent", "Alpina", 189.0, "L"),
    ("SLEEPING", "Down Sleeping Bag", "Nordkap", 149.0, "M"),
    ("STOVES", "Gas Stove", "Flamy", 39.9, "S"),
    ("BACKPACKS", "Trekking Backpack 45L", "Sherpa", 119.0, "M"),
    ("BOOTS", "Mid Hiking Boot", "Trailfox", 129.0, "M"),
    ("POLES", "Carbon Trekking Poles", "Sherpa", 69.0, "S"),
    ("ROPES", "Dynamic Rope 60m", "Verticale", 159.0, "M"),
    ("HARNESSES", "Climbing Harness", "Verticale", 59.0, "S"),
    ("KAYAKS", "Touring Kayak", "Riviera", 899.0, "XL"),
    ("GUIDES", "Hiking Guide", "Editions Sentier", 24.5, "S"),
]
VARIANTS = ["Blue", "Red", "Green", "Black", "Orange", "Grey", "S", "M", "L", "XL"]
SHIPPING_PRICES = {"S": 4.9, "M": 6.9, "L": 9.9, "XL": 49.0}
LOGISTIC_LABELS = {"S": "Small", "M": "Medium", "L": "Large", "XL": "Bulky"}
CONDITIONS = ["11"] * 8 + ["1", "10"]


def check_digit(digits):
    """GS1 check digit (EAN-13, UPC-A and ISBN-13 share it)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def _references(rng, index, category):
    """Mixed reference types: ISBN for books, else EAN/UPC/MPN, sometimes two of them."""
    if category == "GUIDES":
        body = f"978{rng.randrange(10**9):09d}"
        return [{"reference": body + check_digit(body), "reference_type": "ISBN"}]
    ean = f"3{rng.randrange(10**11):011d}"
    upc = f"0{rng.randrange(10**10):010d}"
    mpn = {"reference": f"MPN-{index:05d}", "reference_type": "MPN"}
    kind = index % 4
    if kind == 0:
        return [{"reference": ean + check_digit(ean), "reference_type": "EAN"}]
    if kind == 1:
        return [{"reference": upc + check_digit(upc), "reference_type": "UPC"}]
    if kind == 2:
        return [mpn]
    return [{"reference": ean + check_digit(ean), "reference_type": "EAN"}, mpn]


def hierarchies():
    """H11 rows for ``CATEGORIES`` with levels and English/French labels."""
    levels = {}
    rows = []
    for code, label, parent in CATEGORIES:
        levels[code] = levels[parent] + 1 if parent else 1
        rows.append(
            {
                "code": code,
                "label": label,
                "level": levels[code],
                "parent_code": parent,
                "label_translations": [
                    {"locale": "en_US", "value": label},
                    {"locale": "fr_FR", "value": f"{label} (FR)"},
                ],
            }
        )
    return rows


def _pricing(price, origin=None, channel=None, discount=None):
    """One ``all_prices`` entry (also used as ``applicable_pricing``)."""
    origin = origin or price
    entry = {
        "price": price,
        "unit_origin_price": origin,
        "volume_prices": [
            {
                "quantity_threshold": 1,
                "price": price,
                "unit_origin_price": origin,
                "unit_discount_price": price,
            }
        ],
    }
    if price < origin:
        entry["unit_discount_price"] = price
    if discount:
        entry["discount_start_date"], entry["discount_end_date"] = discount
    if channel:
        entry["context"] = {"channel_codes": [channel]}
    return entry


def _offer(store, shop, rng, index, channels):
    category, noun, brand, base, logistic = FAMILIES[index % len(FAMILIES)]
    labels = {code: label for code, label, _ in CATEGORIES}
    variant = VARIANTS[(index // len(FAMILIES)) % len(VARIANTS)]
    origin = round(base * rng.uniform(0.85, 1.25), 2)
    price = origin
    discount = None
    if index % 7 == 0:
        price = round(origin * 0.8, 2)
        start = DEMO_EPOCH + timedelta(days=index % 30)
        discount = (format_datetime(start), format_datetime(start + timedelta(days=30)))
    quantity = 0 if index % 11 == 5 else rng.randint(1, 120)
    shipping = SHIPPING_PRICES[logistic]
    default_pricing = _pricing(price, origin, discount=discount)
    all_prices = [default_pricing]
    offer_channels = sorted(rng.sample(channels, rng.randint(0, len(channels))))
    if "WEB_DE" in offer_channels and index % 3 == 0:
        all_prices.append(_pricing(round(price * 1.05, 2), channel="WEB_DE"))
    offer = {
        "offer_id": store.next_id(),
        "shop_sku": f"S{shop.shop_id}-{index + 1:04d}",
        "product_sku": f"MKP{shop.shop_id}{index + 1:05d}",
        "product_title": f"{brand} {noun} - {variant}",
        "product_brand": brand,
        "product_description": f"{noun} by {brand}, {variant.lower()} edition.",
        "product_references": _references(rng, index, category),
        "category_code": category,
        "category_label": labels[category],
        "state_code": CONDITIONS[index % len(CONDITIONS)],
        "description": f"{brand} {noun} ({variant}) sold by {shop.name}.",
        "active": quantity > 0,
        "quantity": quantity,
        "price": price,
        "total_price": round(price + shipping, 2),
        "currency_iso_code": shop.currency_iso_code,
        "applicable_pricing": default_pricing,
        "all_prices": all_prices,
        "channels": offer_channels,
        "leadtime_to_ship": rng.randint(1, 5),
        "logistic_class": {"code": logistic, "label": LOGISTIC_LABELS[logistic]},
        "min_shipping_price": shipping,
        "min_shipping_price_additional": round(shipping / 2, 2),
        "min_shipping_type": "STD",
        "min_shipping_zone": "FR",
        "shipping_deadline": format_datetime(DEMO_EPOCH + timedelta(days=3, hours=index % 24)),
        "min_order_quantity": 1,
        "max_order_quantity": 10,
        "package_quantity": 1,
        "min_quantity_alert": 2,
        "allow_quote_requests": False,
        "fulfillment": {"center": {"code": "DEFAULT"}},
    }
    if quantity == 0:
        offer["inactivity_reasons"] = ["ZERO_QUANTITY"]
    elif index % 50 == 17:  # in stock, but its availability period is over
        offer["active"] = False
        offer["inactivity_reasons"] = ["NOT_IN_AVAILABILITY_PERIOD"]
        offer["available_start_date"] = format_datetime(DEMO_EPOCH - timedelta(days=60))
        offer["available_end_date"] = format_datetime(DEMO_EPOCH - timedelta(days=10))
    if index % 5 == 0:
        offer["warehouses"] = [
            {"code": "WH-PARIS", "quantity": quantity // 2},
            {"code": "WH-LYON", "quantity": quantity - quantity // 2},
        ]
    if index % 6 == 0:
        offer["offer_additional_fields"] = [{"code": "ecotax", "type": "NUMERIC", "value": "0.5"}]
    if index % 13 == 0:
        offer["favorite_rank"] = index // 13 + 1
    return offer


def offers(store, shop, rng, count, channels):
    """``count`` OF21 offers for ``shop``; every 11th one has no stock and is inactive, a few more
    are inactive because their availability period is over."""
    return [_offer(store, shop, rng, index, channels) for index in range(count)]


def offer_times(offers):
    """``{offer_id: (date_created, last_updated)}``: created over the 6 months before
    ``DEMO_EPOCH``, updated within its last month, so differential exports have something to pick.
    """
    return {
        offer["offer_id"]: (
            DEMO_EPOCH - timedelta(days=180 - index % 90),
            DEMO_EPOCH - timedelta(days=index % 30, minutes=index),
        )
        for index, offer in enumerate(offers)
    }


def deleted_offers(store, shop, rng, first_index, count, channels):
    """``count`` offers deleted over the week before ``DEMO_EPOCH``: ``({id: offer}, times)``."""
    removed, times = {}, {}
    for k in range(count):
        offer = _offer(store, shop, rng, first_index + k, channels)
        removed[offer["offer_id"]] = offer
        times[offer["offer_id"]] = (
            DEMO_EPOCH - timedelta(days=200),
            DEMO_EPOCH - timedelta(days=k + 1, hours=3),
        )
    return removed, times


def offer_imports(store, shop, rng, count):
    """OF04 rows, one import every ~2 days back from ``DEMO_EPOCH``, with a few failures."""
    rows = []
    for index in range(count):
        created = DEMO_EPOCH - timedelta(days=2 * index, minutes=rng.randint(0, 600))
        read = rng.randint(5, 300)
        failed = index % 9 == 4
        in_error = 0 if failed else (rng.randint(1, 5) if index % 4 == 1 else 0)
        success = 0 if failed else read - in_error
        inserted = success // 3
        deleted = success // 10
        row = {
            "import_id": store.next_id(),
            "shop_id": shop.shop_id,
            "date_created": format_datetime(created),
            "status": "FAILED" if failed else "COMPLETE",
            "mode": "REPLACE" if index % 10 == 0 else "NORMAL",
            "origin": ["API", "API", "FRONT", "SFTP"][index % 4],
            "has_error_report": in_error > 0,
            "lines_read": 0 if failed else read,
            "lines_in_success": success,
            "lines_in_error": in_error,
            "lines_in_pending": 0,
            "offer_inserted": inserted,
            "offer_updated": success - inserted - deleted,
            "offer_deleted": deleted,
        }
        if failed:
            row["reason_status"] = "File format is invalid: missing column 'sku'"
        rows.append(row)
    return rows
