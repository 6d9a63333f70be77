# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common_catalog import SIMULATED_EAN, SIMULATED_UPC, MiraklCatalogCase, make_offer

OTHER_EAN = "3000000000024"


@tagged("post_install", "-at_install")
class TestListingLink(MiraklCatalogCase):
    """How imported listings find their product, and how sellers link them by hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Product = cls.env["product.product"]
        cls.by_sku = Product.create({"name": "By SKU", "default_code": "SKU-A"})
        cls.by_ean = Product.create({"name": "By EAN", "barcode": SIMULATED_EAN})
        # the UPC-A of the offer, written as an EAN-13 on the product
        cls.by_upc = Product.create({"name": "By UPC", "barcode": "0" + SIMULATED_UPC})
        cls.sku_of_e = Product.create({"name": "SKU of E", "default_code": "SKU-E"})
        cls.barcode_of_e = Product.create({"name": "Barcode of E", "barcode": OTHER_EAN})
        cls.spare = Product.create({"name": "Spare"})

    def setUp(self):
        super().setUp()
        self.shop.offers[:] = [
            make_offer(5001, "SKU-A", product_references=[ref("EAN", "3999999999996")]),
            make_offer(5002, "SKU-B", product_references=[ref("EAN", SIMULATED_EAN)]),
            make_offer(
                5003, "SKU-C", product_references=[ref("MPN", "M-3"), ref("UPC", SIMULATED_UPC)]
            ),
            make_offer(5004, "SKU-D"),
            make_offer(5005, "SKU-E", product_references=[ref("EAN", OTHER_EAN)]),
        ]

    def linked_products(self):
        return {listing.shop_sku: listing.product_id for listing in self.listings()}

    # -- Automatic matching --------------------------------------------------------------------

    def test_sku_then_barcode(self):
        self.run_flow("listings", full=True)
        self.assertEqual(
            self.linked_products(),
            {
                "SKU-A": self.by_sku,
                "SKU-B": self.by_ean,
                "SKU-C": self.by_upc,
                "SKU-D": self.env["product.product"],
                "SKU-E": self.sku_of_e,
            },
        )
        self.assertEqual(set(self.listings().mapped("link_mode")), {"auto"})
        self.assertRecordValues(
            self.listing(5003), [{"upc": SIMULATED_UPC, "mpn": "M-3", "ean": False}]
        )
        self.assertEqual(self.listing(5003).references, "MPN M-3, UPC " + SIMULATED_UPC)

    def test_barcode_then_sku(self):
        self.marketplace.listing_match_order = "barcode_then_sku"
        since = len(self.simulator.requests)
        self.run_flow("listings", full=True)
        # the export has no barcodes: those read from OF21 win over the SKU links made first
        self.assertEqual(len(self.offer_list_requests(since)), 1)
        products = self.linked_products()
        self.assertEqual(products["SKU-E"], self.barcode_of_e)
        self.assertEqual(products["SKU-A"], self.by_sku, "the SKU still matches without barcode")

    def test_sku_only_and_barcode_only(self):
        # references in the export: the SKU-matched listings have their barcodes too
        self.simulator.offer_export_settings.product_fields = True
        self.marketplace.listing_match_order = "sku_only"
        self.run_flow("listings", full=True)
        products = self.linked_products()
        self.assertEqual(products["SKU-A"], self.by_sku)
        self.assertFalse(products["SKU-B"])

        self.marketplace.listing_match_order = "barcode_only"
        self.listings().action_match_products()
        products = self.linked_products()
        self.assertFalse(products["SKU-A"])
        self.assertEqual(products["SKU-B"], self.by_ean)
        self.assertEqual(products["SKU-E"], self.barcode_of_e)

    def test_ambiguous_key_links_nothing(self):
        self.env["product.product"].create({"name": "Twin", "default_code": "SKU-A"})
        self.run_flow("listings", full=True)
        self.assertFalse(self.listing(5001).product_id)

    def test_products_of_other_companies_are_not_linked(self):
        other_company = self.env["res.company"].create({"name": "Other company"})
        Product = self.env["product.product"]
        Product.create({"name": "Theirs", "default_code": "SKU-D", "company_id": other_company.id})
        self.run_flow("listings", full=True)
        self.assertFalse(self.listing(5004).product_id)

        # the company's own product wins over a product shared by all companies
        own = Product.create(
            {"name": "Ours", "default_code": "SKU-D", "company_id": self.marketplace.company_id.id}
        )
        Product.create({"name": "Shared", "default_code": "SKU-D"})
        self.listing(5004).action_match_products()
        self.assertEqual(self.listing(5004).product_id, own)

    # -- References from the offer list (OF21): Mirakl's export has none ----------------------

    def offer_list_requests(self, since):
        return [request for request in self.simulator.requests[since:] if request.op == "OF21"]

    def test_barcode_link_reads_the_references_from_the_offer_list(self):
        self.assertFalse(self.simulator.offer_export_settings.product_fields, "spec-strict OF54")
        since = len(self.simulator.requests)
        self.run_flow("listings", full=True)
        (request,) = self.offer_list_requests(since)  # one sweep, one page of 100
        self.assertEqual(request.query["max"], ["100"])
        self.assertEqual(request.query["offset"], ["0"])
        products = self.linked_products()
        self.assertEqual(products["SKU-B"], self.by_ean)
        self.assertEqual(products["SKU-C"], self.by_upc)
        self.assertRecordValues(
            self.listing(5002),
            [{"ean": SIMULATED_EAN, "title": "Product SKU-B", "references_missing": False}],
        )
        self.assertEqual(
            self.listings().filtered("references_missing").mapped("shop_sku"),
            ["SKU-A", "SKU-E"],
            "listings matched by SKU do not need their references",
        )
        log = self.last_log("listings")
        self.assertRecordValues(log, [{"state": "done", "created_count": 5, "failed_count": 0}])

        # the references are known now: an unchanged import does not read the list again
        since = len(self.simulator.requests)
        with self.count_writes("mirakl.listing") as writes:
            self.run_flow("listings", full=True)
        self.assertFalse(self.offer_list_requests(since))
        self.assertEqual(writes["mirakl.listing"], 0)

    def test_offer_list_is_not_read_when_the_export_has_the_references(self):
        self.simulator.offer_export_settings.product_fields = True
        since = len(self.simulator.requests)
        self.run_flow("listings", full=True)
        self.assertFalse(self.offer_list_requests(since))
        self.assertEqual(self.linked_products()["SKU-B"], self.by_ean)
        self.assertEqual(self.listing(5002).title, "Product SKU-B")

    def test_offer_list_is_not_read_when_every_listing_is_matched(self):
        self.shop.offers[:] = [make_offer(5001, "SKU-A"), make_offer(5005, "SKU-E")]
        since = len(self.simulator.requests)
        self.run_flow("listings", full=True)
        self.assertFalse(self.offer_list_requests(since))
        self.assertEqual(self.linked_products(), {"SKU-A": self.by_sku, "SKU-E": self.sku_of_e})

    def test_offer_list_failure_is_logged_with_a_retry(self):
        self.simulator.inject_fault(op="OF21", status=400, times=1)
        self.run_flow("listings", full=True)
        self.assertEqual(len(self.listings()), 5, "the export's listings are kept")
        self.assertFalse(self.listing(5002).product_id)
        log = self.last_log("listings")
        self.assertRecordValues(log, [{"state": "partial", "failed_count": 1}])
        self.assertIn("OF21", log.line_ids.message)
        self.assertTrue(log.line_ids.can_retry)

        log.line_ids.action_retry()
        self.assertEqual(self.listing(5002).product_id, self.by_ean)
        self.assertEqual(log.line_ids.state, "retried")

    # -- Unmatched listings and links by hand --------------------------------------------------

    def test_unmatched_listing_links_once_the_product_exists(self):
        self.run_flow("listings", full=True)
        unmatched = self.env["mirakl.listing"].search(
            [("instance_id", "=", self.marketplace.id), ("product_id", "=", False)]
        )
        self.assertEqual(unmatched.mapped("shop_sku"), ["SKU-D"])

        product = self.env["product.product"].create({"name": "New", "default_code": "SKU-D"})
        with self.count_writes("mirakl.listing") as writes:
            self.run_flow("listings", full=True)
        self.assertEqual(self.listing(5004).product_id, product)
        self.assertEqual(writes["mirakl.listing"], 1, "only the newly linked listing")
        self.assertEqual(self.last_log("listings").updated_count, 1)

    def test_marketplace_counts_and_opens_its_unmatched_listings(self):
        self.run_flow("listings", full=True)
        self.listing(5001).active = False  # archived listings are not counted
        self.listing(5002).product_id = False
        self.marketplace.invalidate_recordset(["listing_count", "unmatched_listing_count"])
        self.assertRecordValues(
            self.marketplace, [{"listing_count": 4, "unmatched_listing_count": 2}]
        )
        action = self.marketplace.action_view_unmatched_listings()
        self.assertEqual(action["context"].get("search_default_unmatched"), 1)
        # what the search view's Unmatched filter adds to the action's domain
        unmatched = self.env["mirakl.listing"].search(
            [*action["domain"], ("product_id", "=", False)]
        )
        self.assertEqual(unmatched, self.listing(5002) | self.listing(5004))

    def test_manual_link_is_kept_across_imports(self):
        self.run_flow("listings", full=True)
        self.listing(5004).product_id = self.spare
        self.listing(5001).product_id = self.spare
        self.assertEqual(self.listing(5001).link_mode, "manual")

        self.simulator.update_offer(self.SHOP_ID, 5001, quantity=3, shop_sku="SKU-A")
        self.simulator.update_offer(self.SHOP_ID, 5004, quantity=4)
        self.run_flow("listings", full=True)
        self.assertRecordValues(
            self.listing(5001) | self.listing(5004),
            [
                {"product_id": self.spare.id, "link_mode": "manual", "quantity": 3},
                {"product_id": self.spare.id, "link_mode": "manual", "quantity": 4},
            ],
        )

        self.listing(5001).action_match_products()
        self.assertRecordValues(
            self.listing(5001), [{"product_id": self.by_sku.id, "link_mode": "auto"}]
        )

    def test_users_link_listings_but_do_not_create_them(self):
        self.run_flow("listings", full=True)
        user = new_test_user(
            self.env, login="mirakl_linker", groups="mirakl_connector.group_mirakl_user"
        )
        listing = self.listing(5004).with_user(user)
        listing.product_id = self.spare
        self.assertEqual(listing.link_mode, "manual")
        with self.assertRaises(AccessError):
            self.env["mirakl.listing"].with_user(user).create(
                {"instance_id": self.marketplace.id, "offer_id": "1"}
            )

    def test_unreadable_offer_is_reported_and_skipped(self):
        codes = self.env["mirakl.listing"]._mirakl_code_maps(self.marketplace)
        offers = [
            {"offer_id": 1, "shop_sku": "SKU-A", "quantity": 2},
            {"offer_id": 2, "shop_sku": "SKU-Z", "channels": 5},
        ]
        result = self.env["mirakl.listing"]._mirakl_import_offers(self.marketplace, offers, codes)
        self.assertEqual(result["created"], 1)
        self.assertEqual([offer_id for offer_id, _message in result["failures"]], ["2"])
        self.assertEqual(self.listing(1).product_id, self.by_sku)

    # -- Product form --------------------------------------------------------------------------

    def test_product_shows_its_listings(self):
        self.run_flow("listings", full=True)
        self.assertEqual(self.by_sku.mirakl_listing_count, 1)
        self.assertEqual(self.by_sku.product_tmpl_id.mirakl_listing_count, 1)
        self.assertEqual(self.spare.mirakl_listing_count, 0)
        action = self.by_sku.product_tmpl_id.action_view_mirakl_listings()
        self.assertEqual(self.env["mirakl.listing"].search(action["domain"]), self.listing(5001))
        action = self.by_sku.action_view_mirakl_listings()
        self.assertEqual(self.env["mirakl.listing"].search(action["domain"]), self.listing(5001))


def ref(kind, code):
    return {"reference_type": kind, "reference": code}
