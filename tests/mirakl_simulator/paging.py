"""Mirakl's two paging styles, with its caps (page size <= 100, default 10).

Offset paging (``max``/``offset`` + ``total_count``) and seek paging (``limit``/``page_token`` +
``next_page_token``/``previous_page_token``). A seek token carries the original filters, because
Mirakl ignores every other parameter once ``page_token`` is given.
"""

import base64
import binascii
import json

from .errors import bad_request

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
_SEEK_RESERVED = {"page_token", "limit", "shop_id"}


def _int_param(query, name, default, minimum):
    raw = (query.get(name) or [""])[0]
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"Invalid value '{raw}' for parameter : {name}") from None
    if value < minimum:
        raise bad_request(f"Parameter {name} must be greater than or equal to {minimum}")
    return value


def _page_size(query, name, maximum=MAX_PAGE_SIZE):
    size = _int_param(query, name, DEFAULT_PAGE_SIZE, 1)
    if size > maximum:
        raise bad_request(f"The limit of {maximum} is exceeded for the parameter : {name}")
    return size


def offset_page(items, query):
    """Slice ``items`` by ``max``/``offset`` (``query`` maps names to value lists).

    Returns ``(page, total_count)``.
    """
    size = _page_size(query, "max")
    offset = _int_param(query, "offset", 0, 0)
    return items[offset : offset + size], len(items)


def _encode_token(state):
    raw = json.dumps(state, sort_keys=True, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_token(token):
    try:
        padded = token + "=" * (-len(token) % 4)
        state = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return state["filters"], int(state["offset"]), int(state["limit"])
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise bad_request(f"Invalid page_token '{token}'") from None


def seek_page(query, fetch, max_limit=MAX_PAGE_SIZE):
    """Answer one seek page.

    ``query`` maps names to value lists; ``fetch(filters)`` returns the full ordered item list for
    ``filters`` (the same mapping without paging parameters and ``shop_id``). ``max_limit`` is
    the largest ``limit`` the operation accepts (TL02: 2000).
    """
    token = (query.get("page_token") or [""])[0]
    if token:
        filters, offset, limit = _decode_token(token)
    else:
        filters = {k: v for k, v in query.items() if k not in _SEEK_RESERVED}
        offset, limit = 0, _page_size(query, "limit", max_limit)
    items = fetch(filters)
    body = {"data": items[offset : offset + limit]}
    if offset + limit < len(items):
        body["next_page_token"] = _encode_token(
            {"filters": filters, "offset": offset + limit, "limit": limit}
        )
    if offset > 0:
        body["previous_page_token"] = _encode_token(
            {"filters": filters, "offset": max(0, offset - limit), "limit": limit}
        )
    return body
