"""Mirakl returns (RT11 items, as JSON) -> ``mirakl.return`` and ``mirakl.return.line`` values."""

from .order import PayloadError, to_datetime

STATES = (
    "WAITING_ACCEPTANCE",
    "IN_PROGRESS",
    "REFUSED",
    "RECEIVED",
    "NO_RECEPTION",
    "CLOSED",
    "CANCELED",
)
# States in which the customer's items are expected back in the warehouse.
AWAITED_STATES = ("IN_PROGRESS",)
# States in which nothing will come back (any open receipt is cancelled).
VOID_STATES = ("REFUSED", "CANCELED")
METHODS = (
    "RETURN_METHOD_BY_MAIL",
    "RETURN_METHOD_DROP_OFF_POINT",
    "RETURN_METHOD_HOME_PICKUP",
    "RETURN_METHOD_IN_STORE",
    "RETURN_METHOD_RETURNLESS",
)
RETURNLESS = "RETURN_METHOD_RETURNLESS"
REJECTION_REASONS = (
    "RETURN_REJECTION_NOT_ELIGIBLE",
    "RETURN_REJECTION_NOT_NEEDED",
    "RETURN_REJECTION_WINDOW_CLOSED",
)


def check(payload):
    """Raise ``PayloadError`` when a return lacks what Odoo needs to keep it."""
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
        raise PayloadError("Mirakl sent a return without an id.")
    if not payload.get("order_id"):
        raise PayloadError(f"Return {payload['id']} names no order.")
    for key in ("date_created", "last_updated"):
        try:
            to_datetime(payload.get(key))
        except (TypeError, ValueError):
            raise PayloadError(
                f"Return {payload['id']} has an unreadable {key} ({payload.get(key)!r})."
            ) from None
    lines = payload.get("return_lines")
    if not isinstance(lines, list) or not lines:
        raise PayloadError(f"Return {payload['id']} has no lines.")
    for line in lines:
        quantity = line.get("quantity") if isinstance(line, dict) else None
        if not isinstance(line, dict) or not line.get("order_line_id"):
            raise PayloadError(f"A line of return {payload['id']} names no order line.")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise PayloadError(
                f"Line {line['order_line_id']} of return {payload['id']} has no valid quantity "
                f"({quantity!r})."
            )


def _known(value, values, default=False):
    """``value`` if Odoo knows it, else ``default``: Mirakl adds values without notice."""
    return value if value in values else default


def _text(*parts):
    return ", ".join(str(part) for part in parts if part) or False


def return_values(payload):
    """Values of ``mirakl.return`` from a checked RT11 item (its lines apart)."""
    address = payload.get("return_address") or {}
    tracking = payload.get("tracking") or {}
    return {
        "mirakl_return_id": payload["id"],
        "order_ref": payload["order_id"],
        "commercial_id": payload.get("order_commercial_id") or False,
        "mirakl_state": _known(payload.get("state"), STATES, "OTHER"),
        "method_code": _known(payload.get("method_code"), METHODS),
        "reason_code": payload.get("reason_code") or False,
        "rejection_reason_code": _known(payload.get("rejection_reason_code"), REJECTION_REASONS),
        "rma": payload.get("rma") or False,
        "description": payload.get("description") or False,
        "label_url": payload.get("label_url") or False,
        "return_address": _text(
            address.get("street1"),
            address.get("street2"),
            " ".join(filter(None, (address.get("zip_code"), address.get("city")))),
            address.get("state"),
            address.get("country_iso_code"),
        ),
        "carrier": tracking.get("carrier_name") or tracking.get("carrier_code") or False,
        "tracking_number": tracking.get("tracking_number") or False,
        "tracking_url": tracking.get("tracking_url") or False,
        "date_created": to_datetime(payload.get("date_created")),
        "last_updated_date": to_datetime(payload.get("last_updated")),
    }


def line_values(line):
    """Values of ``mirakl.return.line`` from a checked return line (the latest verdict)."""
    verdict = (line.get("compliance") or [{}])[-1] or {}
    compliant = verdict.get("compliant")
    return {
        "mirakl_line_ref": line["order_line_id"],
        "quantity": line["quantity"],
        "reason_code": line.get("reason_code") or False,
        "compliance": {True: "compliant", False: "non_compliant"}.get(compliant, False),
        "non_compliance_reason_code": verdict.get("non_compliance_reason_code") or False,
        "non_compliance_info": verdict.get("non_compliance_additional_info") or False,
    }
