"""OR11/OR15 orders (spec `OR11_Response_200_Orders`) and the OR13/OR14 export answers.

Tolerant on purpose: a malformed or incomplete order must reach the connector, which logs it
against that order instead of losing the whole page. Only `order_id` and `order_line_id` are
required; states stay strings (Mirakl adds values, and lines have more than orders); money is
Decimal; the customer's addresses and contacts are None until Mirakl reveals them (after
shipping or acceptance, per the platform setting).
"""

from .common import AdditionalFieldValue, MiraklModel, Money, NullableList, UtcDatetime
from .offers import Fulfillment


class OrderTaxAmount(MiraklModel):
    """A tax of a line (`taxes`, `shipping_taxes`, commission and refund taxes)."""

    code: str | None = None
    amount: Money | None = None
    rate: Money | None = None  # a percentage; Mirakl may send null
    tax_calculation_rule: str | None = None  # PROPORTIONAL_TO_AMOUNT | NONE


class OrderFee(MiraklModel):
    code: str | None = None
    amount: Money | None = None


class OrderAddress(MiraklModel):
    """Billing or shipping address; `country_iso_code` is ISO 3166-1 alpha-3."""

    civility: str | None = None
    firstname: str | None = None
    lastname: str | None = None
    company: str | None = None
    company_2: str | None = None
    street_1: str | None = None
    street_2: str | None = None
    zip_code: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None  # a label, not a code
    country_iso_code: str | None = None
    phone: str | None = None
    phone_secondary: str | None = None
    additional_info: str | None = None  # shipping address only


class OrderContact(MiraklModel):
    """`accounting_contact` / `delivery_contact` of a B2B customer."""

    customer_id: str | None = None
    civility: str | None = None
    firstname: str | None = None
    lastname: str | None = None
    locale: str | None = None


class OrderOrganization(MiraklModel):
    organization_id: str | None = None
    name: str | None = None
    identification_number: str | None = None
    tax_identification_number: str | None = None
    address: OrderAddress | None = None


class OrderCustomer(MiraklModel):
    customer_id: str | None = None
    civility: str | None = None
    firstname: str | None = None
    lastname: str | None = None
    locale: str | None = None
    billing_address: OrderAddress | None = None
    shipping_address: OrderAddress | None = None
    organization: OrderOrganization | None = None
    accounting_contact: OrderContact | None = None
    delivery_contact: OrderContact | None = None


class OrderChannel(MiraklModel):
    code: str | None = None
    label: str | None = None


class PromotionConfiguration(MiraklModel):
    type: str | None = None  # AMOUNT_OFF | FREE_ITEMS | PERCENTAGE_OFF | REDUCED_UNIT_PRICE
    internal_description: str | None = None
    amount_off: Money | None = None
    percentage_off: Money | None = None
    reduced_unit_price: Money | None = None
    free_items_quantity: int | None = None


class OrderPromotion(MiraklModel):
    id: str | None = None
    deduced_amount: Money | None = None
    apportioned: bool | None = None
    offered_quantity: int | None = None
    promo_code: str | None = None
    configuration: PromotionConfiguration | None = None


class OrderPromotions(MiraklModel):
    applied_promotions: NullableList[OrderPromotion]
    total_deduced_amount: Money | None = None


class OrderLineCancelation(MiraklModel):
    """A cancelled part of a line; amounts in the order's tax mode."""

    id: str | None = None
    amount: Money | None = None
    shipping_amount: Money | None = None
    quantity: int | None = None
    reason_code: str | None = None
    taxes: NullableList[OrderTaxAmount]
    shipping_taxes: NullableList[OrderTaxAmount]
    fees: NullableList[OrderFee]
    commission_amount: Money | None = None
    commission_total_amount: Money | None = None
    created_date: UtcDatetime | None = None


class OrderLineRefund(OrderLineCancelation):
    """A refunded part of a line; `quantity` is informative only."""

    order_refund_id: str | None = None
    # WAITING_REFUND_TAX_CONFIRMATION | WAITING_REFUND | WAITING_REFUND_PAYMENT | REFUNDED
    refund_state: str | None = None
    transaction_date: UtcDatetime | None = None
    transaction_number: str | None = None


class OrderLine(MiraklModel):
    """One line: `price` = `price_unit` x `quantity`, `total_price` = `price` + `shipping_price`
    (+ fees), all in the order's tax mode."""

    order_line_id: str
    order_line_index: int | None = None
    order_line_state: str | None = None  # order states plus INCIDENT_OPEN, REFUNDED...
    order_line_state_reason_code: str | None = None
    order_line_state_reason_label: str | None = None
    created_date: UtcDatetime | None = None
    last_updated_date: UtcDatetime | None = None
    debited_date: UtcDatetime | None = None
    shipped_date: UtcDatetime | None = None
    received_date: UtcDatetime | None = None
    offer_id: int | None = None
    offer_sku: str | None = None  # the seller's SKU (shop_sku)
    offer_state_code: str | None = None
    product_sku: str | None = None  # Mirakl's product SKU
    product_shop_sku: str | None = None
    product_title: str | None = None
    category_code: str | None = None
    category_label: str | None = None
    description: str | None = None
    quantity: int | None = None
    price_unit: Money | None = None
    origin_unit_price: Money | None = None
    price: Money | None = None
    shipping_price: Money | None = None
    total_price: Money | None = None
    price_additional_info: str | None = None
    taxes: NullableList[OrderTaxAmount]
    shipping_taxes: NullableList[OrderTaxAmount]
    fees: NullableList[OrderFee]
    promotions: NullableList[OrderPromotion]
    commission_fee: Money | None = None
    commission_taxes: NullableList[OrderTaxAmount]
    total_commission: Money | None = None
    can_refund: bool | None = None
    cancelations: NullableList[OrderLineCancelation]
    refunds: NullableList[OrderLineRefund]
    order_line_additional_fields: NullableList[AdditionalFieldValue]


class OrderReferences(MiraklModel):
    order_reference_for_customer: str | None = None
    order_reference_for_seller: str | None = None


class Order(MiraklModel):
    """A shop order as OR11 lists it and OR15 exports it."""

    order_id: str
    commercial_id: str | None = None
    order_state: str | None = None
    order_state_reason_code: str | None = None
    order_state_reason_label: str | None = None
    created_date: UtcDatetime | None = None
    last_updated_date: UtcDatetime | None = None
    acceptance_decision_date: UtcDatetime | None = None  # None when decided automatically
    customer_debited_date: UtcDatetime | None = None
    order_tax_mode: str | None = None  # TAX_INCLUDED | TAX_EXCLUDED
    currency_iso_code: str | None = None
    channel: OrderChannel | None = None
    customer: OrderCustomer | None = None
    customer_notification_email: str | None = None  # an anonymised relay, never the buyer's
    price: Money | None = None
    shipping_price: Money | None = None
    total_price: Money | None = None
    total_commission: Money | None = None
    promotions: OrderPromotions | None = None
    shipping_type_code: str | None = None
    shipping_type_label: str | None = None
    shipping_type_standard_code: str | None = None
    shipping_zone_code: str | None = None
    shipping_zone_label: str | None = None
    shipping_carrier_code: str | None = None
    shipping_carrier_standard_code: str | None = None
    shipping_company: str | None = None
    shipping_tracking: str | None = None
    shipping_tracking_url: str | None = None
    shipping_pudo_id: str | None = None
    shipping_deadline: UtcDatetime | None = None
    leadtime_to_ship: int | None = None
    payment_workflow: str | None = None
    payment_type: str | None = None
    fulfillment: Fulfillment | None = None
    references: OrderReferences | None = None
    can_cancel: bool | None = None
    can_shop_ship: bool | None = None
    fully_refunded: bool | None = None
    has_incident: bool | None = None
    has_customer_message: bool | None = None
    has_invoice: bool | None = None
    quote_id: str | None = None
    order_additional_fields: NullableList[AdditionalFieldValue]
    order_lines: NullableList[OrderLine]


class OrderExportTracking(MiraklModel):
    """OR13 answer."""

    tracking_id: str


class OrderExportStatus(MiraklModel):
    """OR14: PENDING, then COMPLETED (one URL per file) or FAILED; CANCELED is documented too."""

    status: str
    urls: NullableList[str]
    last_updated: UtcDatetime | None = None
