"""Orders: list them (OR11) and accept or refuse their lines (OR21).

OR11 is sorted by creation date, oldest first, so a page never moves under the reader because
an order was updated; the update window is Mirakl's to widen, the caller's to deduplicate.
"""

from collections.abc import Mapping
from urllib.parse import quote

from . import const, schemas
from ._args import csv_value
from .errors import MiraklResponseError

ORDERS_PATH = "/api/orders"
MAX_ORDER_IDS = 100  # OR11 answers 400 beyond this many ids
TAX_MODES = ("TAX_INCLUDED", "TAX_EXCLUDED")


def check_tax_mode(order_tax_mode):
    if order_tax_mode is not None and order_tax_mode not in TAX_MODES:
        raise ValueError(f"order_tax_mode must be one of {TAX_MODES}, not {order_tax_mode!r}")
    return order_tax_mode


class OrdersMixin:
    """OR11, OR21."""

    def iter_orders(
        self,
        *,
        start_update_date=None,
        end_update_date=None,
        order_state_codes=None,
        order_ids=None,
        order_tax_mode=None,
        page_size=const.MAX_PAGE_SIZE,
        on_invalid=None,
    ):
        """OR11: yield the shop's orders as `schemas.Order`, oldest first, `page_size` a call.

        Dates are datetimes (naive = UTC), sent as UTC with a Z; Mirakl widens
        `start_update_date` on purpose, so expect orders seen before. `order_state_codes` is a
        list or a comma-separated string. `order_ids` longer than 100 are fetched 100 at a time
        (duplicates dropped). Always pass `order_tax_mode`: without it Mirakl uses the platform
        default, which the operator may change. `on_invalid(payload, error)`, when given, is
        called for an order that does not parse and the iteration goes on; otherwise the
        `MiraklResponseError` ends it.
        """
        params = {
            "start_update_date": start_update_date,
            "end_update_date": end_update_date,
            "order_state_codes": csv_value(order_state_codes),
            "order_tax_mode": check_tax_mode(order_tax_mode),
            "sort": "dateCreated",
            "order": "asc",
        }
        if order_ids is None:
            batches = [None]
        else:
            ids = list(dict.fromkeys(str(order_id) for order_id in order_ids))
            batches = [ids[i : i + MAX_ORDER_IDS] for i in range(0, len(ids), MAX_ORDER_IDS)]
        for batch in batches:
            query = {**params, "order_ids": csv_value(batch)}
            for page in self.iter_offset_pages("OR11", ORDERS_PATH, "orders", query, page_size):
                yield from self._parse_orders("OR11", page, on_invalid)

    def _parse_orders(self, op, items, on_invalid, where=("orders",)):
        for index, item in enumerate(items):
            try:
                yield self._parse(op, schemas.Order, item, (*where, index))
            except MiraklResponseError as error:
                if on_invalid is None:
                    raise
                on_invalid(item, error)

    def accept_order_lines(self, order_id, decisions):
        """OR21: accept (True) or refuse (False) lines of an order in WAITING_ACCEPTANCE.

        `decisions` is an iterable of `(order_line_id, accepted)` or a mapping of them; Mirakl
        wants one for every line of the order. Not idempotent: like every write it is retried
        only on 429/503, and Mirakl's refusal (ORDER_INVALID_STATE...) is a MiraklBadRequestError
        whose message starts with the code.
        """
        if isinstance(decisions, Mapping):
            decisions = decisions.items()
        lines = []
        for line_id, accepted in decisions:
            if not isinstance(accepted, bool):
                raise ValueError(f"the decision for line {line_id!r} must be True or False")
            lines.append({"id": str(line_id), "accepted": accepted})
        if not str(order_id or "").strip() or not lines:
            raise ValueError("accept_order_lines needs an order id and at least one decision")
        path = f"{ORDERS_PATH}/{quote(str(order_id).strip(), safe='')}/accept"
        self.request("OR21", "PUT", path, json={"order_lines": lines})
