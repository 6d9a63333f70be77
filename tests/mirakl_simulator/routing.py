"""Route registry: domain modules declare endpoints with ``@route`` and their Mirakl op code.

Routes are module-level so a new domain (orders, imports, shipments) only needs a new module in
``handlers/`` that decorates its functions; the server never changes.
"""

import re
from dataclasses import dataclass, field

from .errors import ApiError

_PARAM = re.compile(r"\{(\w+)\}")
ROUTES = []


@dataclass(frozen=True)
class Route:
    """One endpoint: ``handler(ctx)`` answers ``method template`` for Mirakl operation ``op``."""

    method: str
    template: str
    op: str
    handler: object
    pattern: re.Pattern = field(default=None, compare=False)

    @property
    def specificity(self):
        """Literal segments beat ``{param}``: ``/offers/imports`` wins over ``/offers/{id}``."""
        return tuple(0 if _PARAM.fullmatch(part) else 1 for part in self.template.split("/"))


def compile_template(template):
    """``/api/offers/{offer}`` -> regex with one named group per ``{param}``."""
    pieces = _PARAM.split(template)
    regex = "".join(
        re.escape(piece) if index % 2 == 0 else f"(?P<{piece}>[^/]+)"
        for index, piece in enumerate(pieces)
    )
    return re.compile(f"^{regex}$")


def route(method, template, *, op):
    """Register the decorated function as handler of ``method template`` (Mirakl code ``op``)."""

    def decorator(handler):
        ROUTES.append(Route(method.upper(), template, op, handler, compile_template(template)))
        ROUTES.sort(key=lambda r: r.specificity, reverse=True)
        return handler

    return decorator


def resolve(method, path):
    """Return ``(route, path_params)`` or raise Mirakl's 404 / 405 JSON error."""
    allowed = []
    for candidate in ROUTES:
        match = candidate.pattern.match(path)
        if match and candidate.method == method:
            return candidate, match.groupdict()
        if match:
            allowed.append(candidate.method)
    if allowed:
        message = f"Request method '{method}' is not supported"
        raise ApiError(405, message, {"Allow": ", ".join(allowed)})
    raise ApiError(404, f"No endpoint {method} {path}")
