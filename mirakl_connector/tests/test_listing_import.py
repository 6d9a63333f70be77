# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo.tests import new_test_user, tagged

from odoo.addons.queue_job.exception import RetryableJobError

from ..models import mirakl_flow_listings
from .common_catalog import MiraklCatalogCase, make_offer


@tagged("post_install", "-at_install")
class TestListingImport(MiraklCatalogCase):
    """The listing flow: OF52 -> OF53 -> OF54 chunks, full and differential, OF21 fallback."""

    def setUp(self):
        super().setUp()
        self.run_flow("master_data", force=True)
        discounted = {
            "price": 80.0,
            "unit_origin_price": 100.0,
            "unit_discount_price": 80.0,
            "discount_start_date": "2025-06-01T00:00:00Z",
            "discount_end_date": "2025-07-01T00:00:00Z",
            "volume_prices": [],
        }
        self.shop.offers[:] = [
            make_offer(
                6001,
                "TENT-1",
                product_title="Dome Tent",
                product_references=[{"reference_type": "EAN", "reference": "3123456789012"}],
                state_code="10",
                channels=["WEB_FR", "APP"],
                logistic_class={"code": "L", "label": "Large"},
                price=80.0,
                all_prices=[discounted],
                applicable_pricing=discounted,
                quantity=7,
                leadtime_to_ship=3,
                min_order_quantity=1,
                max_order_quantity=5,
            ),
            make_offer(
                6002, "STOVE-1", quantity=0, active=False, inactivity_reasons=["ZERO_QUANTITY"]
            ),
            make_offer(6003, "BOOT-1"),
        ]

    def export_requests(self):
        return [json.loads(r.body) for r in self.simulator.requests if r.op == "OF52"]

    # -- Full import ---------------------------------------------------------------------------

    def test_full_import_creates_the_listings(self):
        since = len(self.simulator.requests)
        self.run_flow("listings")
        ops = [request.op for request in self.simulator.requests[since:]]
        # the export has no title nor references: one OF21 sweep reads them
        self.assertEqual(ops.count("OF21"), 1)
        self.assertEqual(
            self.export_requests(),
            [
                {
                    "export_type": "application/json",
                    "items_per_chunk": 10000,
                    "include_inactive_offers": True,
                }
            ],
        )
        self.assertEqual(self.listings().mapped("offer_id"), ["6003", "6002", "6001"])
        tent = self.listing(6001)
        condition = self.env["mirakl.offer.condition"].search([("code", "=", "10")])
        self.assertRecordValues(
            tent,
            [
                {
                    "shop_sku": "TENT-1",
                    "product_sku": "MKP-6001",
                    "title": "Dome Tent",
                    "ean": "3123456789012",
                    "condition_id": condition.id,
                    "logistic_class_id": self.env["mirakl.logistic.class"]
                    .search([("code", "=", "L")])
                    .id,
                    "price": 80.0,
                    "origin_price": 100.0,
                    "discount_price": 80.0,
                    "discount_start_date": datetime(2025, 6, 1),
                    "discount_end_date": datetime(2025, 7, 1),
                    "quantity": 7,
                    "leadtime_to_ship": 3,
                    "min_order_quantity": 1,
                    "max_order_quantity": 5,
                    "mirakl_active": True,
                    "inactivity_reasons": False,
                    "deleted": False,
                    "active": True,
                    "company_id": self.marketplace.company_id.id,
                }
            ],
        )
        self.assertEqual(sorted(tent.channel_ids.mapped("code")), ["APP", "WEB_FR"])
        self.assertTrue(tent.mirakl_update_date)
        # Mirakl's export does not say why an offer is inactive (OF21 does)
        self.assertRecordValues(
            self.listing(6002), [{"mirakl_active": False, "inactivity_reasons": False}]
        )
        log = self.last_log("listings")
        self.assertRecordValues(
            log, [{"state": "done", "created_count": 3, "updated_count": 0, "failed_count": 0}]
        )
        export = self.env["mirakl.listing.export"].search([("log_id", "=", log.id)])
        self.assertRecordValues(export, [{"state": "done", "full": True}])
        self.assertEqual(self.marketplace.listing_sync_date, export.request_date)
        self.assertFalse(export.chunk_ids.offer_ids, "the offer ids are dropped once used")

    def test_export_with_the_product_fields_keeps_them(self):
        self.simulator.offer_export_settings.product_fields = True
        since = len(self.simulator.requests)
        self.run_flow("listings")
        self.assertNotIn("OF21", [request.op for request in self.simulator.requests[since:]])
        self.assertRecordValues(
            self.listing(6001) | self.listing(6002),
            [
                {"title": "Dome Tent", "ean": "3123456789012", "inactivity_reasons": False},
                {"title": "Product STOVE-1", "ean": False, "inactivity_reasons": "ZERO_QUANTITY"},
            ],
        )

    def test_second_unchanged_import_writes_nothing(self):
        self.run_flow("listings")
        Listing = self.registry["mirakl.listing"]
        with (
            self.count_writes("mirakl.listing") as writes,
            patch.object(Listing, "create", autospec=True, side_effect=Listing.create) as create,
        ):
            self.run_flow("listings", full=True)
        self.assertEqual(writes["mirakl.listing"], 0)
        self.assertEqual([call.args[1] for call in create.call_args_list], [[]])
        self.assertRecordValues(
            self.last_log("listings"),
            [{"state": "done", "created_count": 0, "updated_count": 0, "skipped_count": 3}],
        )

    def test_large_catalogue_comes_in_chunks(self):
        self.shop.offers[:] = [make_offer(7000 + i, f"GEN-{i}") for i in range(25)]
        with (
            patch.object(mirakl_flow_listings, "CHUNK_SIZE", 10),
            patch.object(mirakl_flow_listings, "BATCH_SIZE", 4),
        ):
            self.run_flow("listings")
        self.assertEqual(len(self.listings()), 25)
        export = self.env["mirakl.listing.export"].search([], limit=1)
        self.assertEqual(export.chunk_ids.mapped("created_count"), [10, 10, 5])
        self.assertEqual([r.op for r in self.simulator.requests].count("OF54"), 3)
        self.assertEqual(self.last_log("listings").created_count, 25)

    # -- Differential import -------------------------------------------------------------------

    def test_differential_import_takes_the_changes_since_the_last_one(self):
        self.run_flow("listings")
        first_sync = self.marketplace.listing_sync_date
        self.simulator.update_offer(self.SHOP_ID, 6003, quantity=0)
        self.simulator.delete_offer(self.SHOP_ID, 6002)
        self.shop.offers.append(make_offer(6004, "KAYAK-1"))
        self.shop.offer_times[6004] = (self.simulator.clock.now(),) * 2

        with self.count_writes("mirakl.listing") as writes:
            self.run_flow("listings")
        request = self.export_requests()[-1]
        since = first_sync - timedelta(minutes=5)
        self.assertEqual(request["last_request_date"], since.strftime("%Y-%m-%dT%H:%M:%SZ"))
        self.assertNotIn("include_inactive_offers", request)
        self.assertRecordValues(
            self.listing(6003),
            [{"quantity": 0, "mirakl_active": False, "inactivity_reasons": False}],
        )
        self.assertRecordValues(self.listing(6002), [{"active": False, "deleted": True}])
        self.assertTrue(self.listing(6004))
        self.assertEqual(
            writes["mirakl.listing"],
            3,
            "the changed and the deleted offer, and the OF21 references of the new one",
        )
        self.assertRecordValues(
            self.last_log("listings"), [{"state": "done", "created_count": 1, "updated_count": 2}]
        )
        self.assertGreaterEqual(self.marketplace.listing_sync_date, first_sync)

    def test_full_import_archives_the_offers_mirakl_no_longer_has(self):
        self.run_flow("listings")
        self.shop.offers[:] = [offer for offer in self.shop.offers if offer["offer_id"] != 6003]
        self.run_flow("listings", full=True)
        self.assertRecordValues(self.listing(6003), [{"active": False, "deleted": True}])
        self.assertTrue(self.listing(6001).active)
        # an offer that comes back is restored even though its values did not change
        self.shop.offers.append(make_offer(6003, "BOOT-1"))
        self.run_flow("listings", full=True)
        self.assertRecordValues(self.listing(6003), [{"active": True, "deleted": False}])

    # -- Failures ------------------------------------------------------------------------------

    def test_failed_export_writes_nothing(self):
        self.simulator.fail_next_offer_export(code="1", detail="Internal error")
        self.run_flow("listings")
        self.assertFalse(self.listings())
        self.assertFalse(self.marketplace.listing_sync_date)
        log = self.last_log("listings")
        self.assertEqual(log.state, "failed")
        self.assertIn("Mirakl could not export the offers (Internal error)", log.message)
        self.assertIn("No listing was changed", log.message)
        export = self.env["mirakl.listing.export"].search([("log_id", "=", log.id)])
        self.assertEqual(export.state, "failed")

    def test_pending_export_is_polled_again(self):
        self.simulator.offer_export_settings.pending_polls = 1
        # not assertRaises: its savepoint would roll the import's records back
        try:
            self.run_flow("listings")
        except RetryableJobError as error:
            self.assertTrue(error.ignore_retry, "waiting does not use up the retries")
        else:
            self.fail("the job waits for the export")
        log = self.last_log("listings")
        self.assertEqual(log.state, "pending")
        self.assertIn("preparing the offer export", log.message)
        self.assertFalse(self.listings())
        self.assertFalse(self.run_flow("listings"), "no second import while one is running")

        export = self.env["mirakl.listing.export"].search([("log_id", "=", log.id)])
        self.env["mirakl.call.limit"].search([]).unlink()
        self.env["mirakl.flow.listings"]._job_poll_export(self.marketplace, export, log)
        self.assertEqual(len(self.listings()), 3)
        self.assertEqual(log.state, "done")

    def test_failed_chunk_keeps_the_listing_date_and_can_be_retried(self):
        self.shop.offers[:] = [make_offer(7000 + i, f"GEN-{i}") for i in range(6)]
        self.simulator.inject_fault(op="OF54", status=400, times=1)
        with patch.object(mirakl_flow_listings, "CHUNK_SIZE", 3):
            self.run_flow("listings")
        self.assertEqual(len(self.listings()), 3, "the other chunk is imported")
        self.assertFalse(self.marketplace.listing_sync_date)
        log = self.last_log("listings")
        self.assertRecordValues(log, [{"state": "partial", "created_count": 3, "failed_count": 1}])
        # the files are imported in no particular order: the fault hits the first one asked for
        self.assertRegex(log.line_ids.message, r"^File [12] of the offer export could not be imp")

        log.line_ids.action_retry()
        self.assertEqual(len(self.listings()), 6)
        self.assertEqual(log.line_ids.state, "retried")

    def test_malformed_offer_fails_its_file_only(self):
        self.shop.offers[:] = [make_offer(7000 + i, f"GEN-{i}") for i in range(6)]
        self.shop.offers[4]["quantity"] = "many"
        with patch.object(mirakl_flow_listings, "CHUNK_SIZE", 3):
            self.run_flow("listings")
        self.assertEqual(self.listings().mapped("shop_sku"), ["GEN-0", "GEN-1", "GEN-2"])
        log = self.last_log("listings")
        self.assertEqual(log.state, "partial")
        self.assertIn("File 2 of the offer export could not be imported", log.line_ids.message)
        self.assertIn("quantity", log.line_ids.message)

    def test_operators_without_export_are_read_page_by_page(self):
        self.simulator.inject_fault(op="OF52", status=404, times=1)
        self.run_flow("listings")
        self.assertEqual(len(self.listings()), 3)
        self.assertEqual(self.listing(6001).price, 80.0)
        self.assertIn("OF21", [request.op for request in self.simulator.requests])
        self.assertEqual(self.last_log("listings").state, "done")
        self.assertTrue(self.marketplace.listing_sync_date)

    # -- Multi-company -------------------------------------------------------------------------

    def test_listings_stay_in_their_marketplace_company(self):
        other_company = self.env["res.company"].create({"name": "Other seller"})
        other = (
            self.env["mirakl.instance"]
            .create(
                {
                    "name": "Other Marketplace",
                    "operator_url": self.simulator.url,
                    "api_key": self.API_KEY,
                    "company_id": other_company.id,
                }
            )
            .with_env(self.env)
        )
        product = self.env["product.product"].create(
            {"name": "Other boot", "default_code": "BOOT-1", "company_id": other_company.id}
        )
        self.run_flow("listings")
        self.env["mirakl.call.limit"].search([]).unlink()
        other._run_flow("listings")
        self.assertEqual(len(self.listings(other)), 3)
        self.assertEqual(self.listings(other).company_id, other_company)
        self.assertEqual(self.listing(6003).product_id, self.env["product.product"])
        self.assertEqual(
            self.listings(other).filtered(lambda listing: listing.offer_id == "6003").product_id,
            product,
        )
        user = new_test_user(
            self.env,
            login="mirakl_main_company",
            groups="mirakl_connector.group_mirakl_user",
            company_id=self.marketplace.company_id.id,
        )
        visible = self.env["mirakl.listing"].with_user(user).search([])
        self.assertEqual(visible, self.listings().filtered("active"))
