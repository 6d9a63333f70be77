# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from decimal import Decimal

from odoo.tests import BaseCase, tagged

from ..mapping import order as mapping


def line(line_id="L1", state="SHIPPING", quantity=2, price_unit="10.00", **extra):
    values = {
        "order_line_id": line_id,
        "order_line_state": state,
        "offer_sku": "SKU-A",
        "quantity": quantity,
        "price_unit": price_unit,
        "price": str(Decimal(price_unit) * quantity),
        "shipping_price": "0",
        "taxes": [],
        "shipping_taxes": [],
    }
    values.update(extra)
    return values


@tagged("post_install", "-at_install")
class TestOrderMapping(BaseCase):
    """The pure functions turning a Mirakl order into Odoo values."""

    def test_fingerprint_ignores_key_order_and_keeps_cents(self):
        first, digest = mapping.fingerprint({"b": Decimal("10.50"), "a": 1})
        _second, other = mapping.fingerprint({"a": 1, "b": Decimal("10.50")})
        self.assertEqual(digest, other)
        self.assertEqual(first, {"a": 1, "b": "10.50"})
        self.assertNotEqual(digest, mapping.fingerprint({"a": 1, "b": Decimal("10.51")})[1])

    def test_summary_never_fails(self):
        self.assertEqual(
            mapping.summary({"last_updated_date": "yesterday"}),
            {"mirakl_order_id": False, "mirakl_state": "OTHER", "last_updated_date": False},
        )
        summary = mapping.summary(
            {
                "order_id": "X-A",
                "order_state": "NEW_STATE",
                "last_updated_date": "2025-01-02T03:04:05.678Z",
            }
        )
        self.assertEqual(summary["mirakl_state"], "OTHER", "Mirakl adds states without notice")
        self.assertEqual(summary["last_updated_date"].isoformat(), "2025-01-02T03:04:05.678000")

    def test_check_names_everything_missing(self):
        with self.assertRaises(mapping.PayloadError) as caught:
            mapping.check({"order_id": "X-A", "order_lines": [{"order_line_id": "X-A-1"}]})
        message = str(caught.exception)
        for problem in (
            "no order_state",
            "no customer.customer_id",
            "order_lines[0]: no quantity",
            "order_lines[0]: no price_unit",
            "order_lines[0]: no offer_sku",
        ):
            self.assertIn(problem, message)

    def test_check_refuses_a_line_twice(self):
        line = {"order_line_id": "X-A-1", "order_line_state": "SHIPPING", "quantity": 1}
        with self.assertRaises(mapping.PayloadError) as caught:
            mapping.check(
                {
                    "order_id": "X-A",
                    "order_lines": [
                        {**line, "offer_sku": "A", "price_unit": "1"},
                        {**line, "offer_sku": "B", "price_unit": "2"},
                    ],
                }
            )
        self.assertIn("order_lines[1]: order_line_id X-A-1 appears twice", str(caught.exception))

    def test_alpha3_countries(self):
        self.assertEqual(
            [mapping.alpha2(code) for code in ("FRA", "usa", "DEU", "XKX", "BE", "ABC", None)],
            ["FR", "US", "DE", "XK", "BE", None, None],
        )

    def test_address_values_and_key(self):
        address = {
            "firstname": "Anna",
            "lastname": "Rossi",
            "company": "Rossi Srl",
            "street_1": "Via Roma 1",
            "zip_code": "10121",
            "city": "Torino",
            "state": "TO",
            "country_iso_code": "ITA",
            "phone": "+39 011",
        }
        values = mapping.address_values(address, {"IT": 7}, {(7, "to"): 70})
        self.assertEqual(values["name"], "Anna Rossi (Rossi Srl)")
        self.assertEqual((values["country_id"], values["state_id"]), (7, 70))
        shouting = dict(address, city=" TORINO ", street_1="VIA ROMA 1")
        same = mapping.address_values(shouting, {"IT": 7}, {(7, "to"): 70})
        self.assertEqual(mapping.address_key(values), mapping.address_key(same))
        moved = mapping.address_values(dict(address, city="Milano"), {"IT": 7}, {})
        self.assertNotEqual(mapping.address_key(values), mapping.address_key(moved))

    def test_expected_totals_follow_the_tax_mode_and_cancellations(self):
        taxed = line(
            quantity=2,
            shipping_price="5.00",
            taxes=[{"code": "VAT", "rate": 20, "amount": "4.00"}],
            shipping_taxes=[{"code": "VAT", "rate": 20, "amount": "1.00"}],
            cancelations=[
                {
                    "quantity": 1,
                    "amount": "10.00",
                    "shipping_amount": "0",
                    "taxes": [{"amount": "2.00"}],
                }
            ],
        )
        refused = line("L2", state="REFUSED", taxes=[{"code": "VAT", "amount": "9.99"}])
        payload = {"order_tax_mode": "TAX_EXCLUDED", "order_lines": [taxed, refused]}
        self.assertEqual(
            mapping.expected_totals(payload), (Decimal("15.00"), Decimal("3.00"), Decimal("18.00"))
        )
        payload["order_tax_mode"] = "TAX_INCLUDED"
        self.assertEqual(
            mapping.expected_totals(payload), (Decimal("12.00"), Decimal("3.00"), Decimal("15.00"))
        )
        self.assertEqual(mapping.line_quantity(taxed), 1)
        self.assertEqual(mapping.line_quantity(refused), 0)
        self.assertEqual(
            mapping.shipping_groups([taxed]), {(("VAT", Decimal(20)),): Decimal("5.00")}
        )

    def test_totals_difference_is_zero_to_the_cent(self):
        expected = (Decimal("50.50"), Decimal("10.10"), Decimal("60.60"))
        self.assertEqual(mapping.totals_difference(expected, (50.5, 10.1, 60.6000001)), 0)
        self.assertEqual(mapping.totals_difference(expected, (50.5, 10.09, 60.59)), Decimal("0.01"))

    def test_promotions(self):
        promoted = line(
            quantity=3,
            price_unit="10.00",
            price="28.00",
            origin_unit_price="12.00",
            promotions=[
                {
                    "id": "P1",
                    "deduced_amount": "8",
                    "configuration": {"internal_description": "Spring"},
                }
            ],
        )
        self.assertEqual(mapping.promotion_remainder(promoted), Decimal("-2.00"))
        self.assertEqual(
            mapping.promotion_note(promoted), "Promotion: Spring: -8.00, was 12.00 per unit"
        )
        self.assertEqual(mapping.promotion_note(line()), "")

    def test_states_from(self):
        self.assertIn("SHIPPED", mapping.states_from("SHIPPING"))
        self.assertIn("SHIPPING", mapping.states_from("SHIPPING"))
        self.assertNotIn("WAITING_DEBIT_PAYMENT", mapping.states_from("SHIPPING"))
        self.assertNotIn("CANCELED", mapping.states_from("SHIPPING"))

    def test_acceptance_rules(self):
        lines = [
            line("L1", quantity=3, offer_sku="SKU-A"),
            line("L2", quantity=3, offer_sku="SKU-A"),
            line("L3", quantity=1, offer_sku="SKU-B", price_unit="11.00"),
            line("L4", quantity=1, offer_sku="SKU-C"),
        ]
        refusals = mapping.rule_refusals(
            lines,
            products={"L1": 1, "L2": 1, "L3": 2, "L4": False},
            free_qty={1: 7.0, 2: 5.0},
            prices={"L1": "10", "L2": "10", "L3": "10"},
            buffer=2,
            tolerance=5,
        )
        self.assertEqual(sorted(refusals), ["L1", "L2", "L3", "L4"])
        self.assertEqual(refusals["L1"], "5 free after the buffer, 6 ordered")
        self.assertIn("more than 5% away from 10", refusals["L3"])
        self.assertIn("no Odoo product for SKU SKU-C", refusals["L4"])
        relaxed = mapping.rule_refusals(
            lines[:3],
            products={"L1": 1, "L2": 1, "L3": 2},
            free_qty={1: 8.0, 2: 5.0},
            prices={"L1": "10", "L2": "10", "L3": "10"},
            buffer=2,
            tolerance=10,
        )
        self.assertEqual(relaxed, {})
