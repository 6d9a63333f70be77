# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).

from odoo import api, models

from ..mapping import order as order_mapping
from ..mirakl import errors
from .stock_picking import SENDABLE_STATES

# Orders that no delivery can ship any more: shipped already (elsewhere), refused, cancelled.
CLOSED_STATES = (*order_mapping.SHIPPED_STATES, "REFUSED", "CANCELED")


class MiraklFlowShipments(models.AbstractModel):
    """Shipment export: tell Mirakl what left the warehouse, once per delivery.

    Validating an outgoing delivery of a Mirakl order marks it to send and queues a job for it
    (it starts after the commit: validation never waits on Mirakl). On multi-shipment platforms
    the job creates ST01 shipments with the delivered units of each order line, so partial
    deliveries and backorders are shipments of their own, one per parcel when each parcel has
    its tracking number. Elsewhere OR23 gives the order its carrier and tracking, and OR24 ships
    it with its last delivery. What Mirakl answered is kept (``mirakl.shipment``): a delivery is
    never shipped twice, and a later tracking change is sent as an update (ST23, or OR23).

    Mirakl ships only orders in SHIPPING (paid): deliveries of other orders wait, and the
    scheduled run sends them once the order import sees the order to ship.
    """

    _name = "mirakl.flow.shipments"
    _inherit = "mirakl.flow"
    _description = "Shipment Export"
    _flow_code = "shipments"
    _flow_direction = "export"
    _flow_channel = "root.mirakl.shipments"
    _flow_interval = (15, "minutes")
    _flow_sequence = 40

    @api.model
    def _run(self, instance, **options):
        """Queue the deliveries still to send, and the waiting ones Mirakl now lets ship."""
        pickings = (
            self.env["stock.picking"]
            .sudo()
            .search(
                [
                    ("sale_id.mirakl_instance_id", "=", instance.id),
                    "|",
                    ("mirakl_shipment_state", "=", "to_send"),
                    "&",
                    ("mirakl_shipment_state", "=", "waiting"),
                    ("sale_id.mirakl_order_ids.mirakl_state", "=", "SHIPPING"),
                ]
            )
        )
        return [self._enqueue_picking(picking, "_job_send_picking") for picking in pickings]

    @api.model
    def _enqueue_picking(self, picking, method):
        """Queue ``method`` for one delivery; queued once while it waits."""
        instance = picking.sale_id.mirakl_instance_id
        return self._enqueue(
            instance,
            method,
            picking,
            identity=str(picking.id),
            description=self.env._(
                "%(marketplace)s: send delivery %(picking)s",
                marketplace=instance.name,
                picking=picking.name,
            ),
        )

    # -- jobs ----------------------------------------------------------------------------

    def _job_send_picking(self, instance, picking):
        """Ship one validated delivery on Mirakl, unless it already is."""
        instance, picking = instance.sudo(), picking.sudo()  # for the Marketplace
        with self._sync_log(instance) as log:
            self._lock(picking, f"Delivery {picking.name} is being sent by another job")
            if not self._ready_to_ship(log, picking):
                return False
            try:
                if instance.multi_shipment:
                    failure = self._create_shipments(instance, picking)
                else:
                    failure = self._ship_order(instance, picking)
            except errors.MiraklError as error:
                if error.retryable:
                    raise
                failure = error.message
            if failure:
                self._picking_failed(log, picking, failure, "_job_send_picking")
                log._finish(processed=1, failed=1)
                return False
            picking.write(
                {
                    "mirakl_shipment_state": "sent",
                    "mirakl_shipment_error": False,
                    "mirakl_sent_tracking": picking._mirakl_tracking_key(),
                }
            )
            log._finish(processed=1, updated=1)
            return True

    @api.model
    def _ready_to_ship(self, log, picking):
        """Whether Mirakl may ship ``picking`` now; otherwise the log and the delivery say
        why: sent already, order not to ship yet (it waits), or no longer shippable."""
        order = picking.mirakl_order_id
        if picking.mirakl_shipment_state not in SENDABLE_STATES or order.sync_stopped:
            log._finish(skipped=1)
            return False
        if order.mirakl_state in CLOSED_STATES:
            message = self.env._(
                "Order %(order)s is %(state)s on Mirakl: it cannot ship any more.",
                order=order.mirakl_order_id,
                state=order.mirakl_state,
            )
            self._picking_failed(log, picking, message, "_job_send_picking")
            log._finish(processed=1, failed=1)
            return False
        if order.mirakl_state != "SHIPPING":
            picking.mirakl_shipment_state = "waiting"
            log._finish(
                skipped=1,
                message=self.env._(
                    "Order %(order)s is %(state)s on Mirakl, not to ship yet: delivery "
                    "%(picking)s is sent once it is.",
                    order=order.mirakl_order_id,
                    state=order.mirakl_state,
                    picking=picking.name,
                ),
            )
            return False
        return True

    def _job_update_tracking(self, instance, picking):
        """Send the new carrier or tracking number of a delivery already shipped."""
        instance, picking = instance.sudo(), picking.sudo()
        with self._sync_log(instance) as log:
            self._lock(picking, f"Delivery {picking.name} is being sent by another job")
            key = picking._mirakl_tracking_key()
            if (
                picking.mirakl_shipment_state != "sent"
                or picking.mirakl_sent_tracking == key
                or picking.mirakl_order_id.sync_stopped
            ):
                log._finish(skipped=1)
                return False
            try:
                failure = self._update_tracking(instance, picking)
            except errors.MiraklError as error:
                if error.retryable:
                    raise
                failure = error.message
            if failure:
                self._picking_failed(log, picking, failure, "_job_update_tracking", state="sent")
                log._finish(processed=1, failed=1)
                return False
            picking.write({"mirakl_sent_tracking": key, "mirakl_shipment_error": False})
            log._finish(processed=1, updated=1)
            return True

    # -- multi-shipment (ST01, ST23) -----------------------------------------------------

    @api.model
    def _create_shipments(self, instance, picking):
        """ST01: one shipped shipment per parcel of ``picking`` not on Mirakl yet.

        Returns Mirakl's refusal, if any. The shipments Mirakl accepted are stored even when
        others are refused, so a retry only sends the refused ones.
        """
        order = picking.mirakl_order_id
        sent = {
            (s.package_reference or None, s.tracking_number or None)
            for s in picking.mirakl_shipment_ids
        }
        parcels = [
            (package, units, tracking)
            for package, units, tracking in self._parcels_with_tracking(instance, picking)
            if (package, (tracking or {}).get("tracking_number")) not in sent
        ]
        if not parcels:
            return False
        client = instance._get_client()
        if self._is_retry():
            parcels = self._adopt_shipments(client, picking, parcels)
            if not parcels:
                return False
        result = client.create_shipments(
            [self._shipment_values(order, *parcel) for parcel in parcels]
        )
        for shipment in result.shipment_success:
            self._store_shipment(picking, shipment)
        refusals = result.errors_by_order().get(order.mirakl_order_id)
        return "\n".join(filter(None, refusals)) if refusals else False

    @api.model
    def _parcels_with_tracking(self, instance, picking):
        """``[(package name, {line id: units}, tracking or None)]``: a shipment per parcel when
        each parcel has its own tracking number, else one shipment with the first number."""
        numbers = picking._mirakl_tracking_numbers()
        parcels = picking._mirakl_parcels()
        if len(numbers) > 1 and len(parcels) == len(numbers):
            return [
                (package, units, self._tracking(instance, picking, number, "tracking_url"))
                for (package, units), number in zip(parcels, numbers, strict=True)
            ]
        if len(numbers) > 1:
            picking.message_post(
                body=self.env._(
                    "The delivery has %(count)s tracking numbers but not one package each: "
                    "Mirakl gets one shipment with the first number.",
                    count=len(numbers),
                )
            )
        units = {}
        for _package, parcel_units in parcels:
            for line_id, quantity in parcel_units.items():
                units[line_id] = units.get(line_id, 0) + quantity
        tracking = self._tracking(
            instance, picking, numbers[0] if numbers else None, "tracking_url"
        )
        return [(None, units, tracking)]

    @api.model
    def _shipment_values(self, order, package, units, tracking):
        lines = [
            {"order_line_id": line_id, "quantity": quantity, "package_reference": package}
            for line_id, quantity in units.items()
        ]
        return {
            "order_id": order.mirakl_order_id,
            "shipment_lines": lines,
            "tracking": tracking,
            "shipped": True,
        }

    @api.model
    def _adopt_shipments(self, client, picking, parcels):
        """On a retry, keep the shipments an earlier try created on Mirakl without Odoo
        learning it (a lost answer): ST11 tells, and those parcels are not sent again."""
        order = picking.mirakl_order_id
        known = set(
            self.env["mirakl.shipment"]
            .search([("mirakl_order_id", "=", order.id)])
            .mapped("shipment_ref")
        )
        left = list(parcels)
        for shipment in client.iter_shipments(order_ids=[order.mirakl_order_id]):
            if shipment.id in known:
                continue
            units = {line.order_line_id: line.quantity for line in shipment.shipment_lines}
            match = next((parcel for parcel in left if parcel[1] == units), None)
            if match:
                left.remove(match)
                self._store_shipment(picking, shipment)
        return left

    @api.model
    def _store_shipment(self, picking, shipment):
        tracking = shipment.tracking
        lines = shipment.shipment_lines
        self.env["mirakl.shipment"].create(
            {
                "picking_id": picking.id,
                "mirakl_order_id": picking.mirakl_order_id.id,
                "shipment_ref": shipment.id,
                "package_reference": next(
                    (line.package_reference for line in lines if line.package_reference), False
                ),
                "quantity": sum(line.quantity for line in lines),
                "carrier_code": tracking and tracking.carrier_code,
                "carrier_name": tracking and tracking.carrier_name,
                "tracking_number": tracking and tracking.tracking_number,
                "tracking_url": tracking and tracking.tracking_url,
            }
        )

    # -- whole order (OR23, OR24) --------------------------------------------------------

    @api.model
    def _ship_order(self, instance, picking):
        """OR23 with the delivery's carrier and tracking, then OR24 with the last delivery of
        the order (OR24 ships the whole order: earlier partial deliveries only track it)."""
        order = picking.mirakl_order_id
        numbers = picking._mirakl_tracking_numbers()
        tracking = self._tracking(instance, picking, numbers[0] if numbers else None, "carrier_url")
        client = instance._get_client()
        if tracking:
            client.update_tracking(order.mirakl_order_id, **tracking)
        last = not picking._mirakl_other_open_deliveries()
        if last:
            client.ship_order(order.mirakl_order_id)
        tracking = tracking or {}
        self.env["mirakl.shipment"].create(
            {
                "picking_id": picking.id,
                "mirakl_order_id": order.id,
                "quantity": sum(sum(units.values()) for _p, units in picking._mirakl_parcels()),
                "carrier_code": tracking.get("carrier_code"),
                "carrier_name": tracking.get("carrier_name"),
                "tracking_number": tracking.get("tracking_number"),
                "tracking_url": tracking.get("carrier_url"),
                "order_shipped": last,
            }
        )
        return False

    # -- tracking ------------------------------------------------------------------------

    @api.model
    def _update_tracking(self, instance, picking):
        """ST23 for the delivery's shipments (in order, one number each), or OR23."""
        numbers = picking._mirakl_tracking_numbers() or [None]
        shipments = picking.mirakl_shipment_ids
        client = instance._get_client()
        if not shipments.filtered("shipment_ref"):
            tracking = self._tracking(instance, picking, numbers[0], "carrier_url")
            if not tracking:
                return False
            client.update_tracking(picking.mirakl_order_id.mirakl_order_id, **tracking)
            shipments.write(self._shipment_tracking_values(tracking, "carrier_url"))
            return False
        trackings = {}
        for index, shipment in enumerate(shipments):
            number = numbers[min(index, len(numbers) - 1)]
            tracking = self._tracking(instance, picking, number, "tracking_url")
            if tracking:
                trackings[shipment] = tracking
        if not trackings:
            return False
        result = client.update_shipment_tracking(
            {shipment.shipment_ref: tracking for shipment, tracking in trackings.items()}
        )
        refused = {error.id: error.message for error in result.shipment_errors}
        for shipment, tracking in trackings.items():
            if shipment.shipment_ref not in refused:
                shipment.write(self._shipment_tracking_values(tracking, "tracking_url"))
        return "\n".join(filter(None, refused.values())) or False

    @api.model
    def _tracking(self, instance, picking, number, url_key):
        """Mirakl's tracking of ``picking`` with ``number``: the operator's carrier code when
        its delivery method is mapped, else the method's name and tracking URL; None without a
        delivery method. ``url_key``: ``carrier_url`` (OR23) or ``tracking_url`` (ST01/ST23)."""
        carrier = picking.carrier_id
        if not carrier:
            return None
        mirakl_carrier = self.env["mirakl.carrier"].search(
            [("instance_id", "=", instance.id), ("carrier_id", "=", carrier.id)], limit=1
        )
        if mirakl_carrier:
            tracking = {"carrier_code": mirakl_carrier.code}
        else:
            tracking = {"carrier_name": carrier.name, url_key: self._tracking_url(picking, number)}
        tracking["tracking_number"] = number
        return {key: value for key, value in tracking.items() if value}

    @api.model
    def _tracking_url(self, picking, number):
        """The delivery method's tracking link for ``number``."""
        carrier = picking.carrier_id
        if not number:
            return None
        if carrier.tracking_url:
            return carrier.tracking_url.replace("<shipmenttrackingnumber>", number)
        if picking.carrier_tracking_ref == number:
            return carrier.get_tracking_link(picking) or None
        return None

    @api.model
    def _shipment_tracking_values(self, tracking, url_key):
        return {
            "carrier_code": tracking.get("carrier_code", False),
            "carrier_name": tracking.get("carrier_name", False),
            "tracking_number": tracking.get("tracking_number", False),
            "tracking_url": tracking.get(url_key, False),
        }

    # -- helpers -------------------------------------------------------------------------

    @api.model
    def _picking_failed(self, log, picking, message, method, state="error"):
        """Keep Mirakl's refusal on the delivery and on the log, with a retry."""
        picking.write({"mirakl_shipment_state": state, "mirakl_shipment_error": message})
        picking.message_post(
            body=self.env._("Mirakl refused the shipment: %(message)s", message=message)
        )
        log._add_failure(
            message,
            mirakl_ref=picking.mirakl_order_id.mirakl_order_id,
            record=picking,
            retry=(self._name, method, [picking]),
        )
