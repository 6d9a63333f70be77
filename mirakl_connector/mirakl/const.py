"""Constants of the Mirakl client: defaults, limits and the User-Agent.

`USER_AGENT` is computed on first access from the addon manifest (single source of truth for the
version), so importing the client never depends on the manifest being readable.
"""

import ast
import functools
from pathlib import Path

DEFAULT_TIMEOUT = 30.0  # seconds, one float for connect and read: Odoo's test harness compares it
DEFAULT_MAX_ATTEMPTS = 4  # first try included
DEFAULT_MAX_RETRY_SECONDS = 60.0  # total time one call may spend waiting and retrying
DEFAULT_BACKOFF_FACTOR = 0.5  # wait backoff_factor * 2**n before retry n+1

# Accept headers: Mirakl's JSON answers, or whatever file a download call returns.
ACCEPT_JSON = "application/json"
ACCEPT_ANY = "*/*"

MAX_PAGE_SIZE = 100  # Mirakl answers 400 above this for `max` (offset) and `limit` (seek)

# Transient statuses: Mirakl documents 429 + Retry-After; gateways answer 502/503/504.
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
# Statuses meaning "rejected before processing": the only ones safe to replay for POST/PUT/DELETE.
UNPROCESSED_STATUSES = frozenset({429, 503})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

BODY_EXCERPT_CHARS = 2048  # error bodies are kept for diagnosis, not in full
REDACTED = "***"

MANIFEST_PATH = Path(__file__).resolve().parent.parent / "__manifest__.py"


@functools.cache
def read_manifest_version(path):
    """Return the `version` of an Odoo manifest, parsed without executing it."""
    try:
        manifest = ast.literal_eval(Path(path).read_text(encoding="utf-8"))
        return manifest["version"]
    except (OSError, SyntaxError, ValueError, TypeError, KeyError) as exc:
        raise RuntimeError(
            f"Cannot read the addon version from {path} ({exc!r}); the Mirakl client needs it "
            "for its User-Agent."
        ) from exc


def __getattr__(name):
    """Compute USER_AGENT lazily (PEP 562) from the manifest."""
    if name == "USER_AGENT":
        return f"mirakl_connector/{read_manifest_version(MANIFEST_PATH)}"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
