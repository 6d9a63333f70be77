"""Order filters of OR11 (query string) and OR13 (JSON body), validated the way Mirakl does.

Filters only read what both full orders and not-yet-built generated orders (``OrderStub``)
carry, so a filtered listing never builds the orders it skips.
"""

from dataclasses import dataclass

from ..clock import parse_datetime
from ..errors import bad_request
from .model import TAX_MODES
from .states import ORDER_STATES

MAX_IDS = 100  # OR11 caps each id list filter; more is a 400
PAYMENT_WORKFLOWS = (
    "PAY_ON_ACCEPTANCE",
    "PAY_ON_DELIVERY",
    "PAY_ON_DUE_DATE",
    "PAY_ON_SHIPMENT",
    "NO_CUSTOMER_PAYMENT_CONFIRMATION",
)


def _capped(name, values):
    if len(values) > MAX_IDS:
        raise bad_request(f"The limit of {MAX_IDS} is exceeded for the parameter : {name}")
    return frozenset(values) if values else None


def _date(name, raw):
    if raw is None:
        return None
    try:
        return parse_datetime(raw)
    except (TypeError, ValueError):
        raise bad_request(f"Invalid date '{raw}' for parameter : {name}") from None


def _states(values):
    unknown = [value for value in values if value not in ORDER_STATES]
    if unknown:
        raise bad_request(f"Invalid value '{unknown[0]}' for parameter : order_state_codes")
    return frozenset(values) if values else None


def tax_mode(raw, default):
    """``order_tax_mode`` or the platform default; anything else is a 400."""
    if raw is None:
        return default
    if raw not in TAX_MODES:
        raise bad_request(f"Invalid value '{raw}' for parameter : order_tax_mode")
    return raw


@dataclass(frozen=True)
class OrderFilter:
    order_ids: frozenset | None = None
    states: frozenset | None = None
    channel_codes: frozenset | None = None
    only_null_channel: bool = False
    start_date: object = None
    end_date: object = None
    start_update_date: object = None
    end_update_date: object = None
    customer_debited: bool | None = None
    has_incident: bool | None = None
    payment_workflow: str | None = None

    @classmethod
    def from_query(cls, ctx, widening):
        """OR11 filters; ``start_update_date`` is moved back by ``widening``, as Mirakl does
        "to ensure no orders are missed due to network and/or software latency"."""
        workflow = ctx.param("payment_workflow")
        if workflow is not None and workflow not in PAYMENT_WORKFLOWS:
            raise bad_request(f"Invalid value '{workflow}' for parameter : payment_workflow")
        start_update = _date("start_update_date", ctx.param("start_update_date"))
        return cls(
            order_ids=_capped("order_ids", ctx.list_param("order_ids")),
            states=_states(ctx.list_param("order_state_codes")),
            channel_codes=_capped("channel_codes", ctx.list_param("channel_codes")),
            only_null_channel=ctx.bool_param("only_null_channel", False),
            start_date=_date("start_date", ctx.param("start_date")),
            end_date=_date("end_date", ctx.param("end_date")),
            start_update_date=start_update - widening if start_update else None,
            end_update_date=_date("end_update_date", ctx.param("end_update_date")),
            customer_debited=ctx.bool_param("customer_debited"),
            has_incident=ctx.bool_param("has_incident"),
            payment_workflow=workflow,
        )

    @classmethod
    def from_export_request(cls, body):
        """OR13 filters: one complete date range (creation or last update) is mandatory."""
        dates = {
            name: _date(name, body.get(name))
            for name in ("start_date", "end_date", "start_update_date", "end_update_date")
        }
        for start, end in (("start_date", "end_date"), ("start_update_date", "end_update_date")):
            if (dates[start] is None) != (dates[end] is None):
                raise bad_request(f"Parameters {start} and {end} must be given together")
        if dates["start_date"] is None and dates["start_update_date"] is None:
            raise bad_request(
                "A date range is required: start_date/end_date or start_update_date/end_update_date"
            )
        states = body.get("order_state_codes") or []
        channels = body.get("channel_codes") or []
        if not isinstance(states, list) or not isinstance(channels, list):
            raise bad_request("order_state_codes and channel_codes must be lists")
        return cls(
            states=_states(states),
            channel_codes=frozenset(channels) or None,
            only_null_channel=body.get("only_null_channel") is True,
            **dates,
        )

    def matches(self, entry):
        """True when ``entry`` (an ``Order`` or an ``OrderStub``) passes every filter."""
        checks = (
            self.order_ids is None or entry.order_id in self.order_ids,
            self.states is None or entry.state in self.states,
            self._channel_ok(entry.channel_code),
            self.start_date is None or entry.created_date >= self.start_date,
            self.end_date is None or entry.created_date <= self.end_date,
            self.start_update_date is None or entry.last_updated_date >= self.start_update_date,
            self.end_update_date is None or entry.last_updated_date <= self.end_update_date,
            self.customer_debited is None
            or (entry.customer_debited_date is not None) == self.customer_debited,
            self.has_incident is None or entry.has_incident == self.has_incident,
            self.payment_workflow is None or entry.payment_workflow == self.payment_workflow,
        )
        return all(checks)

    def _channel_ok(self, code):
        if self.only_null_channel:
            return code is None
        return self.channel_codes is None or code in self.channel_codes


def sort_orders(entries, ctx):
    """OR11 ``sort=dateCreated`` (the only one; then by order id) and ``order=asc|desc``."""
    sort = ctx.param("sort", "dateCreated")
    if sort != "dateCreated":
        raise bad_request(f"Invalid sort '{sort}', expected dateCreated")
    direction = ctx.param("order", "asc").lower()
    if direction not in ("asc", "desc"):
        raise bad_request(f"Invalid order '{direction}', expected asc or desc")
    return sorted(
        entries, key=lambda entry: (entry.created_date, entry.order_id), reverse=direction == "desc"
    )
