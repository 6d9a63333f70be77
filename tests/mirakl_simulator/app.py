"""Socket-free request pipeline: route, journal, faults, auth, shop selection, handler, errors.

Kept apart from ``server.py`` so the Mirakl rules read top to bottom in one place.
"""

import logging
import threading
from urllib.parse import parse_qs, urlsplit

from . import (
    control,
    handlers,  # noqa: F401  (importing it registers the routes)
)
from .context import JSON_TYPE, Reply, RequestContext
from .errors import ApiError
from .faults import FaultBook
from .records import MAX_JOURNAL_BODY, Journal, RecordedRequest, RecordedResponse
from .routing import resolve

_logger = logging.getLogger(__name__)

NOT_FOUND_HTML = (
    "<!DOCTYPE html><html><head><title>404 Not Found</title></head>"
    "<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>"
)


def error_reply(error):
    return Reply(error.status, error.body(), headers=error.headers)


class Application:
    """The simulated operator behind the HTTP server."""

    def __init__(self, store):
        self.store = store
        self.faults = FaultBook()
        self.journal = Journal()
        self.stopping = threading.Event()

    def handle(self, method, target, headers, body):
        """Answer one raw HTTP request with a ``Reply``."""
        url = urlsplit(target)
        path, query = url.path, parse_qs(url.query, keep_blank_values=True)
        if path.startswith(control.PREFIX):
            return control.handle(self, method, path, body)
        op, route, path_params, reply = None, None, None, None
        if path == "/api" or path.startswith("/api/"):
            try:
                route, path_params = resolve(method, path)
                op = route.op
            except ApiError as error:
                reply = error_reply(error)
        else:  # what a wrong operator URL looks like: the web front's HTML 404
            reply = Reply(404, NOT_FOUND_HTML, "text/html;charset=UTF-8")
        self.journal.add_request(RecordedRequest(op, method, path, query, dict(headers), body))
        if reply is None:
            reply = self._serve(route, path_params, query, headers, body)
        reply.body = reply.payload()  # serialise once, for the journal and the socket
        omitted = len(reply.body) > MAX_JOURNAL_BODY
        self.journal.add_response(
            RecordedResponse(
                op,
                method,
                path,
                reply.status,
                reply.content_type,
                b"" if omitted else reply.body,
                dict(reply.headers),
                reply.injected,
                omitted,
            )
        )
        return reply

    def _serve(self, route, path_params, query, headers, body):
        fault = self.faults.take(route.op)
        if fault and fault.delay:
            self.stopping.wait(fault.delay)
        if fault and (fault.status is not None or fault.body is not None):
            return self._fault_reply(fault)
        try:
            with self.store.lock:
                api_key = self._authenticate(headers)
                shop = self._select_shop(api_key, query)
                ctx = RequestContext(self.store, shop, api_key, query, path_params, headers, body)
                result = route.handler(ctx)
        except ApiError as error:
            return error_reply(error)
        except Exception:  # a simulator bug must still answer, like Mirakl's 500
            _logger.exception("handler %s failed", route.op)
            return error_reply(ApiError(500, "Internal server error"))
        return result if isinstance(result, Reply) else Reply(200, result)

    @staticmethod
    def _fault_reply(fault):
        status = 200 if fault.status is None else fault.status
        headers = {}
        if fault.retry_after is not None:
            seconds = float(fault.retry_after)
            headers["Retry-After"] = str(int(seconds)) if seconds.is_integer() else str(seconds)
        if fault.body is None:
            body = ApiError(status, f"Simulated fault (HTTP {status})").body()
            return Reply(status, body, JSON_TYPE, headers, injected=True)
        return Reply(status, fault.body, fault.content_type or JSON_TYPE, headers, injected=True)

    def _authenticate(self, headers):
        """Mirakl takes the raw key: missing, unknown or ``Bearer``-prefixed keys are 401."""
        raw = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
        if not raw:
            raise ApiError(401, "Unauthorized: missing Authorization header")
        api_key = self.store.api_keys.get(raw.strip())
        if api_key is None:
            raise ApiError(401, "Unauthorized: invalid API key")
        if not api_key.roles:
            raise ApiError(403, "Access denied: the API key has no role for this resource")
        return api_key

    def _select_shop(self, api_key, query):
        """``shop_id`` picks one of the key's shops; without it the key's default shop is used."""
        raw = (query.get("shop_id") or [""])[0]
        if raw == "":
            return self.store.shops[api_key.default_shop_id]
        try:
            shop_id = int(raw)
        except ValueError:
            raise ApiError(400, f"Invalid value '{raw}' for parameter : shop_id") from None
        if shop_id not in api_key.shop_ids:
            raise ApiError(403, f"Access denied to shop {shop_id}")
        return self.store.shops[shop_id]
