"""The order state machine: which states exist, what each move changes, what a seller may do.

WAITING_ACCEPTANCE --OR21--> WAITING_DEBIT_PAYMENT (accepted lines; refused ones REFUSED, the
order REFUSED when all are) --debit--> SHIPPING --> SHIPPED --> TO_COLLECT --> RECEIVED -->
CLOSED; CANCELED from any open state. Lines follow their order until they are refused, cancelled
or refunded. ``advance`` also stamps the dates a real lifecycle would have set, so a test can
create an order directly in SHIPPED and still get coherent debit and shipping dates.
"""

from datetime import timedelta

from .model import Adjustment

ORDER_STATES = (
    "STAGING",
    "WAITING_ACCEPTANCE",
    "WAITING_DEBIT",
    "WAITING_DEBIT_PAYMENT",
    "SHIPPING",
    "SHIPPED",
    "TO_COLLECT",
    "RECEIVED",
    "CLOSED",
    "REFUSED",
    "CANCELED",
)
FLOW = ORDER_STATES[:9]  # the happy path, in order
DETACHED_LINE_STATES = frozenset({"REFUSED", "CANCELED", "REFUNDED"})
REFUNDABLE_STATES = frozenset({"SHIPPED", "TO_COLLECT", "RECEIVED"})


def _after(state, milestone):
    return state in FLOW and FLOW.index(state) >= FLOW.index(milestone)


def is_accepted(state):
    """True for the states ``replay`` reaches through a seller decision (OR21)."""
    return _after(state, "WAITING_DEBIT") or state in ("REFUSED", "CANCELED")


def is_debited(state):
    """True for the states ``replay`` reaches after the customer was debited."""
    return _after(state, "SHIPPING") or state == "CANCELED"


def live_lines(order):
    return [line for line in order.lines if line.state not in DETACHED_LINE_STATES]


def can_cancel(order):
    """Sellers may cancel a paid order until it ships (OR29/OR30)."""
    return order.state == "SHIPPING"


def can_refund(order, line):
    """Shipped lines of open orders, while some of their amount or shipping is left."""
    left = line.left()
    return (
        order.state != "CLOSED"
        and line.state in REFUNDABLE_STATES
        and left.amount + left.shipping > 0
    )


def fully_refunded(order):
    states = {line.state for line in order.lines}
    return "REFUNDED" in states and states <= DETACHED_LINE_STATES


def _touch(order, lines, at):
    order.last_updated_date = at
    for line in lines:
        line.last_updated_date = at


def _set_line_state(line, state, reason):
    line.state = state
    line.state_reason_code, line.state_reason_label = reason or (None, None)


def advance(order, state, at, reason=None, next_id=None):
    """Move ``order`` to ``state`` at ``at``; live lines follow.

    ``reason`` is ``(code, label)``; ``next_id()`` names the cancellations CANCELED creates.
    """
    if state not in ORDER_STATES:
        raise ValueError(f"unknown order state {state!r}, expected one of {ORDER_STATES}")
    lines = live_lines(order)
    if _after(state, "WAITING_DEBIT") and order.accepted_at is None:
        order.accepted_at = order.acceptance_decision_date = at
    if _after(state, "SHIPPING") and order.customer_debited_date is None:
        order.customer_debited_date = at
        order.shipping_deadline = at + timedelta(days=order.leadtime_to_ship)
        for line in lines:
            line.debited_date = at
    for line in lines:
        if _after(state, "SHIPPED") and line.shipped_date is None:
            line.shipped_date = at
        if _after(state, "RECEIVED") and line.received_date is None:
            line.received_date = at
        if state == "CANCELED":
            remaining = line.quantity - line.cancelled_quantity
            reason_code = reason[0] if reason else None
            line.cancelations.append(Adjustment(next_id(), remaining, True, reason_code, at))
        _set_line_state(line, state, reason if state in ("REFUSED", "CANCELED") else None)
    order.state = state
    order.state_reason_code, order.state_reason_label = reason or (None, None)
    _touch(order, lines, at)


def accept(order, decisions, at):
    """OR21 with a decision for every line (``{order_line_id: accepted}``), already validated."""
    order.acceptance_decision_date = order.accepted_at = at
    for line in order.lines:
        if not decisions[line.order_line_id]:
            _set_line_state(line, "REFUSED", None)
    _touch(order, order.lines, at)
    if live_lines(order):
        advance(order, "WAITING_DEBIT_PAYMENT", at)
    else:
        order.state = "REFUSED"


def _settle(order, at, reason):
    """An order whose lines are all refused or cancelled is itself CANCELED."""
    states = {line.state for line in order.lines}
    if "CANCELED" in states and states <= {"REFUSED", "CANCELED"} and order.state != "CANCELED":
        order.state = "CANCELED"
        order.state_reason_code, order.state_reason_label = reason or (None, None)
    order.last_updated_date = at


def cancel_line(order, line, quantity, reason, at, adjustment_id):
    """Cancel ``quantity`` units (default: all remaining); the shipping goes with the last."""
    if line.state in DETACHED_LINE_STATES:
        raise ValueError(f"line {line.order_line_id} is {line.state}: nothing left to cancel")
    remaining = line.quantity - line.cancelled_quantity
    quantity = remaining if quantity is None else quantity
    if not 0 < quantity <= remaining:
        raise ValueError(f"can cancel 1 to {remaining} units of {line.order_line_id}")
    last = quantity == remaining
    line.cancelations.append(Adjustment(adjustment_id, quantity, last, reason[0], at))
    if last:
        _set_line_state(line, "CANCELED", reason)
    line.last_updated_date = at
    _settle(order, at, reason)


def refund_line(order, line, quantity, shipping, reason_code, refund_state, at, ids):
    """Refund ``quantity`` units (all unrefunded ones by default) of a shipped line.

    ``ids`` is ``(refund id, order refund id)``. A line is REFUNDED once all its units are and
    the refund reached REFUNDED; the order keeps its state.
    """
    if line.state not in REFUNDABLE_STATES and line.state != "REFUNDED":
        raise ValueError(f"line {line.order_line_id} is {line.state}: only shipped lines refund")
    remaining = line.quantity - line.refunded_quantity
    quantity = remaining if quantity is None else quantity
    if not 0 < quantity <= remaining:
        raise ValueError(f"can refund 1 to {remaining} units of {line.order_line_id}")
    shipping = (quantity == remaining) if shipping is None else shipping
    if shipping and line.shipping_adjusted:
        raise ValueError(f"the shipping of {line.order_line_id} was already refunded")
    line.refunds.append(
        Adjustment(ids[0], quantity, shipping, reason_code, at, ids[1], refund_state)
    )
    if line.refunded_quantity == line.quantity and refund_state == "REFUNDED":
        _set_line_state(line, "REFUNDED", None)
    line.last_updated_date = at
    order.last_updated_date = at


# When each move happens after the order's creation, for orders created directly in a state.
MILESTONES = {
    "STAGING": timedelta(),
    "WAITING_ACCEPTANCE": timedelta(),
    "WAITING_DEBIT": timedelta(minutes=10),
    "WAITING_DEBIT_PAYMENT": timedelta(minutes=10),
    "SHIPPING": timedelta(minutes=20),
    "SHIPPED": timedelta(hours=1),
    "TO_COLLECT": timedelta(hours=2),
    "RECEIVED": timedelta(hours=3),
    "CLOSED": timedelta(hours=4),
    "REFUSED": timedelta(minutes=10),
    "CANCELED": timedelta(minutes=30),
}


def replay(order, state, next_id, reason=None):
    """Walk a new WAITING_ACCEPTANCE order to ``state``, each move at its ``MILESTONES`` delay.

    REFUSED is a seller refusal of every line; CANCELED happens after the debit (SHIPPING).
    The order's ``last_updated_date`` ends at ``created_date + MILESTONES[state]``.
    """
    start = order.created_date
    if state == "REFUSED":
        refusals = {line.order_line_id: False for line in order.lines}
        accept(order, refusals, start + MILESTONES[state])
        return
    if state in ("STAGING", "WAITING_DEBIT"):
        advance(order, state, start + MILESTONES[state])
        return
    target = "SHIPPING" if state == "CANCELED" else state
    for step in FLOW[FLOW.index("WAITING_DEBIT_PAYMENT") : FLOW.index(target) + 1]:
        advance(order, step, start + MILESTONES[step])
    if state == "CANCELED":
        advance(order, "CANCELED", start + MILESTONES[state], reason, next_id)
