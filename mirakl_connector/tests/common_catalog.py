# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import copy
from contextlib import contextmanager
from unittest.mock import patch

from .common import MiraklSimulatorCase, import_simulator

SIMULATED_EAN = "3000000000017"
SIMULATED_UPC = "012345678905"


def make_offer(offer_id, shop_sku, **overrides):
    """An OF21-shaped offer for the simulator, with the fields the export reads."""
    offer = {
        "offer_id": offer_id,
        "shop_sku": shop_sku,
        "product_sku": f"MKP-{offer_id}",
        "product_title": f"Product {shop_sku}",
        "product_references": [],
        "category_code": "ROOT",
        "category_label": "All products",
        "state_code": "11",
        "active": True,
        "quantity": 10,
        "price": 20.0,
        "total_price": 24.9,
        "currency_iso_code": "EUR",
        "all_prices": [{"price": 20.0, "unit_origin_price": 20.0, "volume_prices": []}],
        "applicable_pricing": {"price": 20.0, "unit_origin_price": 20.0, "volume_prices": []},
        "channels": [],
        "leadtime_to_ship": 2,
        "logistic_class": {"code": "S", "label": "Small"},
        "min_shipping_price": 4.9,
        "min_shipping_price_additional": 2.0,
        "min_shipping_type": "STD",
        "min_shipping_zone": "FR",
        "min_order_quantity": 1,
        "max_order_quantity": 10,
        "package_quantity": 1,
        "allow_quote_requests": False,
        "description": f"Offer {shop_sku}",
    }
    offer.update(overrides)
    return offer


class MiraklCatalogCase(MiraklSimulatorCase):
    """Runs flows inline (jobs execute at once) against the simulator's demo reference data.

    The simulator's reference lists and the shop's offers are restored after each test, and
    the offer exports complete at their first status poll.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, queue_job__no_delay=True))
        cls.marketplace = cls.marketplace.with_env(cls.env)
        cls.shop = cls.simulator.shop(cls.SHOP_ID)
        import_simulator()
        from mirakl_simulator import demo

        cls.demo = demo

    def setUp(self):
        super().setUp()
        reference = copy.deepcopy(self.simulator.reference)
        offers = copy.deepcopy(self.shop.offers)
        settings = copy.deepcopy(self.simulator.offer_export_settings)
        self.addCleanup(self._restore_catalog, reference, offers, settings)
        self.simulator.reference.update(copy.deepcopy(self.demo._reference_data()))
        self.simulator.offer_export_settings.pending_polls = 0

    def _restore_catalog(self, reference, offers, settings):
        self.simulator.reference.clear()
        self.simulator.reference.update(reference)
        self.shop.offers[:] = offers
        self.shop.deleted_offers.clear()
        self.shop.offer_times.clear()
        vars(self.simulator.offer_export_settings).update(vars(settings))

    def run_flow(self, code, **options):
        """Run a flow now, as if Mirakl's call limits allowed every call."""
        self.env["mirakl.call.limit"].sudo().search([]).unlink()
        return self.marketplace._run_flow(code, **options)

    def last_log(self, operation):
        return self.env["mirakl.sync.log"].search(
            [("instance_id", "=", self.marketplace.id), ("operation", "=", operation)], limit=1
        )

    def listings(self, marketplace=None):
        return (
            self.env["mirakl.listing"]
            .with_context(active_test=False)
            .search([("instance_id", "=", (marketplace or self.marketplace).id)])
        )

    def listing(self, offer_id):
        return self.listings().filtered(lambda listing: listing.offer_id == str(offer_id))

    @contextmanager
    def count_writes(self, *models):
        """Count the records passed to ``write()`` of ``models`` (a ``Counter`` by model)."""
        counts = dict.fromkeys(models, 0)
        patches = []
        for model in models:
            cls = self.registry[model]

            def write(records, vals, _original=cls.write, _model=model):
                counts[_model] += len(records)
                return _original(records, vals)

            patches.append(patch.object(cls, "write", write))
        for patcher in patches:
            patcher.start()
        try:
            yield counts
        finally:
            for patcher in patches:
                patcher.stop()
