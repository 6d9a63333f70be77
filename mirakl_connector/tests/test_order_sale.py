# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from decimal import Decimal

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common_order import MiraklOrderCase

BILLING = {
    "firstname": "Camille",
    "lastname": "Martin",
    "company": "Martin SARL",
    "street_1": "12 rue des Alpes",
    "zip_code": "69002",
    "city": "Lyon",
    "country": "France",
    "country_iso_code": "FRA",
    "phone": "+33 6 11 22 33 44",
}
SHIPPING = {
    "firstname": "Hugo",
    "lastname": "Martin",
    "street_1": "3 Hauptstraße",
    "zip_code": "80331",
    "city": "München",
    "state": "Bayern",
    "country": "Germany",
    "country_iso_code": "DEU",
    "phone": "+49 89 123",
}


@tagged("post_install", "-at_install")
class TestOrderSale(MiraklOrderCase):
    """Sale orders: contacts, Mirakl's amounts in both tax modes, shipping, financial workflow
    and the guard rails of an imported order."""

    def import_order(self, state="SHIPPING", **options):
        sim_order = self.add_order(state, **options)
        self.import_orders()
        order = self.mirakl_order(sim_order.order_id)
        self.assertEqual(order.import_state, "done", order.import_error)
        return sim_order, order, order.sale_order_id

    def mirakl_totals(self, sim_order):
        """``(untaxed, tax, total)`` of the order as OR11 sends it, from its lines."""
        payload = self.simulator.order_payload(sim_order.order_id)
        taxes = sum(
            (
                Decimal(str(tax["amount"]))
                for line in payload["order_lines"]
                for tax in line.get("taxes", []) + line.get("shipping_taxes", [])
            ),
            Decimal(0),
        )
        total = Decimal(str(payload["total_price"]))
        if payload["order_tax_mode"] == "TAX_EXCLUDED":
            return total, taxes, total + taxes
        return total - taxes, taxes, total

    def odoo_totals(self, sale):
        return tuple(
            Decimal(str(amount)).quantize(Decimal("0.01"))
            for amount in (sale.amount_untaxed, sale.amount_tax, sale.amount_total)
        )

    def test_contacts_from_the_mirakl_addresses(self):
        customer = {
            "customer_id": "BUYER-1",
            "billing_address": BILLING,
            "shipping_address": SHIPPING,
        }
        _sim, _order, sale = self.import_order(customer=customer)
        partner = sale.partner_id
        self.assertEqual(partner.mirakl_customer_id, "BUYER-1")
        self.assertEqual(partner.mirakl_instance_id, self.marketplace)
        self.assertTrue(partner.mirakl_block_email)
        self.assertFalse(partner.email, "the relay address is never stored on a partner")
        invoice, delivery = sale.partner_invoice_id, sale.partner_shipping_id
        self.assertEqual(invoice.parent_id, partner)
        self.assertEqual(invoice.type, "invoice")
        self.assertEqual(invoice.country_id, self.env.ref("base.fr"))
        self.assertEqual(invoice.name, "Camille Martin (Martin SARL)")
        self.assertEqual(invoice.phone, "+33 6 11 22 33 44")
        self.assertEqual(delivery.type, "delivery")
        self.assertEqual(delivery.name, "Hugo Martin")
        self.assertEqual(delivery.country_id, self.env.ref("base.de"))
        self.assertEqual(delivery.state_id, self.env.ref("base.state_de_by"))

        # The same buyer orders again, same addresses: nothing new.
        _sim, _order, second = self.import_order(customer=customer)
        self.assertEqual(second.partner_id, partner)
        self.assertEqual(second.partner_invoice_id, invoice)
        self.assertEqual(second.partner_shipping_id, delivery)

    def test_company_contact_as_parent_when_asked(self):
        self.marketplace.create_company_partner = True
        customer = {
            "customer_id": "BUYER-2",
            "billing_address": BILLING,
            "shipping_address": BILLING,
        }
        _sim, _order, sale = self.import_order(customer=customer)
        company = sale.partner_id.parent_id
        self.assertTrue(company.is_company)
        self.assertEqual(company.name, "Martin SARL")
        self.assertEqual(sale.partner_id.city, "Lyon")
        self.assertEqual(sale.partner_invoice_id, sale.partner_shipping_id)

    def test_tax_excluded_totals_are_mirakl_totals_to_the_cent(self):
        sim_order, order, sale = self.import_order()
        self.assertEqual(self.odoo_totals(sale), self.mirakl_totals(sim_order))
        self.assertEqual(
            self.odoo_totals(sale), (Decimal("50.50"), Decimal("10.10"), Decimal("60.60"))
        )
        self.assertFalse(order.amount_mismatch)
        product_lines = sale.order_line.filtered("mirakl_line_id")
        self.assertEqual(product_lines.mapped("price_unit"), [10.0, 25.5])
        self.assertEqual(product_lines.tax_id, self.tax_excluded)

    def test_tax_included_totals_are_mirakl_totals_to_the_cent(self):
        self.marketplace.write(
            {
                "order_tax_mode": "TAX_INCLUDED",
                "tax_mapping_ids": [
                    Command.clear(),
                    Command.create({"tax_code": "VAT", "rate": 20, "tax_id": self.tax_included.id}),
                ],
            }
        )
        lines = [
            {"offer_sku": "SKU-A", "quantity": 3, "price_unit": "11.99", "shipping_price": "4.90"},
            {"offer_sku": "SKU-C", "quantity": 1, "price_unit": "59.00"},
        ]
        sim_order, order, sale = self.import_order(lines=lines, tax_mode="TAX_INCLUDED")
        self.assertEqual(order.tax_mode, "TAX_INCLUDED")
        self.assertEqual(self.odoo_totals(sale), self.mirakl_totals(sim_order))
        self.assertEqual(sale.amount_total, 99.87)
        self.assertFalse(order.amount_mismatch)
        self.assertEqual(sale.order_line.filtered("mirakl_line_id").tax_id, self.tax_included)

    def test_totals_that_differ_are_flagged_not_changed(self):
        # Mirakl rounds the tax per unit (2.00 x 3), Odoo per line (5.99).
        lines = [{"offer_sku": "SKU-A", "quantity": 3, "price_unit": "9.99"}]
        _sim, order, sale = self.import_order(lines=lines)
        self.assertTrue(order.amount_mismatch)
        self.assertTrue(sale.mirakl_amount_mismatch)
        self.assertAlmostEqual(sale.mirakl_amount_difference, 0.01)
        self.assertEqual(sale.order_line.filtered("mirakl_line_id").price_unit, 9.99)
        self.assertIn(sale, self.env["sale.order"].search([("mirakl_amount_mismatch", "=", True)]))
        self.assertTrue(any("totals differ" in body for body in sale.message_ids.mapped("body")))

    def test_unmapped_tax_is_a_clear_error(self):
        lines = [
            {
                "offer_sku": "SKU-A",
                "quantity": 1,
                "price_unit": "10.00",
                "taxes": [{"code": "ECO", "amount": "0.50"}],
            }
        ]
        sim_order = self.add_order("SHIPPING", lines=lines)
        self.import_orders()
        order = self.mirakl_order(sim_order.order_id)
        self.assertEqual(order.import_state, "error")
        self.assertIn("No Odoo tax for the Mirakl tax ECO", order.import_error)

    def test_shipping_line_with_the_mapped_carrier(self):
        _sim, _order, sale = self.import_order(shipping={"carrier_code": "UPS", "tracking": "1Z"})
        self.assertEqual(sale.carrier_id, self.ups)
        delivery_line = sale.order_line.filtered("is_delivery")
        self.assertEqual(delivery_line.price_unit, 5.0)
        self.assertEqual(delivery_line.product_id, self.ups.product_id)
        self.assertEqual(delivery_line.tax_id, self.tax_excluded)
        # Without a mapped carrier, the Marketplace's default delivery method.
        _sim, _order, other = self.import_order()
        self.assertEqual(other.carrier_id, self.default_carrier)

    def test_promotion_as_mirakl_states_it(self):
        lines = [
            {
                "offer_sku": "SKU-A",
                "quantity": 2,
                "price_unit": "10.00",
                "origin_unit_price": "12.00",
                "promotion": {
                    "id": "SPRING",
                    "type": "AMOUNT_OFF",
                    "description": "Spring sale",
                    "amount_off": "2.00",
                },
            }
        ]
        sim_order, _order, sale = self.import_order(lines=lines)
        line = sale.order_line.filtered("mirakl_line_id")
        self.assertEqual(line.price_unit, 10.0)
        self.assertIn("Spring sale: -4.00", line.name)
        self.assertIn("was 12.00", line.name)
        self.assertEqual(self.odoo_totals(sale), self.mirakl_totals(sim_order))

    def test_sale_order_at_acceptance_is_completed_and_confirmed_when_paid(self):
        self.marketplace.sale_order_state = "WAITING_DEBIT_PAYMENT"
        sim_order, _order, sale = self.import_order("WAITING_DEBIT_PAYMENT")
        self.assertEqual(sale.state, "draft", "no stock reserved before Mirakl says to ship")
        self.assertEqual(sale.partner_shipping_id, sale.partner_id, "no address yet")
        self.simulator.set_order_state(sim_order.order_id, "SHIPPING")
        self.import_orders()
        self.assertEqual(sale.state, "sale")
        self.assertEqual(sale.partner_shipping_id.parent_id, sale.partner_id)
        self.assertTrue(sale.partner_shipping_id.street)
        self.assertEqual(sale.picking_ids.partner_id, sale.partner_shipping_id)

    def test_marketplace_settings_on_the_sale_order(self):
        channel = self.env["mirakl.channel"].create(
            {"instance_id": self.marketplace.id, "code": "WEB", "label": "Website"}
        )
        team = self.env["crm.team"].create({"name": "Marketplaces"})
        self.marketplace.team_id = team
        _sim, order, sale = self.import_order(channel="WEB")
        self.assertEqual(order.channel_id, channel)
        self.assertEqual(sale.mirakl_channel_id, channel)
        self.assertEqual(sale.team_id, team)
        self.assertEqual(sale.user_id, self.marketplace.user_id)
        self.assertEqual(sale.client_order_ref, order.commercial_id)

    def test_tax_mapping_follows_the_tax_mode(self):
        with self.assertRaisesRegex(ValidationError, "tax excluded"):
            self.env["mirakl.tax.mapping"].create(
                {
                    "instance_id": self.marketplace.id,
                    "tax_code": "VAT",
                    "rate": 5.5,
                    "tax_id": self.tax_included.id,
                }
            )

    def test_fulfilment_centre_ships_from_its_warehouse(self):
        other = self.env["stock.warehouse"].create(
            {"name": "Fulfilment", "code": "FUL", "mirakl_fulfillment_center_code": "FC-EAST"}
        )
        _sim, _order, sale = self.import_order(fulfillment_center="FC-EAST")
        self.assertEqual(sale.warehouse_id, other)
        self.assertEqual(sale.mirakl_fulfillment_center, "FC-EAST")

    def test_invoice_and_payment_on_the_mapped_journal(self):
        bank = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )
        self.marketplace.write({"auto_invoice": True, "payment_journal_id": bank.id})
        _sim, _order, sale = self.import_order()
        invoice = sale.invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_total, sale.amount_total)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        # A payment workflow mapped to "no invoice" wins over the Marketplace's default.
        self.env["mirakl.payment.mapping"].create(
            {
                "instance_id": self.marketplace.id,
                "payment_workflow": "PAY_ON_ACCEPTANCE",
                "auto_invoice": False,
            }
        )
        _sim, _order, other = self.import_order()
        self.assertFalse(other.invoice_ids)

    def test_lines_cannot_be_changed_unless_syncing_is_stopped(self):
        _sim, order, sale = self.import_order()
        line = sale.order_line.filtered("mirakl_line_id")[0]
        with self.assertRaisesRegex(UserError, "come from Mirakl"):
            line.price_unit = 1.0
        with self.assertRaisesRegex(UserError, "come from Mirakl"):
            line.unlink()
        with self.assertRaisesRegex(UserError, "come from Mirakl"):
            sale.order_line = [Command.create({"product_id": self.products[2].id})]
        line.name = "Another description"  # harmless
        sale.mirakl_sync_stopped = True
        self.assertTrue(order.sync_stopped)
        line.price_unit = 1.0
        self.assertEqual(line.price_unit, 1.0)

    def test_no_email_to_marketplace_buyers(self):
        _sim, _order, sale = self.import_order()
        buyer = sale.partner_id
        buyer.email = "notification+abc@notification.mirakl.net"  # typed in by someone
        sale.message_subscribe(buyer.ids)
        message = sale.message_post(
            body="Your order is on its way",
            partner_ids=buyer.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertFalse(message.notification_ids.filtered(lambda n: n.res_partner_id == buyer))
        self.assertFalse(self.env["mail.mail"].search([("recipient_ids", "in", buyer.ids)]))
