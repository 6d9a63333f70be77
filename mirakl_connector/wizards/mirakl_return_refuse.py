# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from ..models.mirakl_return import REJECTION_REASONS


class MiraklReturnRefuse(models.TransientModel):
    """Refuse return requests with the reason Mirakl shows the customer; a note for the
    team goes to the returns' chatter."""

    _name = "mirakl.return.refuse"
    _description = "Refuse Mirakl Returns"

    return_ids = fields.Many2many("mirakl.return", string="Returns", required=True, readonly=True)
    rejection_reason_code = fields.Selection(
        REJECTION_REASONS,
        string="Reason",
        required=True,
        help="Sent to Mirakl, which tells the customer.",
    )
    note = fields.Text(help="Kept in the returns' chatter, not sent to Mirakl.")

    def action_refuse(self):
        self.ensure_one()
        self.return_ids._check_awaiting_decision()
        self.return_ids._mirakl_queue_decision(
            "refuse", reason=self.rejection_reason_code, note=self.note
        )
        return {"type": "ir.actions.act_window_close"}
