"""Transport of the Mirakl client: configuration, auth, retries, error mapping and decoding.

Retry policy. GET (idempotent) is retried on 429, 500, 502, 503, 504, connection errors and
timeouts. POST, PUT and DELETE are retried only on 429 and 503: both mean the request was refused
before Mirakl processed it, so replaying cannot create a second import or accept an order twice.
A POST that timed out or got a 500 may or may not have been applied: the error is raised and the
caller (a flow that knows whether the call is safe to repeat) decides. Waits follow Retry-After
(seconds or HTTP-date) when given, else backoff_factor * 2**n without jitter (one client per
marketplace, so no herd to spread, and deterministic tests). Retries stop after `max_attempts`
calls or when the next wait would push the time spent past `max_retry_seconds`; the error then
carries `retry_after` so a queue job can postpone itself instead of blocking a worker.
"""

import email.utils
import json as jsonlib
import logging
import math
import re
import time
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import quote, urlsplit, urlunsplit

import pydantic
import requests

from . import const
from .errors import (
    MiraklConfigError,
    MiraklConnectionError,
    MiraklForeignUrlError,
    MiraklResponseError,
    MiraklTimeoutError,
    http_error_class,
)

# One logger for the whole client, named after its public module (`mirakl.client`).
_logger = logging.getLogger(f"{__package__}.client")


def normalize_operator_url(url):
    """Return the operator root URL (`https://acme.mirakl.net`) from what a seller may paste.

    Spaces, trailing slashes and a trailing `/api` are dropped: the client adds `/api/...` itself.
    """
    if not isinstance(url, str) or not url.strip():
        raise MiraklConfigError("The operator URL is empty.")
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise MiraklConfigError(
            f"The operator URL must start with https:// and name a host, e.g. "
            f"https://acme.mirakl.net (got {url.strip()!r})."
        )
    if parts.username or parts.password:
        raise MiraklConfigError("The operator URL must not contain credentials.")
    path = parts.path.rstrip("/")
    if path.lower().endswith("/api"):
        path = path[: -len("/api")].rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, "", ""))


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), None if unusable."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def wire_value(value):
    """Mirakl wants `true`/`false`, UTC dates with a Z, and repeated keys for array filters
    (query strings and JSON bodies alike)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.tzinfo is None:  # Odoo datetimes are naive UTC
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, (list, tuple)):
        return [wire_value(item) for item in value]
    return value


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url):
    """(scheme, host, port) of ``url``, default ports made explicit, for same-origin checks."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:  # a port that is not a number
        port = None
    return scheme, (parts.hostname or "").lower(), port


def _error_location(loc):
    return ".".join(str(part) for part in loc) or "(root)"


class Transport:
    """Connection to one Mirakl shop: operator URL, API key and, for multi-shop keys, shop id."""

    def __init__(
        self,
        base_url,
        api_key,
        shop_id=None,
        *,
        timeout=const.DEFAULT_TIMEOUT,
        max_attempts=const.DEFAULT_MAX_ATTEMPTS,
        max_retry_seconds=const.DEFAULT_MAX_RETRY_SECONDS,
        backoff_factor=const.DEFAULT_BACKOFF_FACTOR,
        user_agent=None,
        session=None,
        sleep=time.sleep,
    ):
        """`user_agent` defaults to const.USER_AGENT; `sleep` is injectable for tests."""
        self.base_url = normalize_operator_url(base_url)
        if not isinstance(api_key, str) or not api_key.strip():
            raise MiraklConfigError("The Mirakl API key is missing.")
        self._api_key = api_key.strip()
        self._secrets = {self._api_key, quote(self._api_key, safe="")}
        self.shop_id = self._check_shop_id(shop_id)
        # One number: requests applies it to connect and to each read. Never a tuple.
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise MiraklConfigError(f"The timeout must be a positive number, not {timeout!r}.")
        self.timeout = float(timeout)
        self.max_attempts = max(1, int(max_attempts))
        self.max_retry_seconds = float(max_retry_seconds)
        self.backoff_factor = float(backoff_factor)
        self.user_agent = user_agent or const.USER_AGENT
        self._own_session = session is None
        self._session = session or requests.Session()
        self._sleep = sleep

    @staticmethod
    def _check_shop_id(shop_id):
        """Odoo hands over False for an empty Char field: treat every empty value as "no shop"."""
        if shop_id is None or shop_id is False or shop_id == "":
            return None
        text = str(shop_id).strip()
        if not text.isdigit():
            raise MiraklConfigError(f"The shop id must be a number, not {shop_id!r}.")
        return text

    def __repr__(self):
        return f"<{type(self).__name__} {self.base_url} shop_id={self.shop_id}>"

    def close(self):
        """Release pooled connections, unless the session belongs to the caller."""
        if self._own_session:
            self._session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # -- transport ---------------------------------------------------------------------------

    def request(
        self,
        op,
        method,
        path,
        *,
        params=None,
        json=None,
        data=None,
        files=None,
        accept=const.ACCEPT_JSON,
    ):
        """Send one Mirakl call (`op` is its code, for errors and logs) with retries.

        Return the 2xx `requests.Response`; raise a MiraklError otherwise. The request is prepared
        once, so a retried multipart upload resends the same bytes. `accept`:
        `const.ACCEPT_ANY` for the calls that answer a file (documents, attachments, PDFs).
        """
        if not path.startswith("/"):
            raise ValueError(f"path must start with '/', not {path!r}")
        return self._send(op, method, self.base_url + path, params, json, data, files, accept)

    def _send(
        self,
        op,
        method,
        url,
        params=None,
        json=None,
        data=None,
        files=None,
        accept=const.ACCEPT_JSON,
    ):
        """`request` on a full URL; callers make sure the URL is the operator's (the key goes)."""
        method = method.upper()
        prepared = self._session.prepare_request(
            requests.Request(
                method,
                url,
                params=self._query(params),
                json=json,
                data=data,
                files=files,
                headers={
                    "Authorization": self._api_key,  # the raw key: Mirakl rejects "Bearer <key>"
                    "Accept": accept,
                    "User-Agent": self.user_agent,
                },
            )
        )
        settings = self._session.merge_environment_settings(prepared.url, {}, None, None, None)
        spent = 0.0
        attempt = 0
        while True:
            attempt += 1
            started = time.monotonic()
            response, error = self._attempt(op, prepared, settings)
            duration = time.monotonic() - started
            spent += duration
            outcome = type(error).__name__ if response is None else response.status_code
            _logger.debug(
                "Mirakl %s %s %s -> %s in %.3fs", op, method, prepared.path_url, outcome, duration
            )
            if error is None:
                return response
            delay = self._retry_delay(error, method, attempt, spent)
            if delay is None:
                raise error
            _logger.warning(
                "Mirakl %s failed (%s); retry %d/%d in %.1fs",
                op,
                error,
                attempt,
                self.max_attempts - 1,
                delay,
            )
            self._sleep(delay)
            spent += delay

    def _query(self, params):
        """Query string of a call: the caller's filters plus the client's shop_id, always."""
        query = {
            key: wire_value(value) for key, value in (params or {}).items() if value is not None
        }
        if self.shop_id is not None:
            query["shop_id"] = self.shop_id
        return query

    def _attempt(self, op, prepared, settings):
        """Send once: (response, None), (response, HTTP error) or (None, connection error)."""
        try:
            response = self._session.send(prepared, timeout=self.timeout, **settings)
        except requests.exceptions.RequestException as exc:
            error = self._transport_error(op, exc)
            error.__cause__ = exc
            return None, error
        if 200 <= response.status_code < 300:
            return response, None
        return response, self._http_error(op, response)

    def _transport_error(self, op, exc):
        """Map a requests failure; TLS gets a hint, since a wrong scheme is the usual cause."""
        if isinstance(exc, requests.exceptions.SSLError):
            return MiraklConnectionError(
                f"TLS error with {self.base_url} ({self._reason(exc)}). Check that the operator "
                "URL has the right scheme (https://) and a valid certificate.",
                op,
            )
        if isinstance(exc, requests.exceptions.Timeout):
            return MiraklTimeoutError(
                f"No answer from {self.base_url} within {self.timeout:g} s.", op
            )
        return MiraklConnectionError(f"Cannot reach {self.base_url} ({self._reason(exc)}).", op)

    def _reason(self, exc):
        """requests' text without urllib3 object reprs (`<...HTTPConnection object at 0x..>: `)."""
        return self._redact(re.sub(r"<[^<>]* object at 0x[0-9a-f]+>:? ?", "", str(exc)))

    def _http_error(self, op, response):
        """Map a non-2xx answer to its error class, keeping Mirakl's `message`."""
        status = response.status_code
        payload = self._loads(response.content)
        message = payload.get("message") if isinstance(payload, dict) else None
        if not isinstance(message, str) or not message.strip():
            message = response.reason or "HTTP error"
            if payload is None and status == 404:
                message += " (the answer is not Mirakl JSON: check the operator URL)"
        error = http_error_class(status)(
            self._redact(message), op, status=status, body=self._excerpt(response.content)
        )
        if error.retryable:
            error.retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return error

    def _retry_delay(self, error, method, attempt, spent):
        """Seconds to wait before the next attempt, or None to raise `error` now."""
        if not error.retryable:
            return None
        replayable = error.status in const.UNPROCESSED_STATUSES
        if method not in const.IDEMPOTENT_METHODS and not replayable:
            return None
        if error.retry_after is None:
            error.retry_after = self.backoff_factor * 2 ** (attempt - 1)
        if attempt >= self.max_attempts or spent + error.retry_after > self.max_retry_seconds:
            return None
        return error.retry_after

    def _check_same_origin(self, op, url):
        """Refuse a download URL (OF54, OR15) on another origin than the operator URL, before any
        request: the API key goes with the GET."""
        target = _origin(url)
        if target != _origin(self.base_url):
            raise MiraklForeignUrlError(
                f"The export file is on {target[0]}://{target[1]}:{target[2]}, not on the "
                f"operator URL {self.base_url}: not sending the API key there.",
                op,
            )

    def _redact(self, text):
        for secret in self._secrets:
            text = text.replace(secret, const.REDACTED)
        return text

    def _excerpt(self, content):
        """The start of a body for diagnosis; redacted before it is cut so no key half survives."""
        return self._redact(content.decode("utf-8", errors="replace"))[: const.BODY_EXCERPT_CHARS]

    @staticmethod
    def _loads(content):
        """JSON with Decimal numbers (money stays exact), or None when the body is not JSON."""
        try:
            return jsonlib.loads(content, parse_float=Decimal)
        except ValueError:
            return None

    def _decode(self, op, response):
        payload = self._loads(response.content)
        if payload is None:
            content_type = response.headers.get("Content-Type", "")
            raise MiraklResponseError(
                f"The answer is not JSON (Content-Type {content_type!r}).",
                op,
                status=response.status_code,
                body=self._excerpt(response.content),
            )
        return payload

    def get_json(self, op, path, params=None):
        """GET `path` and return its JSON, floats parsed as Decimal."""
        return self._decode(op, self.request(op, "GET", path, params=params))

    # -- parsing -----------------------------------------------------------------------------

    @staticmethod
    def _parse(op, model, data, where=()):
        """Validate one payload; name the op and the fields on failure, never the values."""
        try:
            return model.model_validate(data)
        except pydantic.ValidationError as exc:
            problems = "; ".join(
                f"{_error_location(where + error['loc'])}: {error['msg']}"
                for error in exc.errors()[:3]
            )
            raise MiraklResponseError(f"Unexpected answer: {problems}", op) from None

    @staticmethod
    def _items(op, payload, items_key):
        """The list under `items_key`; missing or null means empty, anything else is an error."""
        if not isinstance(payload, dict):
            raise MiraklResponseError("Unexpected answer: not a JSON object.", op)
        items = payload.get(items_key)
        if items is None:
            return []
        if not isinstance(items, list):
            raise MiraklResponseError(f"Unexpected answer: {items_key!r} is not a list.", op)
        return items

    def _get_list(self, op, path, items_key, model, params=None):
        items = self._items(op, self.get_json(op, path, params), items_key)
        return [self._parse(op, model, item, (items_key, i)) for i, item in enumerate(items)]
