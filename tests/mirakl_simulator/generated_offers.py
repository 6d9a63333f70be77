"""A large offer catalogue computed on the fly, for benchmarks: offer ``index`` is a pure function
of ``(seed, index)``, so 100,000 offers cost a few integers until a chunk is served, and memory
stays flat however large ``count`` is.

Only changes are stored: offers updated (``override``) or deleted through the simulator. Generated
offers are served by the offer export (OF52-OF54) only, not by OF21.

Product references follow the index (``index % 4``): 0 EAN-13, 1 UPC-A, 2 EAN-13 + MPN, 3 MPN
only (no barcode: links by SKU only). ``barcode(index)`` / ``products()`` give what a benchmark
needs to create the matching Odoo products (``default_code`` = shop SKU, ``barcode`` = EAN or
UPC).
"""

from dataclasses import dataclass, field
from datetime import datetime

from .demo_catalog import check_digit

_MASK = (1 << 64) - 1
LOGISTIC_CLASSES = ("S", "M", "L", "XL")
SHIPPING_PRICES = {"S": 4.9, "M": 6.9, "L": 9.9, "XL": 49.0}


def _mix(seed, index):
    """splitmix64 of (seed, index): cheap, well spread, reproducible everywhere."""
    z = (seed * 0x9E3779B97F4A7C15 + index + 1) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


@dataclass
class GeneratedOffers:
    """``count`` offers of one shop, ids ``first_offer_id + index``, all created ``created_at``."""

    shop_id: int
    shop_name: str
    currency_iso_code: str
    first_offer_id: int
    count: int
    seed: int
    created_at: datetime
    channels: tuple = ()
    sku_prefix: str = "GEN"
    overrides: dict = field(default_factory=dict)  # index -> OF21 offer dict (after updates)
    changed: dict = field(default_factory=dict)  # index -> last_updated of updated/deleted ones
    deleted: set = field(default_factory=set)  # indexes

    # -- identity ------------------------------------------------------------------------------
    def index_of(self, offer_id):
        index = offer_id - self.first_offer_id
        return index if 0 <= index < self.count else None

    def offer_id(self, index):
        return self.first_offer_id + index

    def shop_sku(self, index):
        return f"{self.sku_prefix}-{index:07d}"

    def ean(self, index):
        body = f"2{self.seed % 100:02d}{index:09d}"
        return body + check_digit(body)

    def upc(self, index):
        body = f"0{self.seed % 10}{index:09d}"
        return body + check_digit(body)

    def references(self, index):
        kind = index % 4
        mpn = {"reference": f"MPN-{self.sku_prefix}-{index:07d}", "reference_type": "MPN"}
        if kind == 0:
            return [{"reference": self.ean(index), "reference_type": "EAN"}]
        if kind == 1:
            return [{"reference": self.upc(index), "reference_type": "UPC"}]
        if kind == 2:
            return [{"reference": self.ean(index), "reference_type": "EAN"}, mpn]
        return [mpn]

    def barcode(self, index):
        """The EAN or UPC of offer ``index``, or None (MPN only)."""
        kind = index % 4
        if kind == 3:
            return None
        return self.upc(index) if kind == 1 else self.ean(index)

    def title(self, index):
        return f"Generated product {index:07d}"

    def products(self, start=0, stop=None):
        """Yield ``{"default_code", "barcode", "name"}`` per offer, lazily: matching products."""
        for index in range(start, self.count if stop is None else min(stop, self.count)):
            yield {
                "default_code": self.shop_sku(index),
                "barcode": self.barcode(index) or False,
                "name": self.title(index),
            }

    # -- content -------------------------------------------------------------------------------
    def offer(self, index):
        """Offer ``index`` in OF21 shape: its override when updated, else computed."""
        if index in self.overrides:
            return self.overrides[index]
        h = _mix(self.seed, index)
        price = 5 + (h % 99_500) / 100
        logistic = LOGISTIC_CLASSES[(h >> 17) % 4]
        shipping = SHIPPING_PRICES[logistic]
        channels = [c for bit, c in enumerate(self.channels) if (h >> (24 + bit)) & 1]
        volume = {"quantity_threshold": 1, "price": price, "unit_origin_price": price}
        pricing = {"price": price, "unit_origin_price": price, "volume_prices": [volume]}
        all_prices = [pricing]
        if channels and (h >> 40) % 3 == 0:
            channel_price = round(price * 1.05, 2)
            all_prices.append(
                {
                    "price": channel_price,
                    "unit_origin_price": channel_price,
                    "context": {"channel_codes": [channels[0]]},
                }
            )
        return {
            "offer_id": self.offer_id(index),
            "shop_sku": self.shop_sku(index),
            "product_sku": f"MKPGEN{self.seed % 1000:03d}{index:08d}",
            "product_title": self.title(index),
            "product_references": self.references(index),
            "state_code": "11",
            "active": True,
            "quantity": 1 + (h >> 8) % 200,
            "price": price,
            "total_price": round(price + shipping, 2),
            "currency_iso_code": self.currency_iso_code,
            "applicable_pricing": pricing,
            "all_prices": all_prices,
            "channels": channels,
            "description": f"Generated offer {index} of shop {self.shop_id}.",
            "leadtime_to_ship": 1 + (h >> 32) % 5,
            "logistic_class": {"code": logistic, "label": logistic},
            "min_shipping_price": shipping,
            "min_shipping_price_additional": round(shipping / 2, 2),
            "min_shipping_type": "STD",
            "min_shipping_zone": "FR",
            "min_order_quantity": 1,
            "max_order_quantity": 10,
            "package_quantity": 1,
            "allow_quote_requests": False,
            "fulfillment": {"center": {"code": "DEFAULT"}},
        }

    def last_updated(self, index):
        return self.changed.get(index, self.created_at)

    # -- changes (through the simulator's update/delete helpers) -------------------------------
    @property
    def live_count(self):
        return self.count - len(self.deleted)

    def override(self, offer_id):
        """The stored copy of an offer about to change; later reads return it."""
        index = self.index_of(offer_id)
        if index not in self.overrides:  # ``offer()`` builds new objects: already a copy
            self.overrides[index] = self.offer(index)
        return self.overrides[index]

    def touch(self, offer_id, now):
        self.changed[self.index_of(offer_id)] = now

    def delete(self, offer_id, now):
        index = self.index_of(offer_id)
        self.deleted.add(index)
        self.changed[index] = now

    def hidden_from_full_export(self, include_inactive):
        """Indexes a full export skips: deleted ones, and inactive ones unless asked for."""
        hidden = set(self.deleted)
        if not include_inactive:
            hidden.update(i for i, offer in self.overrides.items() if not offer["active"])
        return frozenset(hidden)
