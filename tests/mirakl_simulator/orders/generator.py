"""Benchmark orders: N multi-line orders of new customers, deterministic and built lazily.

``generated_stubs`` returns ``OrderStub``s that know their id, dates, state and channel; the
full order (customer, lines from the shop's offers, taxes) is built from ``(seed, index)`` only
when served or changed, so a 2,000-order benchmark starts instantly and always sees the same
orders.
"""

import itertools
import random
from datetime import timedelta

from . import states
from .book import OrderStub
from .builder import build_order

SPACING = timedelta(seconds=20)  # between two generated orders' creation dates
MARGIN = timedelta(hours=1)  # the newest generated order's last move is this far in the past


def _channels(store):
    return [channel["code"] for channel in store.reference["channels"]] or [None]


def _offer_pool(shop):
    """``(size, offer_at(index))`` over the shop's stored offers, else its generated catalogue."""
    if shop.offers:
        return len(shop.offers), shop.offers.__getitem__
    for catalogue in shop.generated_offers:
        return catalogue.count, catalogue.offer
    return 0, None


def _line_specs(shop, rng, count):
    size, offer_at = _offer_pool(shop)
    specs = []
    for _ in range(count):
        spec = {
            "quantity": rng.choice((1, 1, 1, 2, 3)),
            "shipping_price": rng.choice(("0", "4.90", "6.90")),
        }
        if size:
            offer = offer_at(rng.randrange(size))
            spec.update(
                offer_id=offer["offer_id"],
                offer_sku=offer["shop_sku"],
                product_sku=offer.get("product_sku", offer["shop_sku"]),
                product_title=offer.get("product_title", offer["shop_sku"]),
                price_unit=offer.get("price", "10.00"),
            )
        else:
            spec["price_unit"] = f"{rng.randint(5, 200)}.{rng.randint(0, 99):02d}"
        specs.append(spec)
    return specs


def generated_stubs(store, shop, count, lines_per_order, state, seed, tax_mode, now):
    """``count`` stubs of ``shop`` whose orders end in ``state``, the newest an hour ago."""
    if state not in states.ORDER_STATES:
        raise ValueError(f"unknown order state {state!r}")
    channels = _channels(store)
    last_move = states.MILESTONES[state]
    first_created = now - MARGIN - last_move - SPACING * count
    prefix = f"GEN{shop.shop_id}-{seed}"

    def builder(index, order_id, created):
        def build():
            rng = random.Random(f"{prefix}-{index}")
            order = build_order(
                store,
                shop,
                order_id,
                created,
                _line_specs(shop, rng, lines_per_order),
                tax_mode=tax_mode,
                channel=channels[index % len(channels)],
            )
            numbers = itertools.count(1)
            states.replay(order, state, lambda: f"{order_id}-C{next(numbers)}")
            return order

        return build

    stubs = []
    for index in range(count):
        order_id = f"{prefix}-{index + 1:06d}-A"
        created = first_created + SPACING * index
        debited = created + states.MILESTONES["SHIPPING"]
        accepted = created + states.MILESTONES["WAITING_DEBIT_PAYMENT"]
        stubs.append(
            OrderStub(
                order_id=order_id,
                created_date=created,
                last_updated_date=created + last_move,
                state=state,
                build=builder(index, order_id, created),
                channel_code=channels[index % len(channels)],
                customer_debited_date=debited if states.is_debited(state) else None,
                accepted_at=accepted if states.is_accepted(state) else None,
            )
        )
    return stubs
