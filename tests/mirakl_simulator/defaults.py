"""Defaults of an empty operator: a complete PC01 body and a minimal set of reference data.

Every field the spec marks required is present (Mirakl's own PC01 example omits several), so a
fresh simulator already answers schema-valid bodies. Tests edit the returned dicts freely.
"""


def platform_configuration():
    """PC01 body of a plain marketplace: tax-excluded orders, manual acceptance, one price."""
    return {
        "features": {
            "catalog": {
                "allow_shop_contribution_to_all_channels": True,
                "exclude_invalid_products": True,
                "list_of_multiple_values_separator": "|",
                "product_acceptance_by_channel": False,
                "product_data_validation_by_channel": False,
                "product_import_only_on_leaf": True,
            },
            "circular_economy_data_collection": False,
            "competitive_pricing_tool": False,
            "direct_payment_customer_store": {
                "activated": False,
                "refund_cancel_authorized": False,
            },
            "disable_seller_alternative_carrier": False,
            "dropship": {"retail_pricing_enabled": False},
            "kyc_status_per_seller": False,
            "lead_time_to_ship_by_sellers_enabled": "YES",
            "multi_currency": False,
            "multi_payout_psp_per_seller": False,
            "no_reply_needed": True,
            "offer_prices_decimals": "2",
            "operator_csv_delimiter": "SEMICOLON",
            "order_conditions": {
                "lead_time_to_ship": True,
                "maximum_order_quantity": False,
                "minimum_order_quantity": False,
                "package_order_quantity": False,
            },
            "order_tax_mode": "TAX_EXCLUDED",
            "order_workflows": {
                "no_customer_payment_confirmation": False,
                "order_acceptance": "NOT_AUTOMATIC",
                "pause_debit_workflow": False,
                "pay_on_due_date": False,
                "pay_on_shipment": False,
                "sellers_edit_shipping_origin": False,
                "shipping_and_billing_details_before_acceptance": False,
            },
            "payment_confirmation": False,
            "pricing": {
                "channel_pricing": "DISABLED",
                "discount_period_required": False,
                "discount_price_creation_in_the_past_blocked": False,
                "scheduled_pricing": False,
                "volume_discount": False,
                "volume_pricing": False,
            },
            "product_data_validation_by_channel": False,
            "promotion": {
                "cart_promotion_campaign": False,
                "discount_campaign": False,
                "seller_promotion": False,
            },
            "returns": {"drop_ship": False, "marketplace": False, "one_creditor": False},
            "shipment": {"multi_part_item_shipment": False, "multi_shipment": False},
            "shop_tax_options": {"tax_identification_number": {"mandatory": False}},
            "tax_collection": {
                "activated": "NO",
                "product_tax_code_mandatory": False,
                "tax_collection_by_operator": False,
            },
            "tax_id_number": {"mandatory": False},
            "warehouses": {"geolocation": False, "restricted_countries": []},
        },
        "modules": {
            "mirakl_catalog_integrator": False,
            "mirakl_catalog_manager": False,
            "mirakl_catalog_transformer": False,
            "mirakl_platform_services": False,
            "offer_management": True,
            "order_management": True,
            "promotions": False,
            "quotes": False,
            "tax_manager": {
                "activated": False,
                "tax_provider": {"avalara": False, "vertex": False},
            },
        },
        "platform_configuration": {
            "customer_model": {"b2b": False, "b2c": True},
            "enhanced_seller_invoicing": {"enabled": False},
            "platform_model": {"drop_ship": False, "marketplace": True, "one_creditor": False},
        },
        "platform_name": "Simulated Marketplace",
        "tenant_name": "simulator-prod",
        "timezone": "Europe/Paris",
    }


def reference_data():
    """One small, valid entry set per reference list (keys are the response list names)."""
    return {
        "shipping_zones": [
            {"code": "FR", "label": "France", "description": "Metropolitan France"},
        ],
        "shipping_types": [
            {
                "code": "STD",
                "label": "Standard",
                "description": "Standard delivery (3-5 days)",
                "standard_code": "STD",
                "click_and_collect": False,
                "delivery_by_operator": False,
                "mandatory_tracking": False,
                "ignore_lead_time_to_ship": False,
            },
        ],
        "carriers": [
            {
                "code": "UPS",
                "label": "UPS",
                "standard_code": "UPS",
                "tracking_url": "https://www.ups.com/track?tracknum={trackingId}",
            },
        ],
        "logistic_classes": [{"code": "S", "label": "Small", "description": "Small parcel"}],
        "channels": [{"code": "WEB", "label": "Website", "description": "Main website"}],
        "offer_states": [{"code": "11", "label": "New"}],
        "hierarchies": [
            {
                "code": "ROOT",
                "label": "All products",
                "level": 1,
                "parent_code": "",
                "label_translations": [{"locale": "en_US", "value": "All products"}],
            },
        ],
        "additional_fields": [],
        "reasons": [
            {"code": "REF1", "label": "Customer return", "type": "REFUND", "is_shop_right": True},
            {"code": "CAN1", "label": "Out of stock", "type": "CANCELATION", "is_shop_right": True},
        ],
        "currencies": [{"code": "EUR", "label": "Euro", "platform_default": True}],
        "locales": [{"code": "en_US", "label": "English - US", "platform_default": True}],
        "documents": [
            {
                "code": "CUSTOMER_INVOICE",
                "label": "Customer invoice",
                "description": "Invoice sent to the customer",
                "entity": "ORDER",
                "mime_types": ["application/pdf"],
            },
        ],
        "taxes": [
            {"code": "VAT", "label": "VAT", "tax_calculation_rule": "PROPORTIONAL_TO_AMOUNT"},
        ],
    }
