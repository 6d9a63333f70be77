# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models


class MiraklShippingZone(models.Model):
    """SH11: where the operator delivers; shipping fees and delivery times are set per zone."""

    _name = "mirakl.shipping.zone"
    _inherit = "mirakl.master.data.mixin"
    _description = "Mirakl Shipping Zone"
