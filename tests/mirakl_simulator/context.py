"""What a handler receives (``RequestContext``) and may return (``Reply``, or a JSON-able value)."""

import json
from dataclasses import dataclass, field
from decimal import Decimal

from .errors import ApiError, bad_request

JSON_TYPE = "application/json;charset=UTF-8"


def json_default(value):
    """Money is kept as Decimal in some seeds: send it as a JSON number."""
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


@dataclass
class Reply:
    """An HTTP answer; ``body`` may be bytes, text, or a JSON-able value (then sent as JSON).

    ``injected`` marks answers made up by a fault rather than by a handler.
    """

    status: int = 200
    body: object = None
    content_type: str = JSON_TYPE
    headers: dict = field(default_factory=dict)
    injected: bool = False

    def payload(self):
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body, default=json_default).encode("utf-8")


@dataclass
class RequestContext:
    """One authenticated call: the store, the selected shop and the parsed request."""

    store: object
    shop: object
    api_key: object
    query: dict
    path_params: dict
    headers: dict
    body: bytes

    def header(self, name, default=None):
        """Request header ``name``, whatever its case."""
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), default)

    def json_body(self):
        """The parsed JSON body, None when it does not parse; 415 for another content type."""
        content_type = self.header("content-type", "")
        if not content_type.startswith("application/json"):
            raise ApiError(415, f"Content type '{content_type}' not supported")
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def json_object(self):
        """The JSON object of the body; 400 for anything else."""
        body = self.json_body()
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object")
        return body

    def param(self, name, default=None):
        """First value of query parameter ``name`` (empty counts as absent)."""
        values = self.query.get(name) or [""]
        return values[0] if values[0] != "" else default

    def list_param(self, name):
        """All values of ``name``, accepting both repeated and comma-separated forms."""
        return [item for raw in self.query.get(name, []) for item in raw.split(",") if item]

    def int_param(self, name, default=None):
        raw = self.param(name)
        if raw is None:
            return default
        try:
            return int(raw)
        except ValueError:
            raise bad_request(f"Invalid value '{raw}' for parameter : {name}") from None

    def bool_param(self, name, default=None):
        raw = self.param(name)
        if raw is None:
            return default
        if raw.lower() not in ("true", "false"):
            raise bad_request(f"Invalid value '{raw}' for parameter : {name}")
        return raw.lower() == "true"
