# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import tagged

from .common_export import MiraklExportCase, trap_jobs


@tagged("post_install", "-at_install")
class TestDrift(MiraklExportCase):
    """The drift report lists the offers whose stock or price on Mirakl differ from Odoo's,
    and one action sends Odoo's values again."""

    def check(self):
        self.simulator.reset_logs()
        self.env["mirakl.flow.drift"]._job_check(self.marketplace)
        return self.env["mirakl.listing.drift"].search(
            [("instance_id", "=", self.marketplace.id)], order="shop_sku"
        )

    def test_drift_report_and_its_fix(self):
        # Mirakl has 10 units at 20.00 for each offer (the simulator's), the price of SKU-1.
        drifts = self.check()
        (request,) = self.simulator.requests
        self.assertEqual((request.op, request.method, request.path), ("OF21", "GET", "/api/offers"))
        self.assertEqual(
            request.query, {"max": ["100"], "offset": ["0"], "shop_id": [str(self.SHOP_ID)]}
        )
        self.assertEqual(
            [
                (
                    d.shop_sku,
                    d.mirakl_quantity,
                    d.odoo_quantity,
                    d.quantity_drift,
                    d.mirakl_price,
                    d.odoo_price,
                    d.price_drift,
                )
                for d in drifts
            ],
            [
                ("SKU-2", 10, 3, True, 20.0, 35.5, True),
                ("SKU-3", 10, 0, True, 20.0, 9.99, True),
            ],
        )
        self.assertEqual(drifts.listing_id, self.listings[1:])
        log = self.last_log("drift")
        self.assertEqual((log.state, log.processed_count, log.updated_count), ("done", 3, 2))
        # Mirakl was last sent the same values (say): the normal delta would not send them.
        self.run_jobs(self.export("mirakl.flow.stock"))
        self.run_jobs(self.export("mirakl.flow.prices"))
        self.simulator.shop(self.SHOP_ID).offers[1].update(quantity=10, price=20.0)
        self.simulator.shop(self.SHOP_ID).offers[1]["all_prices"][0]["price"] = 20.0
        self.simulator.shop(self.SHOP_ID).offers[1]["applicable_pricing"]["price"] = 20.0
        drifts = self.check()
        self.assertEqual(drifts.mapped("shop_sku"), ["SKU-2"])
        self.simulator.reset_logs()
        with trap_jobs() as trap:
            drifts.action_push_fix()
            self.assertEqual(drifts.state, "sent")
            self.run_jobs(trap)
        self.assertEqual([r.op for r in self.requests("STO01", "PRI01")], ["STO01", "PRI01"])
        self.assertEqual(
            list(self.simulator.stock_imports.values())[-1].content.decode(),
            "offer-sku;quantity;warehouse-code;update-delete\nSKU-2;3;;\n",
        )
        self.assertEqual(
            list(self.simulator.price_imports.values())[-1].content.decode(),
            "offer-sku;price;discount-price;discount-start-date;discount-end-date\nSKU-2;35.50;;;\n",
        )
        self.assertFalse(self.check(), "Mirakl has Odoo's values again")

    def test_listings_without_product_are_not_compared(self):
        self.simulator.shop(self.SHOP_ID).offers.append(
            dict(self.simulator.shop(self.SHOP_ID).offers[0], offer_id=3999, shop_sku="SKU-X")
        )
        self.assertNotIn("SKU-X", self.check().mapped("shop_sku"))
