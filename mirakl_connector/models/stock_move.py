# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        # Free stock changed: the Marketplaces selling these products publish it shortly.
        self.env["mirakl.flow.stock"]._on_stock_moves(moves.product_id)
        return moves
