# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models


class MiraklLogisticClass(models.Model):
    """SH31: parcel size classes; an offer's class decides its shipping fees."""

    _name = "mirakl.logistic.class"
    _inherit = "mirakl.master.data.mixin"
    _description = "Mirakl Logistic Class"
