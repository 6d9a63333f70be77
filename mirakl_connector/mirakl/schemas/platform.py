"""PC01 `GET /api/platform/configuration`: the operator settings that drive the connector.

Typed are the settings the connector reads (tax mode, acceptance, shipment, pricing, CSV delimiter);
the rest of `features`, `modules` and `platform_configuration` stays available as extra fields.
"""

from .common import MiraklModel, NullableList


class OrderWorkflows(MiraklModel):
    order_acceptance: str | None = None  # AUTOMATIC | NOT_AUTOMATIC | BOTH
    shipping_and_billing_details_before_acceptance: bool | None = None
    no_customer_payment_confirmation: bool | None = None
    pause_debit_workflow: bool | None = None
    pay_on_due_date: bool | None = None
    pay_on_shipment: bool | None = None
    sellers_edit_shipping_origin: bool | None = None


class ShipmentFeatures(MiraklModel):
    multi_shipment: bool | None = None
    multi_part_item_shipment: bool | None = None


class PricingFeatures(MiraklModel):
    channel_pricing: str | None = None  # DISABLED | SINGLE | MULTI
    scheduled_pricing: bool | None = None
    volume_discount: bool | None = None
    volume_pricing: bool | None = None
    discount_period_required: bool | None = None


class ReturnsFeatures(MiraklModel):
    marketplace: bool | None = None
    drop_ship: bool | None = None
    one_creditor: bool | None = None


class CatalogFeatures(MiraklModel):
    list_of_multiple_values_separator: str | None = None
    product_import_only_on_leaf: bool | None = None


class WarehousesFeatures(MiraklModel):
    geolocation: bool | None = None
    restricted_countries: NullableList[str]


class PlatformFeatures(MiraklModel):
    order_tax_mode: str | None = None  # TAX_INCLUDED | TAX_EXCLUDED
    order_workflows: OrderWorkflows | None = None
    shipment: ShipmentFeatures | None = None
    pricing: PricingFeatures | None = None
    returns: ReturnsFeatures | None = None
    catalog: CatalogFeatures | None = None
    warehouses: WarehousesFeatures | None = None
    operator_csv_delimiter: str | None = None  # COMMA | SEMICOLON
    offer_prices_decimals: str | None = None  # a string in the spec, e.g. "2"
    multi_currency: bool | None = None
    disable_seller_alternative_carrier: bool | None = None
    lead_time_to_ship_by_sellers_enabled: str | None = None


class PlatformModules(MiraklModel):
    offer_management: bool | None = None
    order_management: bool | None = None
    promotions: bool | None = None
    quotes: bool | None = None


class PlatformConfiguration(MiraklModel):
    tenant_name: str | None = None
    platform_name: str | None = None
    timezone: str | None = None  # e.g. Europe/Paris; API timestamps stay UTC
    features: PlatformFeatures | None = None
    modules: PlatformModules | None = None
