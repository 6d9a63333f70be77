# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _notify_get_recipients(self, message, msg_vals, **kwargs):
        """Never notify Marketplace buyers by e-mail: they are only reachable through the
        operator, and their Mirakl address is an anonymised relay (confirmations, invoices,
        delivery notices sent to them would be lost or break the operator's rules)."""
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        ids = [data["id"] for data in recipients if data.get("notif") == "email"]
        if not ids:
            return recipients
        blocked = set(self.env["res.partner"].sudo().browse(ids).filtered("mirakl_block_email").ids)
        return [data for data in recipients if data["id"] not in blocked]
