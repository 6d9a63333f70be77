# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import re

from odoo.tests import tagged

from odoo.addons.queue_job.exception import RetryableJobError

from .common_export import MiraklExportCase, trap_jobs

STOCK_PATH = "/api/offers/stock/imports"
HEADER = "offer-sku;quantity;warehouse-code;update-delete\n"
FLOW = "mirakl.flow.stock"


@tagged("post_install", "-at_install")
class TestStockExport(MiraklExportCase):
    """Free stock, less the buffer, published by STO01 (OF01 without it), delta or full,
    every import followed to the listings."""

    def stock_file(self, index=-1):
        """The content of a STO01 upload, as Mirakl received it."""
        return list(self.simulator.stock_imports.values())[index].content.decode()

    def exported(self, full=False):
        """Export, check the upload, let Mirakl process it; returns the file."""
        self.simulator.reset_logs()
        self.run_jobs(self.export(FLOW, full))
        upload, status = self.requests("STO01", "STO02")
        self.assertUpload(upload, "STO01", STOCK_PATH)
        file_import = self.env["mirakl.file.import"].search([], limit=1)
        self.assertEqual(status.path, f"{STOCK_PATH}/{file_import.import_ref}/status")
        return self.stock_file()

    def test_free_stock_less_the_buffer(self):
        self.marketplace.stock_buffer = 2
        self.listing("SKU-2").write({"own_stock_buffer": True, "stock_buffer": 0})
        # Reserved stock is not free: a delivery reserves 1 unit of SKU-1.
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "location_id": self.warehouse.lot_stock_id.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "out",
                            "product_id": self.products[0].id,
                            "product_uom_qty": 1,
                            "location_id": self.warehouse.lot_stock_id.id,
                            "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                        },
                    )
                ],
            }
        )
        picking.action_assign()
        self.assertEqual(
            self.exported(), HEADER + "SKU-1;7;;\nSKU-2;3;;\nSKU-3;0;;\n"
        )  # SKU-X has no product: not sent
        self.assertEqual(self.listings.mapped("exported_quantity"), [7, 3, 0])
        self.assertFalse(self.unlinked.stock_import_id)
        file_import = self.listings[0].stock_import_id
        self.assertEqual(
            (file_import.operation, file_import.state, file_import.listing_count),
            ("STO01", "done", 3),
        )
        self.assertEqual(file_import.attachment_id.raw.decode(), self.stock_file())
        log = self.last_log("stock")
        self.assertEqual((log.state, log.processed_count, log.updated_count), ("done", 3, 3))
        self.assertEqual(
            [offer["quantity"] for offer in self.simulator.shop(self.SHOP_ID).offers], [7, 3, 0]
        )

    def test_delta_sends_only_the_changes_full_sends_all(self):
        self.exported()
        self.set_stock(self.products[1], 5)
        self.assertEqual(self.exported(), HEADER + "SKU-2;5;;\n")
        self.simulator.reset_logs()
        self.export(FLOW)
        self.assertFalse(self.simulator.requests, "nothing changed: nothing sent")
        self.assertEqual(
            self.last_log("stock").message, "Mirakl already has the stock of every listing."
        )
        self.assertEqual(self.exported(full=True), HEADER + "SKU-1;10;;\nSKU-2;5;;\nSKU-3;0;;\n")

    def test_first_export_of_the_day_is_full(self):
        self.exported()
        # As if the last full export was long ago.
        self.env["mirakl.file.import"].search([]).write({"full": False})
        self.assertEqual(self.exported(), HEADER + "SKU-1;10;;\nSKU-2;3;;\nSKU-3;0;;\n")
        self.assertTrue(self.listings[0].stock_import_id.full)

    def test_listings_on_their_way_are_not_sent_twice(self):
        self.simulator.import_settings.pending_polls = 5
        trap = self.export(FLOW)
        self.assertEqual(self.stock_file(), HEADER + "SKU-1;10;;\nSKU-2;3;;\nSKU-3;0;;\n")
        self.set_stock(self.products[0], 4)
        self.export(FLOW)
        self.assertEqual(self.stock_file(), HEADER + "SKU-1;4;;\n")
        self.assertTrue(trap.enqueued_jobs, "the first import is still being polled")

    def test_warehouse_codes_split_the_stock(self):
        second = self.env["stock.warehouse"].create({"name": "Second", "code": "WH2"})
        self.warehouse.mirakl_warehouse_code = "WH-A"
        second.mirakl_warehouse_code = "WH-B"
        self.simulator.shop(self.SHOP_ID).warehouse_codes[:] = ["WH-A", "WH-B"]
        self.set_stock(self.products[0], 4, second)
        self.marketplace.stock_warehouse_ids = self.warehouse | second
        self.marketplace.stock_buffer = 1
        self.assertEqual(
            self.exported(),
            HEADER
            + "SKU-1;9;WH-A;\nSKU-1;3;WH-B;\n"
            + "SKU-2;2;WH-A;\nSKU-2;0;WH-B;\n"
            + "SKU-3;0;WH-A;\nSKU-3;0;WH-B;\n",
        )
        self.assertEqual(self.listings.mapped("exported_quantity"), [12, 2, 0])
        offer = self.simulator.shop(self.SHOP_ID).offers[0]
        self.assertEqual(
            offer["warehouses"], [{"code": "WH-A", "quantity": 9}, {"code": "WH-B", "quantity": 3}]
        )
        # Without a code on each warehouse, their stock is summed.
        second.mirakl_warehouse_code = False
        self.assertEqual(self.exported(full=True), HEADER + "SKU-1;13;;\nSKU-2;2;;\nSKU-3;0;;\n")

    def test_offer_file_where_the_stock_api_is_missing(self):
        self.simulator.import_settings.stock_api = False
        self.listing("SKU-1").write(
            {
                "discount_price": 15.0,
                "discount_start_date": "2030-01-01 00:00:00",
                "discount_end_date": "2030-02-01 00:00:00",
            }
        )
        self.run_jobs(self.export(FLOW))
        missing, upload, status = self.requests("STO01", "OF01", "OF02")
        self.assertEqual(missing.path, STOCK_PATH)
        self.assertUpload(upload, "OF01", "/api/offers/imports")
        self.assertIn(b'name="import_mode"\r\n\r\nNORMAL', upload.body)
        (offer_import,) = self.simulator.offer_imports.values()
        self.assertEqual(offer_import.mode, "NORMAL")
        self.assertEqual(
            offer_import.content.decode(),
            "sku;product-id;product-id-type;description;internal-description;price;"
            "price-additional-info;quantity;min-quantity-alert;state;available-start-date;"
            "available-end-date;discount-price;discount-start-date;discount-end-date;"
            "leadtime-to-ship;min-order-quantity;max-order-quantity;package-quantity;"
            "logistic-class;update-delete\n"
            "SKU-1;MKP-3001;SKU;;;20.00;;10;;11;;;15.00;2030-01-01T00:00:00Z;2030-02-01T00:00:00Z;"
            "2;1;10;;S;update\n"
            "SKU-2;MKP-3002;SKU;;;20.00;;3;;11;;;;;;2;1;10;;S;update\n"
            "SKU-3;MKP-3003;SKU;;;20.00;;0;;11;;;;;;2;1;10;;S;update\n",
        )
        self.assertEqual(status.path, f"/api/offers/imports/{offer_import.import_id}")
        self.assertEqual(self.listings.mapped("exported_quantity"), [10, 3, 0])
        self.assertEqual(self.listings[0].stock_import_id.operation, "OF01")

    def test_rejected_rows_show_on_their_listing_and_go_again(self):
        self.simulator.shop(self.SHOP_ID).offers.pop(1)  # SKU-2 is not on Mirakl
        self.exported()
        self.assertEqual([r.op for r in self.requests("STO03")], ["STO03"])
        rejected = self.listing("SKU-2")
        self.assertEqual(rejected.stock_export_error, "The offer with SKU 'SKU-2' does not exist")
        self.assertFalse(rejected.stock_export_key)
        self.assertEqual(self.listing("SKU-1").exported_quantity, 10)
        self.assertFalse(self.listing("SKU-1").stock_export_error)
        log = self.last_log("stock")
        self.assertEqual((log.state, log.updated_count, log.failed_count), ("partial", 2, 1))
        self.assertEqual(log.line_ids.mapped("mirakl_ref"), ["SKU-2"])
        self.assertEqual(log.line_ids.res_id, rejected.id)
        self.assertEqual(rejected.stock_import_id.state, "partial")
        # The next export sends it again, alone.
        self.assertEqual(self.exported(), HEADER + "SKU-2;3;;\n")

    def test_failed_import_sends_everything_again(self):
        self.simulator.import_settings.fail_next = "The file is corrupt"
        self.run_jobs(self.export(FLOW))
        self.assertEqual(self.last_log("stock").state, "failed")
        self.assertIn("Mirakl could not import file", self.last_log("stock").message)
        self.assertEqual(self.listings[0].stock_import_id.state, "failed")
        self.assertFalse(any(self.listings.mapped("stock_export_key")))
        self.assertEqual(self.exported(), HEADER + "SKU-1;10;;\nSKU-2;3;;\nSKU-3;0;;\n")

    def test_too_frequent_export_is_postponed(self):
        self.export(FLOW)
        self.set_stock(self.products[0], 2)
        count = len(self.simulator.stock_imports)
        # Odoo's own count of Mirakl's once-a-minute limit.
        with trap_jobs(), self.assertRaisesKeepingLogs(RetryableJobError) as caught:
            self.env[FLOW]._job_export(self.marketplace)
        self.assertTrue(caught.exception.ignore_retry)
        self.assertLessEqual(caught.exception.seconds, 60)
        self.assertEqual(len(self.simulator.stock_imports), count)
        # Mirakl's: a 429 with Retry-After postpones the job by as much.
        self.simulator.import_settings.rate_limit = True
        self.allow_calls()
        with trap_jobs(), self.assertRaisesKeepingLogs(RetryableJobError) as caught:
            self.env[FLOW]._job_export(self.marketplace)
        (refused,) = [r for r in self.simulator.responses if r.status == 429]
        self.assertEqual(refused.op, "STO01")
        self.assertEqual(caught.exception.seconds, int(refused.headers["Retry-After"]))
        self.assertEqual(self.last_log("stock").state, "pending")

    def test_stock_moves_queue_one_export_a_minute_later(self):
        location = self.warehouse.lot_stock_id
        with trap_jobs() as trap:
            for product in self.products[:2]:
                quant = (
                    self.env["stock.quant"]
                    .with_context(inventory_mode=True)
                    .create(
                        {
                            "product_id": product.id,
                            "location_id": location.id,
                            "inventory_quantity": 1,
                        }
                    )
                )
                quant.action_apply_inventory()
        (job,) = trap.enqueued_jobs
        self.assertEqual(
            (job.model_name, job.method_name, job.args),
            (FLOW, "_job_export", (self.marketplace, False)),
        )
        self.assertTrue(job.eta)
        self.assertTrue(re.search(r":delta$", job.identity_key))

    def test_stock_pushed_again_after_a_refusal(self):
        self.exported()
        with trap_jobs() as trap:
            self.env[FLOW]._push_again(self.listing("SKU-2") | self.unlinked)
        self.assertEqual(len(trap.enqueued_jobs), 1)
        self.assertEqual(self.exported(), HEADER + "SKU-2;3;;\n")

    def test_scheduled_run(self):
        with trap_jobs() as trap:
            self.marketplace._run_flow("stock")
            self.marketplace._run_flow("stock", full=True)
        self.assertEqual(
            [job.args for job in trap.enqueued_jobs],
            [(self.marketplace, False), (self.marketplace, True)],
        )
