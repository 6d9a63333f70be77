"""Offer list calls: the shop's offers (OF21) and its offer import history (OF04)."""

from . import schemas


class OffersMixin:
    """OF21, OF04."""

    def iter_offers(self, **filters):
        """OF21: the shop's offers, 100 per call, streamed (filters: sku, offer_state_codes...)."""
        for page in self.iter_offset_pages("OF21", "/api/offers", "offers", filters):
            for index, item in enumerate(page):
                yield self._parse("OF21", schemas.Offer, item, ("offers", index))

    def iter_offer_imports(self, **filters):
        """OF04: offer imports, newest first by default, streamed (filters: status, origins...)."""
        for page in self.iter_seek_pages("OF04", "/api/offers/imports", filters):
            for index, item in enumerate(page):
                yield self._parse("OF04", schemas.OfferImport, item, ("data", index))
