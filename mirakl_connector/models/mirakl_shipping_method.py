# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class MiraklShippingMethod(models.Model):
    """SH12 shipping types: how an order travels; drives whether tracking is mandatory before
    shipping and whether the seller ships at all."""

    _name = "mirakl.shipping.method"
    _inherit = "mirakl.master.data.mixin"
    _description = "Mirakl Shipping Method"

    standard_code = fields.Char(readonly=True)
    click_and_collect = fields.Boolean(readonly=True, help="The customer collects the order.")
    delivery_by_operator = fields.Boolean(
        readonly=True, help="The operator delivers: the seller hands the parcel over."
    )
    mandatory_tracking = fields.Boolean(
        readonly=True,
        help="Mirakl refuses to mark the order shipped before a tracking number is sent.",
    )
    ignore_lead_time_to_ship = fields.Boolean(readonly=True)

    @api.model
    def _mirakl_prepare_vals(self, item):
        return {
            **super()._mirakl_prepare_vals(item),
            "standard_code": item.standard_code or False,
            "click_and_collect": bool(item.click_and_collect),
            "delivery_by_operator": bool(item.delivery_by_operator),
            "mandatory_tracking": bool(item.mandatory_tracking),
            "ignore_lead_time_to_ship": bool(item.ignore_lead_time_to_ship),
        }
