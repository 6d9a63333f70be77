# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class MiraklDocumentType(models.Model):
    """DO01: the kinds of documents the operator accepts on orders (invoices, credit notes...)
    and on shops (KYC documents). An upload names its type by code."""

    _name = "mirakl.document.type"
    _inherit = "mirakl.master.data.mixin"
    _description = "Mirakl Document Type"
    _order = "instance_id, entity, label, id"

    # A Char, not a Selection: Mirakl adds entities without notice.
    entity = fields.Char(readonly=True, index=True, help="ORDER or SHOP.")
    mime_types = fields.Char(
        string="Accepted Formats", readonly=True, help="MIME types the operator accepts, if any."
    )
    is_system = fields.Boolean(
        compute="_compute_is_system",
        store=True,
        help="The operator's own documents (delivery slips...): a seller cannot upload them.",
    )

    @api.depends("code")
    def _compute_is_system(self):
        for document_type in self:
            document_type.is_system = (document_type.code or "").startswith("SYSTEM_")

    @api.model
    def _mirakl_prepare_vals(self, item):
        return {
            **super()._mirakl_prepare_vals(item),
            "entity": item.entity or False,
            "mime_types": ", ".join(item.mime_types) or False,
        }
