# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from .mirakl_order import ORDER_STATES

LINE_STATES = [
    *ORDER_STATES[:-1],
    ("INCIDENT_OPEN", "Incident Open"),
    ("INCIDENT_CLOSED", "Incident Closed"),
    ("REFUNDED", "Refunded"),
    ORDER_STATES[-1],
]


class MiraklOrderLine(models.Model):
    """A line of a Mirakl order, with Mirakl's amounts and what became of it (refused,
    cancelled, refunded), linked to the product and the sale order line it made."""

    _name = "mirakl.order.line"
    _description = "Mirakl Order Line"
    _order = "order_id, sequence, id"
    _rec_name = "mirakl_line_id"
    _check_company_auto = True

    order_id = fields.Many2one(
        "mirakl.order", required=True, readonly=True, index=True, ondelete="cascade"
    )
    instance_id = fields.Many2one(related="order_id.instance_id", store=True, index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    currency_id = fields.Many2one(related="order_id.currency_id")
    mirakl_line_id = fields.Char(required=True, readonly=True)
    sequence = fields.Integer(readonly=True)
    mirakl_state = fields.Selection(LINE_STATES, string="Mirakl Status", readonly=True)
    state_reason_code = fields.Char(string="Reason Code", readonly=True)
    state_reason_label = fields.Char(string="Reason", readonly=True)
    offer_id = fields.Char(string="Offer ID", readonly=True)
    offer_sku = fields.Char(string="Shop SKU", readonly=True)
    product_sku = fields.Char(string="Operator Product SKU", readonly=True)
    product_title = fields.Char(string="Title", readonly=True)
    listing_id = fields.Many2one(
        "mirakl.listing", readonly=True, check_company=True, ondelete="set null"
    )
    product_id = fields.Many2one(
        "product.product",
        readonly=True,
        check_company=True,
        ondelete="restrict",
        help="Found through the listing of the offer, else by internal reference = shop SKU.",
    )
    quantity = fields.Integer(readonly=True)
    cancelled_quantity = fields.Integer(readonly=True)
    refunded_quantity = fields.Integer(readonly=True)
    price_unit = fields.Monetary(string="Unit Price", readonly=True)
    origin_unit_price = fields.Monetary(string="Unit Price Before Promotion", readonly=True)
    price = fields.Monetary(readonly=True)
    shipping_price = fields.Monetary(string="Shipping", readonly=True)
    tax_amount = fields.Monetary(string="Taxes", readonly=True)
    shipping_tax_amount = fields.Monetary(string="Shipping Taxes", readonly=True)
    total_price = fields.Monetary(string="Total", readonly=True)
    adjustment_ids = fields.One2many(
        "mirakl.order.adjustment", "line_id", string="Cancellations and Refunds", readonly=True
    )
    sale_line_ids = fields.One2many(
        "sale.order.line", "mirakl_line_id", string="Sale Order Lines", readonly=True
    )
    acceptance_decision = fields.Selection(
        [("accepted", "Accepted"), ("refused", "Refused")], readonly=True, copy=False
    )
    acceptance_note = fields.Char(
        readonly=True, copy=False, help="Why the acceptance rules did not accept the line."
    )

    _sql_constraints = [
        (
            "order_line_uniq",
            "UNIQUE(order_id, mirakl_line_id)",
            "A Mirakl order line appears once in its order.",
        ),
    ]
