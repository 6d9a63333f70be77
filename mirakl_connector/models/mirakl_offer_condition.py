# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models


class MiraklOfferCondition(models.Model):
    """OF61: the condition an offer is sold in (new, used, refurbished...), by code."""

    _name = "mirakl.offer.condition"
    _inherit = "mirakl.master.data.mixin"
    _description = "Mirakl Offer Condition"
