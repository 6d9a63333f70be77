# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..mirakl import errors
from .mirakl_instance import INTERACTIVE_CLIENT_OPTIONS


class MiraklShopDocument(models.Model):
    """S30: a document of the shop on Mirakl (company registration, ID card...: its KYC file).

    Mirakl asks to list them when they are displayed: the list is read again each time the
    seller opens it from the Marketplace or refreshes it. A file is downloaded (S31) when the
    seller asks for it, then kept.
    """

    _name = "mirakl.shop.document"
    _description = "Mirakl Shop Document"
    _order = "instance_id, date_uploaded desc, id desc"
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
    mirakl_document_ref = fields.Char(string="Mirakl Document ID", required=True, readonly=True)
    file_name = fields.Char(readonly=True)
    type_code = fields.Char(string="Document Type", readonly=True)
    date_uploaded = fields.Datetime(string="Uploaded On", readonly=True)
    attachment_id = fields.Many2one("ir.attachment", string="File", readonly=True)

    _sql_constraints = [
        (
            "instance_document_uniq",
            "UNIQUE(instance_id, mirakl_document_ref)",
            "A shop document is listed once per Marketplace.",
        ),
    ]

    def action_download(self):
        """Download the file from Mirakl (S31) the first time, then open it."""
        self.ensure_one()
        document = self.sudo()
        if not document.attachment_id:
            try:
                client = document.instance_id._get_client(**INTERACTIVE_CLIENT_OPTIONS)
                downloaded = client.download_shop_documents(
                    document_ids=[int(document.mirakl_document_ref)]
                )
            except errors.MiraklNotFoundError as error:
                raise UserError(
                    self.env._(
                        "Mirakl no longer has %(file)s: refresh the list of shop documents.",
                        file=document.file_name,
                    )
                ) from error
            except errors.MiraklError as error:
                raise UserError(
                    document.instance_id._get_connection_error_message(error)
                ) from error
            document.attachment_id = self.env["ir.attachment"].create(
                {
                    "name": downloaded.file_name or document.file_name,
                    "raw": downloaded.content,
                    "res_model": self._name,
                    "res_id": document.id,
                }
            )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{document.attachment_id.id}?download=true",
            "target": "self",
        }

    def action_refresh(self):
        """Read the lists of the Marketplaces shown (all those of the user's companies)."""
        instances = self.instance_id or self.env["mirakl.instance"].search(
            [("connection_state", "=", "ok")]
        )
        for instance in instances:
            self._mirakl_refresh(instance)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _action_open(self, instance):
        """The shop documents of ``instance``, read from Mirakl (S30) for the occasion."""
        instance.check_access("read")
        self._mirakl_refresh(instance)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "mirakl_connector.mirakl_shop_document_action"
        )
        action["domain"] = [("instance_id", "=", instance.id)]
        action["context"] = {"default_instance_id": instance.id}
        return action

    @api.model
    def _mirakl_refresh(self, instance):
        """Make the list of ``instance`` what S30 answers: new documents added, changed ones
        updated, those the shop removed deleted."""
        instance = instance.sudo()
        try:
            listed = instance._get_client(**INTERACTIVE_CLIENT_OPTIONS).list_shop_documents()
        except errors.MiraklError as error:
            raise UserError(
                self.env._(
                    "Mirakl did not list the documents of %(marketplace)s: %(advice)s",
                    marketplace=instance.name,
                    advice=instance._get_connection_error_message(error),
                )
            ) from error
        existing = self.sudo().search([("instance_id", "=", instance.id)])
        by_ref = {document.mirakl_document_ref: document for document in existing}
        new_vals = []
        for item in listed:
            vals = {
                "file_name": item.file_name,
                "type_code": item.type,
                "date_uploaded": (
                    item.date_uploaded.replace(tzinfo=None) if item.date_uploaded else False
                ),
            }
            document = by_ref.pop(str(item.id), None)
            if document is None:
                new_vals.append(
                    {**vals, "instance_id": instance.id, "mirakl_document_ref": str(item.id)}
                )
            elif any(document[name] != value for name, value in vals.items()):
                document.write({**vals, "attachment_id": False})  # a new file: download it again
        existing.create(new_vals)
        removed = existing.browse([document.id for document in by_ref.values()])
        removed.attachment_id.unlink()
        removed.unlink()
