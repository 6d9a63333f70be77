# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models

# Days an export's bookkeeping is kept after it started, for support.
EXPORT_RETENTION_DAYS = 30


class MiraklListingExport(models.Model):
    """One asynchronous offer export (OF52) a listing import asked Mirakl for.

    It keeps what the jobs of the import share: the tracking id, the date the export covers
    up to, and one chunk per file Mirakl produced. The last job closes it from its chunks: only
    an export whose every chunk was imported moves the Marketplace's listing date forward.
    """

    _name = "mirakl.listing.export"
    _description = "Mirakl Offer Export"
    _order = "id desc"

    instance_id = fields.Many2one(
        "mirakl.instance", string="Marketplace", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="instance_id.company_id", store=True)
    log_id = fields.Many2one("mirakl.sync.log", string="Sync Log", ondelete="set null")
    tracking_id = fields.Char(help="Mirakl's id of the export (OF52), polled with OF53.")
    full = fields.Boolean(help="Every offer, not only those changed since the last import.")
    request_date = fields.Datetime(
        required=True, help="When the export was asked for: the next import starts from it."
    )
    state = fields.Selection(
        [
            ("pending", "Waiting for Mirakl"),
            ("importing", "Importing"),
            ("done", "Done"),
            ("partial", "Partially Failed"),
            ("failed", "Failed"),
        ],
        default="pending",
        required=True,
    )
    chunk_ids = fields.One2many("mirakl.listing.export.chunk", "export_id", string="Chunks")

    @api.autovacuum
    def _gc_exports(self):
        limit = fields.Datetime.now() - timedelta(days=EXPORT_RETENTION_DAYS)
        self.sudo().search([("request_date", "<", limit)]).unlink()
