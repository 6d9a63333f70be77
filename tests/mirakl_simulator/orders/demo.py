"""Demo orders of shop 2001: ~30 orders across the lifecycle, dated relative to the clock.

Dates follow the simulated clock at seeding time, so a demo started any day shows orders awaiting
acceptance with live deadlines (``order_settings.acceptance_delay`` after creation), two accepted
orders being debited a minute later, and a history of shipped, received, closed, refused and
cancelled ones. Their content is seeded: the same on every run. Both tax modes are represented
(orders entered in the mode PC01 does not default to), as are promotions, a refused line, a
partly cancelled line, refunds, carriers with tracking, click and collect, and one customer who
ordered twice.
"""

import random
from datetime import timedelta

from . import states
from .people import make_customer

# state, age of the order (hours), number of lines, shipping type
PLAN = [
    ("WAITING_ACCEPTANCE", 0.2, 1, "STD"),
    ("WAITING_ACCEPTANCE", 2, 2, "EXP"),
    ("WAITING_ACCEPTANCE", 20, 1, "PICKUP"),
    ("WAITING_ACCEPTANCE", 40, 3, "STD"),
    ("WAITING_ACCEPTANCE", 60, 1, "STD"),
    ("WAITING_ACCEPTANCE", 70, 2, "FREIGHT"),
    ("WAITING_ACCEPTANCE", 100, 1, "STD"),  # past the 3-day delay: refused automatically
    ("WAITING_DEBIT_PAYMENT", None, 1, "STD"),
    ("WAITING_DEBIT_PAYMENT", None, 2, "EXP"),
    ("SHIPPING", 3, 1, "STD"),
    ("SHIPPING", 5, 2, "EXP"),
    ("SHIPPING", 8, 3, "STD"),
    ("SHIPPING", 12, 1, "PICKUP"),
    ("SHIPPING", 20, 2, "STD"),
    ("SHIPPING", 26, 1, "FREIGHT"),
    ("SHIPPING", 30, 2, "STD"),
    ("SHIPPING", 36, 1, "STORE"),
    ("SHIPPED", 50, 1, "STD"),
    ("SHIPPED", 70, 2, "EXP"),
    ("SHIPPED", 90, 1, "PICKUP"),
    ("SHIPPED", 120, 3, "STD"),
    ("SHIPPED", 150, 1, "STD"),
    ("TO_COLLECT", 80, 1, "STORE"),
    ("RECEIVED", 200, 2, "STD"),
    ("RECEIVED", 260, 1, "EXP"),
    ("RECEIVED", 300, 2, "STD"),
    ("CLOSED", 500, 1, "STD"),
    ("CLOSED", 700, 2, "PICKUP"),
    ("CANCELED", 30, 1, "STD"),
    ("CANCELED", 150, 2, "EXP"),
    ("REFUSED", 48, 2, "STD"),
]
CHANNELS = ["WEB_FR", "WEB_FR", "WEB_DE", "WEB_BE", "APP", None]
ZONES = {"WEB_FR": "FR", "WEB_DE": "EU", "WEB_BE": "EU", "APP": "FR", None: "FR"}
CARRIERS = ["COLISSIMO", "UPS", "DHL", "CHRONOPOST", "GLS"]
PROMOTION = {"id": "SUMMER10", "type": "PERCENTAGE_OFF", "percentage_off": 10}
FIXED_TAX = {"code": "ECO_TAX", "amount": "0.50"}


def _lines(rng, offers, count, with_promotion, with_eco_tax):
    lines = []
    for picked in rng.sample(offers, count):
        price = round(float(picked["price"]), 2)
        line = {
            "offer_sku": picked["shop_sku"],
            "quantity": rng.choice((1, 1, 2, 3)),
            "price_unit": f"{price:.2f}",
            "shipping_price": rng.choice(("0", "4.90", "6.90", "9.90")),
        }
        if with_promotion:
            line["origin_unit_price"] = line["price_unit"]
            line["price_unit"] = f"{price * 0.9:.2f}"
            line["promotion"] = dict(PROMOTION, description="Summer sale: 10 % off")
        if with_eco_tax:
            line["taxes"] = [{"code": "TAXDEFAULT", "rate": 20}, FIXED_TAX]
        lines.append(line)
    return lines


def seed_demo_orders(sim, shop_id, seed):
    """Add the demo orders to ``shop_id`` of ``sim`` (whose reference data is the demo's)."""
    rng = random.Random(seed)
    now = sim.clock.now().replace(microsecond=0)
    offers = [offer for offer in sim.shop(shop_id).offers if offer.get("price")]
    default_mode = sim.platform_configuration["features"]["order_tax_mode"]
    other_mode = "TAX_EXCLUDED" if default_mode == "TAX_INCLUDED" else "TAX_INCLUDED"
    returning = make_customer("demo-returning-customer")
    orders = []
    for number, (state, age, line_count, shipping_type) in enumerate(PLAN, start=1):
        channel = CHANNELS[number % len(CHANNELS)]
        shipping = {"type_code": shipping_type, "zone_code": ZONES[channel]}
        if states.is_debited(state) and state not in ("SHIPPING", "CANCELED"):
            carrier = CARRIERS[number % len(CARRIERS)]
            shipping.update(carrier_code=carrier, tracking=f"TRK{number:08d}")
        order = sim.add_order(
            shop_id,
            order_id=f"DEMO-{number:04d}-A",
            state="WAITING_ACCEPTANCE" if number == 12 else state,
            lines=_lines(rng, offers, line_count, number % 5 == 0, number % 7 == 0),
            tax_mode=other_mode if number % 4 == 0 else default_mode,
            customer=returning if number in (11, 24) else None,
            channel=channel,
            shipping=shipping,
            created_date=None if age is None else now - timedelta(hours=age),
            reason_code="34" if state == "CANCELED" else None,
            leadtime_to_ship=1 + number % 3,
        )
        orders.append(order)
    _refuse_one_line(sim, orders[11], now)
    sim.cancel_order_line(orders[15].order_id, orders[15].lines[0].order_line_id, quantity=1)
    sim.refund_order_line(orders[24].order_id, orders[24].lines[0].order_line_id, reason_code="16")
    first = orders[23].lines[0]
    sim.refund_order_line(orders[23].order_id, first.order_line_id, quantity=1, shipping=False)
    return orders


def _refuse_one_line(sim, order, now):
    """Order 12: its last line refused at acceptance, the others debited and now SHIPPING."""
    accepted_at = order.created_date + timedelta(minutes=10)
    decisions = {line.order_line_id: line is not order.lines[-1] for line in order.lines}
    with sim.store.lock:
        states.accept(order, decisions, accepted_at)
        states.advance(order, "SHIPPING", min(now, accepted_at + timedelta(minutes=10)))
