"""Pure unit tests of the schemas: Mirakl's own example payloads, dates, money, tolerance."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from mirakl import schemas


def _decimal_json(payload):
    """What the client feeds the models: JSON floats as Decimal."""
    return json.loads(json.dumps(payload), parse_float=Decimal)


def test_account_example(example):
    account = schemas.Account.model_validate(_decimal_json(example("A01_account.json")))
    assert (account.shop_id, account.shop_name, account.shop_state) == (2000, "ACME SHOP", "OPEN")
    assert account.currency_iso_code == "USD"
    assert account.date_created == datetime(2019, 3, 25, 14, 34, 3, tzinfo=UTC)
    assert account.contact_informations.email == "shop@mail.com"
    address = account.default_billing_information.registration_address
    assert (address.country_iso_code, address.street_2) == ("USA", None)
    assert account.payment_details.paid_balance == Decimal("-170.06")
    assert account.payment_details.sub_balances[0].pending == Decimal("512.84")
    assert account.payment_info.type == "ABA"
    assert account.shippings[0].shipping_free_amount == Decimal(550)
    assert account.shop_additional_fields[2].value == "Opt-In"
    assert account.kyc.status == "REFUSED"
    assert account.pro_details["corporate_name"] == "ACME SHOP"  # deprecated, kept as extra


def test_platform_configuration_example(example):
    payload = example("PC01_platform_configuration.json")
    config = schemas.PlatformConfiguration.model_validate(_decimal_json(payload))
    features = config.features
    assert features.order_tax_mode == "TAX_EXCLUDED"
    assert features.order_workflows.order_acceptance == "NOT_AUTOMATIC"
    assert features.order_workflows.shipping_and_billing_details_before_acceptance is False
    assert features.shipment.multi_shipment is True
    assert features.pricing.channel_pricing == "DISABLED"
    assert features.operator_csv_delimiter == "SEMICOLON"
    assert features.offer_prices_decimals == "2"
    assert config.timezone == "Europe/Paris"
    assert config.platform_configuration["platform_model"]["marketplace"] is True  # extra


@pytest.mark.parametrize(
    "filename, key, model, first_code",
    [
        ("SH11_shipping_zones.json", "shipping_zones", schemas.ShippingZone, "DOM1"),
        ("SH12_shipping_types.json", "shipping_types", schemas.ShippingType, "STD"),
        ("SH21_carriers.json", "carriers", schemas.Carrier, "FED"),
        ("SH31_logistic_classes.json", "logistic_classes", schemas.LogisticClass, "S"),
        ("CH11_channels.json", "channels", schemas.Channel, "BFR"),
        ("OF61_offer_conditions.json", "offer_states", schemas.OfferCondition, "4"),
        ("H11_hierarchies.json", "hierarchies", schemas.Hierarchy, "5911111"),
        ("AF01_additional_fields.json", "additional_fields", schemas.AdditionalField, "ecotax"),
        ("RE01_reasons.json", "reasons", schemas.Reason, "1"),
        ("CUR01_currencies.json", "currencies", schemas.Currency, "EUR"),
        ("L01_locales.json", "locales", schemas.Locale, "de_DE"),
        ("DO01_document_types.json", "documents", schemas.DocumentType, "SYSTEM_DELIVERY_BILL"),
        ("OR75_order_taxes.json", "taxes", schemas.OrderTax, "ECO_TAX"),
    ],
)
def test_reference_examples(example, filename, key, model, first_code):
    items = [model.model_validate(item) for item in _decimal_json(example(filename))[key]]
    assert items and items[0].code == first_code
    assert all(item.label for item in items)


def test_reference_details(example):
    shipping_type = schemas.ShippingType.model_validate(
        example("SH12_shipping_types.json")["shipping_types"][0]
    )
    assert shipping_type.mandatory_tracking is True and shipping_type.standard_code == "CU_ADD-STD"
    carrier = schemas.Carrier.model_validate(example("SH21_carriers.json")["carriers"][0])
    assert "{trackingId}" in carrier.tracking_url
    hierarchy = schemas.Hierarchy.model_validate(example("H11_hierarchies.json")["hierarchies"][0])
    assert (hierarchy.level, hierarchy.parent_code) == (2, "59")
    assert hierarchy.label_translations[1].value == "Protection solaire"
    field = schemas.AdditionalField.model_validate(
        example("AF01_additional_fields.json")["additional_fields"][4]
    )
    assert field.accepted_values == ["Opt-In", "Headhunted", "Contact-Form"]
    reason = schemas.Reason.model_validate(example("RE01_reasons.json")["reasons"][2])
    assert (reason.type, reason.is_shop_right) == ("REFUND", True)


@pytest.mark.parametrize(
    "filename", ["OF21_offers_list.json", "OF21_offers_list_multi_channel_pricing.json"]
)
def test_offer_examples(example, filename):
    offer = schemas.Offer.model_validate(_decimal_json(example(filename))["offers"][0])
    assert offer.offer_id and offer.shop_sku
    assert offer.product_references[0].reference_type
    assert isinstance(offer.price, Decimal)
    assert all(isinstance(p.unit_origin_price, Decimal) for p in offer.all_prices)
    assert offer.shipping_deadline.tzinfo is UTC


def test_offer_example_details(example):
    offer = schemas.Offer.model_validate(
        _decimal_json(example("OF21_offers_list.json"))["offers"][0]
    )
    assert (offer.offer_id, offer.shop_sku, offer.state_code) == (2135, "S2002", "11")
    assert offer.product_references[0].reference == "9400016774345"
    assert offer.all_prices[0].channel_code is None
    assert offer.applicable_pricing.context.customer_group_ids == ["Group2", "Group3"]
    assert offer.applicable_pricing.volume_prices[1].price == Decimal(19)
    assert offer.eco_contributions[0].eco_contribution_amount == Decimal("3.59")
    assert offer.shipping_deadline == datetime(2019, 9, 1, 23, 59, 59, 999000, tzinfo=UTC)
    assert offer.warehouses[1].quantity == 250000
    assert offer.fulfillment.center.code == "FULFILLMENT_CENTER_CODE"
    assert offer.discount["origin_price"] == Decimal(50)  # deprecated, kept as extra


def test_offer_import_example(example):
    payload = example("OF04_imports_list.json")
    imports = [schemas.OfferImport.model_validate(item) for item in payload["data"]]
    assert [item.import_id for item in imports] == [2029, 2028]
    assert imports[1].reason_status.startswith("A parsing error")
    assert imports[0].date_created == datetime(2021, 5, 11, 14, 50, 25, tzinfo=UTC)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2019-04-02T14:56:01Z", datetime(2019, 4, 2, 14, 56, 1, tzinfo=UTC)),
        ("2019-04-02T14:58:22.460Z", datetime(2019, 4, 2, 14, 58, 22, 460000, tzinfo=UTC)),
        ("2019-04-02T16:58:22+02:00", datetime(2019, 4, 2, 14, 58, 22, tzinfo=UTC)),
        ("2019-04-02T14:58:22", datetime(2019, 4, 2, 14, 58, 22, tzinfo=UTC)),
    ],
)
def test_utc_datetime(raw, expected):
    imported = schemas.OfferImport.model_validate({"import_id": 1, "date_created": raw})
    assert imported.date_created == expected
    assert imported.date_created.tzinfo is UTC
    assert imported.date_created.utcoffset().total_seconds() == 0


def test_unknown_fields_and_enum_values_are_kept():
    account = schemas.Account.model_validate(
        {
            "shop_id": 1,
            "shop_name": "S",
            "shop_state": "BRAND_NEW_STATE",
            "currency_iso_code": "EUR",
            "new_field": {"x": 1},
        }
    )
    assert account.shop_state == "BRAND_NEW_STATE"
    assert account.new_field == {"x": 1}


def test_nulls_are_tolerated():
    account = schemas.Account.model_validate(
        {
            "shop_id": 1,
            "shop_name": "S",
            "shop_state": "OPEN",
            "currency_iso_code": "EUR",
            "contact_informations": None,
            "default_billing_information": {"registration_address": None},
            "channels": None,
            "shippings": None,
            "payment_details": None,
            "closed_from": None,
        }
    )
    assert account.contact_informations is None
    assert account.default_billing_information.registration_address is None
    assert account.channels == [] and account.shippings == []


def test_numbers_accepted_where_strings_are_documented():
    offer = schemas.Offer.model_validate({"offer_id": 1, "shop_sku": 1234, "state_code": 11})
    assert (offer.shop_sku, offer.state_code) == ("1234", "11")


def test_money_is_decimal_even_from_float():
    offer = schemas.Offer.model_validate({"offer_id": 1, "shop_sku": "A", "price": 10.1})
    assert offer.price == Decimal("10.1")


def test_identity_fields_are_required():
    with pytest.raises(ValidationError, match="shop_id"):
        schemas.Account.model_validate(
            {"shop_name": "S", "shop_state": "OPEN", "currency_iso_code": "EUR"}
        )
