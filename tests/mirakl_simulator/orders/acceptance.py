"""OR21 request checks, each failure answered with the error code the spec lists for OR21.

The body is ``{"status", "message", "code"}``: Mirakl's usual error body plus the documented
code, which the message also starts with, so a client can show the message and branch on the
code.
"""

from ..errors import ApiError

MESSAGES = {
    "ORDER_FULFILLED_UNAUTHORIZED": "An unauthorized action has been requested on a fulfilled "
    "order",
    "ORDER_INVALID_STATE": "Order is not in the expected state for this operation",
    "ORDER_LINE_ACCEPTANCE_DECISION_MISSING": "Some order lines are missing from the acceptance "
    "decision",
    "ORDER_LINE_DUPLICATE_ID": "The order lines list contains duplicate order line IDs",
    "ORDER_LINE_NOT_FOUND": "The requested order line does not exist or is not associated with "
    "the order",
    "ORDER_LINE_NULL_ELEMENT": "The order lines list contains a null element",
    "ORDER_NOT_FOUND": "The requested order does not exist",
    "ORDER_PARTIAL_ACCEPTANCE_DISABLED": "Partial acceptance is disabled for this shop",
    "VALIDATION_ERROR": "Input validation failed",
}


class OrderApiError(ApiError):
    """An OR21 refusal carrying its spec error code."""

    def __init__(self, code, detail=None, status=400):
        message = f"{code}: {MESSAGES[code]}" + (f" ({detail})" if detail else "")
        super().__init__(status, message)
        self.code = code

    def body(self):
        return {**super().body(), "code": self.code}


def parse_decisions(body):
    """``[(line id, accepted)]`` from the parsed request body (None when it was not JSON)."""
    lines = body.get("order_lines") if isinstance(body, dict) else None
    if not isinstance(lines, list) or not lines:
        raise OrderApiError("VALIDATION_ERROR", "order_lines must be a non-empty list")
    decisions = []
    for item in lines:
        if item is None:
            raise OrderApiError("ORDER_LINE_NULL_ELEMENT")
        if not isinstance(item, dict):
            raise OrderApiError("VALIDATION_ERROR", "each order line must be an object")
        line_id, accepted = item.get("id"), item.get("accepted")
        if not isinstance(line_id, str) or not line_id:
            raise OrderApiError("VALIDATION_ERROR", "order_lines[].id must be a string")
        if not isinstance(accepted, bool):
            raise OrderApiError("VALIDATION_ERROR", "order_lines[].accepted must be true or false")
        decisions.append((line_id, accepted))
    return decisions


def check_decisions(order, decisions, partial_acceptance):
    """Return ``{line id: accepted}`` for ``order`` or raise the matching OR21 error."""
    seen = {}
    for line_id, accepted in decisions:
        if line_id in seen:
            raise OrderApiError("ORDER_LINE_DUPLICATE_ID", line_id)
        seen[line_id] = accepted
    known = {line.order_line_id for line in order.lines}
    unknown = [line_id for line_id in seen if line_id not in known]
    if unknown:
        raise OrderApiError("ORDER_LINE_NOT_FOUND", ", ".join(unknown))
    if order.operator_fulfilled:
        raise OrderApiError("ORDER_FULFILLED_UNAUTHORIZED", order.order_id)
    if order.state != "WAITING_ACCEPTANCE":
        raise OrderApiError("ORDER_INVALID_STATE", f"order {order.order_id} is {order.state}")
    missing = sorted(known - seen.keys())
    if missing:
        raise OrderApiError("ORDER_LINE_ACCEPTANCE_DECISION_MISSING", ", ".join(missing))
    if not partial_acceptance and len(set(seen.values())) > 1:
        raise OrderApiError("ORDER_PARTIAL_ACCEPTANCE_DISABLED")
    return seen
