"""Typed errors of the Mirakl client.

Callers branch on the class (what to tell the seller) and on `retryable` / `retry_after` (whether a
queue job should postpone itself). Texts and bodies are redacted by the client before they get here:
an error never holds the API key.
"""

from .const import RETRYABLE_STATUSES


class MiraklError(Exception):
    """Base of every error raised by the client."""

    retryable = False

    def __init__(self, message, op=None, *, status=None, body=None, retry_after=None):
        super().__init__(message)
        self.message = message
        self.op = op  # Mirakl operation code, e.g. "OR11"
        self.status = status  # HTTP status, when there was an answer
        self.body = body  # excerpt of the answer (redacted, bounded), when there was one
        self.retry_after = retry_after  # seconds to wait before trying again, when known

    def __str__(self):
        op = f"{self.op}: " if self.op else ""
        status = f"HTTP {self.status}: " if self.status else ""
        return f"{op}{status}{self.message}"


class MiraklConfigError(MiraklError):
    """The connection settings are unusable (operator URL, API key, shop id)."""


class MiraklConnectionError(MiraklError):
    """Mirakl could not be reached: DNS, refused connection, TLS failure."""

    retryable = True


class MiraklTimeoutError(MiraklConnectionError):
    """Mirakl did not answer within the timeout."""


class MiraklResponseError(MiraklError):
    """Mirakl answered 2xx with something the client cannot use (not JSON, wrong shape)."""


class MiraklForeignUrlError(MiraklResponseError):
    """Mirakl handed out a file URL on another origin than the operator URL.

    Raised before any request: following it would send the API key to a host the seller never
    configured (or over plain HTTP).
    """


class MiraklHTTPError(MiraklError):
    """Mirakl answered with a non-2xx status; `retryable` follows the status."""

    def __init__(self, message, op=None, *, status=None, body=None, retry_after=None):
        super().__init__(message, op, status=status, body=body, retry_after=retry_after)
        self.retryable = status in RETRYABLE_STATUSES


class MiraklBadRequestError(MiraklHTTPError):
    """400 and any other 4xx without its own class; Mirakl's `message` says what is wrong."""


class MiraklAuthenticationError(MiraklHTTPError):
    """401: the API key is missing or invalid."""


class MiraklPermissionError(MiraklHTTPError):
    """403: the key lacks the role, or the shop is not one of the key's shops."""


class MiraklNotFoundError(MiraklHTTPError):
    """404: unknown resource, or a wrong operator URL (then the body is usually HTML)."""


class MiraklRateLimitError(MiraklHTTPError):
    """429: too many calls; `retry_after` comes from the Retry-After header."""


class MiraklServerError(MiraklHTTPError):
    """5xx: Mirakl or a gateway in front of it failed."""


_STATUS_CLASSES = {
    401: MiraklAuthenticationError,
    403: MiraklPermissionError,
    404: MiraklNotFoundError,
    429: MiraklRateLimitError,
}


def http_error_class(status):
    """Return the error class for a non-2xx HTTP status."""
    if status in _STATUS_CLASSES:
        return _STATUS_CLASSES[status]
    if 400 <= status < 500:
        return MiraklBadRequestError
    if status >= 500:
        return MiraklServerError
    return MiraklHTTPError
