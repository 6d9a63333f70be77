# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from .common_catalog import MiraklCatalogCase

MODELS = {
    "carriers": "mirakl.carrier",
    "shipping_zones": "mirakl.shipping.zone",
    "shipping_types": "mirakl.shipping.method",
    "logistic_classes": "mirakl.logistic.class",
    "channels": "mirakl.channel",
    "offer_states": "mirakl.offer.condition",
    "hierarchies": "mirakl.category",
    "additional_fields": "mirakl.additional.field",
    "reasons": "mirakl.reason",
    "documents": "mirakl.document.type",
}


@tagged("post_install", "-at_install")
class TestMasterData(MiraklCatalogCase):
    def records(self, model, **domain):
        return (
            self.env[model]
            .with_context(active_test=False)
            .search(
                [("instance_id", "=", self.marketplace.id)]
                + [(name, "=", value) for name, value in domain.items()]
            )
        )

    def record(self, model, code):
        return self.records(model, code=code)

    # -- Round trip ----------------------------------------------------------------------------

    def test_every_list_is_imported(self):
        self.simulator.platform_configuration["features"]["order_tax_mode"] = "TAX_INCLUDED"
        self.run_flow("master_data", force=True)

        for key, model in MODELS.items():
            expected = sorted(item["code"] for item in self.simulator.reference[key])
            self.assertEqual(sorted(self.records(model).mapped("code")), expected, model)
        self.assertRecordValues(
            self.record("mirakl.carrier", "UPS"),
            [
                {
                    "label": "UPS",
                    "standard_code": "UPS",
                    "tracking_url": "https://www.ups.com/track?loc=fr_FR&tracknum={trackingId}",
                    "company_id": self.marketplace.company_id.id,
                    "active": True,
                }
            ],
        )
        self.assertRecordValues(
            self.record("mirakl.shipping.method", "STORE"),
            [
                {
                    "click_and_collect": True,
                    "delivery_by_operator": False,
                    "mandatory_tracking": False,
                }
            ],
        )
        self.assertRecordValues(
            self.record("mirakl.shipping.method", "FREIGHT"),
            [{"delivery_by_operator": True, "mandatory_tracking": True}],
        )
        self.assertEqual(
            self.record("mirakl.logistic.class", "XL").description, "Over 30 kg or oversized"
        )
        self.assertEqual(self.record("mirakl.channel", "WEB_DE").label, "Website Germany")
        self.assertEqual(self.record("mirakl.offer.condition", "10").label, "Refurbished")
        self.assertRecordValues(
            self.record("mirakl.additional.field", "warranty"),
            [
                {
                    "entity": "OFFER",
                    "type": "LIST",
                    "required": False,
                    "accepted_values": "1Y, 2Y, 5Y",
                }
            ],
        )
        self.assertRecordValues(
            self.record("mirakl.additional.field", "vat-number"),
            [{"entity": "SHOP", "type": "REGEX", "required": True, "editable": False}],
        )
        self.assertRecordValues(
            self.record("mirakl.reason", "17"),
            [{"type": "REFUND", "is_shop_right": False, "label": "Commercial gesture"}],
        )
        # the platform settings are refreshed with the lists
        self.assertEqual(self.marketplace.order_tax_mode, "TAX_INCLUDED")
        self.assertTrue(self.marketplace.master_data_date)
        log = self.last_log("master_data")
        total = sum(len(self.simulator.reference[key]) for key in MODELS)
        self.assertRecordValues(log, [{"state": "done", "created_count": total, "failed_count": 0}])
        self.assertIn("Mirakl Carrier: 7 new, 0 changed", log.message)

    def test_categories_form_a_tree(self):
        self.run_flow("master_data", force=True)
        tents = self.record("mirakl.category", "TENTS")
        camping = self.record("mirakl.category", "CAMPING")
        outdoor = self.record("mirakl.category", "OUTDOOR")
        self.assertEqual(tents.parent_id, camping)
        self.assertEqual(camping.parent_id, outdoor)
        self.assertFalse(outdoor.parent_id)
        self.assertEqual(tents.level, 3)
        self.assertEqual(tents.complete_name, "Outdoor / Camping / Tents")
        self.assertEqual(
            sorted(
                self.env["mirakl.category"].search([("id", "child_of", camping.id)]).mapped("code")
            ),
            ["CAMPING", "SLEEPING", "STOVES", "TENTS"],
        )
        # a category moved by the operator follows, children first in the answer or not
        hierarchies = self.simulator.reference["hierarchies"]
        for item in hierarchies:
            if item["code"] == "STOVES":
                item.update(parent_code="HIKING", level=3)
        hierarchies.reverse()
        self.run_flow("master_data", force=True)
        stoves = self.record("mirakl.category", "STOVES")
        self.assertEqual(stoves.parent_id.code, "HIKING")
        self.assertEqual(stoves.complete_name, "Outdoor / Hiking / Camping stoves")
        self.assertNotIn(stoves, camping.child_ids)

    def test_reimport_changes_nothing(self):
        self.run_flow("master_data", force=True)
        with self.count_writes(*MODELS.values()) as writes:
            self.run_flow("master_data", force=True)
        self.assertEqual(sum(writes.values()), 0, writes)
        log = self.last_log("master_data")
        self.assertRecordValues(log, [{"state": "done", "created_count": 0, "updated_count": 1}])
        self.assertEqual(
            log.skipped_count, sum(len(self.simulator.reference[key]) for key in MODELS)
        )

    # -- Operator changes ----------------------------------------------------------------------

    def test_removed_rows_are_archived_then_restored(self):
        self.run_flow("master_data", force=True)
        dhl = self.record("mirakl.carrier", "DHL")
        kayaks = self.record("mirakl.category", "KAYAKS")
        reference = self.simulator.reference
        saved_dhl = next(c for c in reference["carriers"] if c["code"] == "DHL")
        reference["carriers"].remove(saved_dhl)
        reference["hierarchies"] = [h for h in reference["hierarchies"] if h["code"] != "KAYAKS"]
        reference["channels"][0]["label"] = "Site France"

        self.run_flow("master_data", force=True)
        self.assertFalse(dhl.active)
        self.assertFalse(kayaks.active)
        self.assertEqual(self.record("mirakl.channel", "WEB_FR").label, "Site France")
        log = self.last_log("master_data")
        self.assertEqual(log.updated_count, 1 + 3, "platform, one label, two archived")

        reference["carriers"].append(saved_dhl)
        self.run_flow("master_data", force=True)
        self.assertTrue(dhl.active, "the same record comes back")
        self.assertEqual(self.records("mirakl.carrier", code="DHL"), dhl)

    def test_one_failing_list_does_not_stop_the_others(self):
        self.simulator.inject_fault(op="SH21", status=400, times=1)
        self.run_flow("master_data", force=True)
        self.assertFalse(self.records("mirakl.carrier"))
        self.assertTrue(self.records("mirakl.channel"))
        self.assertTrue(self.records("mirakl.reason"))
        self.assertFalse(self.marketplace.master_data_date, "not refreshed while a list failed")
        log = self.last_log("master_data")
        self.assertEqual(log.state, "partial")
        self.assertEqual(log.line_ids.mapped("mirakl_ref"), ["SH21"])
        self.assertIn("SH21 could not be imported", log.line_ids.message)

        log.line_ids.with_env(self.env).action_retry()
        self.assertEqual(
            len(self.records("mirakl.carrier")), len(self.simulator.reference["carriers"])
        )
        retry_log = self.last_log("master_data")
        self.assertNotEqual(retry_log, log)
        self.assertEqual(retry_log.state, "done")
        calls = [request.op for request in self.simulator.requests]
        self.assertEqual(calls.count("SH21"), 2, "the retry calls only the list that failed")
        self.assertEqual(calls.count("CH11"), 1)

    # -- Once a day ----------------------------------------------------------------------------

    def test_fresh_master_data_are_not_imported_again(self):
        self.run_flow("master_data", force=True)
        self.simulator.reset_logs()
        self.assertFalse(self.run_flow("master_data"))
        self.assertFalse(self.simulator.requests, "no call within a day")

        self.marketplace.master_data_date = fields.Datetime.now() - timedelta(days=1, minutes=1)
        self.run_flow("master_data")
        self.assertIn("SH21", [request.op for request in self.simulator.requests])

    def test_daily_run_respects_the_call_limits(self):
        """Without force, a list Mirakl was asked for less than a day ago is not asked again."""
        self.env["mirakl.call.limit"]._reserve(self.marketplace, "SH21")
        self.marketplace._run_flow("master_data")
        self.assertNotIn("SH21", [request.op for request in self.simulator.requests])
        self.assertIn("CH11", [request.op for request in self.simulator.requests])
        self.assertEqual(self.last_log("master_data").line_ids.mirakl_ref, "SH21")

    # -- Carrier mapping -----------------------------------------------------------------------

    def test_carriers_are_matched_and_manual_choices_kept(self):
        product = self.env["product.product"].create({"name": "Shipping", "type": "service"})
        DeliveryCarrier = self.env["delivery.carrier"]
        ups = DeliveryCarrier.create({"name": "ups", "product_id": product.id})
        colissimo = DeliveryCarrier.create({"name": "Colissimo", "product_id": product.id})
        own_truck = DeliveryCarrier.create({"name": "Our truck", "product_id": product.id})

        self.run_flow("master_data", force=True)
        self.assertEqual(self.record("mirakl.carrier", "UPS").carrier_id, ups, "by code")
        self.assertEqual(self.record("mirakl.carrier", "COLISSIMO").carrier_id, colissimo)
        self.assertFalse(self.record("mirakl.carrier", "GLS").carrier_id)

        self.record("mirakl.carrier", "UPS").carrier_id = own_truck
        gls = DeliveryCarrier.create({"name": "GLS", "product_id": product.id})
        self.run_flow("master_data", force=True)
        self.assertEqual(self.record("mirakl.carrier", "UPS").carrier_id, own_truck, "kept")
        self.assertEqual(self.record("mirakl.carrier", "GLS").carrier_id, gls, "found later")

    def test_carriers_match_by_label_in_the_marketplace_company(self):
        other_company = self.env["res.company"].create({"name": "Other company"})
        product = self.env["product.product"].create({"name": "Shipping", "type": "service"})
        other_product = self.env["product.product"].create(
            {"name": "Shipping", "type": "service", "company_id": other_company.id}
        )
        DeliveryCarrier = self.env["delivery.carrier"]
        DeliveryCarrier.create({"name": "DHL Express", "product_id": other_product.id})
        shared = DeliveryCarrier.create({"name": "DHL Express", "product_id": product.id})
        self.run_flow("master_data", force=True)
        self.assertEqual(self.record("mirakl.carrier", "DHL").carrier_id, shared)

    def test_only_managers_map_carriers(self):
        self.run_flow("master_data", force=True)
        product = self.env["product.product"].create({"name": "Shipping", "type": "service"})
        method = self.env["delivery.carrier"].create({"name": "Truck", "product_id": product.id})
        user = new_test_user(self.env, login="md_user", groups="mirakl_connector.group_mirakl_user")
        manager = new_test_user(
            self.env, login="md_manager", groups="mirakl_connector.group_mirakl_manager"
        )
        carrier = self.record("mirakl.carrier", "GLS")
        self.assertEqual(carrier.with_user(user).label, "GLS")
        with self.assertRaises(AccessError):
            carrier.with_user(user).carrier_id = method
        carrier.with_user(manager).carrier_id = method
        self.assertEqual(carrier.carrier_id, method)

    # -- Marketplace form ----------------------------------------------------------------------

    def test_marketplace_buttons_queue_the_imports(self):
        marketplace = self.marketplace.with_context(queue_job__no_delay=False)
        with trap_jobs() as trap:
            action = marketplace.action_import_master_data()
            marketplace.action_import_listings()
        trap.assert_jobs_count(2)
        trap.assert_enqueued_job(
            self.env["mirakl.flow.master_data"]._job_import_master_data,
            args=(self.marketplace, True, None),
        )
        trap.assert_enqueued_job(
            self.env["mirakl.flow.listings"]._job_start_export, args=(self.marketplace, True)
        )
        self.assertEqual(action["params"]["type"], "info")
