"""The demo operator: an outdoor-gear marketplace with two shops, rich reference data, ~250 offers
(some inactive, a few deleted, with creation/update dates) and an offer-import history; for shop
2001 orders across their lifecycle and their after-sale: returns, customer messages, order and
shop documents and a paid billing cycle. Deterministic (seeded, dated relative to the clock) so
tests and screenshots are reproducible."""

import random
import struct
import uuid
import zlib
from contextlib import contextmanager
from datetime import timedelta

from . import demo_catalog
from .orders.demo import seed_demo_orders
from .pdf import one_page_pdf
from .state import Shop

DEMO_SEED = 2001
DEMO_SHOP_ID = 2001
DEMO_SECOND_SHOP_ID = 2002
DEMO_SHOP_KEY = "demo-shop-key"
DEMO_MULTI_KEY = "demo-multi-key"
DEMO_OFFER_COUNT = 250
DEMO_SECOND_SHOP_OFFER_COUNT = 24
DEMO_DELETED_OFFER_COUNT = 6
DEMO_CHANNELS = ["WEB_FR", "WEB_DE", "WEB_BE", "APP"]
DEMO_WAREHOUSES = ["WH-PARIS", "WH-LYON"]  # the codes of the demo offers' ``warehouses``


def _reference_data():
    return {
        "shipping_zones": [
            {"code": "FR", "label": "France", "description": "Metropolitan France"},
            {"code": "EU", "label": "European Union", "description": "EU countries except France"},
            {"code": "DOM", "label": "Overseas", "description": "French overseas departments"},
            {"code": "INT", "label": "International", "description": "Rest of the world"},
        ],
        "shipping_types": [
            {
                "code": "STD",
                "label": "Standard",
                "description": "Standard delivery (3-5 days)",
                "standard_code": "CU_ADD-STD",
                "click_and_collect": False,
                "delivery_by_operator": False,
                "mandatory_tracking": False,
                "ignore_lead_time_to_ship": False,
            },
            {
                "code": "EXP",
                "label": "Express",
                "description": "Express delivery (1-2 days)",
                "standard_code": "CU_ADD-EXP",
                "click_and_collect": False,
                "delivery_by_operator": False,
                "mandatory_tracking": True,
            },
            {
                "code": "PICKUP",
                "label": "Pick-up point",
                "description": "Delivery to a relay point",
                "click_and_collect": False,
                "delivery_by_operator": False,
                "mandatory_tracking": True,
            },
            {
                "code": "STORE",
                "label": "Click and collect",
                "description": "Collect in store",
                "click_and_collect": True,
                "delivery_by_operator": False,
                "mandatory_tracking": False,
                "ignore_lead_time_to_ship": True,
            },
            {
                "code": "FREIGHT",
                "label": "Freight",
                "description": "Bulky items, by appointment",
                "click_and_collect": False,
                "delivery_by_operator": True,
                "mandatory_tracking": True,
            },
        ],
        "carriers": [
            {
                "code": "UPS",
                "label": "UPS",
                "standard_code": "UPS",
                "tracking_url": "https://www.ups.com/track?loc=fr_FR&tracknum={trackingId}",
            },
            {
                "code": "DHL",
                "label": "DHL Express",
                "standard_code": "DHL",
                "tracking_url": "https://www.dhl.com/fr-en/home/tracking.html?tracking-id={trackingId}",
            },
            {
                "code": "COLISSIMO",
                "label": "Colissimo",
                "standard_code": "COLISSIMO",
                "tracking_url": "https://www.laposte.fr/outils/suivre-vos-envois?code={trackingId}",
            },
            {
                "code": "CHRONOPOST",
                "label": "Chronopost",
                "tracking_url": "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT={trackingId}",
            },
            {
                "code": "GLS",
                "label": "GLS",
                "standard_code": "GLS",
                "tracking_url": "https://gls-group.com/FR/fr/suivi-colis?match={trackingId}",
            },
            {
                "code": "FEDEX",
                "label": "FedEx",
                "standard_code": "FED",
                "tracking_url": "https://www.fedex.com/fedextrack/?trknbr={trackingId}",
            },
            {"code": "LOCAL", "label": "Local courier"},
        ],
        "logistic_classes": [
            {"code": "S", "label": "Small", "description": "Up to 2 kg, letter box size"},
            {"code": "M", "label": "Medium", "description": "Up to 10 kg"},
            {"code": "L", "label": "Large", "description": "Up to 30 kg"},
            {"code": "XL", "label": "Bulky", "description": "Over 30 kg or oversized"},
        ],
        "channels": [
            {"code": "WEB_FR", "label": "Website France", "description": "www.example.fr"},
            {"code": "WEB_DE", "label": "Website Germany", "description": "www.example.de"},
            {"code": "WEB_BE", "label": "Website Belgium", "description": "www.example.be"},
            {"code": "APP", "label": "Mobile app", "description": "iOS and Android apps"},
        ],
        "offer_states": [
            {"code": "11", "label": "New"},
            {"code": "1", "label": "Used - Like New"},
            {"code": "4", "label": "Used - Acceptable Condition"},
            {"code": "10", "label": "Refurbished"},
        ],
        "hierarchies": demo_catalog.hierarchies(),
        "additional_fields": [
            {
                "code": "ecotax",
                "label": "Eco tax",
                "entity": "OFFER",
                "type": "NUMERIC",
                "required": False,
                "editable": True,
                "description": "Amount of the price collected as eco tax.",
            },
            {
                "code": "gift-wrap",
                "label": "Gift wrap",
                "entity": "OFFER",
                "type": "BOOLEAN",
                "required": False,
                "editable": True,
                "description": "Gift wrapping available.",
            },
            {
                "code": "warranty",
                "label": "Warranty",
                "entity": "OFFER",
                "type": "LIST",
                "required": False,
                "editable": True,
                "accepted_values": ["1Y", "2Y", "5Y"],
                "description": "Manufacturer warranty length.",
            },
            {
                "code": "customer-care-phone",
                "label": "Customer care phone",
                "entity": "SHOP",
                "type": "STRING",
                "required": False,
                "editable": True,
            },
            {
                "code": "vat-number",
                "label": "VAT number",
                "entity": "SHOP",
                "type": "REGEX",
                "required": True,
                "editable": False,
                "regex": "^[A-Z]{2}[0-9A-Z]{8,12}$",
            },
            {
                "code": "delivery-instructions",
                "label": "Delivery instructions",
                "entity": "ORDER",
                "type": "TEXTAREA",
                "required": False,
                "editable": True,
            },
            {
                "code": "gift-message",
                "label": "Gift message",
                "entity": "ORDER_LINE",
                "type": "STRING",
                "required": False,
                "editable": True,
            },
        ],
        "reasons": [
            {
                "code": "1",
                "label": "Item not received",
                "type": "INCIDENT_OPEN",
                "is_shop_right": False,
            },
            {"code": "2", "label": "Item damaged", "type": "INCIDENT_OPEN", "is_shop_right": False},
            {
                "code": "10",
                "label": "Replacement item received",
                "type": "INCIDENT_CLOSE",
                "is_shop_right": True,
            },
            {"code": "15", "label": "Out of stock", "type": "REFUND", "is_shop_right": True},
            {"code": "16", "label": "Item returned", "type": "REFUND", "is_shop_right": True},
            {"code": "17", "label": "Commercial gesture", "type": "REFUND", "is_shop_right": False},
            {
                "code": "34",
                "label": "Cancelled by the customer before shipping",
                "type": "CANCELATION",
                "is_shop_right": True,
            },
            {"code": "35", "label": "Out of stock", "type": "CANCELATION", "is_shop_right": True},
            {
                "code": "26",
                "label": "Other question",
                "type": "ORDER_MESSAGING",
                "is_shop_right": True,
            },
            {
                "code": "33",
                "label": "Product question",
                "type": "OFFER_MESSAGING",
                "is_shop_right": True,
            },
        ],
        "currencies": [
            {"code": "EUR", "label": "Euro", "platform_default": True},
            {"code": "GBP", "label": "Pound Sterling"},
            {"code": "USD", "label": "US Dollar"},
        ],
        "locales": [
            {"code": "en_US", "label": "English - US", "platform_default": True},
            {"code": "fr_FR", "label": "Français"},
            {"code": "de_DE", "label": "Deutsch"},
        ],
        "documents": [
            {
                "code": "SYSTEM_DELIVERY_BILL",
                "label": "Delivery slip",
                "description": "Delivery slip generated by the platform",
                "entity": "ORDER",
            },
            {
                "code": "CUSTOMER_INVOICE",
                "label": "Customer invoice",
                "description": "Invoice sent to the customer",
                "entity": "ORDER",
                "mime_types": ["application/pdf"],
            },
            {
                "code": "CUSTOMER_CREDIT_NOTE",
                "label": "Customer credit note",
                "description": "Credit note sent to the customer",
                "entity": "ORDER",
                "mime_types": ["application/pdf"],
            },
            {
                "code": "LEGAL_DOC",
                "label": "Company registration",
                "description": "Company registration certificate",
                "entity": "SHOP",
            },
            {
                "code": "ID_CARD",
                "label": "Identity card",
                "description": "Legal representative identity card",
                "entity": "SHOP",
                "mime_types": ["application/pdf", "image/jpeg", "image/png"],
            },
        ],
        "taxes": [
            {
                "code": "ECO_TAX",
                "label": "Eco tax",
                "tax_calculation_rule": "PROPORTIONAL_TO_AMOUNT",
            },
            {
                "code": "TAXDEFAULT",
                "label": "Default VAT",
                "tax_calculation_rule": "PROPORTIONAL_TO_AMOUNT",
            },
            {"code": "FIXED_FEE", "label": "Fixed handling tax", "tax_calculation_rule": "NONE"},
        ],
    }


def seed_demo(sim, seed=DEMO_SEED):
    """Fill ``sim`` (an unstarted ``OperatorSimulator``) with the demo operator."""
    rng = random.Random(seed)
    store = sim.store
    store.reference = _reference_data()
    features = store.platform_configuration["features"]
    features["order_tax_mode"] = "TAX_INCLUDED"
    features["pricing"]["channel_pricing"] = "SINGLE"
    features["shipment"]["multi_shipment"] = True
    features["multi_currency"] = True
    store.platform_configuration["platform_name"] = "Demo Outdoor Marketplace"
    store.platform_configuration["tenant_name"] = "demo-outdoor-prod"
    shops = [
        (DEMO_SHOP_ID, "Demo Outdoor Shop", DEMO_OFFER_COUNT),
        (DEMO_SECOND_SHOP_ID, "Demo Alpine Outlet", DEMO_SECOND_SHOP_OFFER_COUNT),
    ]
    for shop_id, name, offer_count in shops:
        shop = store.add_shop(
            Shop(
                shop_id,
                name,
                "EUR",
                channels=list(DEMO_CHANNELS),
                warehouse_codes=list(DEMO_WAREHOUSES),
            )
        )
        shop.offers = demo_catalog.offers(store, shop, rng, offer_count, DEMO_CHANNELS)
        shop.offer_times = demo_catalog.offer_times(shop.offers)
        shop.offer_imports = demo_catalog.offer_imports(store, shop, rng, offer_count // 8)
    # after both shops, with their own random stream: earlier ids and values stay as they were
    shop = store.shops[DEMO_SHOP_ID]
    shop.deleted_offers, times = demo_catalog.deleted_offers(
        store,
        shop,
        random.Random(seed + 1),
        DEMO_OFFER_COUNT,
        DEMO_DELETED_OFFER_COUNT,
        DEMO_CHANNELS,
    )
    shop.offer_times.update(times)
    sim.add_api_key(DEMO_SHOP_KEY, [DEMO_SHOP_ID])
    sim.add_api_key(DEMO_MULTI_KEY, [DEMO_SHOP_ID, DEMO_SECOND_SHOP_ID])
    features["returns"]["marketplace"] = True  # RT11 answers (and the connector imports returns)
    orders = {order.order_id: order for order in seed_demo_orders(sim, DEMO_SHOP_ID, seed + 2)}
    _seed_after_sale(sim, orders)


# -- after-sale of shop 2001 ---------------------------------------------------------------------
# Facades stamp their records with the clock's "now": each is seeded with the clock set back to
# when it happened (ages in hours, like the demo orders'), then the clock is put back.
_RETURN_IDS = uuid.UUID("0c3f6a52-9d1e-4c1b-8b7e-2f5d0a9c4e71")


@contextmanager
def _hours_ago(sim, hours):
    back = timedelta(hours=hours)
    sim.clock.advance(-back.total_seconds())
    try:
        yield
    finally:
        sim.clock.advance(back.total_seconds())


def _png(width=4, height=4, rgb=(150, 110, 70)):
    """A small plain PNG picture (the customer's photo)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _seed_after_sale(sim, orders):
    """Returns, message threads, documents and a paid billing cycle of the demo shop."""
    # A return the shop has to decide on, and one it accepted, waiting for the parcel.
    with _hours_ago(sim, 6):
        sim.add_return(
            "DEMO-0019-A",
            lines=[{"order_line_id": orders["DEMO-0019-A"].lines[-1].order_line_id, "quantity": 1}],
            reason_code="RETURN_PRODUCT_DOES_NOT_FIT",
            return_id=str(uuid.uuid5(_RETURN_IDS, "DEMO-0019-A")),
            rma="RMA-DEMO-0001",
            description="Too small for me, I would like to send it back.",
        )
    with _hours_ago(sim, 50):
        accepted = sim.add_return(
            "DEMO-0026-A",
            lines=[{"order_line_id": orders["DEMO-0026-A"].lines[0].order_line_id}],
            method_code="RETURN_METHOD_DROP_OFF_POINT",
            reason_code="RETURN_DEFECTIVE_ITEM",
            return_id=str(uuid.uuid5(_RETURN_IDS, "DEMO-0026-A")),
            rma="RMA-DEMO-0002",
            description="It stopped working after the first outing.",
            tracking={"carrier_code": "COLISSIMO", "tracking_number": "RET00000026"},
        )
    with _hours_ago(sim, 46):
        sim.set_return_state(accepted.id, "IN_PROGRESS")
    # A customer question with a photo, waiting for the shop's reply...
    with _hours_ago(sim, 3):
        sim.add_order_message(
            "DEMO-0018-A",
            "Hello, the parcel arrived with a torn box and the item is scratched (photo "
            "attached). Can you send me a replacement?",
            attachments=[("parcel-photo.png", _png())],
            topic="Damaged parcel",
        )
    # ... and a question the shop answered.
    with _hours_ago(sim, 150):
        thread, _message = sim.add_order_message(
            "DEMO-0024-A",
            "Hi, could I get the invoice of this order in my company's name? Thanks!",
            topic="Invoice request",
        )
    with _hours_ago(sim, 148):
        sim.add_order_message(
            "DEMO-0024-A",
            "Hello, of course: the invoice in your company's name is on its way. Best regards.",
            sender="SHOP",
            to=("CUSTOMER",),
            thread_id=thread.id,
        )
    # The operator's delivery slip of a shipped order, and the shop's KYC documents.
    with _hours_ago(sim, 69):
        sim.add_order_document(
            "DEMO-0019-A",
            "delivery-slip-DEMO-0019-A.pdf",
            content=one_page_pdf("Delivery slip", "Order DEMO-0019-A", "Demo Outdoor Marketplace"),
        )
    with _hours_ago(sim, 60 * 24):
        for file_name, type_code, title in (
            ("company-registration.pdf", "LEGAL_DOC", "Company registration certificate"),
            ("legal-representative-id.pdf", "ID_CARD", "Legal representative identity card"),
        ):
            sim.add_shop_document(
                DEMO_SHOP_ID,
                file_name,
                type_code,
                content=one_page_pdf(title, "Demo Outdoor Shop"),
            )
    # The billing cycle of everything shipped (and refunded) so far, paid out now.
    sim.run_billing_cycle(DEMO_SHOP_ID)
