"""Returns payloads: RT11 returns, and the RT21/RT25/RT26/RT27 results.

The write calls answer 200 even when some returns were refused: the refusals are in
`return_errors` (one `{id, message}` each), next to `return_success` (`{id}`).
"""

from pydantic import AliasChoices, Field

from .common import MiraklModel, NullableList, UtcDatetime


class ReturnCompliance(MiraklModel):
    """The seller's verdict on a returned line once received (RT26)."""

    compliant: bool
    non_compliance_reason_code: str | None = None  # RETURN_NON_COMPLIANT_MISSING_ITEM | ...
    non_compliance_additional_info: str | None = None


class ReturnLine(MiraklModel):
    order_line_id: str
    quantity: int
    reason_code: str | None = None  # RETURN_CHANGED_MIND | RETURN_DEFECTIVE_ITEM | ...
    compliance: NullableList[ReturnCompliance]


class ReturnAddress(MiraklModel):
    street1: str | None = None
    street2: str | None = None
    zip_code: str | None = None
    city: str | None = None
    state: str | None = None
    country_iso_code: str | None = None  # alpha-3


class ReturnTracking(MiraklModel):
    """Mirakl's own RT11 example spells two keys in camelCase: both spellings are read."""

    carrier_code: str | None = Field(
        default=None, validation_alias=AliasChoices("carrier_code", "carrierCode")
    )
    carrier_name: str | None = Field(
        default=None, validation_alias=AliasChoices("carrier_name", "carrierName")
    )
    carrier_standard_code: str | None = None
    tracking_number: str | None = None
    tracking_url: str | None = None


class ReturnDocument(MiraklModel):
    id: int
    type: str | None = None  # e.g. SYSTEM_RETURN_LABEL


class Return(MiraklModel):
    """One return request of a customer (RT11 item)."""

    id: str
    order_id: str
    order_commercial_id: str | None = None
    state: str | None = None  # WAITING_ACCEPTANCE | IN_PROGRESS | REFUSED | RECEIVED | ...
    method_code: str | None = None  # RETURN_METHOD_BY_MAIL | ... | RETURN_METHOD_RETURNLESS
    reason_code: str | None = None
    rejection_reason_code: str | None = None  # RETURN_REJECTION_NOT_ELIGIBLE | ...
    rma: str | None = None
    description: str | None = None
    label_url: str | None = None
    return_address: ReturnAddress | None = None
    return_lines: NullableList[ReturnLine]
    tracking: ReturnTracking | None = None
    documents: NullableList[ReturnDocument]
    date_created: UtcDatetime | None = None
    last_updated: UtcDatetime | None = None


class ReturnRef(MiraklModel):
    id: str


class ReturnError(MiraklModel):
    id: str | None = None
    message: str | None = None


class ReturnsUpdated(MiraklModel):
    """RT21 / RT25 / RT26 / RT27 answer: the returns changed and per-return refusals."""

    return_success: NullableList[ReturnRef]
    return_errors: NullableList[ReturnError]

    def errors_by_id(self):
        """`{return id: message}` of the refused returns (messages of one id joined)."""
        errors = {}
        for error in self.return_errors:
            message = error.message or "refused without a message"
            errors[error.id] = f"{errors[error.id]}\n{message}" if error.id in errors else message
        return errors
