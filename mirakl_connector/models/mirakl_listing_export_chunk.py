# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class MiraklListingExportChunk(models.Model):
    """One file of an offer export (an OF54 URL), imported by a job of its own.

    Its state and counts are written in the same transaction as the listings, so a chunk is
    either imported with its counts or not at all, and a second run of its job does nothing.
    """

    _name = "mirakl.listing.export.chunk"
    _description = "Mirakl Offer Export Chunk"
    _order = "export_id, sequence, id"

    export_id = fields.Many2one(
        "mirakl.listing.export", required=True, index=True, ondelete="cascade"
    )
    instance_id = fields.Many2one(related="export_id.instance_id", string="Marketplace")
    sequence = fields.Integer()
    url = fields.Char(required=True)
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Done"), ("failed", "Failed")],
        default="pending",
        required=True,
    )
    offer_ids = fields.Text(
        help="Offer ids of the chunk, comma-separated, kept until a full import has archived "
        "the listings of the offers no chunk had."
    )
    created_count = fields.Integer()
    updated_count = fields.Integer()
    unchanged_count = fields.Integer()
    skipped_count = fields.Integer()
    failed_count = fields.Integer()
