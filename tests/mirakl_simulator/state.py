"""Operator state: shops with their own collections, API keys, platform settings, reference data.

One ``Store`` per simulator; handlers read and mutate it under ``store.lock``. Per-shop data lives
on ``Shop`` (offers with their dates and deletions, generated catalogues, the OF04 offer-import
history, warehouse codes), operator-wide data on the store (offer exports, whose ids are global;
orders, one book per shop, with their exports and settings in ``store.orders``; ST01 shipments
and STO01/PRI01/OF01 file imports, each tagged with its shop).
"""

import copy
import threading
import uuid
from dataclasses import dataclass, field

from . import defaults
from .accounting.model import AccountingBook
from .clock import Clock, format_datetime, parse_datetime
from .documents import DocumentBook
from .imports.jobs import ImportBook
from .inbox import Inbox
from .offer_exports import ExportSettings
from .orders.book import OrderStore
from .orders.shipping import ShipmentBook
from .returns.model import ReturnBook

ALL_ROLES = ("ROLE_SHOP_ADMIN",)


@dataclass(frozen=True)
class ApiKey:
    """A shop API key; its first shop is the default one; empty ``roles`` means 403 everywhere."""

    key: str
    shop_ids: tuple
    roles: tuple = ALL_ROLES

    @property
    def default_shop_id(self):
        return self.shop_ids[0]


@dataclass
class Shop:
    """One seller account and its data. ``account`` overrides/extends the generated A01 body."""

    shop_id: int
    name: str
    currency_iso_code: str = "EUR"
    state: str = "OPEN"
    channels: list = field(default_factory=list)
    account: dict = field(default_factory=dict)
    offers: list = field(default_factory=list)
    offer_imports: list = field(default_factory=list)
    date_created: str = "2024-01-15T09:30:00Z"
    # offer_id -> (date_created, last_updated) datetimes; unknown ids date from the shop's creation
    offer_times: dict = field(default_factory=dict)
    # offer_id -> the offer as it was when deleted (differential exports still report it)
    deleted_offers: dict = field(default_factory=dict)
    generated_offers: list = field(default_factory=list)  # lazy ``GeneratedOffers`` catalogues
    warehouse_codes: list = field(default_factory=list)  # codes STO01 warehouse-code accepts

    def offer_dates(self, offer_id):
        """``(date_created, last_updated)`` of a stored or deleted offer."""
        created = parse_datetime(self.date_created)
        return self.offer_times.get(offer_id, (created, created))

    def touch_offer(self, offer_id, now):
        created, _ = self.offer_dates(offer_id)
        self.offer_times[offer_id] = (created, now)

    def find_offer(self, offer_id):
        """``(offer dict, None)`` for a stored offer, ``(None, catalogue)`` for a generated one."""
        for offer in self.offers:
            if offer["offer_id"] == offer_id:
                return offer, None
        for catalogue in self.generated_offers:
            if catalogue.index_of(offer_id) is not None:
                return None, catalogue
        raise KeyError(f"shop {self.shop_id} has no offer {offer_id}")

    def update_offer(self, offer_id, changes, now):
        """Apply OF21 field ``changes``; a new ``quantity`` also sets ``active`` as Mirakl does."""
        changes = copy.deepcopy(changes)
        if "quantity" in changes and "active" not in changes:
            changes["active"] = changes["quantity"] > 0
            changes.setdefault("inactivity_reasons", [] if changes["active"] else ["ZERO_QUANTITY"])
        offer, catalogue = self.find_offer(offer_id)
        if catalogue is not None:
            offer = catalogue.override(offer_id)
        offer.update(changes)
        if offer.get("inactivity_reasons") == []:
            del offer["inactivity_reasons"]
        if catalogue is not None:
            catalogue.touch(offer_id, now)
        else:
            self.touch_offer(offer_id, now)
        return offer

    def delete_offer(self, offer_id, now):
        offer, catalogue = self.find_offer(offer_id)
        if catalogue is not None:
            catalogue.delete(offer_id, now)
            return
        self.offers.remove(offer)
        self.deleted_offers[offer_id] = offer
        self.touch_offer(offer_id, now)

    def offers_count(self):
        return len(self.offers) + sum(catalogue.live_count for catalogue in self.generated_offers)

    def account_body(self, store):
        """A01 body: every required field, deprecated-but-required ones included."""
        shippings = [
            {
                "shipping_zone_code": zone["code"],
                "shipping_zone_label": zone["label"],
                "shipping_type_code": kind["code"],
                "shipping_type_label": kind["label"],
                "shipping_free_amount": 0,
            }
            for zone in store.reference["shipping_zones"][:2]
            for kind in store.reference["shipping_types"][:2]
        ]
        body = {
            "shop_id": self.shop_id,
            "shop_name": self.name,
            "shop_state": self.state,
            "currency_iso_code": self.currency_iso_code,
            "channels": list(self.channels),
            "domains": ["PRODUCT"],
            "model": "MARKETPLACE",
            "is_professional": True,
            "premium": False,
            "free_shipping": False,
            "payment_method_mandatory": False,
            "date_created": self.date_created,
            "last_updated_date": format_datetime(store.clock.now()),
            "orders_count": 0,
            "offers_count": self.offers_count(),
            "evaluations_count": 0,
            "contact_informations": {
                "civility": "Mrs",
                "firstname": "Alice",
                "lastname": "Martin",
                "email": f"shop{self.shop_id}@example.com",
                "phone": "+33 1 23 45 67 89",
                "street1": "12 rue de la Paix",
                "zip_code": "75002",
                "city": "Paris",
                "country": "FRA",
            },
            "default_billing_information": {
                "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"mirakl-sim-shop-{self.shop_id}")),
                "default_language": "en_US",
                "corporate_information": {
                    "company_registration_name": self.name,
                    "company_registration_number": f"RCS{self.shop_id:08d}",
                },
                "fiscal_information": {
                    "tax_identification_country": "FRA",
                    "tax_identification_number": f"FR{self.shop_id:011d}",
                },
                "registration_address": {
                    "street_1": "12 rue de la Paix",
                    "zip_code": "75002",
                    "city": "Paris",
                    "country_iso_code": "FRA",
                },
            },
            "payment_details": {"paid_balance": 0, "payable_balance": 0, "pending_balance": 0},
            "shipping": {"lead_time_to_ship": 2},
            "shipping_country": "FRA",
            "shippings": shippings,
            "shop_additional_fields": [],
            "billing_info": {},
            "pro_details": {"corporate_name": self.name},
            "shipping_types": sorted({s["shipping_type_code"] for s in shippings}),
            "shipping_zones": sorted({s["shipping_zone_code"] for s in shippings}),
        }
        body.update(self.account)
        return body


class Store:
    """Everything the simulated operator knows; guarded by ``lock`` (handlers run under it)."""

    def __init__(self, clock=None):
        self.lock = threading.RLock()
        self.clock = clock or Clock()
        self.shops = {}
        self.api_keys = {}
        self.platform_configuration = defaults.platform_configuration()
        self.reference = defaults.reference_data()
        self.offer_exports = {}  # tracking_id -> OfferExport, all shops
        self.offer_export_settings = ExportSettings()
        self.orders = OrderStore()  # every shop's orders, order exports, order settings
        self.shipments = ShipmentBook()  # ST01 shipments of every shop
        self.imports = ImportBook()  # STO01/PRI01/OF01 imports of every shop, and their settings
        self.inbox = Inbox()  # message threads (M10-M13, OR43) of every shop
        self.documents = DocumentBook()  # order and shop documents (OR72-OR74, S30, S31)
        self.returns = ReturnBook()  # RT11-RT27 returns of every shop
        self.accounting = AccountingBook()  # TL02 lines and IV01 documents of every shop
        self._next_id = 1000

    def next_id(self):
        """Operator-wide increasing integer ids (offers, imports, ...)."""
        return self.reserve_ids(1)

    def reserve_ids(self, count):
        """Reserve ``count`` consecutive ids (a generated catalogue) and return the first."""
        with self.lock:
            first = self._next_id
            self._next_id += count
            return first

    def add_shop(self, shop):
        if shop.shop_id in self.shops:
            raise ValueError(f"shop {shop.shop_id} already exists")
        self.shops[shop.shop_id] = shop
        return shop

    def add_api_key(self, api_key):
        unknown = [sid for sid in api_key.shop_ids if sid not in self.shops]
        if not api_key.shop_ids or unknown:
            raise ValueError(f"API key needs existing shops, unknown: {unknown or 'none given'}")
        self.api_keys[api_key.key] = api_key
        return api_key
