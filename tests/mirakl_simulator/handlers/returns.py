"""Returns endpoints, where PC01 ``features.returns`` enables them: RT11 (list, seek paging),
RT21 (accept or refuse), RT25 (received), RT26 (compliance) and RT27 (close).

A malformed body is a 400 for the whole call; refusals of one return (unknown id, wrong state)
are entries of ``return_errors`` next to ``return_success`` in a 200, as Mirakl answers batch
calls. The state machine lives in ``returns.model``.
"""

from ..clock import parse_datetime
from ..errors import bad_request
from ..paging import seek_page
from ..returns.model import NON_COMPLIANCE_REASONS, REJECTION_REASONS, ReturnError
from ..routing import route
from .shipping import _check_fields

MAX_RETURNS = 100
MAX_COMPLIANCE_LINES = 200
UNKNOWN_RETURN = "The return does not exist."
LIST_FILTERS = {
    "return_id": "id",
    "return_state": "state",
    "order_commercial_id": "order_commercial_id",
    "return_rma": "rma",
    "customer_id": "customer_id",
}
# Date filters: (attribute, True for a lower bound).
DATE_FILTERS = {
    "return_creation_date_from": ("date_created", True),
    "return_creation_date_to": ("date_created", False),
    "return_last_updated_from": ("last_updated", True),
    "return_last_updated_to": ("last_updated", False),
}
COMPLIANCE_FIELDS = {
    "order_line_id",
    "compliant",
    "non_compliance_reason_code",
    "non_compliance_additional_info",
}
SORTS = {"date_created": False, "date_created,ASC": False, "date_created,DESC": True}


def _enabled(ctx):
    if not any((ctx.store.platform_configuration["features"].get("returns") or {}).values()):
        raise bad_request("Returns are not enabled on this platform")


def _values(filters, name):
    """A list filter: repeated parameters, comma-separated values tolerated."""
    return {item for raw in filters.get(name, []) for item in raw.split(",") if item}


def _date(filters, name):
    raw = (filters.get(name) or [""])[0]
    try:
        return parse_datetime(raw) if raw else None
    except ValueError:
        raise bad_request(f"Invalid value '{raw}' for parameter : {name}") from None


def _matching_returns(returns, filters):
    """RT11 filters and sort (``date_created``, ascending unless ``,DESC``)."""
    sort = (filters.get("sort") or ["date_created"])[0]
    if sort not in SORTS:
        raise bad_request(f"Invalid value '{sort}' for parameter : sort")
    wanted = {attribute: _values(filters, name) for name, attribute in LIST_FILTERS.items()}
    lines = _values(filters, "order_line_id")
    bounds = [
        (attribute, lower, _date(filters, name))
        for name, (attribute, lower) in DATE_FILTERS.items()
    ]

    def within(value, lower, bound):
        return bound is None or (value >= bound if lower else value <= bound)

    def matches(item):
        if any(values and getattr(item, attr) not in values for attr, values in wanted.items()):
            return False
        if lines and not lines & {line["order_line_id"] for line in item.lines}:
            return False
        return all(within(getattr(item, attr), lower, bound) for attr, lower, bound in bounds)

    ordered = sorted(returns, key=lambda item: item.date_created, reverse=SORTS[sort])
    return [item.body() for item in ordered if matches(item)]


@route("GET", "/api/returns", op="RT11")
def list_returns(ctx):
    _enabled(ctx)
    returns = ctx.store.returns.of_shop(ctx.shop.shop_id)
    return seek_page(ctx.query, lambda filters: _matching_returns(returns, filters))


def _returns(body, fields):
    items = body.get("returns")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_RETURNS:
        raise bad_request(f"returns must be a list of 1 to {MAX_RETURNS} items")
    for index, item in enumerate(items):
        _check_fields(item, fields, f"returns[{index}]")
        if not isinstance(item.get("id"), str) or not item["id"]:
            raise bad_request(f"returns[{index}].id is required")
    return items


def _each_return(ctx, items, action):
    """Run ``action(return, item)`` per listed return: ``{return_success, return_errors}``."""
    successes, errors = [], []
    now = ctx.store.clock.now()
    for item in items:
        found = ctx.store.returns.get(item["id"], ctx.shop.shop_id)
        try:
            if found is None:
                raise ReturnError(UNKNOWN_RETURN)
            action(found, item, now)
        except ReturnError as error:
            errors.append({"id": item["id"], "message": error.message})
        else:
            successes.append({"id": found.id})
    return {"return_success": successes, "return_errors": errors}


@route("PUT", "/api/returns/accept", op="RT21")
def decide_returns(ctx):
    _enabled(ctx)
    items = _returns(ctx.json_object(), {"id", "accepted", "rejection_reason_code"})
    for index, item in enumerate(items):
        if not isinstance(item.get("accepted"), bool):
            raise bad_request(f"returns[{index}].accepted must be true or false")
        reason = item.get("rejection_reason_code")
        if reason is not None and reason not in REJECTION_REASONS:
            raise bad_request(
                f"Invalid value '{reason}' for returns[{index}].rejection_reason_code"
            )
    return _each_return(
        ctx,
        items,
        lambda found, item, now: found.decide(
            item["accepted"], item.get("rejection_reason_code"), now
        ),
    )


@route("PUT", "/api/returns/receive", op="RT25")
def receive_returns(ctx):
    _enabled(ctx)
    items = _returns(ctx.json_object(), {"id"})
    return _each_return(ctx, items, lambda found, _item, now: found.receive(now))


def _verdicts(item, index):
    """``{order_line_id: verdict}`` of one RT26 item, checked."""
    lines = item.get("return_lines")
    where = f"returns[{index}].return_lines"
    if not isinstance(lines, list) or not 1 <= len(lines) <= MAX_COMPLIANCE_LINES:
        raise bad_request(f"{where} must be a list of 1 to {MAX_COMPLIANCE_LINES} items")
    verdicts = {}
    for number, line in enumerate(lines):
        _check_fields(line, COMPLIANCE_FIELDS, f"{where}[{number}]")
        if not isinstance(line.get("order_line_id"), str) or not isinstance(
            line.get("compliant"), bool
        ):
            raise bad_request(f"{where}[{number}] needs an order_line_id and compliant")
        reason = line.get("non_compliance_reason_code")
        if reason is not None and reason not in NON_COMPLIANCE_REASONS:
            raise bad_request(f"Invalid value '{reason}' for {where}[{number}].reason_code")
        info = line.get("non_compliance_additional_info")
        if info is not None and (not isinstance(info, str) or len(info) > 2000):
            raise bad_request(f"{where}[{number}].non_compliance_additional_info is too long")
        verdict = {"compliant": line["compliant"]}
        if not line["compliant"]:
            for key in ("non_compliance_reason_code", "non_compliance_additional_info"):
                if line.get(key):
                    verdict[key] = line[key]
        verdicts[line["order_line_id"]] = verdict
    return verdicts


@route("PUT", "/api/returns/compliance", op="RT26")
def set_returns_compliance(ctx):
    _enabled(ctx)
    items = _returns(ctx.json_object(), {"id", "return_lines"})
    verdicts = [_verdicts(item, index) for index, item in enumerate(items)]
    by_item = {id(item): verdict for item, verdict in zip(items, verdicts, strict=True)}
    return _each_return(
        ctx, items, lambda found, item, now: found.set_compliance(by_item[id(item)], now)
    )


@route("PUT", "/api/returns/close", op="RT27")
def close_returns(ctx):
    _enabled(ctx)
    items = _returns(ctx.json_object(), {"id"})
    return _each_return(ctx, items, lambda found, _item, now: found.close(now))
