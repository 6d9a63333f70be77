"""Control-plane endpoints of the accounting domain: another process (an Odoo under manual
test, a shell) closes a billing cycle or pays a payout out with them.

``POST /_simulator/billing-cycles`` ``{"shop_id", "paid"?, "subscription_fee"?}`` and
``POST /_simulator/payouts`` ``{"invoice_id", "reference"?}`` answer 201 with the accounting
document as IV01 shows it, or 400 with Mirakl's error body.
"""

import json

from ..context import Reply
from .cycle import CycleError, pay, run_cycle


def _body(raw):
    body = json.loads(raw or b"{}")
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


def _billing_cycle(store, body):
    shop_id = body.get("shop_id")
    if shop_id not in store.shops:
        raise ValueError(f"unknown shop {shop_id!r}")
    store.orders.tick(store.clock.now())
    return run_cycle(
        store, shop_id, store.clock.now(), body.get("paid", True), body.get("subscription_fee")
    )


def _payout(store, body):
    document = store.accounting.document(body.get("invoice_id"))
    if document is None:
        raise ValueError(f"unknown accounting document {body.get('invoice_id')!r}")
    pay(store.accounting, document, store.clock.now(), body.get("reference"))
    return document


ACTIONS = {
    ("POST", "/_simulator/billing-cycles"): _billing_cycle,
    ("POST", "/_simulator/payouts"): _payout,
}


def handle(store, endpoint, raw_body):
    """Answer ``endpoint`` (method, path), or None when it is not an accounting one."""
    action = ACTIONS.get(endpoint)
    if action is None:
        return None
    try:
        with store.lock:
            document = action(store, _body(raw_body))
            return Reply(201, document.body())
    except (CycleError, ValueError) as error:
        return Reply(400, {"status": 400, "message": str(error)})
