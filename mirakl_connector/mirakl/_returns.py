"""Returns (where PC01 `features.returns` is on): list them (RT11), accept or refuse the
customers' requests (RT21), confirm the items arrived (RT25), say whether they comply (RT26)
and close them (RT27).

The writes take at most 100 returns a call (sent in chunks here) and answer 200 with per-return
refusals in `return_errors`, not exceptions. None is idempotent: like every write they are
retried on 429/503 only; after a timeout the next RT11 tells what became of the returns.
"""

from . import const, schemas
from ._args import check_keys
from .errors import MiraklResponseError

RETURNS_PATH = "/api/returns"
MAX_RETURNS = 100  # RT21/RT25/RT26/RT27 take at most this many returns a call
DECISION_KEYS = frozenset({"id", "accepted", "rejection_reason_code"})
COMPLIANCE_KEYS = frozenset(
    {"order_line_id", "compliant", "non_compliance_reason_code", "non_compliance_additional_info"}
)


def _return_id(value):
    value = str(value or "").strip()
    if not value:
        raise ValueError("a return id is empty")
    return value


def _decision(decision):
    """One RT21 item, checked: `{id, accepted, rejection_reason_code?}`."""
    check_keys(decision, DECISION_KEYS, "return decision")
    if not isinstance(decision.get("accepted"), bool):
        raise ValueError("a return decision needs accepted True or False")
    body = {"id": _return_id(decision.get("id")), "accepted": decision["accepted"]}
    if decision.get("rejection_reason_code"):
        if decision["accepted"]:
            raise ValueError("only a refused return takes a rejection_reason_code")
        body["rejection_reason_code"] = decision["rejection_reason_code"]
    return body


def _compliance_line(line):
    check_keys(line, COMPLIANCE_KEYS, "compliance line")
    if not isinstance(line.get("compliant"), bool):
        raise ValueError("a compliance line needs compliant True or False")
    if not str(line.get("order_line_id") or "").strip():
        raise ValueError("a compliance line needs an order_line_id")
    return {key: value for key, value in line.items() if value is not None}


class ReturnsMixin:
    """RT11, RT21, RT25, RT26, RT27."""

    def iter_returns(
        self,
        *,
        return_ids=None,
        return_states=None,
        order_commercial_ids=None,
        order_line_ids=None,
        return_rmas=None,
        customer_ids=None,
        created_from=None,
        created_to=None,
        last_updated_from=None,
        last_updated_to=None,
        page_size=const.MAX_PAGE_SIZE,
        on_invalid=None,
    ):
        """RT11: yield the shop's returns as `schemas.Return`, oldest created first.

        The id, state, order, line, RMA and customer filters are lists, sent as repeated
        parameters; dates are datetimes (naive = UTC). `on_invalid(payload, error)`, when
        given, is called for a return that does not parse and the iteration goes on;
        otherwise the `MiraklResponseError` ends it.
        """
        lists = {
            "return_id": return_ids,
            "return_state": return_states,
            "order_commercial_id": order_commercial_ids,
            "order_line_id": order_line_ids,
            "return_rma": return_rmas,
            "customer_id": customer_ids,
        }
        params = {
            key: [str(value) for value in values]
            for key, values in lists.items()
            if values is not None
        }
        if any(values == [] for values in params.values()):
            return
        params.update(
            {
                "return_creation_date_from": created_from,
                "return_creation_date_to": created_to,
                "return_last_updated_from": last_updated_from,
                "return_last_updated_to": last_updated_to,
            }
        )
        for page in self.iter_seek_pages("RT11", RETURNS_PATH, params, page_size):
            for index, item in enumerate(page):
                try:
                    yield self._parse("RT11", schemas.Return, item, ("data", index))
                except MiraklResponseError as error:
                    if on_invalid is None:
                        raise
                    on_invalid(item, error)

    def decide_returns(self, decisions):
        """RT21: accept or refuse return requests; returns `schemas.ReturnsUpdated`.

        Each decision is a mapping `{id, accepted, rejection_reason_code?}`, the reason
        (`RETURN_REJECTION_NOT_ELIGIBLE | ..._NOT_NEEDED | ..._WINDOW_CLOSED`) for refusals.
        """
        return self._update_returns("RT21", "accept", [_decision(item) for item in decisions])

    def receive_returns(self, return_ids):
        """RT25: confirm that the items of returns in progress arrived (returns RECEIVED)."""
        items = [{"id": _return_id(return_id)} for return_id in return_ids]
        return self._update_returns("RT25", "receive", items)

    def set_returns_compliance(self, compliances):
        """RT26: say whether the received items comply, `{return id: [line mappings]}`, each
        line `{order_line_id, compliant, non_compliance_reason_code?,
        non_compliance_additional_info?}`; Mirakl wants every line of the return."""
        items = []
        for return_id, lines in dict(compliances).items():
            lines = [_compliance_line(line) for line in lines]
            if not lines:
                raise ValueError(f"the compliance of return {return_id} has no lines")
            items.append({"id": _return_id(return_id), "return_lines": lines})
        return self._update_returns("RT26", "compliance", items)

    def close_returns(self, return_ids):
        """RT27: close returns (the customer was refunded or the return settled)."""
        items = [{"id": _return_id(return_id)} for return_id in return_ids]
        return self._update_returns("RT27", "close", items)

    def _update_returns(self, op, action, items):
        """PUT `items` 100 at a time and merge the answers."""
        if not items:
            raise ValueError(f"{op} needs at least one return")
        merged = schemas.ReturnsUpdated()
        for start in range(0, len(items), MAX_RETURNS):
            body = {"returns": items[start : start + MAX_RETURNS]}
            response = self.request(op, "PUT", f"{RETURNS_PATH}/{action}", json=body)
            result = self._parse(op, schemas.ReturnsUpdated, self._decode(op, response))
            merged.return_success.extend(result.return_success)
            merged.return_errors.extend(result.return_errors)
        return merged
