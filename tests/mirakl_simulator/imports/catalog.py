"""A shop's offers as imports see them: by shop SKU, stored and generated alike.

Generated catalogues (benchmarks: 100,000 offers) are never listed: their SKUs are parsed
(``<prefix>-<index:07d>``), so looking up every row of a large stock file costs a dict lookup or
a string split, and only the offers an import changes get stored (``GeneratedOffers.override``).
Every change goes through the shop, which stamps ``last_updated``: the offer export and OF21 see
it.
"""

import copy


class Catalog:
    """Lookup and changes of ``shop``'s offers at one instant ``now``."""

    def __init__(self, shop, now):
        self.shop = shop
        self.now = now
        self._stored = {offer["shop_sku"]: offer for offer in shop.offers}

    def find(self, sku):
        """The offer id of the live offer with shop SKU ``sku``, or None."""
        offer = self._stored.get(sku)
        if offer is not None:
            return offer["offer_id"]
        prefix, _, number = sku.rpartition("-")
        if len(number) != 7 or not number.isdigit():
            return None
        index = int(number)
        for catalogue in self.shop.generated_offers:
            if prefix != catalogue.sku_prefix:
                continue
            if index < catalogue.count and index not in catalogue.deleted:
                return catalogue.offer_id(index)
        return None

    def offer(self, offer_id):
        """The current OF21 body of an offer (read only)."""
        offer, catalogue = self.shop.find_offer(offer_id)
        return offer if catalogue is None else catalogue.offer(catalogue.index_of(offer_id))

    def update(self, offer_id, changes):
        """Change some fields; ``quantity`` also sets ``active`` (see ``Shop.update_offer``)."""
        self.shop.update_offer(offer_id, changes, self.now)

    def replace(self, offer_id, body):
        """Replace every field of an offer (OF01 NORMAL updates: absent columns are reset)."""
        offer, catalogue = self.shop.find_offer(offer_id)
        if catalogue is not None:
            offer = catalogue.override(offer_id)
        offer.clear()
        offer.update(copy.deepcopy(body))
        if catalogue is not None:
            catalogue.touch(offer_id, self.now)
        else:
            self.shop.touch_offer(offer_id, self.now)

    def add(self, body):
        """A new stored offer, created now."""
        offer = copy.deepcopy(body)
        self.shop.offers.append(offer)
        self.shop.offer_times[offer["offer_id"]] = (self.now, self.now)
        self._stored[offer["shop_sku"]] = offer

    def delete(self, offer_id):
        sku = self.offer(offer_id)["shop_sku"]
        self.shop.delete_offer(offer_id, self.now)
        self._stored.pop(sku, None)

    def live_offer_ids(self):
        """Every live offer id, stored then generated."""
        yield from (offer["offer_id"] for offer in list(self.shop.offers))
        for catalogue in self.shop.generated_offers:
            for index in range(catalogue.count):
                if index not in catalogue.deleted:
                    yield catalogue.offer_id(index)
