# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class MiraklChannel(models.Model):
    """CH11: the operator's sales channels (websites, apps); offers and prices may differ per
    channel, and orders say which channel they come from."""

    _name = "mirakl.channel"
    _inherit = "mirakl.master.data.mixin"
    _description = "Mirakl Sales Channel"

    pricelist_id = fields.Many2one(
        "product.pricelist",
        string="Channel Pricelist",
        check_company=True,
        help="Where the operator prices per channel: the price export gives the offers this "
        "pricelist's price on this channel. Empty: the channel shows the default price.",
    )
