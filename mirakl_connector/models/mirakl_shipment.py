# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class MiraklShipment(models.Model):
    """What Mirakl recorded for a delivery: an ST01 shipment (one per parcel), or the tracking
    (OR23) and shipping (OR24) of the whole order.

    Kept so that a delivery is never shipped twice on Mirakl and a later tracking change updates
    the right shipment.
    """

    _name = "mirakl.shipment"
    _description = "Mirakl Shipment"
    _order = "picking_id, id"
    _rec_name = "shipment_ref"

    picking_id = fields.Many2one(
        "stock.picking", string="Delivery", required=True, index=True, ondelete="cascade"
    )
    mirakl_order_id = fields.Many2one("mirakl.order", readonly=True)
    instance_id = fields.Many2one(related="mirakl_order_id.instance_id", string="Marketplace")
    company_id = fields.Many2one(related="picking_id.company_id", store=True)
    shipment_ref = fields.Char(
        string="Mirakl Shipment",
        readonly=True,
        index="btree_not_null",
        help="Mirakl's id of the shipment (multi-shipment platforms only).",
    )
    package_reference = fields.Char(readonly=True)
    quantity = fields.Integer(string="Units", readonly=True)
    carrier_code = fields.Char(readonly=True)
    carrier_name = fields.Char(readonly=True)
    tracking_number = fields.Char(readonly=True)
    tracking_url = fields.Char(string="Tracking URL", readonly=True)
    order_shipped = fields.Boolean(
        readonly=True,
        help="This delivery confirmed the shipment of the whole order on Mirakl (OR24).",
    )
