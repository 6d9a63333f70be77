# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models

# Upload call -> (status call, error report call) of its imports.
TRACKING_CALLS = {
    "STO01": ("STO02", "STO03"),
    "PRI01": ("PRI02", "PRI03"),
    "OF01": ("OF02", "OF03"),
}
# Days an import's record (and its file) is kept, for support.
RETENTION_DAYS = 30


class MiraklFileImport(models.Model):
    """A file sent to Mirakl (STO01 stock, PRI01 prices, OF01 offers) and what became of it.

    Mirakl answers an upload with an import id and processes the file later: the flow polls the
    import until it is final, then reads its error report and shows each rejected row on its
    listing. The file is kept with the record, for support.
    """

    _name = "mirakl.file.import"
    _description = "Mirakl File Import"
    _order = "id desc"
    _rec_name = "import_ref"

    instance_id = fields.Many2one(
        "mirakl.instance", string="Marketplace", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="instance_id.company_id", store=True)
    operation = fields.Selection(
        [("STO01", "Stock (STO01)"), ("PRI01", "Prices (PRI01)"), ("OF01", "Offers (OF01)")],
        required=True,
        readonly=True,
    )
    import_ref = fields.Char(string="Mirakl Import", readonly=True, index=True)
    full = fields.Boolean(readonly=True, help="Every listing, not only the changed ones.")
    state = fields.Selection(
        [
            ("pending", "Processing on Mirakl"),
            ("done", "Done"),
            ("partial", "Some Rows Rejected"),
            ("failed", "Failed"),
        ],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    mirakl_status = fields.Char(readonly=True)
    listing_count = fields.Integer(string="Listings", readonly=True)
    line_count = fields.Integer(string="Lines", readonly=True)
    error_count = fields.Integer(string="Lines in Error", readonly=True)
    message = fields.Text(readonly=True)
    date_done = fields.Datetime(string="Processed On", readonly=True)
    log_id = fields.Many2one(
        "mirakl.sync.log", string="Sync Log", readonly=True, ondelete="set null"
    )
    attachment_id = fields.Many2one("ir.attachment", string="File", readonly=True)

    @api.autovacuum
    def _gc_file_imports(self):
        limit = fields.Datetime.now() - timedelta(days=RETENTION_DAYS)
        old = self.sudo().search([("create_date", "<", limit), ("state", "!=", "pending")])
        old.attachment_id.unlink()
        old.unlink()

    def _fetch_status(self, client):
        """Mirakl's status of the import (STO02, PRI02 or OF02), stored; returns it."""
        self.ensure_one()
        if self.operation == "STO01":
            status = client.get_stock_import(self.import_ref)
        elif self.operation == "PRI01":
            status = client.get_price_import(self.import_ref)
        else:
            status = client.get_offer_import(self.import_ref)
        self.mirakl_status = status.status
        return status

    def _fetch_error_report(self, client):
        """The rejected rows of the import (STO03, PRI03 or OF03)."""
        self.ensure_one()
        if self.operation == "STO01":
            return client.get_stock_import_error_report(self.import_ref)
        if self.operation == "PRI01":
            return client.get_price_import_error_report(self.import_ref)
        return client.get_offer_import_error_report(self.import_ref)
