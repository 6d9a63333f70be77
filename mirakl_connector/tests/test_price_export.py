# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.tests import tagged

from odoo.addons.queue_job.exception import RetryableJobError

from .common_export import MiraklExportCase, trap_jobs

PRICES_PATH = "/api/offers/pricing/imports"
HEADER = "offer-sku;price;discount-price;discount-start-date;discount-end-date"
FLOW = "mirakl.flow.prices"


@tagged("post_install", "-at_install")
class TestPriceExport(MiraklExportCase):
    """Prices from the Marketplace's pricelist (and the channels' own) published by PRI01,
    every price of an offer together, delta or full, every import followed to the listings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pricelist.item_ids = [
            Command.create(
                {"applied_on": "3_global", "compute_price": "percentage", "percent_price": 10}
            )
        ]

    def price_file(self):
        """The content of the last PRI01 upload, as Mirakl received it."""
        return list(self.simulator.price_imports.values())[-1].content.decode()

    def exported(self, full=False):
        """Export, check the upload, let Mirakl process it; returns the file."""
        self.simulator.reset_logs()
        self.run_jobs(self.export(FLOW, full))
        upload, status = self.requests("PRI01", "PRI02")
        self.assertUpload(upload, "PRI01", PRICES_PATH)
        file_import = self.env["mirakl.file.import"].search([], limit=1)
        self.assertEqual((status.method, status.path), ("GET", PRICES_PATH))
        self.assertEqual(
            status.query,
            {"import_id": [file_import.import_ref], "limit": ["1"], "shop_id": [str(self.SHOP_ID)]},
        )
        return self.price_file()

    def set_channel_pricing(self):
        self.simulator.platform_configuration["features"]["pricing"]["channel_pricing"] = "MULTI"
        self.marketplace.channel_pricing = "MULTI"
        web_pricelist = self.env["product.pricelist"].create(
            {
                "name": "Website",
                "currency_id": self.eur.id,
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": self.products[0].id,
                            "compute_price": "fixed",
                            "fixed_price": 15.0,
                        }
                    )
                ],
            }
        )
        web, app = self.env["mirakl.channel"].create(
            [
                {"instance_id": self.marketplace.id, "code": "WEB", "label": "Website"},
                {"instance_id": self.marketplace.id, "code": "APP", "label": "App"},
            ]
        )
        web.pricelist_id = web_pricelist
        self.listing("SKU-3").channel_ids = app  # not sold on the website

    def test_default_prices_from_the_pricelist(self):
        self.assertEqual(
            self.exported(), f"{HEADER}\nSKU-1;18.00;;;\nSKU-2;31.95;;;\nSKU-3;8.99;;;\n"
        )  # SKU-X has no product: not sent
        self.assertEqual(self.listings.mapped("exported_price"), [18.0, 31.95, 8.99])
        self.assertFalse(self.unlinked.price_import_id)
        file_import = self.listings[0].price_import_id
        self.assertEqual((file_import.operation, file_import.state), ("PRI01", "done"))
        log = self.last_log("prices")
        self.assertEqual((log.state, log.updated_count), ("done", 3))
        offers = self.simulator.shop(self.SHOP_ID).offers
        self.assertEqual([offer["price"] for offer in offers], [18.0, 31.95, 8.99])

    def test_channel_prices_go_with_the_default_one(self):
        self.set_channel_pricing()
        self.assertEqual(
            self.exported(),
            f"{HEADER};channels\n"
            "SKU-1;18.00;;;;\nSKU-1;15.00;;;;WEB\n"
            "SKU-2;31.95;;;;\nSKU-2;35.50;;;;WEB\n"
            "SKU-3;8.99;;;;\n",
        )
        offer = self.simulator.shop(self.SHOP_ID).offers[0]
        self.assertEqual(
            [(p["price"], p.get("context", {}).get("channel_codes")) for p in offer["all_prices"]],
            [(18.0, None), (15.0, ["WEB"])],
        )
        # A change of a channel price sends the offer again, with all its prices.
        self.env["product.pricelist.item"].search([("fixed_price", "=", 15.0)]).fixed_price = 14.0
        self.assertEqual(
            self.exported(), f"{HEADER};channels\nSKU-1;18.00;;;;\nSKU-1;14.00;;;;WEB\n"
        )

    def test_delta_sends_only_the_changes_full_sends_all(self):
        self.exported()
        self.products[1].list_price = 40.0
        self.assertEqual(self.exported(), f"{HEADER}\nSKU-2;36.00;;;\n")
        self.simulator.reset_logs()
        self.export(FLOW)
        self.assertFalse(self.simulator.requests, "nothing changed: nothing sent")
        self.assertEqual(
            self.exported(full=True), f"{HEADER}\nSKU-1;18.00;;;\nSKU-2;36.00;;;\nSKU-3;8.99;;;\n"
        )

    def test_rejected_prices_show_on_their_listing(self):
        self.simulator.shop(self.SHOP_ID).offers.pop(1)  # SKU-2 is not on Mirakl
        self.exported()
        self.assertEqual(len(self.requests("PRI03")), 1)
        rejected = self.listing("SKU-2")
        self.assertEqual(rejected.price_export_error, "The offer with SKU 'SKU-2' does not exist")
        self.assertFalse(rejected.exported_price)
        self.assertEqual(self.listing("SKU-1").exported_price, 18.0)
        log = self.last_log("prices")
        self.assertEqual((log.state, log.failed_count), ("partial", 1))
        self.assertEqual(self.exported(), f"{HEADER}\nSKU-2;31.95;;;\n")

    def test_listing_without_price_is_not_sent(self):
        self.products[2].list_price = 0.0
        self.assertEqual(self.exported(), f"{HEADER}\nSKU-1;18.00;;;\nSKU-2;31.95;;;\n")
        self.assertIn("no price", self.listing("SKU-3").price_export_error)

    def test_too_frequent_export_is_postponed(self):
        self.export(FLOW)
        self.products[0].list_price = 30.0
        self.simulator.import_settings.rate_limit = True
        self.allow_calls()
        with trap_jobs(), self.assertRaisesKeepingLogs(RetryableJobError) as caught:
            self.env[FLOW]._job_export(self.marketplace)
        (refused,) = [r for r in self.simulator.responses if r.status == 429]
        self.assertEqual(refused.op, "PRI01")
        self.assertEqual(caught.exception.seconds, int(refused.headers["Retry-After"]))
