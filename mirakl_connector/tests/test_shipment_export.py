# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import tagged

from odoo.addons.queue_job.exception import RetryableJobError

from .common_order import MiraklOrderCase, trap_jobs


@tagged("post_install", "-at_install")
class TestShipmentExport(MiraklOrderCase):
    """Validated deliveries of Mirakl orders are shipped on Mirakl, once, after the commit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ups.tracking_url = "https://ups.example/track?n=<shipmenttrackingnumber>"
        cls.courier = cls.env["delivery.carrier"].create(
            {
                "name": "Local Courier",
                "delivery_type": "fixed",
                "product_id": cls.ups.product_id.id,
                "tracking_url": "https://courier.example/<shipmenttrackingnumber>",
            }
        )
        cls.shipments_flow = cls.env["mirakl.flow.shipments"]

    def setUp(self):
        super().setUp()
        self.set_multi_shipment(True)

    def set_multi_shipment(self, enabled):
        self.marketplace.multi_shipment = enabled
        self.simulator.platform_configuration["features"]["shipment"]["multi_shipment"] = enabled

    def imported(self):
        """A SHIPPING order of two lines (2 x SKU-A, 1 x SKU-B) with its delivery ready;
        the simulator's order in ``self.sim_order``, its record in ``self.order``."""
        self.sim_order = self.add_order()
        self.import_orders()
        self.order = self.mirakl_order(self.sim_order.order_id)
        picking = self.order.sale_order_id.picking_ids
        self.assertEqual(picking.state, "assigned")
        self.simulator.reset_logs()
        return picking

    def deliver(self, picking, quantities=None, tracking="1Z001", carrier=None):
        """Validate ``picking`` (``{sku: quantity}``, default all, the rest as backorder) and
        return the trap holding the jobs it queued."""
        picking.write({"carrier_id": (carrier or self.ups).id, "carrier_tracking_ref": tracking})
        for move in picking.move_ids:
            quantity = (quantities or {}).get(move.product_id.default_code, move.product_uom_qty)
            move.quantity = quantity
            move.picked = True
        with trap_jobs() as trap:
            result = picking.with_context(skip_backorder=True).button_validate()
        self.assertIs(result, True)
        self.assertEqual(picking.state, "done")
        return trap

    def send(self, trap):
        self.assertFalse(self.simulator.requests, "validation never waits on Mirakl")
        self.run_jobs(trap)

    def sent(self, *ops):
        return [request for request in self.simulator.requests if request.op in ops]

    def assertShipment(self, request, order_id, lines, tracking):
        self.assertEqual((request.method, request.path), ("POST", "/api/shipments"))
        self.assertEqual(request.query, {"shop_id": [str(self.SHOP_ID)]})
        shipment = {"order_id": order_id, "shipment_lines": lines, "shipped": True}
        if tracking:
            shipment["tracking"] = tracking
        self.assertEqual(self.request_json(request), {"shipments": [shipment]})

    # -- multi-shipment ------------------------------------------------------------------

    def test_full_delivery_is_one_st01_shipment(self):
        picking = self.imported()
        line_a, line_b = self.sim_order.lines
        trap = self.deliver(picking)
        self.assertEqual(picking.mirakl_shipment_state, "to_send")
        self.assertEqual(len(trap.enqueued_jobs), 1)
        self.send(trap)
        (request,) = self.simulator.requests
        self.assertShipment(
            request,
            self.sim_order.order_id,
            [
                {"order_line_id": line_a.order_line_id, "quantity": 2},
                {"order_line_id": line_b.order_line_id, "quantity": 1},
            ],
            {"carrier_code": "UPS", "tracking_number": "1Z001"},
        )
        (mirakl_shipment,) = self.simulator.shipments.of_order(self.sim_order.order_id)
        self.assertEqual(picking.mirakl_shipment_state, "sent")
        self.assertEqual(picking.mirakl_shipment_ids.shipment_ref, mirakl_shipment.id)
        self.assertEqual(picking.mirakl_shipment_ids.tracking_number, "1Z001")
        self.assertEqual(picking.mirakl_shipment_ids.quantity, 3)
        self.assertEqual(self.simulator.get_order(self.sim_order.order_id).state, "SHIPPED")
        self.assertEqual(self.last_log("shipments").state, "done")

    def test_partial_delivery_and_backorder_are_two_shipments(self):
        picking = self.imported()
        line_a, line_b = self.sim_order.lines
        self.send(self.deliver(picking, {"SKU-A": 1, "SKU-B": 0}))
        self.assertShipment(
            self.simulator.requests[0],
            self.sim_order.order_id,
            [{"order_line_id": line_a.order_line_id, "quantity": 1}],
            {"carrier_code": "UPS", "tracking_number": "1Z001"},
        )
        self.assertEqual(self.simulator.get_order(self.sim_order.order_id).state, "SHIPPING")
        backorder = self.order.sale_order_id.picking_ids - picking
        self.assertEqual(backorder.state, "assigned")
        self.simulator.reset_logs()
        self.send(self.deliver(backorder, tracking="1Z002"))
        self.assertShipment(
            self.simulator.requests[0],
            self.sim_order.order_id,
            [
                {"order_line_id": line_a.order_line_id, "quantity": 1},
                {"order_line_id": line_b.order_line_id, "quantity": 1},
            ],
            {"carrier_code": "UPS", "tracking_number": "1Z002"},
        )
        self.assertEqual(len(self.simulator.shipments.of_order(self.sim_order.order_id)), 2)
        self.assertEqual(self.simulator.get_order(self.sim_order.order_id).state, "SHIPPED")

    def test_one_shipment_per_parcel_with_its_tracking_number(self):
        picking = self.imported()
        line_a, line_b = self.sim_order.lines
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        packages = self.env["stock.quant.package"].create([{"name": "PACK-1"}, {"name": "PACK-2"}])
        move_a = picking.move_ids.filtered(lambda m: m.product_id.default_code == "SKU-A")
        move_a.move_line_ids.result_package_id = packages[0]
        (picking.move_ids - move_a).move_line_ids.result_package_id = packages[1]
        self.send(self.deliver(picking, tracking="1Z001,1Z002"))
        (request,) = self.simulator.requests
        self.assertEqual(
            self.request_json(request)["shipments"],
            [
                {
                    "order_id": self.sim_order.order_id,
                    "shipment_lines": [
                        {
                            "order_line_id": line_a.order_line_id,
                            "quantity": 2,
                            "package_reference": "PACK-1",
                        }
                    ],
                    "tracking": {"carrier_code": "UPS", "tracking_number": "1Z001"},
                    "shipped": True,
                },
                {
                    "order_id": self.sim_order.order_id,
                    "shipment_lines": [
                        {
                            "order_line_id": line_b.order_line_id,
                            "quantity": 1,
                            "package_reference": "PACK-2",
                        }
                    ],
                    "tracking": {"carrier_code": "UPS", "tracking_number": "1Z002"},
                    "shipped": True,
                },
            ],
        )
        self.assertEqual(picking.mirakl_shipment_ids.mapped("tracking_number"), ["1Z001", "1Z002"])
        self.assertEqual(
            picking.mirakl_shipment_ids.mapped("package_reference"), ["PACK-1", "PACK-2"]
        )

    def test_unknown_carrier_goes_by_name_and_url(self):
        picking = self.imported()
        self.send(self.deliver(picking, carrier=self.courier, tracking="C-42"))
        (request,) = self.simulator.requests
        self.assertEqual(
            self.request_json(request)["shipments"][0]["tracking"],
            {
                "carrier_name": "Local Courier",
                "tracking_url": "https://courier.example/C-42",
                "tracking_number": "C-42",
            },
        )
        self.assertEqual(picking.mirakl_shipment_state, "sent")

    def test_tracking_change_after_shipping_updates_the_shipment(self):
        picking = self.imported()
        self.send(self.deliver(picking))
        shipment_id = picking.mirakl_shipment_ids.shipment_ref
        self.simulator.reset_logs()
        with trap_jobs() as trap:
            picking.carrier_tracking_ref = "1Z999"
        self.send(trap)
        (request,) = self.simulator.requests
        self.assertEqual(
            (request.op, request.method, request.path), ("ST23", "POST", "/api/shipments/tracking")
        )
        self.assertEqual(
            self.request_json(request),
            {
                "shipments": [
                    {
                        "id": shipment_id,
                        "tracking": {"carrier_code": "UPS", "tracking_number": "1Z999"},
                    }
                ]
            },
        )
        self.assertEqual(picking.mirakl_shipment_ids.tracking_number, "1Z999")
        (mirakl_shipment,) = self.simulator.shipments.of_order(self.sim_order.order_id)
        self.assertEqual(mirakl_shipment.tracking["tracking_number"], "1Z999")

    def test_a_delivery_is_never_shipped_twice(self):
        picking = self.imported()
        trap = self.deliver(picking)
        job = trap.enqueued_jobs[0]
        self.send(trap)
        self.assertEqual(len(self.sent("ST01")), 1)
        # The same job again (a retry, a duplicate), the scheduled run, an unrelated write.
        self.allow_calls()
        job.perform()
        with trap_jobs() as trap:
            self.shipments_flow._run(self.marketplace)
            picking._mirakl_queue_shipments()
            picking.note = "checked"
        self.assertFalse(trap.enqueued_jobs)
        self.assertEqual(len(self.sent("ST01")), 1)
        self.assertEqual(len(picking.mirakl_shipment_ids), 1)

    def test_refused_shipment_is_logged_with_a_retry(self):
        picking = self.imported()
        carriers = self.simulator.reference["carriers"]
        self.addCleanup(self.simulator.reference.__setitem__, "carriers", carriers)
        self.simulator.reference["carriers"] = []  # the operator dropped UPS meanwhile
        self.send(self.deliver(picking))
        self.assertEqual(picking.mirakl_shipment_state, "error")
        self.assertIn("The carrier with code 'UPS' does not exist", picking.mirakl_shipment_error)
        self.assertFalse(picking.mirakl_shipment_ids)
        log = self.last_log("shipments")
        self.assertEqual(log.state, "failed")
        (line,) = log.line_ids
        self.assertEqual(line.mirakl_ref, self.sim_order.order_id)
        self.assertEqual((line.res_model, line.res_id), ("stock.picking", picking.id))
        self.assertEqual(line.retry_method, "_job_send_picking")
        # Once the operator has the carrier again, the retry ships it.
        self.simulator.reference["carriers"] = carriers
        self.simulator.reset_logs()
        with trap_jobs() as trap:
            line.action_retry()
        self.run_jobs(trap)
        self.assertEqual(len(self.sent("ST01")), 1)
        self.assertEqual(picking.mirakl_shipment_state, "sent")
        self.assertFalse(picking.mirakl_shipment_error)

    def test_rate_limited_st01_postpones_the_job(self):
        picking = self.imported()
        trap = self.deliver(picking)
        self.simulator.inject_fault(op="ST01", status=429, retry_after=120, times=1)
        with self.assertRaisesKeepingLogs(RetryableJobError) as caught:
            trap.perform_enqueued_jobs()
        self.assertEqual(caught.exception.seconds, 120)
        self.assertEqual(self.last_log("shipments").state, "pending")

    # -- whole order (OR23 + OR24) -------------------------------------------------------

    def test_without_multi_shipment_tracking_then_ship(self):
        self.set_multi_shipment(False)
        picking = self.imported()
        self.send(self.deliver(picking))
        tracking, ship = self.simulator.requests
        path = f"/api/orders/{self.sim_order.order_id}"
        self.assertEqual(
            (tracking.op, tracking.method, tracking.path), ("OR23", "PUT", f"{path}/tracking")
        )
        self.assertEqual(tracking.query, {"shop_id": [str(self.SHOP_ID)]})
        self.assertEqual(
            self.request_json(tracking), {"carrier_code": "UPS", "tracking_number": "1Z001"}
        )
        self.assertEqual((ship.op, ship.method, ship.path), ("OR24", "PUT", f"{path}/ship"))
        self.assertEqual(ship.body, b"")
        self.assertEqual(self.simulator.get_order(self.sim_order.order_id).state, "SHIPPED")
        self.assertTrue(picking.mirakl_shipment_ids.order_shipped)

    def test_without_multi_shipment_the_last_delivery_ships_the_order(self):
        self.set_multi_shipment(False)
        picking = self.imported()
        self.send(self.deliver(picking, {"SKU-A": 1, "SKU-B": 0}))
        self.assertEqual([r.op for r in self.simulator.requests], ["OR23"])
        self.assertEqual(picking.mirakl_shipment_state, "sent")
        backorder = self.order.sale_order_id.picking_ids - picking
        self.simulator.reset_logs()
        self.send(self.deliver(backorder, tracking="1Z002"))
        self.assertEqual([r.op for r in self.simulator.requests], ["OR23", "OR24"])
        self.assertEqual(self.request_json(self.simulator.requests[0])["tracking_number"], "1Z002")

    def test_without_multi_shipment_unknown_carrier(self):
        self.set_multi_shipment(False)
        picking = self.imported()
        self.send(self.deliver(picking, carrier=self.courier, tracking="C-42"))
        self.assertEqual(
            self.request_json(self.sent("OR23")[0]),
            {
                "carrier_name": "Local Courier",
                "carrier_url": "https://courier.example/C-42",
                "tracking_number": "C-42",
            },
        )
        self.assertEqual(len(self.sent("OR24")), 1)

    def test_without_multi_shipment_tracking_change_is_sent_again(self):
        self.set_multi_shipment(False)
        picking = self.imported()
        self.send(self.deliver(picking))
        self.simulator.reset_logs()
        with trap_jobs() as trap:
            picking.write({"carrier_id": self.courier.id, "carrier_tracking_ref": "C-7"})
        self.send(trap)
        (request,) = self.simulator.requests
        self.assertEqual(request.op, "OR23")
        self.assertEqual(
            self.request_json(request),
            {
                "carrier_name": "Local Courier",
                "carrier_url": "https://courier.example/C-7",
                "tracking_number": "C-7",
            },
        )
        self.assertEqual(
            self.simulator.get_order(self.sim_order.order_id).shipping["tracking"], "C-7"
        )

    # -- orders not shippable yet --------------------------------------------------------

    def test_order_not_to_ship_yet_waits_then_is_sent(self):
        picking = self.imported()
        self.order.mirakl_state = "WAITING_DEBIT_PAYMENT"  # as Odoo last saw it
        self.send(self.deliver(picking))
        self.assertEqual(picking.mirakl_shipment_state, "waiting")
        with trap_jobs() as trap:
            self.shipments_flow._run(self.marketplace)
        self.assertFalse(trap.enqueued_jobs, "still not to ship")
        self.order.mirakl_state = "SHIPPING"  # the order import saw it paid
        with trap_jobs() as trap:
            self.marketplace._run_flow("shipments")
        self.assertEqual(len(trap.enqueued_jobs), 1)
        self.run_jobs(trap)
        self.assertEqual(len(self.sent("ST01")), 1)
        self.assertEqual(picking.mirakl_shipment_state, "sent")

    def test_order_shipped_meanwhile_is_not_shipped_again(self):
        picking = self.imported()
        self.order.mirakl_state = "SHIPPED"  # shipped from the operator's back office
        self.send(self.deliver(picking))
        self.assertFalse(self.simulator.requests)
        self.assertEqual(picking.mirakl_shipment_state, "error")
        self.assertIn("cannot ship any more", picking.mirakl_shipment_error)

    def test_deliveries_shipped_outside_odoo_are_not_sent(self):
        picking = self.imported()
        self.simulator.set_order_state(self.sim_order.order_id, "SHIPPED")
        self.import_orders()
        self.assertEqual(picking.state, "done")
        self.assertFalse(picking.mirakl_shipment_state)
        self.assertFalse(self.sent("ST01", "OR23", "OR24"))
