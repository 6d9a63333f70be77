# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    mirakl_fulfillment_center_code = fields.Char(
        string="Mirakl Fulfilment Centre",
        help="Marketplace orders sent to this fulfilment centre (its code on Mirakl) ship from "
        "this warehouse instead of the Marketplace's.",
    )
    mirakl_warehouse_code = fields.Char(
        string="Mirakl Warehouse",
        help="Code of this warehouse on Mirakl, where the operator splits offer stock by "
        "warehouse: the stock export then sends this warehouse's quantity under it.",
    )
