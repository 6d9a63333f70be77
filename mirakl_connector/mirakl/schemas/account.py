"""A01 `GET /api/account`: the shop behind the API key (spec `A01_Response_200`).

Deprecated blocks (`billing_info`, `pro_details`, `shipping_types`, `shipping_zones`) and rarely
used ones are left to `extra="allow"` rather than typed.
"""

from decimal import Decimal

from pydantic import Field

from .common import AdditionalFieldValue, MiraklModel, Money, NullableList, UtcDatetime


class ContactInformation(MiraklModel):
    civility: str | None = None
    firstname: str | None = None
    lastname: str | None = None
    email: str | None = None
    phone: str | None = None
    phone_secondary: str | None = None
    fax: str | None = None
    street1: str | None = None
    street2: str | None = None
    zip_code: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None  # a free-text label, not a code
    web_site: str | None = None


class RegistrationAddress(MiraklModel):
    street_1: str | None = None
    street_2: str | None = None
    zip_code: str | None = None
    city: str | None = None
    state: str | None = None
    country_iso_code: str | None = None  # ISO 3166-1 alpha-3


class CorporateInformation(MiraklModel):
    company_registration_name: str | None = None
    company_registration_number: str | None = None


class FiscalInformation(MiraklModel):
    tax_identification_country: str | None = None
    tax_identification_number: str | None = None
    local_tax_number: str | None = None


class BillingInformation(MiraklModel):
    id: str | None = None
    default_language: str | None = None
    corporate_information: CorporateInformation | None = None
    fiscal_information: FiscalInformation | None = None
    registration_address: RegistrationAddress | None = None


class SubBalance(MiraklModel):
    pay_out_psp_code: str | None = None
    paid: Money | None = None
    payable: Money | None = None
    pending: Money | None = None


class PaymentDetails(MiraklModel):
    paid_balance: Money | None = None
    payable_balance: Money | None = None
    pending_balance: Money | None = None
    reserve_balance: Money | None = None
    reserve_target: Money | None = None
    sub_balances: NullableList[SubBalance]


class PaymentInfo(MiraklModel):
    type: str | None = Field(None, alias="@type")  # IBAN, ABA, ...
    owner: str | None = None


class ShopShippingSettings(MiraklModel):
    lead_time_to_ship: int | None = None


class ShopShipping(MiraklModel):
    """One (zone, shipping type) the shop ships with."""

    shipping_zone_code: str
    shipping_zone_label: str | None = None
    shipping_type_code: str
    shipping_type_label: str | None = None
    shipping_type_standard_code: str | None = None
    shipping_free_amount: Money | None = None
    additional_fields: NullableList[AdditionalFieldValue]


class ApplicableTax(MiraklModel):
    code: str
    label: str | None = None
    fee_types: NullableList[str]


class Kyc(MiraklModel):
    status: str | None = None
    reason: str | None = None


class Account(MiraklModel):
    """The shop: identity, state, currency, contact, billing and shipping settings."""

    shop_id: int
    shop_name: str
    shop_state: str  # OPEN | CLOSE | SUSPENDED | TERMINATED (kept open)
    currency_iso_code: str
    suspension_type: str | None = None
    description: str | None = None
    model: str | None = None  # MARKETPLACE | DROPSHIP | ONE_CREDITOR
    is_professional: bool | None = None
    premium: bool | None = None
    free_shipping: bool | None = None
    payment_method_mandatory: bool | None = None
    channels: NullableList[str]
    domains: NullableList[str]
    date_created: UtcDatetime | None = None
    last_updated_date: UtcDatetime | None = None
    closed_from: UtcDatetime | None = None
    closed_to: UtcDatetime | None = None
    contact_informations: ContactInformation | None = None
    default_billing_information: BillingInformation | None = None
    payment_details: PaymentDetails | None = None
    payment_info: PaymentInfo | None = None
    shipping: ShopShippingSettings | None = None
    shipping_country: str | None = None
    shippings: NullableList[ShopShipping]
    applicable_taxes: NullableList[ApplicableTax]
    shop_additional_fields: NullableList[AdditionalFieldValue]
    kyc: Kyc | None = None
    orders_count: int | None = None
    offers_count: int | None = None
    evaluations_count: int | None = None
    grade: Decimal | None = None
    approval_rate: Decimal | None = None
    approval_delay: int | None = None
    order_messages_response_delay: int | None = None
    logo: str | None = None
    banner: str | None = None
    return_policy: str | None = None
