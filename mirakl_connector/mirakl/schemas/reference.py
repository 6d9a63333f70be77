"""Reference data the operator defines and sellers map to Odoo records.

One model per list: SH11 zones, SH12 shipping types, SH21 carriers, SH31 logistic classes, CH11
channels, OF61 offer conditions, H11 hierarchies, AF01 additional fields, RE01 reasons, CUR01
currencies, L01 locales, DO01 document types, OR75 order taxes.
"""

from .common import CodeLabel, MiraklModel, NullableList


class ShippingZone(CodeLabel):
    """SH11."""


class ShippingType(CodeLabel):
    """SH12: a shipping method; `mandatory_tracking` means OR23 before OR24."""

    standard_code: str | None = None
    click_and_collect: bool | None = None
    delivery_by_operator: bool | None = None
    mandatory_tracking: bool | None = None
    ignore_lead_time_to_ship: bool | None = None


class Carrier(CodeLabel):
    """SH21: `tracking_url` holds a `{trackingId}` placeholder."""

    standard_code: str | None = None
    tracking_url: str | None = None


class LogisticClass(CodeLabel):
    """SH31."""


class Channel(CodeLabel):
    """CH11."""


class OfferCondition(CodeLabel):
    """OF61 (`offer_states`): the condition of an offer, e.g. "11" new, "10" refurbished."""


class LabelTranslation(MiraklModel):
    locale: str | None = None
    value: str | None = None


class Hierarchy(CodeLabel):
    """H11: a category node; the root has no `parent_code`."""

    level: int | None = None
    parent_code: str | None = None
    label_translations: NullableList[LabelTranslation]


class AdditionalField(CodeLabel):
    """AF01: definition of a custom field on OFFER, SHOP, ORDER or ORDER_LINE."""

    entity: str | None = None
    type: str | None = None  # STRING | DATE | NUMERIC | BOOLEAN | LINK | LIST | ...
    required: bool | None = None
    editable: bool | None = None
    accepted_values: NullableList[str]
    default_value: str | None = None
    regex: str | None = None


class Reason(CodeLabel):
    """RE01: use only reasons with `is_shop_right` for refunds and cancellations."""

    type: str | None = None  # REFUND | CANCELATION | INCIDENT_OPEN | ...
    is_shop_right: bool | None = None


class Currency(CodeLabel):
    """CUR01."""

    platform_default: bool | None = None


class Locale(CodeLabel):
    """L01."""

    platform_default: bool | None = None


class DocumentType(CodeLabel):
    """DO01: document types for orders (OR74) and shops (S32)."""

    entity: str | None = None  # ORDER | SHOP
    mime_types: NullableList[str]


class OrderTax(CodeLabel):
    """OR75."""

    tax_calculation_rule: str | None = None
