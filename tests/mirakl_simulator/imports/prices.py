"""PRI01 price files: every price of each listed offer, which replace all its current prices.

Columns: ``offer-sku;price;discount-price;discount-start-date;discount-end-date`` plus, per PC01
``features.pricing``, ``price-ranges``/``discount-ranges`` (volume pricing), ``channels``
(channel pricing, ``|``-separated, empty = default price), ``start-date``/``end-date``
(scheduled pricing) and ``customer-organization-ids``/``customer-group-ids``. An offer is
imported whole or not at all: when one of its lines is wrong, none of its prices change and all
its lines go to the error report (so the report can be fixed and re-imported as it is). Each
offer needs one default price (no channel, customer or date), at most 50 prices, and one price
per context (per channel with ``channel_pricing`` SINGLE).
"""

from ..clock import format_datetime
from .catalog import Catalog
from .files import check_columns, error_report
from .jobs import Outcome
from .values import RowError, codes, date, in_period, money, ranges, required

COLUMNS = (
    "offer-sku",
    "price",
    "discount-price",
    "discount-start-date",
    "discount-end-date",
    "price-ranges",
    "discount-ranges",
    "channels",
    "start-date",
    "end-date",
    "customer-organization-ids",
    "customer-group-ids",
)
REQUIRED = ("offer-sku", "price")
MAX_PRICES = 50


def pricing_features(store):
    features = store.platform_configuration["features"]
    return features["pricing"], int(features.get("offer_prices_decimals") or 2)


def _check_enabled(row, pricing, channel_codes):
    if (row.get("price-ranges") and not pricing.get("volume_pricing")) or (
        row.get("discount-ranges") and not pricing.get("volume_discount")
    ):
        raise RowError("Volume pricing is not enabled on this platform")
    if (row.get("start-date") or row.get("end-date")) and not pricing.get("scheduled_pricing"):
        raise RowError("Scheduled pricing is not enabled on this platform")
    channels = codes(row.get("channels"))
    if channels and pricing.get("channel_pricing", "DISABLED") == "DISABLED":
        raise RowError("Channel pricing is not enabled on this platform")
    unknown = [code for code in channels if code not in channel_codes]
    if unknown:
        raise RowError(f"The channel '{unknown[0]}' does not exist")
    return channels


def parse_price(row, pricing, decimals, channel_codes):
    """The parsed price of one row: amounts, discount, ranges and context."""
    channels = _check_enabled(row, pricing, channel_codes)
    price = money(required(row.get("price"), "price"), "price", decimals)
    discount = money(row.get("discount-price"), "discount-price", decimals)
    start = date(row.get("discount-start-date"), "discount-start-date")
    end = date(row.get("discount-end-date"), "discount-end-date")
    if discount is not None and discount >= price:
        raise RowError("The discount price must be lower than the price")
    if discount is None and (start or end):
        raise RowError("Discount dates need a discount price")
    if discount is not None and pricing.get("discount_period_required") and not (start and end):
        raise RowError("A discount needs a start date and an end date on this platform")
    if start and end and end <= start:
        raise RowError("The discount end date must be after its start date")
    context = {
        "channel_codes": channels,
        "start_date": date(row.get("start-date"), "start-date"),
        "end_date": date(row.get("end-date"), "end-date"),
        "customer_organization_ids": codes(row.get("customer-organization-ids")),
        "customer_group_ids": codes(row.get("customer-group-ids")),
    }
    return {
        "price": price,
        "discount": discount,
        "discount_start": start,
        "discount_end": end,
        "price_ranges": ranges(row.get("price-ranges"), "price-ranges", decimals),
        "discount_ranges": ranges(row.get("discount-ranges"), "discount-ranges", decimals),
        "context": {key: value for key, value in context.items() if value},
    }


def _context_key(context):
    return tuple(
        (key, tuple(value) if isinstance(value, list) else value)
        for key, value in sorted(context.items())
    )


def _check_offer(prices, single_channel):
    """Errors across the prices of one offer: ``{index: message}``."""
    errors, contexts, channels = {}, set(), set()
    for index, price in enumerate(prices):
        key = _context_key(price["context"])
        overlap = channels & set(price["context"].get("channel_codes", ()))
        if index >= MAX_PRICES:
            errors[index] = f"An offer can have at most {MAX_PRICES} prices"
        elif key in contexts:
            errors[index] = "The offer already has a price for this context"
        elif single_channel and overlap:
            errors[index] = f"The offer already has a price for the channel '{min(overlap)}'"
        contexts.add(key)
        channels.update(price["context"].get("channel_codes", ()))
    if () not in contexts:
        errors.setdefault(0, "The offer needs a default price (without channel, customer or date)")
    return errors


def price_entry(price, now):
    """An OF21 ``all_prices`` entry: ``price`` is what applies now (the discount, in its
    period), volume prices from the ranges."""
    discount = price["discount"]
    active = discount is not None and in_period(now, price["discount_start"], price["discount_end"])
    current = discount if active else price["price"]
    discounts = dict(price["discount_ranges"])
    volumes = price["price_ranges"] or [(1, price["price"])]
    entry = {
        "price": float(current),
        "unit_origin_price": float(price["price"]),
        "volume_prices": [
            {
                "quantity_threshold": threshold,
                "price": float(discounts.get(threshold, discount) if active else origin),
                "unit_origin_price": float(origin),
                "unit_discount_price": float(discounts.get(threshold, discount) or origin),
            }
            for threshold, origin in volumes
        ],
    }
    if discount is not None:
        entry["unit_discount_price"] = float(discount)
        for key in ("discount_start", "discount_end"):
            if price[key] is not None:
                entry[f"{key}_date"] = format_datetime(price[key])
    if price["context"]:
        context = dict(price["context"])
        for key in ("start_date", "end_date"):
            if key in context:
                context[key] = format_datetime(context[key])
        entry["context"] = context
    return entry


def offer_prices(offer, entries):
    """The OF21 price fields of ``offer`` with ``entries``; the default one is applicable."""
    default = next(entry for entry in entries if "context" not in entry)
    return {
        "all_prices": entries,
        "applicable_pricing": default,
        "price": default["price"],
        "total_price": round(default["price"] + offer["min_shipping_price"], 2),
    }


def process_prices(store, shop, job, now):
    """Check and apply a price file (``ImportJob.process`` of PRI01 imports)."""
    check_columns(job.columns, REQUIRED, lambda column: column in COLUMNS)
    pricing, decimals = pricing_features(store)
    channel_codes = {channel["code"] for channel in store.reference["channels"]}
    catalog = Catalog(shop, now)
    offers = {}  # offer sku -> [(row, parsed price or RowError)], in file order
    for row in job.rows:
        try:
            parsed = parse_price(row, pricing, decimals, channel_codes)
            if catalog.find(row.get("offer-sku")) is None:
                raise RowError(f"The offer with SKU '{row.get('offer-sku')}' does not exist")
        except RowError as error:
            parsed = error
        offers.setdefault(row.get("offer-sku"), []).append((row, parsed))
    failures, updated = [], 0
    for sku, lines in offers.items():
        errors = {i: p.message for i, (_row, p) in enumerate(lines) if isinstance(p, RowError)}
        if not errors:
            prices = [price for _row, price in lines]
            errors = _check_offer(prices, pricing.get("channel_pricing") == "SINGLE")
        if errors:
            sibling = f"Not imported: another price of the offer '{sku}' is in error"
            failures += [(row, errors.get(i, sibling)) for i, (row, _p) in enumerate(lines)]
            continue
        offer_id = catalog.find(sku)
        entries = [price_entry(price, now) for _row, price in lines]
        catalog.update(offer_id, offer_prices(catalog.offer(offer_id), entries))
        updated += 1
    counters = {
        "lines_in_success": len(job.rows) - len(failures),
        "lines_in_error": len(failures),
        "offers_updated": updated,
        "offers_in_error": len({row.get("offer-sku") for row, _message in failures}),
    }
    report = error_report(job.columns, failures, errors_first=True) if failures else None
    return Outcome(failures, counters, report)
