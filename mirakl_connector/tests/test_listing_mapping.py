# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import datetime
from decimal import Decimal

from odoo.tests import BaseCase, tagged

from ..mapping import listing as mapping
from ..mirakl import schemas

CODES = {"condition": {"11": 1}, "logistic_class": {"S": 2}, "channel": {"WEB": 3, "APP": 4}}


@tagged("post_install", "-at_install")
class TestListingMapping(BaseCase):
    """The pure offer -> listing values functions, without database."""

    def exported(self, **fields):
        return schemas.ExportedOffer.model_validate({"offer_id": 1, "shop_sku": "A", **fields})

    def test_only_the_fields_sent_are_mapped(self):
        values = mapping.listing_values(self.exported(quantity=3), CODES)
        self.assertEqual(
            values,
            {
                "offer_id": "1",
                "shop_sku": "A",
                "quantity": 3,
                "deleted": False,
                "active": True,
            },
        )

    def test_export_prices_pick_the_price_for_everyone(self):
        offer = self.exported(
            prices=[
                {"context": {"channel_codes": ["WEB"]}, "origin_price": 9},
                {
                    "origin_price": "100.00",
                    "discount_price": "80.00",
                    "discount_start_date": "2025-06-01T00:00:00Z",
                },
            ]
        )
        self.assertEqual(
            mapping.price_values(offer),
            {
                "price": 80.0,
                "origin_price": 100.0,
                "discount_price": 80.0,
                "discount_start_date": datetime(2025, 6, 1),
                "discount_end_date": False,
            },
        )

    def test_of21_prices_use_the_applicable_pricing(self):
        offer = schemas.Offer.model_validate(
            {
                "offer_id": 1,
                "shop_sku": "A",
                "price": Decimal("12.5"),
                "applicable_pricing": {"price": "12.5", "unit_origin_price": "15"},
            }
        )
        values = mapping.price_values(offer)
        self.assertEqual((values["price"], values["origin_price"]), (12.5, 15.0))

    def test_references_and_master_data_codes(self):
        offer = self.exported(
            product_references=[
                {"reference_type": "EAN", "reference": "3000000000017"},
                {"reference_type": "EAN", "reference": "3000000000024"},
                {"reference_type": "ASIN", "reference": "B00X"},
            ],
            state_code="11",
            logistic_class={"code": "XL"},
            channels=["APP", "WEB", "UNKNOWN"],
        )
        values = mapping.listing_values(offer, CODES)
        self.assertEqual(values["ean"], "3000000000017", "the first EAN")
        self.assertEqual(values["references"], "EAN 3000000000017, EAN 3000000000024, ASIN B00X")
        self.assertEqual(values["condition_id"], 1)
        self.assertFalse(values["logistic_class_id"], "not imported yet")
        self.assertEqual(values["channel_ids"], [(6, 0, [3, 4])])

    def test_active_offer_has_no_inactivity_reason(self):
        inactive = mapping.listing_values(
            self.exported(active=False, inactivity_reasons=["ZERO_QUANTITY", "SHOP_NOT_OPEN"]),
            CODES,
        )
        self.assertEqual(inactive["inactivity_reasons"], "ZERO_QUANTITY, SHOP_NOT_OPEN")
        active = mapping.listing_values(self.exported(active=True), CODES)
        self.assertFalse(active["inactivity_reasons"])

    def test_deleted_offer_archives_its_listing(self):
        values = mapping.listing_values(self.exported(deleted=True, active=False), CODES)
        self.assertEqual((values["deleted"], values["active"]), (True, False))

    def test_barcode_candidates_cover_upc_and_ean_forms(self):
        self.assertEqual(
            mapping.barcode_candidates({"upc": "012345678905", "ean": "0012345678905"}),
            ["0012345678905", "012345678905", "012345678905", "0012345678905"],
        )
        self.assertEqual(mapping.barcode_candidates({"mpn": "M-1"}), [])

    def test_hash_follows_the_values(self):
        values = mapping.listing_values(self.exported(quantity=3), CODES)
        same = mapping.listing_values(self.exported(quantity=3), CODES)
        other = mapping.listing_values(self.exported(quantity=4), CODES)
        self.assertEqual(mapping.values_hash(values), mapping.values_hash(same))
        self.assertNotEqual(mapping.values_hash(values), mapping.values_hash(other))
