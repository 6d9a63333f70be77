"""OF21 `GET /api/offers`: the shop's offers (spec `OF21_Response_200.offers[]`).

`discount` is deprecated in favour of `applicable_pricing` / `all_prices` and left to extra fields.
"""

from .common import AdditionalFieldValue, MiraklModel, Money, NullableList, UtcDatetime


class ProductReference(MiraklModel):
    reference: str
    reference_type: str  # EAN | UPC | ISBN | MPN | ... (operator-defined)


class VolumePrice(MiraklModel):
    quantity_threshold: int | None = None
    price: Money | None = None
    unit_origin_price: Money | None = None
    unit_discount_price: Money | None = None


class PricingContext(MiraklModel):
    channel_codes: NullableList[str]
    customer_group_ids: NullableList[str]
    customer_organization_ids: NullableList[str]
    start_date: UtcDatetime | None = None
    end_date: UtcDatetime | None = None


class OfferPricing(MiraklModel):
    """One price of `all_prices`, or the `applicable_pricing`."""

    channel_code: str | None = None
    context: PricingContext | None = None
    price: Money | None = None
    unit_origin_price: Money | None = None
    unit_discount_price: Money | None = None
    discount_start_date: UtcDatetime | None = None
    discount_end_date: UtcDatetime | None = None
    volume_prices: NullableList[VolumePrice]


class OfferLogisticClass(MiraklModel):
    code: str
    label: str | None = None


class FulfillmentCenter(MiraklModel):
    code: str | None = None


class Fulfillment(MiraklModel):
    center: FulfillmentCenter | None = None


class WarehouseQuantity(MiraklModel):
    code: str
    quantity: int | None = None


class EcoContribution(MiraklModel):
    epr_category_code: str
    producer_id: str | None = None
    eco_contribution_amount: Money | None = None


class Offer(MiraklModel):
    """A seller offer: the product it sells, stock, prices and shipping settings."""

    offer_id: int
    shop_sku: str
    product_sku: str | None = None
    product_title: str | None = None
    product_brand: str | None = None
    product_description: str | None = None
    product_references: NullableList[ProductReference]
    product_tax_code: str | None = None
    category_code: str | None = None
    category_label: str | None = None
    state_code: str | None = None  # OF61 condition code
    active: bool | None = None
    inactivity_reasons: NullableList[str]
    quantity: int | None = None
    warehouses: NullableList[WarehouseQuantity]
    currency_iso_code: str | None = None
    price: Money | None = None
    total_price: Money | None = None
    msrp: Money | None = None
    applicable_pricing: OfferPricing | None = None
    all_prices: NullableList[OfferPricing]
    price_additional_info: str | None = None
    description: str | None = None
    internal_description: str | None = None
    leadtime_to_ship: int | None = None
    logistic_class: OfferLogisticClass | None = None
    min_shipping_price: Money | None = None
    min_shipping_price_additional: Money | None = None
    min_shipping_type: str | None = None
    min_shipping_zone: str | None = None
    shipping_deadline: UtcDatetime | None = None
    available_start_date: UtcDatetime | None = None
    available_end_date: UtcDatetime | None = None
    min_order_quantity: int | None = None
    max_order_quantity: int | None = None
    package_quantity: int | None = None
    min_quantity_alert: int | None = None
    allow_quote_requests: bool | None = None
    channels: NullableList[str]
    favorite_rank: int | None = None
    fulfillment: Fulfillment | None = None
    eco_contributions: NullableList[EcoContribution]
    offer_additional_fields: NullableList[AdditionalFieldValue]
