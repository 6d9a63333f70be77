# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import copy

from .common import MiraklSimulatorCase, trap_jobs
from .common_catalog import make_offer

# Shop SKU -> (offer id on the simulator, free stock in Odoo, list price)
CATALOGUE = {"SKU-1": (3001, 10, 20.0), "SKU-2": (3002, 3, 35.5), "SKU-3": (3003, 0, 9.99)}


class MiraklExportCase(MiraklSimulatorCase):
    """A Marketplace publishing the stock and prices of three products through their listings
    (SKU-1..3, offers of the simulator's shop), plus a listing without product (SKU-X).

    Export jobs run at once; the jobs they queue (polls) are trapped, run by ``run_jobs``.
    Mirakl processes an import at its first status poll.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "Marketplace EUR", "currency_id": cls.eur.id}
        )
        cls.marketplace.write(
            {
                "connection_state": "ok",
                "currency_id": cls.eur.id,
                "warehouse_id": cls.warehouse.id,
                "pricelist_id": cls.pricelist.id,
                "offer_prices_decimals": 2,
            }
        )
        condition = cls.env["mirakl.offer.condition"].create(
            {"instance_id": cls.marketplace.id, "code": "11", "label": "New"}
        )
        logistic_class = cls.env["mirakl.logistic.class"].create(
            {"instance_id": cls.marketplace.id, "code": "S", "label": "Small"}
        )
        cls.products = cls.env["product.product"].create(
            [
                {
                    "name": f"Product {sku}",
                    "default_code": sku,
                    "is_storable": True,
                    "list_price": price,
                }
                for sku, (_offer, _stock, price) in CATALOGUE.items()
            ]
        )
        for product, (_offer, stock, _price) in zip(cls.products, CATALOGUE.values(), strict=True):
            if stock:
                cls.set_stock(product, stock)
        cls.listings = cls.env["mirakl.listing"].create(
            [
                {
                    "instance_id": cls.marketplace.id,
                    "offer_id": str(offer_id),
                    "shop_sku": sku,
                    "product_sku": f"MKP-{offer_id}",
                    "product_id": product.id,
                    "condition_id": condition.id,
                    "logistic_class_id": logistic_class.id,
                    "price": 20.0,
                    "origin_price": 20.0,
                    "quantity": 10,
                    "leadtime_to_ship": 2,
                    "min_order_quantity": 1,
                    "max_order_quantity": 10,
                }
                for product, (sku, (offer_id, _stock, _price)) in zip(
                    cls.products, CATALOGUE.items(), strict=True
                )
            ]
        )
        cls.unlinked = cls.env["mirakl.listing"].create(
            {"instance_id": cls.marketplace.id, "offer_id": "3999", "shop_sku": "SKU-X"}
        )

    @classmethod
    def set_stock(cls, product, quantity, warehouse=None):
        """Set the on-hand quantity of ``product`` in the stock location of ``warehouse``."""
        location = (warehouse or cls.warehouse).lot_stock_id
        cls.env["stock.quant"].with_context(inventory_mode=True)._update_available_quantity(
            product, location, quantity - product.with_context(location=location.id).qty_available
        )

    def setUp(self):
        super().setUp()
        shop = self.simulator.shop(self.SHOP_ID)
        saved = (copy.deepcopy(shop.offers), list(shop.warehouse_codes))
        settings = copy.deepcopy(vars(self.simulator.import_settings))
        self.addCleanup(self._restore_shop, shop, saved, settings)
        shop.offers[:] = [
            make_offer(offer_id, sku, product_sku=f"MKP-{offer_id}")
            for sku, (offer_id, _stock, _price) in CATALOGUE.items()
        ]
        self.simulator.import_settings.pending_polls = 0

    def _restore_shop(self, shop, saved, settings):
        shop.offers[:], shop.warehouse_codes[:] = saved
        vars(self.simulator.import_settings).update(settings)

    # -- helpers ---------------------------------------------------------------------------

    def allow_calls(self):
        """Forget the last calls, as if Mirakl's minimum intervals had passed."""
        self.env["mirakl.call.limit"].sudo().search([]).unlink()

    def export(self, flow, full=False):
        """Run ``flow``'s export job now; returns the trap holding the poll it queued."""
        self.allow_calls()
        with trap_jobs() as trap:
            self.env[flow]._job_export(self.marketplace, full)
        return trap

    def run_jobs(self, trap):
        """Perform the trapped jobs, and the jobs they queue, until none is left."""
        while trap.enqueued_jobs:
            self.allow_calls()
            trap.perform_enqueued_jobs()

    def requests(self, *ops):
        return [request for request in self.simulator.requests if request.op in ops]

    def assertUpload(self, request, op, path):
        """``request`` is the multipart upload ``op`` of the test shop, on ``path``."""
        self.assertEqual((request.op, request.method, request.path), (op, "POST", path))
        self.assertEqual(request.query, {"shop_id": [str(self.SHOP_ID)]})
        self.assertTrue(request.headers["Content-Type"].startswith("multipart/form-data"))

    def last_log(self, operation):
        return self.env["mirakl.sync.log"].search(
            [("instance_id", "=", self.marketplace.id), ("operation", "=", operation)], limit=1
        )

    def listing(self, sku):
        return (self.listings | self.unlinked).filtered(lambda listing: listing.shop_sku == sku)
