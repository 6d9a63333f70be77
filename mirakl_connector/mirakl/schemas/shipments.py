"""Multi-shipment payloads: ST01 results, ST11 shipments, ST23/ST24 results.

ST01 answers 201 even when some shipments were refused: the refusals are in `shipment_errors`
(one `{order_id, message}` each), next to the created shipments in `shipment_success`.
"""

from .common import MiraklModel, NullableList, UtcDatetime


class ShipmentLine(MiraklModel):
    order_line_id: str | None = None
    offer_sku: str | None = None  # deprecated in requests, still returned
    quantity: int
    package_reference: str | None = None


class ShipmentTracking(MiraklModel):
    """Note `tracking_url` here where OR23 says `carrier_url`."""

    carrier_code: str | None = None
    carrier_name: str | None = None
    carrier_standard_code: str | None = None
    tracking_number: str | None = None
    tracking_url: str | None = None
    validity_status: str | None = None  # MISSING_TRACKING | UNVERIFIED | ... | VERIFIED


class ShipmentWarehouse(MiraklModel):
    code: str | None = None


class ShipmentOrigin(MiraklModel):
    warehouse: ShipmentWarehouse | None = None


class Shipment(MiraklModel):
    """One shipment of an order (ST01 success, ST11 item)."""

    id: str
    order_id: str
    status: str | None = None  # SHIPPING | SHIPPED | TO_COLLECT | RECEIVED | CANCELED | ...
    status_customer_debit: str | None = None
    shipment_lines: NullableList[ShipmentLine]
    tracking: ShipmentTracking | None = None
    invoice_reference: str | None = None
    shipping_from: ShipmentOrigin | None = None
    created_date: UtcDatetime | None = None
    last_updated_date: UtcDatetime | None = None
    shipped_date: UtcDatetime | None = None


class ShipmentError(MiraklModel):
    order_id: str | None = None
    message: str | None = None


class ShipmentsCreated(MiraklModel):
    """ST01 answer: created shipments and per-order refusals."""

    shipment_success: NullableList[Shipment]
    shipment_errors: NullableList[ShipmentError]

    def errors_by_order(self):
        """`{order_id: [messages]}` of the refused shipments."""
        errors = {}
        for error in self.shipment_errors:
            errors.setdefault(error.order_id, []).append(error.message)
        return errors


class ShipmentRef(MiraklModel):
    id: str


class ShipmentRefError(MiraklModel):
    id: str | None = None
    message: str | None = None


class ShipmentsUpdated(MiraklModel):
    """ST23 / ST24 answer: the shipments changed and per-shipment refusals."""

    shipment_success: NullableList[ShipmentRef]
    shipment_errors: NullableList[ShipmentRefError]
