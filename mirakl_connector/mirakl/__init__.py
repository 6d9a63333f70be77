"""Pure-Python client of the Mirakl seller API (no Odoo import: testable on its own)."""

from . import const, errors, files, schemas
from .client import MiraklClient, normalize_operator_url
from .errors import (
    MiraklAuthenticationError,
    MiraklBadRequestError,
    MiraklConfigError,
    MiraklConnectionError,
    MiraklError,
    MiraklForeignUrlError,
    MiraklHTTPError,
    MiraklNotFoundError,
    MiraklPermissionError,
    MiraklRateLimitError,
    MiraklResponseError,
    MiraklServerError,
    MiraklTimeoutError,
)

__all__ = [
    "MiraklAuthenticationError",
    "MiraklBadRequestError",
    "MiraklClient",
    "MiraklConfigError",
    "MiraklConnectionError",
    "MiraklError",
    "MiraklForeignUrlError",
    "MiraklHTTPError",
    "MiraklNotFoundError",
    "MiraklPermissionError",
    "MiraklRateLimitError",
    "MiraklResponseError",
    "MiraklServerError",
    "MiraklTimeoutError",
    "const",
    "errors",
    "files",
    "normalize_operator_url",
    "schemas",
]
