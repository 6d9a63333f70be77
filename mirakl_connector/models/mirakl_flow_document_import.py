# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import zipfile
from collections import Counter
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models

from ..mirakl import errors

# Orders whose documents are still read: open ones, and the others for this long.
RECENT_DAYS = 30
FINAL_STATES = ("CLOSED", "REFUSED", "CANCELED")
# OR72 lists the documents of 100 orders a call, OR73 downloads 100 documents a call.
BATCH_SIZE = 100


class MiraklFlowDocumentImport(models.AbstractModel):
    """Order document import: the documents the operator or the customer attached to Mirakl
    orders (delivery slips, return labels...) are attached to the sale orders, once.

    A run lists the documents of the Marketplace's open and recent orders with OR72, in jobs of
    100 orders, and downloads the new ones with OR73: all in one ZIP when their names tell them
    apart, one by one otherwise. Each becomes an attachment of the sale order, announced in its
    chatter, and a ``mirakl.order.document`` whose unique key (Marketplace, Mirakl document id)
    keeps it from being attached twice. The invoices Odoo sent are recognised by order and
    file name and are not downloaded back.
    """

    _name = "mirakl.flow.document_import"
    _inherit = "mirakl.flow"
    _description = "Order Document Import"
    _flow_code = "document_import"
    _flow_direction = "import"
    _flow_channel = "root.mirakl.documents"
    _flow_interval = (1, "hours")
    _flow_sequence = 75

    @api.model
    def _run(self, instance, **options):
        """Queue the listing of the documents of the open and recent orders, 100 a job."""
        if not instance.import_order_documents:
            return False
        since = fields.Datetime.now() - timedelta(days=RECENT_DAYS)
        orders = (
            self.env["mirakl.order"]
            .sudo()
            .search(
                [
                    ("instance_id", "=", instance.id),
                    ("sale_order_id", "!=", False),
                    "|",
                    ("mirakl_state", "not in", FINAL_STATES),
                    ("last_updated_date", ">=", since),
                ],
                order="id",
            )
        )
        refs = orders.mapped("mirakl_order_id")
        return [
            self._enqueue(instance, "_job_import_documents", refs[start : start + BATCH_SIZE])
            for start in range(0, len(refs), BATCH_SIZE)
        ]

    # -- job -----------------------------------------------------------------------------

    def _job_import_documents(self, instance, mirakl_order_ids):
        """OR72 for up to 100 orders, then OR73 for their new documents, attached to their
        sale orders."""
        instance = instance.sudo()
        with self._sync_log(instance, total=len(mirakl_order_ids)) as log:
            orders = (
                self.env["mirakl.order"]
                .sudo()
                .search(
                    [
                        ("instance_id", "=", instance.id),
                        ("mirakl_order_id", "in", list(mirakl_order_ids)),
                        ("sale_order_id", "!=", False),
                    ]
                )
            )
            if not orders:
                log._finish(skipped=len(mirakl_order_ids))
                return 0
            client = instance._get_client()
            try:
                listed = client.list_order_documents(orders.mapped("mirakl_order_id"))
            except errors.MiraklResponseError as error:
                log._add_failure(
                    self.env._(
                        "Mirakl's list of the documents of %(count)s orders could not be read "
                        "(%(error)s). Nothing was attached; retry once Mirakl answers properly.",
                        count=len(orders),
                        error=error,
                    ),
                    retry=(self._name, "_job_import_documents", [list(mirakl_order_ids)]),
                )
                log._finish(processed=1, failed=1)
                return 0
            new = self._new_documents(instance, orders, listed)
            files, failures = self._download(client, new)
            for item, message in failures:
                log._add_failure(
                    self.env._(
                        "Document %(file)s (%(id)s) of order %(order)s could not be downloaded: "
                        "%(message)s",
                        file=item.file_name,
                        id=item.id,
                        order=item.order_id,
                        message=message,
                    ),
                    mirakl_ref=item.order_id,
                    retry=(self._name, "_job_import_documents", [[item.order_id]]),
                )
            created = self._attach(instance, orders, new, files)
            log._finish(
                created=len(created),
                skipped=len(listed) - len(new),
                failed=len(failures),
            )
            return len(created)

    @api.model
    def _new_documents(self, instance, orders, listed):
        """The listed documents Odoo has neither attached nor sent. An invoice Odoo sent gets
        its Mirakl id here (same order, same file name), so it is never downloaded back."""
        records = self.env["mirakl.order.document"].sudo()
        known = set(
            records.search(
                [
                    ("instance_id", "=", instance.id),
                    ("mirakl_document_ref", "in", [str(item.id) for item in listed]),
                ]
            ).mapped("mirakl_document_ref")
        )
        sent = records.search(
            [
                ("instance_id", "=", instance.id),
                ("direction", "=", "upload"),
                ("state", "=", "done"),
                ("mirakl_document_ref", "=", False),
                ("mirakl_order_id", "in", orders.ids),
            ]
        )
        unmatched = {(d.mirakl_order_id.mirakl_order_id, d.file_name): d for d in sent}
        refs = set(orders.mapped("mirakl_order_id"))
        new = []
        for item in sorted(listed, key=lambda item: item.id):
            if str(item.id) in known or item.order_id not in refs:
                continue
            upload = unmatched.pop((item.order_id, item.file_name), None)
            if upload:
                upload.mirakl_document_ref = str(item.id)
            else:
                new.append(item)
        return new

    @api.model
    def _download(self, client, items):
        """OR73: ``({document id: bytes}, [(item, failure message)])``. Documents with a name
        of their own in their order come in one ZIP per 100; the others one by one."""
        names = Counter((item.order_id, item.file_name) for item in items)
        zipped = [item for item in items if names[item.order_id, item.file_name] == 1]
        single = [item for item in items if names[item.order_id, item.file_name] > 1]
        if len(zipped) == 1:
            single, zipped = zipped + single, []
        files, failures = {}, []
        for start in range(0, len(zipped), BATCH_SIZE):
            batch = zipped[start : start + BATCH_SIZE]
            try:
                archive = client.download_order_documents(document_ids=[i.id for i in batch])
                entries = {(folder, name): content for folder, name, content in archive.entries()}
            except (errors.MiraklError, zipfile.BadZipFile) as error:
                if isinstance(error, errors.MiraklError) and error.retryable:
                    raise
                failures += [(item, str(error)) for item in batch]
                continue
            for item in batch:
                content = entries.get((item.order_id, item.file_name))
                if content is None:
                    failures.append((item, self.env._("Mirakl's archive did not hold it.")))
                else:
                    files[item.id] = content
        for item in single:
            try:
                files[item.id] = client.download_order_documents(document_ids=[item.id]).content
            except errors.MiraklError as error:
                if error.retryable:
                    raise
                failures.append((item, error.message))
        return files, failures

    @api.model
    def _attach(self, instance, orders, items, files):
        """Attach the downloaded documents to their sale orders, record them and tell each
        sale order's chatter; returns the records."""
        items = [item for item in items if item.id in files]
        if not items:
            return self.env["mirakl.order.document"]
        by_ref = {order.mirakl_order_id: order for order in orders}
        types = self.env["mirakl.document.type"].sudo().search([("instance_id", "=", instance.id)])
        labels = {document_type.code: document_type.label for document_type in types}
        attachments = self.env["ir.attachment"].create(
            [
                {
                    "name": item.file_name,
                    "raw": files[item.id],
                    "res_model": "sale.order",
                    "res_id": by_ref[item.order_id].sale_order_id.id,
                }
                for item in items
            ]
        )
        documents = (
            self.env["mirakl.order.document"]
            .sudo()
            .create(
                [
                    {
                        "instance_id": instance.id,
                        "mirakl_order_id": by_ref[item.order_id].id,
                        "direction": "download",
                        "state": "done",
                        "mirakl_document_ref": str(item.id),
                        "type_code": item.type,
                        "file_name": item.file_name,
                        "date_uploaded": item.date_uploaded
                        and item.date_uploaded.replace(tzinfo=None),
                        "attachment_id": attachment.id,
                    }
                    for item, attachment in zip(items, attachments, strict=True)
                ]
            )
        )
        for sale_order, received in documents.grouped("sale_order_id").items():
            lines = Markup("").join(
                Markup("<li>%s (%s)</li>")
                % (document.file_name, labels.get(document.type_code, document.type_code))
                for document in received
            )
            sale_order.message_post(
                body=Markup("%s<ul>%s</ul>")
                % (self.env._("Documents received from Mirakl:"), lines),
                attachment_ids=received.attachment_id.ids,
            )
        return documents
