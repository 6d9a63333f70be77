"""Message endpoints: M11 (list threads, seek paging, 50 a page by default), M10 (one thread),
M12 (reply), M13 (download an attachment) and OR43 (open a thread on an order).

M12 and OR43 are multipart: the message is a JSON part (``message_input`` / ``thread_input``,
sent as ``application/json``, else 415), the files are ``files`` parts. The rules (recipients,
limits, the shop's pending reply) live in ``inbox``.
"""

import json
from urllib.parse import unquote

from ..clock import parse_datetime
from ..context import Reply
from ..errors import ApiError, bad_request
from ..imports.files import parse_parts
from ..inbox import LISTED_MESSAGES, ORDER_ENTITY, InboxError
from ..paging import seek_page
from ..routing import route

DEFAULT_LIMIT = "50"
BODY_LENGTH = (3, 50000)
TOPIC_TYPES = ("FREE_TEXT", "REASON_CODE")
RECIPIENT_TYPES = ("OPERATOR", "SHOP", "CUSTOMER")


def _values(filters, name):
    return [item for raw in filters.get(name, []) for item in raw.split(",") if item]


def _first(filters, name):
    values = _values(filters, name)
    return values[0] if values else None


def _matching_threads(ctx, filters):
    """M11's filters, latest update first."""
    entity_type, entity_ids = _first(filters, "entity_type"), set(_values(filters, "entity_id"))
    if entity_ids and not entity_type:
        raise bad_request("The parameter entity_type is required when entity_id is given")
    raw_since = _first(filters, "updated_since")
    try:
        since = parse_datetime(raw_since) if raw_since else None
    except ValueError:
        raise bad_request(f"Invalid value '{raw_since}' for parameter : updated_since") from None
    with_messages = (_first(filters, "with_messages") or "false").lower()
    if with_messages not in ("true", "false"):
        raise bad_request(f"Invalid value '{with_messages}' for parameter : with_messages")
    channels = set(_values(filters, "channel_codes"))
    threads = []
    for thread in ctx.store.inbox.of_shop(ctx.shop.shop_id):
        if entity_type and thread.entity_id(entity_type) is None:
            continue
        if entity_ids and thread.entity_id(entity_type) not in entity_ids:
            continue
        if since is not None and thread.date_updated < since:
            continue
        if channels and _channel(ctx, thread) not in channels:
            continue
        threads.append(thread)
    threads.sort(key=lambda thread: (thread.date_updated, thread.id), reverse=True)
    return [t.render(with_messages == "true", LISTED_MESSAGES) for t in threads]


def _channel(ctx, thread):
    order_id = thread.entity_id(ORDER_ENTITY)
    if order_id is None:
        return None
    return ctx.store.orders.find(order_id, keep=False).channel_code


@route("GET", "/api/inbox/threads", op="M11")
def list_threads(ctx):
    query = dict(ctx.query)
    if not ctx.param("page_token") and not ctx.param("limit"):
        query["limit"] = [DEFAULT_LIMIT]
    return seek_page(query, lambda filters: _matching_threads(ctx, filters))


def _thread(ctx):
    thread_id = unquote(ctx.path_params["thread_id"])
    thread = ctx.store.inbox.get(thread_id, ctx.shop.shop_id)
    if thread is None:
        raise ApiError(404, f"The thread {thread_id} does not exist.")
    return thread


@route("GET", "/api/inbox/threads/{thread_id}", op="M10")
def get_thread(ctx):
    return _thread(ctx).render()


def _message_parts(ctx, name):
    """``(JSON object of part name, [(file name, bytes)])`` of a multipart message."""
    parts = parse_parts(ctx.header("content-type", ""), ctx.body)
    message = next((part for part in parts if part.name == name), None)
    if message is None:
        raise bad_request(f"Required request part '{name}' is not present")
    if not message.content_type.lower().startswith("application/json"):
        raise ApiError(415, f"Content type '{message.content_type}' not supported for '{name}'")
    try:
        data = json.loads(message.content)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise bad_request(f"The part '{name}' must be a JSON object")
    files = [(p.filename or "", p.content) for p in parts if p.name == "files"]
    if any(not filename for filename, _content in files):
        raise bad_request("Every file needs a file name")
    return data, files


def _check_body(data):
    body = data.get("body")
    low, high = BODY_LENGTH
    if not isinstance(body, str) or not low <= len(body.strip()) <= high:
        raise bad_request(f"The message body must have between {low} and {high} characters")
    return body


def _check_topic(topic, required):
    if topic is None and not required:
        return None
    if not isinstance(topic, dict) or topic.get("type") not in TOPIC_TYPES:
        raise bad_request("The topic must have a type FREE_TEXT or REASON_CODE and a value")
    value = topic.get("value")
    low = 3 if topic["type"] == "FREE_TEXT" else 1
    if not isinstance(value, str) or not low <= len(value.strip()) <= 200:
        raise bad_request(f"The topic value must have between {low} and 200 characters")
    return {"type": topic["type"], "value": value.strip()}


def _check_types(types):
    if not isinstance(types, list) or not types:
        raise bad_request("The message needs at least one recipient ('to')")
    unknown = [kind for kind in types if kind not in RECIPIENT_TYPES]
    if unknown:
        raise bad_request(f"Unknown recipient type(s): {', '.join(map(str, unknown))}")
    return list(dict.fromkeys(types))


@route("POST", "/api/inbox/threads/{thread_id}/message", op="M12")
def reply(ctx):
    thread = _thread(ctx)
    data, files = _message_parts(ctx, "message_input")
    body = _check_body(data)
    recipients = data.get("to")
    if not isinstance(recipients, list) or not all(isinstance(r, dict) for r in recipients):
        raise bad_request("'to' must be a list of recipients {type, id}")
    types = _check_types([recipient.get("type") for recipient in recipients])
    for recipient in recipients:
        known = thread.participants.get(recipient["type"], {})
        if recipient.get("id") and recipient["id"] != known.get("id"):
            raise bad_request(f"Unknown participant {recipient['type']} '{recipient['id']}'")
    topic = _check_topic(data.get("topic"), required=False)
    try:
        message = ctx.store.inbox.post(
            thread, "SHOP", types, body, files, ctx.store.clock.now(), topic
        )
    except InboxError as error:
        raise bad_request(error.message) from None
    return Reply(201, {"thread_id": thread.id, "message_id": message.id})


@route("GET", "/api/inbox/threads/{attachment_id}/download", op="M13")
def download(ctx):
    attachment_id = unquote(ctx.path_params["attachment_id"])
    attachment = ctx.store.inbox.attachment(attachment_id, ctx.shop.shop_id)
    if attachment is None:
        raise ApiError(404, f"The attachment {attachment_id} does not exist.")
    disposition = f'attachment; filename="{attachment.name}"'
    headers = {"Content-Disposition": disposition}
    return Reply(200, attachment.content, "application/octet-stream", headers)


@route("POST", "/api/orders/{order_id}/threads", op="OR43")
def create_order_thread(ctx):
    order_id = unquote(ctx.path_params["order_id"])
    order = ctx.store.orders.book(ctx.shop.shop_id).get(order_id)
    if order is None:
        raise ApiError(404, f"The order {order_id} does not exist.")
    data, files = _message_parts(ctx, "thread_input")
    body = _check_body(data)
    types = _check_types(data.get("to"))
    topic = _check_topic(data.get("topic"), required=True)
    inbox, now = ctx.store.inbox, ctx.store.clock.now()
    thread = inbox.open_order_thread(ctx.shop, order, topic, now)
    try:
        message = inbox.post(thread, "SHOP", types, body, files, now)
    except InboxError as error:
        inbox.discard(thread)
        raise bad_request(error.message) from None
    return Reply(201, {"thread_id": thread.id, "message_id": message.id})
