"""Returns and their state machine.

WAITING_ACCEPTANCE --RT21 accepted--> IN_PROGRESS --RT25--> RECEIVED --RT27--> CLOSED, or
--RT21 refused--> REFUSED. The operator may record that nothing came back (IN_PROGRESS -->
NO_RECEPTION, which RT27 closes too), and the customer or the operator may cancel a return not
received yet (CANCELED). A returnless return (``RETURN_METHOD_RETURNLESS``) expects no parcel:
RT27 closes it from IN_PROGRESS. RT26 gives received returns a compliance verdict for each of
their lines. Every change stamps ``last_updated``, which RT11 filters on.

A return covers shipped units of one order: each line returns at most what was shipped, less the
units of the order's other returns that were not refused or cancelled.
"""

import uuid
from dataclasses import dataclass, field

from ..clock import format_datetime

STATES = (
    "WAITING_ACCEPTANCE",
    "IN_PROGRESS",
    "REFUSED",
    "RECEIVED",
    "NO_RECEPTION",
    "CLOSED",
    "CANCELED",
)
METHODS = (
    "RETURN_METHOD_BY_MAIL",
    "RETURN_METHOD_DROP_OFF_POINT",
    "RETURN_METHOD_HOME_PICKUP",
    "RETURN_METHOD_IN_STORE",
    "RETURN_METHOD_RETURNLESS",
)
REASONS = (
    "RETURN_BROKEN_ITEM",
    "RETURN_CHANGED_MIND",
    "RETURN_COUNTERFEIT_ITEM",
    "RETURN_DAMAGED_PACKAGING",
    "RETURN_DEFECTIVE_ITEM",
    "RETURN_DELIVERED_PRODUCT_DIFFERENT",
    "RETURN_MISSING_ITEM",
    "RETURN_OTHER",
    "RETURN_CM_DONT_WANT",
    "RETURN_CM_DONT_LIKE",
    "RETURN_CM_QUALITY",
    "RETURN_DPD_WRONG_SIZE",
    "RETURN_DPD_WRONG_COLOR",
    "RETURN_DEFECTIVE_ON_ARRIVAL",
    "RETURN_PRODUCT_DOES_NOT_FIT",
    "RETURN_PDNT_TOO_BIG",
    "RETURN_PDNT_TOO_SMALL",
    "RETURN_INACCURATE_ITEM_DESCRIPTION",
    "RETURN_WARRANTY",
)
REJECTION_REASONS = (
    "RETURN_REJECTION_NOT_ELIGIBLE",
    "RETURN_REJECTION_NOT_NEEDED",
    "RETURN_REJECTION_WINDOW_CLOSED",
)
NON_COMPLIANCE_REASONS = (
    "RETURN_NON_COMPLIANT_MISSING_ITEM",
    "RETURN_NON_COMPLIANT_WRONG_PRODUCT",
    "RETURN_NON_COMPLIANT_DAMAGED_PRODUCT",
    "RETURN_NON_COMPLIANT_WINDOW_CLOSED",
    "RETURN_NON_COMPLIANT_OTHER",
)
RETURNLESS = "RETURN_METHOD_RETURNLESS"
# Line states whose units reached the customer, so may come back.
RETURNABLE_LINE_STATES = frozenset({"SHIPPED", "TO_COLLECT", "RECEIVED", "CLOSED"})
# Returns whose units no longer count against what a line may return.
VOID_STATES = frozenset({"REFUSED", "CANCELED"})
# Moves the operator or the customer makes (``ReturnsFacade.set_return_state``).
EXTERNAL_MOVES = {
    "NO_RECEPTION": frozenset({"IN_PROGRESS"}),
    "CANCELED": frozenset({"WAITING_ACCEPTANCE", "IN_PROGRESS"}),
    "IN_PROGRESS": frozenset({"WAITING_ACCEPTANCE"}),  # accepted in the back office
    "REFUSED": frozenset({"WAITING_ACCEPTANCE"}),
    "RECEIVED": frozenset({"IN_PROGRESS"}),
    "CLOSED": frozenset({"RECEIVED", "NO_RECEPTION"}),
}
INVALID_STATE = "Return is in invalid state"
DEFAULT_ADDRESS = {
    "street1": "12 rue de la Paix",
    "zip_code": "75002",
    "city": "Paris",
    "country_iso_code": "FRA",
}


class ReturnError(Exception):
    """A refusal with Mirakl's message: an entry of ``return_errors``, or a ValueError-like
    refusal of a test's seeding call."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Return:
    """One return request; ``lines`` are ``{order_line_id, quantity, reason_code}`` plus
    ``compliance`` (a list of verdicts) once RT26 gave one."""

    id: str
    shop_id: int
    order_id: str
    order_commercial_id: str
    customer_id: str
    state: str
    method_code: str
    reason_code: str
    lines: list
    date_created: object
    last_updated: object
    return_address: dict = field(default_factory=lambda: dict(DEFAULT_ADDRESS))
    rejection_reason_code: str = None
    rma: str = None
    description: str = None
    label_url: str = None
    tracking: dict = None

    def body(self):
        """RT11 JSON (spec ``RT11_Response_200_Data``): optional fields only when set."""
        body = {
            "id": self.id,
            "order_id": self.order_id,
            "order_commercial_id": self.order_commercial_id,
            "state": self.state,
            "method_code": self.method_code,
            "reason_code": self.reason_code,
            "return_address": dict(self.return_address),
            "return_lines": [
                {key: value for key, value in line.items() if value is not None}
                for line in self.lines
            ],
            "documents": [],
            "date_created": format_datetime(self.date_created),
            "last_updated": format_datetime(self.last_updated),
        }
        optional = {
            "rejection_reason_code": self.rejection_reason_code,
            "rma": self.rma,
            "description": self.description,
            "label_url": self.label_url,
            "tracking": self.tracking and dict(self.tracking),
        }
        body.update({key: value for key, value in optional.items() if value})
        return body

    def _move(self, state, allowed, now):
        if self.state not in allowed:
            raise ReturnError(INVALID_STATE)
        self.state = state
        self.last_updated = now

    def decide(self, accepted, rejection_reason_code, now):
        """RT21: accept (IN_PROGRESS) or refuse (REFUSED, with its reason) a new request."""
        self._move("IN_PROGRESS" if accepted else "REFUSED", {"WAITING_ACCEPTANCE"}, now)
        self.rejection_reason_code = None if accepted else rejection_reason_code

    def receive(self, now):
        """RT25: the parcel arrived."""
        if self.method_code == RETURNLESS:
            raise ReturnError("A returnless return has no items to receive")
        self._move("RECEIVED", {"IN_PROGRESS"}, now)

    def set_compliance(self, verdicts, now):
        """RT26: ``{order_line_id: verdict}`` for every line of a received return."""
        if self.state != "RECEIVED":
            raise ReturnError(INVALID_STATE)
        ids = [line["order_line_id"] for line in self.lines]
        unknown = sorted(set(verdicts) - set(ids))
        if unknown:
            raise ReturnError(f"The return has no order lines {', '.join(unknown)}")
        missing = [line_id for line_id in ids if line_id not in verdicts]
        if missing:
            raise ReturnError(
                "The compliance has not been specified on the following order lines: "
                + ", ".join(missing)
            )
        for line in self.lines:
            line["compliance"] = [verdicts[line["order_line_id"]]]
        self.last_updated = now

    def close(self, now):
        """RT27: settle a received (or never received) return, or a returnless one."""
        allowed = {"RECEIVED", "NO_RECEPTION"}
        if self.method_code == RETURNLESS:
            allowed.add("IN_PROGRESS")
        self._move("CLOSED", allowed, now)

    def move(self, state, now):
        """A move of the operator or the customer (``EXTERNAL_MOVES``)."""
        if state not in EXTERNAL_MOVES:
            raise ReturnError(f"Returns do not move to {state} from outside")
        self._move(state, EXTERNAL_MOVES[state], now)


class ReturnBook:
    """Every shop's returns, by id, in creation order."""

    def __init__(self):
        self._returns = {}

    def __len__(self):
        return len(self._returns)

    def get(self, return_id, shop_id=None):
        """The return ``return_id`` (of ``shop_id`` when given: another shop's is unknown)."""
        found = self._returns.get(return_id)
        if found is None or (shop_id is not None and found.shop_id != shop_id):
            return None
        return found

    def of_shop(self, shop_id):
        return [item for item in self._returns.values() if item.shop_id == shop_id]

    def of_order(self, order_id):
        return [item for item in self._returns.values() if item.order_id == order_id]

    def returned(self, order_id):
        """``{order_line_id: units}`` in the order's returns that still count."""
        totals = {}
        for item in self.of_order(order_id):
            if item.state in VOID_STATES:
                continue
            for line in item.lines:
                line_id = line["order_line_id"]
                totals[line_id] = totals.get(line_id, 0) + line["quantity"]
        return totals

    def create(self, order, lines, now, method_code, reason_code, **details):
        """A new WAITING_ACCEPTANCE return of ``order``'s ``lines`` (``{order_line_id,
        quantity?, reason_code?}``; quantity defaults to all the line may still return)."""
        if method_code not in METHODS:
            raise ReturnError(f"Unknown return method {method_code}")
        returned = self.returned(order.order_id)
        stored = []
        for request in lines:
            line = order.line(request["order_line_id"])
            if line is None:
                raise ReturnError(f"Order {order.order_id} has no line {request['order_line_id']}")
            if line.state not in RETURNABLE_LINE_STATES:
                raise ReturnError(f"Line {line.order_line_id} is {line.state}: not shipped")
            left = line.quantity - line.cancelled_quantity - returned.get(line.order_line_id, 0)
            quantity = request.get("quantity", left)
            if not 0 < quantity <= left:
                raise ReturnError(f"Line {line.order_line_id} may return 1 to {left} units")
            stored.append(
                {
                    "order_line_id": line.order_line_id,
                    "quantity": quantity,
                    "reason_code": request.get("reason_code", reason_code),
                }
            )
        if not stored:
            raise ReturnError("A return needs at least one line")
        item = Return(
            id=details.pop("return_id", None) or str(uuid.uuid4()),
            shop_id=order.shop_id,
            order_id=order.order_id,
            order_commercial_id=order.commercial_id,
            customer_id=order.customer["customer_id"],
            state="WAITING_ACCEPTANCE",
            method_code=method_code,
            reason_code=reason_code,
            lines=stored,
            date_created=now,
            last_updated=now,
            **details,
        )
        if item.id in self._returns:
            raise ReturnError(f"Return {item.id} already exists")
        self._returns[item.id] = item
        return item
