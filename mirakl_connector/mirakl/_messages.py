"""Customer messages: inbox threads listed by M11 (seek paging, 50 a page by default) or read by
M10, answered by M12, their attachments downloaded by M13, and new threads on an order by OR43.

M12 and OR43 are multipart: the message is a JSON part (`message_input`, `thread_input`), each
file a `files` part. Their recipients differ: M12 takes objects (`{"type": "CUSTOMER", "id":
...}`), OR43 plain strings (`"CUSTOMER"`). Neither write is idempotent: like every write they
are retried on 429/503 only, so a timeout may leave a message sent that the caller does not
know of (the next M11 shows it).
"""

import json
from collections.abc import Mapping

from . import const, schemas
from ._args import path_id
from .errors import MiraklResponseError

THREADS_PATH = "/api/inbox/threads"
DEFAULT_THREADS_PAGE = 50  # M11's own default
RECIPIENT_TYPES = ("CUSTOMER", "OPERATOR", "SHOP")
TOPIC_TYPES = ("FREE_TEXT", "REASON_CODE")
ENTITY_TYPES = ("MMP_ORDER", "MMP_OFFER", "MPS_ORDER", "MPS_SERVICE", "SELLER_OPERATOR")
BODY_LENGTH = (3, 50000)
TOPIC_LENGTH = 200
JSON_PART_TYPE = "application/json;charset=utf-8"
FILE_TYPE = "application/octet-stream"


def _id_path(template, value, what):
    return template.format(path_id(value, what))


def _body(body):
    low, high = BODY_LENGTH
    if not isinstance(body, str) or not low <= len(body.strip()) <= high:
        raise ValueError(f"a message body has {low} to {high} characters")
    return body


def _topic(topic):
    """`{"type", "value"}` from a mapping, or FREE_TEXT from a plain string."""
    if isinstance(topic, str):
        topic = {"type": "FREE_TEXT", "value": topic}
    if not isinstance(topic, Mapping) or topic.get("type") not in TOPIC_TYPES:
        raise ValueError(f"a topic is a string or a mapping with a type in {TOPIC_TYPES}")
    value = str(topic.get("value") or "").strip()
    low = 3 if topic["type"] == "FREE_TEXT" else 1
    if not low <= len(value) <= TOPIC_LENGTH:
        raise ValueError(f"a {topic['type']} topic has {low} to {TOPIC_LENGTH} characters")
    return {"type": topic["type"], "value": value}


def _recipient(recipient):
    """M12's `{type, id?}` from a type string or a mapping."""
    if isinstance(recipient, str):
        recipient = {"type": recipient}
    if not isinstance(recipient, Mapping) or recipient.get("type") not in RECIPIENT_TYPES:
        raise ValueError(f"a recipient is a type in {RECIPIENT_TYPES} or a mapping with one")
    result = {"type": recipient["type"]}
    if recipient.get("id"):
        result["id"] = str(recipient["id"])
    return result


def _recipients(to):
    recipients = [_recipient(recipient) for recipient in to or ()]
    if not recipients:
        raise ValueError("a message needs at least one recipient")
    return recipients


def _multipart(name, message, files):
    """requests' `files=` list: the JSON part, then one `files` part per attachment
    (`(filename, bytes or binary file[, content type])`)."""
    parts = [(name, (None, json.dumps(message, ensure_ascii=False).encode(), JSON_PART_TYPE))]
    for attachment in files or ():
        filename, content, *content_type = attachment
        if not str(filename or "").strip():
            raise ValueError("every attachment needs a file name")
        parts.append(("files", (filename, content, content_type[0] if content_type else FILE_TYPE)))
    return parts


class MessagesMixin:
    """M10, M11, M12, M13, OR43."""

    def iter_threads(
        self,
        *,
        entity_type=None,
        entity_ids=None,
        updated_since=None,
        with_messages=False,
        channel_codes=None,
        page_size=DEFAULT_THREADS_PAGE,
        on_invalid=None,
    ):
        """M11: yield the shop's threads (`schemas.Thread`), `page_size` a call.

        `entity_ids` (e.g. order ids) need `entity_type` (e.g. MMP_ORDER): Mirakl answers 400
        otherwise. `updated_since` (datetime, naive = UTC) keeps the threads changed at or
        after it. `with_messages` adds the last 100 messages of each thread. `on_invalid(payload,
        error)`, when given, is called for a thread that does not parse and the iteration
        goes on; otherwise the `MiraklResponseError` ends it.
        """
        if entity_type is not None and entity_type not in ENTITY_TYPES:
            raise ValueError(f"entity_type must be one of {ENTITY_TYPES}, not {entity_type!r}")
        if entity_ids is not None and entity_type is None:
            raise ValueError("entity_ids need an entity_type")
        params = {
            "entity_type": entity_type,
            "entity_id": list(entity_ids) if entity_ids is not None else None,
            "updated_since": updated_since,
            "with_messages": True if with_messages else None,
            "channel_codes": list(channel_codes) if channel_codes is not None else None,
        }
        if params["entity_id"] == []:
            return
        for page in self.iter_seek_pages("M11", THREADS_PATH, params, page_size):
            for index, item in enumerate(page):
                try:
                    yield self._parse("M11", schemas.Thread, item, ("data", index))
                except MiraklResponseError as error:
                    if on_invalid is None:
                        raise
                    on_invalid(item, error)

    def get_thread(self, thread_id):
        """M10: one thread with its messages (`schemas.Thread`)."""
        path = _id_path(THREADS_PATH + "/{}", thread_id, "thread_id")
        return self._parse("M10", schemas.Thread, self.get_json("M10", path))

    def reply_to_thread(self, thread_id, body, to, topic=None, files=()):
        """M12: post a message on a thread; returns `schemas.MessageCreated`.

        `to`: recipient types (`"CUSTOMER"`, `"OPERATOR"`) or `{type, id}` mappings; `topic`
        (a string or `{type, value}`) renames the thread; `files`: `(filename, content[,
        content type])` attachments (Mirakl allows 50 across the threads of an entity).
        """
        message = {"body": _body(body), "to": _recipients(to)}
        if topic is not None:
            message["topic"] = _topic(topic)
        path = _id_path(THREADS_PATH + "/{}/message", thread_id, "thread_id")
        files = _multipart("message_input", message, files)
        response = self.request("M12", "POST", path, files=files)
        return self._parse("M12", schemas.MessageCreated, self._decode("M12", response))

    def download_attachment(self, attachment_id):
        """M13: the content (bytes) of a message attachment."""
        path = _id_path(THREADS_PATH + "/{}/download", attachment_id, "attachment_id")
        return self.request("M13", "GET", path, accept=const.ACCEPT_ANY).content

    def create_order_thread(self, order_id, body, to, topic, files=()):
        """OR43: open a thread on an order with its first message; returns
        `schemas.MessageCreated`. `to`: recipient types (`"CUSTOMER"`, `"OPERATOR"`)."""
        recipients = [_recipient(recipient)["type"] for recipient in to or ()]
        if not recipients:
            raise ValueError("a message needs at least one recipient")
        thread = {"body": _body(body), "to": recipients, "topic": _topic(topic)}
        path = _id_path("/api/orders/{}/threads", order_id, "order_id")
        files = _multipart("thread_input", thread, files)
        response = self.request("OR43", "POST", path, files=files)
        return self._parse("OR43", schemas.MessageCreated, self._decode("OR43", response))
