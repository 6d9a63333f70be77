"""OR28 and OR30 answers: the refunds and cancellations Mirakl created on order lines.

Both calls are all-or-nothing: a refusal is an HTTP 400 for the whole call, never an entry of
the answer. Amounts are in the answer's `order_tax_mode`, as they were sent.
"""

from .common import MiraklModel, Money, NullableList
from .orders import OrderFee, OrderTaxAmount


class LineAdjustmentCreated(MiraklModel):
    """What OR28 and OR30 echo of each part they created on a line."""

    order_line_id: str
    amount: Money | None = None
    shipping_amount: Money | None = None
    quantity: int | None = None
    reason_code: str | None = None
    currency_iso_code: str | None = None
    taxes: NullableList[OrderTaxAmount]
    shipping_taxes: NullableList[OrderTaxAmount]
    fees: NullableList[OrderFee]


class RefundCreated(LineAdjustmentCreated):
    """One OR28 refund; `refund_id` is the `refunds[].id` OR11 lists afterwards."""

    refund_id: str
    order_refund_id: str | None = None  # the refunds created together on one order
    excluded_from_shipment: bool | None = None


class RefundsCreated(MiraklModel):
    """OR28 answer."""

    order_tax_mode: str | None = None
    refunds: NullableList[RefundCreated]


class CancelationCreated(LineAdjustmentCreated):
    """One OR30 cancellation; `cancelation_id` is the `cancelations[].id` OR11 lists."""

    cancelation_id: str


class CancelationsCreated(MiraklModel):
    """OR30 answer."""

    order_tax_mode: str | None = None
    cancelations: NullableList[CancelationCreated]
