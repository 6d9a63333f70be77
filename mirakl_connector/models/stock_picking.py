# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import re

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_round

# Carriers joining the numbers of several parcels in one tracking reference use these.
TRACKING_SEPARATORS = re.compile(r"[\s,;+]+")
# Shipment states from which a delivery may (still) be sent.
SENDABLE_STATES = ("to_send", "waiting", "error")


class StockPicking(models.Model):
    _inherit = "stock.picking"

    mirakl_instance_id = fields.Many2one(
        related="sale_id.mirakl_instance_id", string="Mirakl Marketplace"
    )
    mirakl_order_id = fields.Many2one("mirakl.order", compute="_compute_mirakl_order_id")
    mirakl_shipment_state = fields.Selection(
        [
            ("to_send", "To Send"),
            ("waiting", "Waiting for Mirakl"),
            ("sent", "Sent"),
            ("error", "Error"),
        ],
        string="Mirakl Shipment",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Waiting: Mirakl does not let the order ship yet (not paid); the delivery is sent "
        "once it does.",
    )
    mirakl_shipment_error = fields.Text(readonly=True, copy=False)
    mirakl_shipment_ids = fields.One2many(
        "mirakl.shipment", "picking_id", string="Mirakl Shipments", readonly=True, copy=False
    )
    mirakl_sent_tracking = fields.Char(
        readonly=True,
        copy=False,
        help="Carrier and tracking reference as last sent to Mirakl: a change is sent again.",
    )
    mirakl_return_id = fields.Many2one(
        "mirakl.return",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The customer's return this receipt takes back: validating it tells Mirakl.",
    )

    @api.depends("sale_id")
    def _compute_mirakl_order_id(self):
        for picking in self:
            picking.mirakl_order_id = picking.sudo().sale_id.mirakl_order_ids[:1]

    def write(self, vals):
        result = super().write(vals)
        if {"carrier_tracking_ref", "carrier_id"}.intersection(vals):
            self._mirakl_queue_tracking_updates()
        return result

    def _action_done(self):
        result = super()._action_done()
        # A delivery validated because Mirakl said the order shipped has nothing to tell it.
        if not self.env.context.get("mirakl_external_fulfilment"):
            self._mirakl_queue_shipments()
        self.sudo().mirakl_return_id._mirakl_queue_reception()
        return result

    def action_mirakl_send_shipment(self):
        """Send a delivery Mirakl refused again (after fixing its carrier, tracking...)."""
        for picking in self.filtered(lambda p: p.mirakl_shipment_state == "error"):
            self.env["mirakl.flow.shipments"]._enqueue_picking(picking.sudo(), "_job_send_picking")
        return True

    def _mirakl_validate_shipped(self, tracking_ref, carrier):
        """Validate this transfer in full, without backorder: Mirakl says the goods left
        (deliveries get the tracking and carrier Mirakl knows)."""
        self.ensure_one()
        if self.state == "draft":
            self.action_confirm()
        for move in self.move_ids.filtered(lambda m: m.state not in ("done", "cancel")):
            move.quantity = move.product_uom_qty
            move.picked = True
        if self.picking_type_code == "outgoing":
            vals = {"carrier_tracking_ref": tracking_ref} if tracking_ref else {}
            if carrier and not self.carrier_id:
                vals["carrier_id"] = carrier.id
            self.write(vals)
        result = self.with_context(
            skip_backorder=True,
            picking_ids_not_to_backorder=self.ids,
            skip_sms=True,
            mirakl_external_fulfilment=True,
        ).button_validate()
        if result is not True:
            raise UserError(
                self.env._(
                    "Transfer %(picking)s could not be validated without a person: "
                    "validate it by hand (lots, serial numbers...).",
                    picking=self.name,
                )
            )

    def _mirakl_queue_shipments(self):
        """Mark the done deliveries of Mirakl orders to send, each in a job of its own: the
        jobs start once this transaction is committed, validation never waits on Mirakl."""
        flow = self.env["mirakl.flow.shipments"]
        for picking in self.sudo()._mirakl_shippable():
            picking.mirakl_shipment_state = "to_send"
            flow._enqueue_picking(picking, "_job_send_picking")

    def _mirakl_queue_tracking_updates(self):
        flow = self.env["mirakl.flow.shipments"]
        for picking in self.sudo().filtered(
            lambda p: (
                p.mirakl_shipment_state == "sent"
                and p.mirakl_sent_tracking != p._mirakl_tracking_key()
            )
        ):
            flow._enqueue_picking(picking, "_job_update_tracking")

    def _mirakl_shippable(self):
        """Done deliveries to the customer of Mirakl orders still synchronised, not sent yet,
        with at least one product of the order."""
        return self.filtered(
            lambda p: (
                p.state == "done"
                and not p.mirakl_shipment_state
                and p.picking_type_code == "outgoing"
                and p.location_dest_id.usage == "customer"
                and p.sale_id.mirakl_order_id
                and not p.sale_id.mirakl_sync_stopped
                and p.move_ids.sale_line_id.mirakl_line_id
            )
        )

    def _mirakl_tracking_key(self):
        self.ensure_one()
        return f"{self.carrier_id.id or ''}:{self.carrier_tracking_ref or ''}"

    def _mirakl_tracking_numbers(self):
        """The tracking numbers of the delivery, one per parcel for multi-parcel carriers."""
        self.ensure_one()
        return [n for n in TRACKING_SEPARATORS.split(self.carrier_tracking_ref or "") if n]

    def _mirakl_other_open_deliveries(self):
        """Deliveries of the same sale order still to be done (backorders...)."""
        self.ensure_one()
        return self.sale_id.picking_ids.filtered(
            lambda p: (
                p != self
                and p.picking_type_code == "outgoing"
                and p.state not in ("done", "cancel")
            )
        )

    def _mirakl_parcels(self):
        """``[(package name or None, {Mirakl order line id: units})]`` of the delivery: one
        entry per package when it has several, else one for everything."""
        self.ensure_one()
        move_lines = self.move_line_ids.filtered(
            lambda ml: ml.move_id.state == "done" and ml.move_id.sale_line_id.mirakl_line_id
        )
        packages = move_lines.result_package_id.sorted("id")
        loose = move_lines.filtered(lambda ml: not ml.result_package_id)
        if len(packages) + bool(loose) < 2:
            return [(packages.name or None, self._mirakl_line_units(move_lines))]
        parcels = [
            (
                package.name,
                self._mirakl_line_units(
                    move_lines.filtered(lambda ml, p=package: ml.result_package_id == p)
                ),
            )
            for package in packages
        ]
        if loose:
            parcels.append((None, self._mirakl_line_units(loose)))
        return parcels

    @api.model
    def _mirakl_line_units(self, move_lines):
        """``{Mirakl order line id: units}`` of ``move_lines``, in the sale line's unit."""
        units = {}
        for move_line in move_lines.sorted(
            lambda ml: (ml.move_id.sale_line_id.sequence, ml.move_id.sale_line_id.id)
        ):
            sale_line = move_line.move_id.sale_line_id
            quantity = move_line.product_uom_id._compute_quantity(
                move_line.quantity, sale_line.product_uom
            )
            key = sale_line.mirakl_line_id.mirakl_line_id
            units[key] = units.get(key, 0.0) + quantity
        return {
            key: int(float_round(quantity, precision_digits=0))
            for key, quantity in units.items()
            if float_round(quantity, precision_digits=0) >= 1
        }
