"""OF52-OF54 asynchronous offer export: the tracking id, the export status and the exported offers.

`ExportedOffer` follows the spec's OF54 JSON schema (`OF54_Response_200_Ext_FileStructure`). That
schema has no `product_references`, `product_title` nor `inactivity_reasons`: they are typed here
as optional lists/values (empty when Mirakl leaves them out), so callers must not rely on them.
"""

from .common import AdditionalFieldValue, MiraklModel, Money, NullableList, UtcDatetime
from .offers import (
    EcoContribution,
    Fulfillment,
    OfferLogisticClass,
    PricingContext,
    ProductReference,
    WarehouseQuantity,
)


class OfferExportTracking(MiraklModel):
    """OF52 answer; a duplicate request gets the tracking id of the export already running."""

    tracking_id: str


class OfferExportError(MiraklModel):
    code: str | None = None
    detail: str | None = None


class OfferExportStatus(MiraklModel):
    """OF53: PENDING, then COMPLETED (with one URL per chunk) or FAILED (with `error`).

    Note COMPLETED, where offer imports say COMPLETE.
    """

    status: str
    urls: NullableList[str]
    error: OfferExportError | None = None
    last_updated: UtcDatetime | None = None


class ExportedVolumePrice(MiraklModel):
    quantity_threshold: int | None = None
    unit_origin_price: Money | None = None
    unit_discount_price: Money | None = None


class ExportedPrice(MiraklModel):
    """One entry of `prices`; the default price has no `context`."""

    context: PricingContext | None = None
    origin_price: Money | None = None
    discount_price: Money | None = None
    discount_start_date: UtcDatetime | None = None
    discount_end_date: UtcDatetime | None = None
    volume_prices: NullableList[ExportedVolumePrice]


class ExportedOffer(MiraklModel):
    """An offer as exported by OF54; `deleted` ones come only from differential exports."""

    offer_id: int
    shop_sku: str
    product_sku: str | None = None
    product_references: NullableList[ProductReference]  # not in the spec's OF54 schema
    product_title: str | None = None  # not in the spec's OF54 schema
    product_tax_code: str | None = None
    state_code: str | None = None  # OF61 condition code
    active: bool | None = None
    deleted: bool | None = None
    inactivity_reasons: NullableList[str]  # not in the spec's OF54 schema
    quantity: int | None = None
    warehouses: NullableList[WarehouseQuantity]
    currency_iso_code: str | None = None
    prices: NullableList[ExportedPrice]
    msrp: Money | None = None
    price_additional_info: str | None = None
    description: str | None = None
    leadtime_to_ship: int | None = None
    logistic_class: OfferLogisticClass | None = None
    min_shipping_price: Money | None = None
    min_shipping_price_additional: Money | None = None
    min_shipping_type: str | None = None
    min_shipping_zone: str | None = None
    available_start_date: UtcDatetime | None = None
    available_end_date: UtcDatetime | None = None
    min_order_quantity: int | None = None
    max_order_quantity: int | None = None
    package_quantity: int | None = None
    allow_quote_requests: bool | None = None
    channels: NullableList[str]
    favorite_rank: int | None = None
    fulfillment: Fulfillment | None = None
    eco_contributions: NullableList[EcoContribution]
    offer_additional_fields: NullableList[AdditionalFieldValue]
    shop_id: int | None = None
    shop_name: str | None = None
    is_professional: bool | None = None
    premium: bool | None = None
    date_created: UtcDatetime | None = None
    last_updated: UtcDatetime | None = None

    @property
    def default_price(self):
        """The price without channel, customer or date context (None when there is none)."""
        return next((price for price in self.prices if price.context is None), None)
