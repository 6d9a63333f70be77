# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import import_simulator
from .common_order import MiraklOrderCase, trap_jobs

PDF = b"%PDF-1.4\n% legal invoice PDF\n%%EOF\n"


@tagged("post_install", "-at_install")
class TestDocuments(MiraklOrderCase):
    """Invoices go to their Mirakl orders once (OR74); the operator's order documents are
    attached to the sale orders once (OR72, OR73); the shop's documents are listed (S30) and
    downloaded (S31) on demand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.simulator.reference["documents"] += [
            {
                "code": "SYSTEM_DELIVERY_BILL",
                "label": "Delivery slip",
                "description": "Delivery slip",
                "entity": "ORDER",
            },
            {
                "code": "CUSTOMER_CREDIT_NOTE",
                "label": "Credit note",
                "description": "Credit note",
                "entity": "ORDER",
            },
        ]
        cls.marketplace.upload_invoices = True
        cls.parse_parts = staticmethod(import_simulator().imports.files.parse_parts)
        cls.upload_flow = cls.env["mirakl.flow.document_upload"]
        cls.import_flow = cls.env["mirakl.flow.document_import"]

    # -- helpers ---------------------------------------------------------------------------

    def sale_of_new_order(self):
        """A SHIPPING order imported as a confirmed sale order; the simulator's order in
        ``self.sim_order``."""
        self.sim_order = self.add_order()
        self.import_orders()
        sale = self.mirakl_order(self.sim_order.order_id).sale_order_id
        self.assertEqual(sale.state, "sale")
        self.simulator.reset_logs()
        return sale

    def post(self, move, legal_pdf=None):
        """Post ``move`` and return the trap holding the jobs it queued; ``legal_pdf`` becomes
        its legal PDF before the jobs run (as if sent to the customer meanwhile)."""
        with trap_jobs() as trap:
            move.action_post()
        self.assertFalse(self.simulator.requests, "posting never waits on Mirakl")
        if legal_pdf:
            self.env["ir.attachment"].create(
                {
                    "name": f"{move.name}.pdf",
                    "raw": legal_pdf,
                    "mimetype": "application/pdf",
                    "res_model": "account.move",
                    "res_id": move.id,
                    "res_field": "invoice_pdf_report_file",
                }
            )
            move.invalidate_recordset(["invoice_pdf_report_id", "invoice_pdf_report_file"])
        return trap

    def uploads(self):
        """``[(order id, [(part name, file name, bytes)], order_documents JSON)]`` of OR74."""
        result = []
        for request in self.requests("OR74"):
            parts = self.parse_parts(request.headers["Content-Type"], request.body)
            files = [(p.name, p.filename, p.content) for p in parts if p.name == "files"]
            described = [json.loads(p.content) for p in parts if p.name == "order_documents"]
            result.append((request.path.split("/")[3], files, described))
        return result

    def import_documents(self):
        """Run the order document import (scheduled run, then its jobs)."""
        with trap_jobs() as trap:
            self.import_flow._run(self.marketplace)
        self.run_jobs(trap)

    # -- invoice upload --------------------------------------------------------------------

    def test_posted_invoice_is_uploaded_once(self):
        sale = self.sale_of_new_order()
        invoice = sale._create_invoices()
        trap = self.post(invoice, legal_pdf=PDF)
        self.assertEqual(len(trap.enqueued_jobs), 1)
        self.run_jobs(trap)

        file_name = invoice.name.replace("/", "_") + ".pdf"
        self.assertEqual(
            self.uploads(),
            [
                (
                    self.sim_order.order_id,
                    [("files", file_name, PDF)],
                    [
                        {
                            "order_documents": [
                                {"file_name": file_name, "type_code": "CUSTOMER_INVOICE"}
                            ]
                        }
                    ],
                )
            ],
        )
        [on_mirakl] = self.simulator.order_documents(self.sim_order.order_id)
        self.assertEqual((on_mirakl.file_name, on_mirakl.content), (file_name, PDF))
        self.assertTrue(self.simulator.order_payload(self.sim_order.order_id)["has_invoice"])
        document = invoice.mirakl_document_ids
        self.assertRecordValues(
            document,
            [
                {
                    "state": "done",
                    "direction": "upload",
                    "file_name": file_name,
                    "type_code": "CUSTOMER_INVOICE",
                    "mirakl_order_id": self.mirakl_order(self.sim_order.order_id).id,
                    "error_message": False,
                }
            ],
        )
        self.assertEqual(document.attachment_id.raw, PDF)
        self.assertIn(
            f"Sent to Mirakl order {self.sim_order.order_id}", invoice.message_ids[0].body
        )
        self.assertRecordValues(
            self.last_log("document_upload"), [{"state": "done", "created_count": 1}]
        )

        # Neither the job run again, nor a new posting, nor the scheduled run send it again.
        self.upload_flow._job_upload_invoice(self.marketplace, invoice)
        invoice.button_draft()
        with trap_jobs() as trap:
            invoice.action_post()
        self.assertFalse(trap.enqueued_jobs)
        self.assertEqual(self.upload_flow._run(self.marketplace), [])
        self.assertEqual(len(self.requests("OR74")), 1)
        self.assertEqual(len(invoice.mirakl_document_ids), 1)

    def test_credit_note_goes_with_its_own_type_and_the_rendered_report(self):
        credit_note_type = self.env["mirakl.document.type"].create(
            {
                "instance_id": self.marketplace.id,
                "code": "CUSTOMER_CREDIT_NOTE",
                "label": "Credit note",
                "entity": "ORDER",
            }
        )
        self.marketplace.credit_note_document_type_id = credit_note_type
        sale = self.sale_of_new_order()
        invoice = sale._create_invoices()
        self.run_jobs(self.post(invoice))
        credit_note = invoice._reverse_moves()
        self.simulator.reset_logs()
        self.run_jobs(self.post(credit_note))

        [(order_id, [(_part, file_name, content)], [described])] = self.uploads()
        self.assertEqual(order_id, self.sim_order.order_id)
        self.assertEqual(file_name, credit_note.name.replace("/", "_") + ".pdf")
        self.assertEqual(described["order_documents"][0]["type_code"], "CUSTOMER_CREDIT_NOTE")
        # Tests render reports as HTML (no wkhtmltopdf): what was rendered is what was sent.
        self.assertEqual(content, credit_note.mirakl_document_ids.attachment_id.raw)
        self.assertIn(credit_note.name.encode(), content)
        self.assertEqual(
            [d.type_code for d in self.simulator.order_documents(self.sim_order.order_id)],
            ["CUSTOMER_INVOICE", "CUSTOMER_CREDIT_NOTE"],
        )

    def test_rejected_document_type_gives_a_log_line_and_a_retry(self):
        self.marketplace.invoice_document_type = "NO_SUCH_TYPE"
        sale = self.sale_of_new_order()
        invoice = sale._create_invoices()
        self.run_jobs(self.post(invoice, legal_pdf=PDF))

        [(_order, _files, [described])] = self.uploads()
        self.assertEqual(described["order_documents"][0]["type_code"], "NO_SUCH_TYPE")
        self.assertFalse(self.simulator.order_documents(self.sim_order.order_id))
        document = invoice.mirakl_document_ids
        self.assertEqual(document.state, "error")
        self.assertEqual(
            document.error_message,
            "Unable to retrieve document's type from the given code (valid_order_document.type)",
        )
        log = self.last_log("document_upload")
        self.assertRecordValues(log, [{"state": "failed", "failed_count": 1}])
        [line] = log.line_ids
        self.assertEqual(
            line.message,
            f"Mirakl refused invoice {invoice.name} ({invoice.name.replace('/', '_')}.pdf, type "
            f"NO_SUCH_TYPE) for order {self.sim_order.order_id}: Unable to retrieve document's "
            "type from the given code (valid_order_document.type)",
        )
        self.assertEqual(line.mirakl_ref, self.sim_order.order_id)
        self.assertTrue(line.can_retry)
        self.assertIn("Mirakl refused invoice", invoice.message_ids[0].body)

        # The seller fixes the type and retries from the log: the invoice goes, once.
        self.marketplace.invoice_document_type = "CUSTOMER_INVOICE"
        with trap_jobs() as trap:
            line.with_env(self.env).action_retry()
        self.run_jobs(trap)
        self.assertEqual(document.state, "done")
        self.assertEqual(len(self.requests("OR74")), 2)
        [on_mirakl] = self.simulator.order_documents(self.sim_order.order_id)
        self.assertEqual((on_mirakl.type_code, on_mirakl.content), ("CUSTOMER_INVOICE", PDF))

    def test_unreadable_upload_answer_gives_a_clear_log_line(self):
        sale = self.sale_of_new_order()
        invoice = sale._create_invoices()
        trap = self.post(invoice, legal_pdf=PDF)
        self.simulator.inject_fault(
            "OR74", status=200, body="<html>Bad gateway</html>", content_type="text/html"
        )
        self.run_jobs(trap)
        [line] = self.last_log("document_upload").line_ids
        self.assertIn("The answer is not JSON (Content-Type 'text/html').", line.message)
        self.assertEqual(invoice.mirakl_document_ids.state, "error")

    def test_nothing_is_sent_when_uploads_are_off(self):
        self.marketplace.upload_invoices = False
        sale = self.sale_of_new_order()
        trap = self.post(sale._create_invoices())
        self.assertFalse(trap.enqueued_jobs)
        self.assertFalse(self.env["mirakl.order.document"].search([]))

    # -- order documents -------------------------------------------------------------------

    def test_order_documents_are_attached_once(self):
        client = self.marketplace._get_client()
        self.env["mirakl.document.type"]._mirakl_upsert(
            self.marketplace, client.list_document_types()
        )
        sale = self.sale_of_new_order()
        invoice = sale._create_invoices()
        self.run_jobs(self.post(invoice, legal_pdf=PDF))
        order_id = self.sim_order.order_id
        slip = self.simulator.add_order_document(order_id, "slip.pdf", content=b"%PDF slip")
        label = self.simulator.add_order_document(order_id, "label.png", "LABEL", b"PNG label")
        photos = [
            self.simulator.add_order_document(order_id, "photo.jpg", "PHOTO", content)
            for content in (b"JPG one", b"JPG two")
        ]
        self.simulator.reset_logs()

        self.import_documents()
        [listing] = self.requests("OR72")
        self.assertEqual(listing.query["order_ids"], [order_id])
        downloads = [request.query["document_ids"][0] for request in self.requests("OR73")]
        self.assertEqual(downloads, [f"{slip.id},{label.id}", str(photos[0].id), str(photos[1].id)])
        received = self.env["mirakl.order.document"].search(
            [("direction", "=", "download")], order="mirakl_document_ref"
        )
        self.assertEqual(
            received.mapped(lambda d: (d.mirakl_document_ref, d.file_name, d.attachment_id.raw)),
            [
                (str(slip.id), "slip.pdf", b"%PDF slip"),
                (str(label.id), "label.png", b"PNG label"),
                (str(photos[0].id), "photo.jpg", b"JPG one"),
                (str(photos[1].id), "photo.jpg", b"JPG two"),
            ],
        )
        self.assertEqual(received.sale_order_id, sale)
        self.assertEqual(set(received.attachment_id.mapped("res_id")), {sale.id})
        note = sale.message_ids[0]
        self.assertIn("Documents received from Mirakl", note.body)
        self.assertIn("slip.pdf (Delivery slip)", note.body)
        self.assertEqual(note.attachment_ids, received.attachment_id)
        # The invoice Odoo sent is recognised, not downloaded back.
        [sent_invoice] = [
            d for d in self.simulator.order_documents(order_id) if d.type_code == "CUSTOMER_INVOICE"
        ]
        self.assertEqual(invoice.mirakl_document_ids.mirakl_document_ref, str(sent_invoice.id))
        self.assertRecordValues(
            self.last_log("document_import"), [{"state": "done", "created_count": 4}]
        )

        # A second run lists the documents again and downloads nothing.
        self.simulator.reset_logs()
        self.import_documents()
        self.assertEqual(len(self.requests("OR72")), 1)
        self.assertFalse(self.requests("OR73"))
        self.assertEqual(
            self.env["mirakl.order.document"].search_count([("direction", "=", "download")]), 4
        )
        self.assertEqual(sale.message_ids[0], note)
        self.assertRecordValues(
            self.last_log("document_import"),
            [{"state": "done", "created_count": 0, "skipped_count": 5}],
        )

    def test_unreadable_document_list_gives_a_clear_log_line_and_a_retry(self):
        self.sale_of_new_order()
        self.simulator.add_order_document(self.sim_order.order_id, "slip.pdf", content=b"slip")
        self.simulator.inject_fault(
            "OR72", status=200, body=json.dumps({"order_documents": [{"id": "first"}]}), times=1
        )
        self.import_documents()
        log = self.last_log("document_import")
        self.assertEqual(log.state, "failed")
        [line] = log.line_ids
        self.assertTrue(
            line.message.startswith(
                "Mirakl's list of the documents of 1 orders could not be read (OR72: Unexpected "
                "answer: order_documents.0.id: Input should be a valid integer"
            ),
            line.message,
        )
        self.assertFalse(self.env["mirakl.order.document"].search([]))

        with trap_jobs() as trap:
            line.with_env(self.env).action_retry()
        self.run_jobs(trap)
        received = self.env["mirakl.order.document"].search([])
        self.assertEqual(received.attachment_id.raw, b"slip")

    def test_missing_download_gives_a_log_line(self):
        sale = self.sale_of_new_order()
        self.simulator.add_order_document(self.sim_order.order_id, "slip.pdf", content=b"slip")
        self.simulator.inject_fault("OR73", status=404, times=1)
        self.import_documents()
        [line] = self.last_log("document_import").line_ids
        self.assertIn("slip.pdf", line.message)
        self.assertIn("could not be downloaded: Simulated fault (HTTP 404)", line.message)
        self.assertFalse(sale.message_ids.attachment_ids)

    # -- shop documents --------------------------------------------------------------------

    def test_shop_documents_are_listed_and_downloaded(self):
        kbis = self.simulator.add_shop_document(self.SHOP_ID, "kbis.pdf", content=b"%PDF kbis")
        card = self.simulator.add_shop_document(self.SHOP_ID, "card.jpg", "ID_CARD", b"JPG card")
        action = (
            self.env.ref("mirakl_connector.mirakl_shop_document_action_open")
            .with_context(
                active_model="mirakl.instance",
                active_id=self.marketplace.id,
                active_ids=self.marketplace.ids,
            )
            .run()
        )
        self.assertEqual(action["res_model"], "mirakl.shop.document")
        documents = self.env["mirakl.shop.document"].search(action["domain"], order="id")
        self.assertEqual(
            documents.mapped(lambda d: (d.mirakl_document_ref, d.file_name, d.type_code)),
            [(str(kbis.id), "kbis.pdf", "LEGAL_DOC"), (str(card.id), "card.jpg", "ID_CARD")],
        )
        self.assertEqual(len(self.requests("S30")), 1)

        download = documents[1].action_download()
        self.assertEqual(documents[1].attachment_id.raw, b"JPG card")
        self.assertEqual(
            download["url"], f"/web/content/{documents[1].attachment_id.id}?download=true"
        )
        [request] = self.requests("S31")
        self.assertEqual(request.query["document_ids"], [str(card.id)])
        documents[1].action_download()
        self.assertEqual(len(self.requests("S31")), 1, "downloaded once")

        # Refreshing keeps the documents listed already and adds the new ones.
        self.simulator.add_shop_document(self.SHOP_ID, "iban.pdf", "BANK", b"%PDF iban")
        documents.action_refresh()
        self.assertEqual(
            sorted(self.env["mirakl.shop.document"].search(action["domain"]).mapped("file_name")),
            ["card.jpg", "iban.pdf", "kbis.pdf"],
        )

        self.simulator.inject_fault("S30", status=403)
        with self.assertRaisesRegex(UserError, "Mirakl did not list the documents"):
            documents.action_refresh()
