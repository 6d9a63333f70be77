"""OF01 offer files: create, update or delete offers, one line each (``import_mode`` NORMAL), or
make the file the whole catalogue (REPLACE: offers absent from it are deleted).

An update replaces the offer: a column left out (or empty) resets its field (no discount, no
description, quantity 0...), which is why a stock-only update must repeat every column. A new
offer needs ``product-id``/``product-id-type`` naming a product the operator knows (any shop's
offer: its product SKU or one of its references), else "The product does not exist" as in
Mirakl's OF03 example. Channel prices come from ``price[channel=X]``-style columns, custom
fields from columns named by an AF01 OFFER field code.
"""

import re
from datetime import timedelta

from ..clock import format_datetime
from .catalog import Catalog
from .files import check_columns, error_report
from .jobs import Outcome
from .prices import offer_prices, parse_price, price_entry, pricing_features
from .values import RowError, boolean, date, integer, required

COLUMNS = frozenset(
    {
        "sku",
        "product-id",
        "product-id-type",
        "description",
        "internal-description",
        "price",
        "price-additional-info",
        "quantity",
        "min-quantity-alert",
        "state",
        "available-start-date",
        "available-end-date",
        "discount-price",
        "discount-start-date",
        "discount-end-date",
        "discount-ranges",
        "allow-quote-requests",
        "leadtime-to-ship",
        "min-order-quantity",
        "max-order-quantity",
        "package-quantity",
        "update-delete",
        "price-ranges",
        "logistic-class",
        "product-tax-code",
        "pricing-unit",
        # legacy columns of the spec's list, accepted and ignored unless AF01 defines them
        "ecotax",
        "gift-wrap",
        "min-quantity-ordered",
    }
)
# price[channel=FR]... (the spec's own example spells one "prices-ranges[channel=FR]")
CHANNEL_COLUMN = re.compile(
    r"^(price|discount-price|discount-start-date|discount-end-date|discount-ranges|"
    r"price-ranges|prices-ranges)\[channel=([^\]]+)\]$"
)
EPR_COLUMN = re.compile(r"^(producer-id|eco-contribution-amount)\[([A-Z]{2}-[A-Z]+)\]$")
DEFAULT_MAX_ORDER_QUANTITY = 100
# Product and shipping data, which no offer column sets (a new offer takes its product's).
PRODUCT_KEYS = (
    "product_sku",
    "product_title",
    "product_brand",
    "product_description",
    "product_references",
    "category_code",
    "category_label",
    "min_shipping_price",
    "min_shipping_price_additional",
    "min_shipping_type",
    "min_shipping_zone",
)
KEPT_KEYS = ("fulfillment", "favorite_rank", "channels")  # an updated offer keeps its own


class _View(dict):
    """A row seen through other column names (a channel's price columns as plain ones)."""

    def get(self, column, default=""):
        return (super().get(column) or default).strip()


def _channel_views(row, channels):
    """``{channel: view}`` of the channel price columns of ``row`` that have a value."""
    views = {}
    for column, value in row.values.items():
        match = CHANNEL_COLUMN.match(column)
        if match and (value or "").strip():
            name = "price-ranges" if match.group(1) == "prices-ranges" else match.group(1)
            views.setdefault(match.group(2), _View(channels=match.group(2)))[name] = value
    unknown = sorted(set(views) - channels)
    if unknown:
        raise RowError(f"The channel '{unknown[0]}' does not exist")
    return views


class _Products:
    """The products the operator knows, from every shop's stored offers."""

    def __init__(self, store):
        self._index = {}
        for shop in store.shops.values():
            for offer in shop.offers:
                self._index.setdefault(("SKU", offer["product_sku"]), offer)
                for reference in offer.get("product_references", []):
                    key = (reference["reference_type"], reference["reference"])
                    self._index.setdefault(key, offer)

    def find(self, id_type, product_id):
        return self._index.get((id_type.upper(), product_id))


class _Importer:
    """One OF01 file being applied to one shop."""

    def __init__(self, store, shop, job, now):
        self.store, self.shop, self.job, self.now = store, shop, job, now
        self.catalog = Catalog(shop, now)
        self.pricing, self.decimals = pricing_features(store)
        reference = store.reference
        self.channels = {channel["code"] for channel in reference["channels"]}
        self.states = {state["code"] for state in reference["offer_states"]}
        self.logistic = {item["code"]: item for item in reference["logistic_classes"]}
        self.fields = {
            field["code"]: field
            for field in reference["additional_fields"]
            if field.get("entity") == "OFFER"
        }
        self.products = _Products(store)
        self.counters = dict.fromkeys(("offer_inserted", "offer_updated", "offer_deleted"), 0)

    def known(self, column):
        return (
            column in COLUMNS
            or column in self.fields
            or bool(CHANNEL_COLUMN.match(column) or EPR_COLUMN.match(column))
        )

    def prices(self, row):
        """The ``all_prices`` entries of a row: its default price, then its channel prices."""
        default = _View({key: value for key, value in row.values.items() if "[" not in key})
        default["channels"] = ""
        parsed = [parse_price(default, self.pricing, self.decimals, self.channels)]
        for view in _channel_views(row, self.channels).values():
            parsed.append(parse_price(view, self.pricing, self.decimals, self.channels))
        return [price_entry(price, self.now) for price in parsed]

    def identity(self, row, offer_id):
        """The fields a file does not set: the offer's own on update, the product's (and a new
        id) on creation."""
        if offer_id is not None:
            offer = self.catalog.offer(offer_id)
            kept = ("offer_id", "shop_sku", *PRODUCT_KEYS, *KEPT_KEYS)
            return {key: offer[key] for key in kept if key in offer}
        id_type = required(row.get("product-id-type"), "product-id-type")
        product = self.products.find(id_type, required(row.get("product-id"), "product-id"))
        if product is None:
            raise RowError("The product does not exist")
        body = {key: product[key] for key in PRODUCT_KEYS if key in product}
        return {"offer_id": self.store.next_id(), "shop_sku": row.get("sku"), **body}

    def body(self, row, offer_id):
        """The whole OF21 body the row describes."""
        body = self.identity(row, offer_id)
        state = required(row.get("state"), "state")
        if state not in self.states:
            raise RowError(f"The offer state '{state}' does not exist")
        logistic_code = row.get("logistic-class") or next(iter(self.logistic))
        if logistic_code not in self.logistic:
            raise RowError(f"The logistic class '{logistic_code}' does not exist")
        quantity = integer(row.get("quantity"), "quantity") or 0
        quotes = boolean(row.get("allow-quote-requests"), "allow-quote-requests")
        start = date(row.get("available-start-date"), "available-start-date")
        end = date(row.get("available-end-date"), "available-end-date")
        if start and end and end <= start:
            raise RowError("The available end date must be after the available start date")
        leadtime = integer(row.get("leadtime-to-ship"), "leadtime-to-ship")
        leadtime = 2 if leadtime is None else leadtime
        available = (start is None or start <= self.now) and (end is None or self.now < end)
        body.update(
            state_code=state,
            description=row.get("description"),
            quantity=quantity,
            active=quantity > 0 and available,
            currency_iso_code=self.shop.currency_iso_code,
            leadtime_to_ship=leadtime,
            logistic_class={"code": logistic_code, "label": self.logistic[logistic_code]["label"]},
            shipping_deadline=format_datetime(self.now + timedelta(days=leadtime)),
            min_quantity_alert=integer(row.get("min-quantity-alert"), "min-quantity-alert") or 0,
            min_order_quantity=integer(row.get("min-order-quantity"), "min-order-quantity", 1) or 1,
            max_order_quantity=integer(row.get("max-order-quantity"), "max-order-quantity", 1)
            or DEFAULT_MAX_ORDER_QUANTITY,
            package_quantity=integer(row.get("package-quantity"), "package-quantity", 1) or 1,
            allow_quote_requests=bool(quotes),
        )
        body.update(offer_prices(body, self.prices(row)))
        body.setdefault("channels", [])
        body.setdefault("fulfillment", {"center": {"code": "DEFAULT"}})
        for key, value in (
            ("internal_description", row.get("internal-description")),
            ("price_additional_info", row.get("price-additional-info")),
            ("product_tax_code", row.get("product-tax-code")),
            ("pricing_unit", row.get("pricing-unit")),
            ("available_start_date", start and format_datetime(start)),
            ("available_end_date", end and format_datetime(end)),
        ):
            if value:
                body[key] = value
        if not body["active"]:
            body["inactivity_reasons"] = (
                ["ZERO_QUANTITY"] if quantity == 0 else ["NOT_IN_AVAILABILITY_PERIOD"]
            )
        self._custom_fields(row, body)
        return body

    def _custom_fields(self, row, body):
        fields = [
            {"code": code, "type": self.fields[code].get("type", "STRING"), "value": row.get(code)}
            for code in self.fields
            if row.get(code)
        ]
        categories = sorted({m.group(2) for c in row.positions if (m := EPR_COLUMN.match(c))})
        eco = [
            {
                "epr_category_code": category,
                "producer_id": row.get(f"producer-id[{category}]"),
                "eco_contribution_amount": row.get(f"eco-contribution-amount[{category}]"),
            }
            for category in categories
            if row.get(f"producer-id[{category}]")
        ]
        if fields:
            body["offer_additional_fields"] = fields
        if eco:
            body["eco_contributions"] = [{k: v for k, v in e.items() if v} for e in eco]

    def apply(self, row, seen):
        """Apply one row; RowError when it is refused."""
        sku = required(row.get("sku"), "sku")
        if sku in seen:
            raise RowError(f"The offer '{sku}' is listed more than once in the file")
        seen.add(sku)
        action = row.get("update-delete").lower()
        if action not in ("", "update", "delete"):
            raise RowError(f"Invalid update-delete value '{row.get('update-delete')}'")
        offer_id = self.catalog.find(sku)
        if action == "delete":
            if offer_id is None:
                raise RowError(f"The offer with SKU '{sku}' does not exist")
            self.catalog.delete(offer_id)
            self.counters["offer_deleted"] += 1
            return
        body = self.body(row, offer_id)
        if offer_id is None:
            self.catalog.add(body)
            self.counters["offer_inserted"] += 1
        else:
            self.catalog.replace(offer_id, body)
            self.counters["offer_updated"] += 1

    def replace_rest(self, listed):
        """REPLACE mode: delete the live offers the file does not list."""
        for offer_id in list(self.catalog.live_offer_ids()):
            if self.catalog.offer(offer_id)["shop_sku"] not in listed:
                self.catalog.delete(offer_id)
                self.counters["offer_deleted"] += 1


def process_offers(store, shop, job, now):
    """Check and apply an offer file (``ImportJob.process`` of OF01 imports)."""
    importer = _Importer(store, shop, job, now)
    check_columns(job.columns, ("sku",), importer.known)
    failures, seen = [], set()
    for row in job.rows:
        try:
            importer.apply(row, seen)
        except RowError as error:
            failures.append((row, error.message))
    if job.mode == "REPLACE":
        importer.replace_rest({row.get("sku") for row in job.rows})
    counters = {
        **importer.counters,
        "lines_read": len(job.rows),
        "lines_in_success": len(job.rows) - len(failures),
        "lines_in_error": len(failures),
        "lines_in_pending": 0,
    }
    report = error_report(job.columns, failures, errors_first=False) if failures else None
    return Outcome(failures, counters, report)
