# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models
from odoo.exceptions import UserError


class MiraklOrderDocument(models.Model):
    """A document exchanged with Mirakl on an order: an invoice or credit note Odoo sent (OR74),
    or a document the operator or the customer attached that Odoo received (OR73).

    The database keeps one row per (invoice, Mirakl order) and per (Marketplace, Mirakl document
    id): an invoice is never sent twice to an order and a document is never attached twice,
    whatever jobs run at the same time.
    """

    _name = "mirakl.order.document"
    _description = "Mirakl Order Document"
    _order = "id desc"
    _rec_name = "file_name"
    _check_company_auto = True

    instance_id = fields.Many2one(
        "mirakl.instance",
        string="Marketplace",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="instance_id.company_id", store=True, index=True)
    mirakl_order_id = fields.Many2one(
        "mirakl.order",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    sale_order_id = fields.Many2one(related="mirakl_order_id.sale_order_id", string="Sale Order")
    direction = fields.Selection(
        [("upload", "Sent to Mirakl"), ("download", "Received from Mirakl")],
        required=True,
        readonly=True,
    )
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The invoice or credit note sent.",
    )
    state = fields.Selection(
        [("pending", "To Send"), ("done", "Done"), ("error", "Error")],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    mirakl_document_ref = fields.Char(
        string="Mirakl Document ID",
        readonly=True,
        index="btree_not_null",
        help="Mirakl's id of the document (known once Mirakl lists it).",
    )
    type_code = fields.Char(string="Document Type", readonly=True)
    file_name = fields.Char(readonly=True)
    date_uploaded = fields.Datetime(string="Uploaded On", readonly=True)
    attachment_id = fields.Many2one("ir.attachment", string="File", readonly=True)
    error_message = fields.Text(string="Error", readonly=True)

    _sql_constraints = [
        (
            "instance_document_uniq",
            "UNIQUE(instance_id, mirakl_document_ref)",
            "A Mirakl document is recorded once per Marketplace.",
        ),
        (
            "move_order_uniq",
            "UNIQUE(move_id, mirakl_order_id)",
            "An invoice is sent once to each Mirakl order.",
        ),
    ]

    def action_retry(self):
        """Send the refused invoices again (after fixing the document type...)."""
        flow = self.env["mirakl.flow.document_upload"]
        refused = self.sudo().filtered(
            lambda d: d.direction == "upload" and d.state == "error" and d.move_id
        )
        for instance, move in {(document.instance_id, document.move_id) for document in refused}:
            flow._enqueue_move(instance, move)
        return True

    def action_download(self):
        self.ensure_one()
        if not self.attachment_id:
            raise UserError(self.env._("Odoo has no file of this document yet."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }
