# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo.tests import tagged

from .common_order import MiraklOrderCase


@tagged("post_install", "-at_install")
class TestOrderLifecycle(MiraklOrderCase):
    """Mirakl's later changes to an imported order, applied to its sale order."""

    def imported(self, state="SHIPPING", **options):
        sim_order = self.add_order(state, **options)
        self.import_orders()
        order = self.mirakl_order(sim_order.order_id)
        self.assertEqual(order.import_state, "done", order.import_error)
        return sim_order, order

    def bodies(self, record):
        return "\n".join(record.message_ids.mapped("body"))

    def test_cancellation_cancels_the_sale_order_and_its_deliveries(self):
        sim_order, order = self.imported()
        sale = order.sale_order_id
        self.assertEqual(sale.picking_ids.state, "assigned")
        self.simulator.set_order_state(sim_order.order_id, "CANCELED", reason_code="CAN1")
        self.import_orders()
        self.assertEqual(order.mirakl_state, "CANCELED")
        self.assertEqual(sale.state, "cancel")
        self.assertEqual(sale.picking_ids.state, "cancel")
        self.assertIn("Cancelled on Mirakl (reason: CAN1 - Out of stock)", self.bodies(sale))
        self.assertEqual(order.line_ids.mapped("cancelled_quantity"), [2, 1])

    def test_line_cancellations_reduce_the_sale_order(self):
        sim_order, order = self.imported()
        sale = order.sale_order_id
        line_a, line_b = sim_order.lines
        self.simulator.cancel_order_line(sim_order.order_id, line_a.order_line_id, quantity=1)
        self.simulator.cancel_order_line(sim_order.order_id, line_b.order_line_id)
        self.import_orders()
        sale_lines = sale.order_line.filtered("mirakl_line_id").sorted("sequence")
        self.assertEqual(sale_lines.mapped("product_uom_qty"), [1.0, 0.0])
        moves = sale.picking_ids.move_ids.filtered("product_uom_qty")
        self.assertEqual(moves.mapped("product_uom_qty"), [1.0])
        self.assertEqual(moves.product_id.default_code, "SKU-A")
        self.assertEqual(order.line_ids.mapped("cancelled_quantity"), [1, 1])
        self.assertEqual(order.line_ids[1].mirakl_state, "CANCELED")
        self.assertEqual(
            sorted(order.adjustment_ids.mapped("kind")), ["cancelation", "cancelation"]
        )
        self.assertIn("Quantities changed by Mirakl", self.bodies(sale))
        self.assertFalse(order.amount_mismatch, "Odoo's totals follow Mirakl's after cancelling")
        self.assertEqual(sale.state, "sale")

    def test_refunds_are_recorded(self):
        sim_order, order = self.imported("SHIPPED")
        line = sim_order.lines[0]
        self.simulator.refund_order_line(
            sim_order.order_id, line.order_line_id, quantity=1, refund_state="WAITING_REFUND"
        )
        self.import_orders()
        refund = order.adjustment_ids
        self.assertEqual(refund.kind, "refund")
        self.assertEqual(refund.quantity, 1)
        self.assertEqual(refund.amount, 10.0)
        self.assertEqual(refund.reason_code, "REF1")
        self.assertEqual(refund.refund_state, "WAITING_REFUND")
        self.assertEqual(order.line_ids[0].refunded_quantity, 1)
        self.assertIn("Refund recorded on Mirakl", self.bodies(order))
        # Mirakl completes it: the same refund, its state follows.
        self.simulator.get_order(sim_order.order_id).lines[0].refunds[0].refund_state = "REFUNDED"
        self.simulator.touch_order(sim_order.order_id)
        self.import_orders()
        self.assertEqual(order.adjustment_ids.refund_state, "REFUNDED")
        self.assertEqual(
            order.sale_order_id.order_line.filtered("mirakl_line_id")[0].product_uom_qty, 2
        )

    def test_order_shipped_outside_odoo_validates_the_delivery(self):
        sim_order, order = self.imported(shipping={"carrier_code": "UPS", "tracking": "1Z999"})
        picking = order.sale_order_id.picking_ids
        self.assertEqual(picking.state, "assigned")
        self.simulator.set_order_state(sim_order.order_id, "SHIPPED")
        self.import_orders()
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.carrier_tracking_ref, "1Z999")
        self.assertEqual(picking.carrier_id, self.ups)
        self.assertEqual(order.sale_order_id.order_line.mapped("qty_delivered")[:2], [2.0, 1.0])
        self.assertIn("Shipped outside Odoo", self.bodies(order.sale_order_id))
        # Later moves change nothing more.
        self.simulator.set_order_state(sim_order.order_id, "RECEIVED")
        self.import_orders()
        self.assertEqual(order.mirakl_state, "RECEIVED")
        self.assertEqual(len(order.sale_order_id.picking_ids), 1)

    def test_shipped_outside_odoo_with_pick_then_ship_validates_both_steps(self):
        warehouse = self.marketplace.warehouse_id
        warehouse.delivery_steps = "pick_ship"
        sim_order, order = self.imported(shipping={"carrier_code": "UPS", "tracking": "1Z42"})
        self.assertEqual(order.sale_order_id.picking_ids.picking_type_id, warehouse.pick_type_id)
        self.simulator.set_order_state(sim_order.order_id, "SHIPPED")
        self.import_orders()
        pickings = order.sale_order_id.picking_ids
        ship = pickings.filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertEqual(pickings.picking_type_id, warehouse.pick_type_id | warehouse.out_type_id)
        self.assertEqual(pickings.mapped("state"), ["done", "done"])
        self.assertEqual(ship.carrier_tracking_ref, "1Z42")
        self.assertFalse((pickings - ship).carrier_tracking_ref)
        self.assertEqual(order.sale_order_id.order_line.mapped("qty_delivered")[:2], [2.0, 1.0])
        output = warehouse.wh_output_stock_loc_id
        self.assertFalse(
            self.env["stock.quant"].search(
                [("location_id", "=", output.id), ("quantity", "!=", 0)]
            ),
            "nothing left behind between the steps",
        )

    def test_new_delivery_address_follows_until_the_goods_leave(self):
        sim_order, order = self.imported()
        sale_order = order.sale_order_id
        old_contact = sale_order.partner_shipping_id
        live = self.simulator.get_order(sim_order.order_id)
        live.customer["shipping_address"] = dict(
            live.customer["shipping_address"], street_1="12 New Street", city="Lyon"
        )
        self.simulator.touch_order(sim_order.order_id)
        self.import_orders()
        contact = sale_order.partner_shipping_id
        self.assertNotEqual(contact, old_contact)
        self.assertEqual((contact.street, contact.city), ("12 New Street", "Lyon"))
        self.assertEqual(contact.parent_id, old_contact.parent_id, "same Marketplace customer")
        self.assertEqual(sale_order.picking_ids.partner_id, contact)
        self.assertIn("Mirakl sent new addresses", self.bodies(sale_order))

        sale_order.picking_ids._mirakl_validate_shipped("T1", self.env["delivery.carrier"])
        live.customer["shipping_address"] = dict(live.customer["shipping_address"], city="Nice")
        self.simulator.touch_order(sim_order.order_id)
        self.import_orders()
        self.assertEqual(sale_order.partner_shipping_id, contact, "delivered: kept as shipped")

    def test_stopped_order_keeps_its_sale_order_as_it_is(self):
        sim_order, order = self.imported()
        order.sale_order_id.mirakl_sync_stopped = True
        self.simulator.set_order_state(sim_order.order_id, "CANCELED")
        self.import_orders()
        self.assertEqual(order.mirakl_state, "CANCELED", "the mirror still follows Mirakl")
        self.assertEqual(order.sale_order_id.state, "sale")

    def test_order_refused_by_the_operator_after_the_delay(self):
        self.simulator.order_settings.acceptance_delay = timedelta(hours=1)
        sim_order, order = self.imported("WAITING_ACCEPTANCE")
        self.assertTrue(order.activity_ids)
        self.simulator.clock.advance(hours=2)
        self.addCleanup(self.simulator.clock.advance, hours=-2)
        self.simulator.touch_order(sim_order.order_id)
        self.import_orders()
        self.assertEqual(order.mirakl_state, "REFUSED")
        self.assertFalse(order.activity_ids)
        self.assertFalse(order.sale_order_id)
