"""Inbox threads (M10, M11, M12, M13, OR43): conversations between a shop, its customers and the
operator, about an order or another entity, with their messages and attachments.

A thread lists its authorized participants (shop, customer, operator); each message goes from
one of them to others. A message addressed to the shop by someone else starts the wait for a
reply (``shop_reply_needed_since``) unless one is already running; a shop message ends it.
Mirakl's limits: 1000 messages a thread, 50 attachments across the threads of one entity,
30 MB a message. ``InboxFacade`` (mixed into ``OperatorSimulator``) is what tests call.
"""

import uuid
from dataclasses import dataclass, field

from .clock import format_datetime

MAX_MESSAGES = 1000
MAX_ENTITY_ATTACHMENTS = 50
MAX_MESSAGE_BYTES = 30 * 1024 * 1024
LISTED_MESSAGES = 100  # M11 ``with_messages`` gives the last 100 messages of a thread
ORDER_ENTITY = "MMP_ORDER"
SENDER_TYPES = {"CUSTOMER": "CUSTOMER_USER", "SHOP": "SHOP_USER", "OPERATOR": "OPERATOR_USER"}
OPERATOR = {"type": "OPERATOR", "display_name": "Operator"}


class InboxError(Exception):
    """A refusal with Mirakl's message (a 400)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Attachment:
    id: str
    name: str
    content: bytes

    def body(self):
        return {"id": self.id, "name": self.name, "size": len(self.content)}


@dataclass
class Message:
    """One message: ``sender`` is Mirakl's ``from``, ``to`` the recipients' participant dicts."""

    id: str
    body: str
    date_created: object
    sender: dict
    to: list
    attachments: list = field(default_factory=list)

    def render(self):
        body = {
            "id": self.id,
            "body": self.body,
            "date_created": format_datetime(self.date_created),
            "from": dict(self.sender),
            "to": [dict(recipient) for recipient in self.to],
        }
        if self.attachments:
            body["attachments"] = [attachment.body() for attachment in self.attachments]
        return body


@dataclass
class Thread:
    """A thread of one shop; ``participants`` are the authorized ones, by type."""

    id: str
    shop_id: int
    topic: dict
    entities: list
    participants: dict
    date_created: object
    date_updated: object
    messages: list = field(default_factory=list)
    reply_needed_since: object = None

    def entity_id(self, entity_type):
        return next((e["id"] for e in self.entities if e["type"] == entity_type), None)

    def _current_participants(self):
        """Participants that sent or received at least one message, in authorized order."""
        types = set()
        for message in self.messages:
            types.add(message.sender["type"].removesuffix("_USER"))
            types.update(recipient["type"] for recipient in message.to)
        return [dict(p) for kind, p in self.participants.items() if kind in types]

    def render(self, with_messages=True, limit=None):
        """M10/M11 JSON (spec ``M10_Response_200``); ``limit``: only the last messages."""
        last = self.messages[-1] if self.messages else None
        body = {
            "id": self.id,
            "topic": dict(self.topic),
            "entities": [dict(entity) for entity in self.entities],
            "date_created": format_datetime(self.date_created),
            "date_updated": format_datetime(self.date_updated),
            "authorized_participants": [dict(p) for p in self.participants.values()],
            "current_participants": self._current_participants(),
            "metadata": {
                "last_message_date": format_datetime(
                    last.date_created if last else self.date_created
                ),
                "last_sender": dict(last.sender) if last else dict(OPERATOR),
                "shop_reply_needed_since": (
                    format_datetime(self.reply_needed_since) if self.reply_needed_since else None
                ),
                "total_count": len(self.messages),
            },
        }
        if with_messages:
            shown = self.messages[-limit:] if limit else self.messages
            body["messages"] = [message.render() for message in shown]
            body["no_store_reply_needed"] = []
        return body


class Inbox:
    """Every shop's threads, by id, and their attachments."""

    def __init__(self):
        self._threads = {}
        self._attachments = {}  # attachment id -> (thread, Attachment)

    def __len__(self):
        return len(self._threads)

    def of_shop(self, shop_id):
        return [thread for thread in self._threads.values() if thread.shop_id == shop_id]

    def get(self, thread_id, shop_id):
        """The thread ``thread_id`` of ``shop_id``; another shop's is as unknown as none."""
        thread = self._threads.get(thread_id)
        return thread if thread is not None and thread.shop_id == shop_id else None

    def of_entity(self, shop_id, entity_type, entity_id):
        return [
            thread for thread in self.of_shop(shop_id) if thread.entity_id(entity_type) == entity_id
        ]

    def attachment(self, attachment_id, shop_id):
        thread, attachment = self._attachments.get(attachment_id, (None, None))
        return attachment if thread is not None and thread.shop_id == shop_id else None

    def open_order_thread(self, shop, order, topic, now):
        """A new thread on ``order`` between the shop, the order's customer and the operator."""
        customer = order.customer
        name = " ".join(filter(None, (customer.get("firstname"), customer.get("lastname"))))
        thread = Thread(
            id=str(uuid.uuid4()),
            shop_id=shop.shop_id,
            topic=dict(topic),
            entities=[{"id": order.order_id, "type": ORDER_ENTITY, "label": order.order_id}],
            participants={
                "SHOP": {"type": "SHOP", "id": str(shop.shop_id), "display_name": shop.name},
                "CUSTOMER": {
                    "type": "CUSTOMER",
                    "id": str(customer["customer_id"]),
                    "display_name": name or str(customer["customer_id"]),
                },
                "OPERATOR": dict(OPERATOR),
            },
            date_created=now,
            date_updated=now,
        )
        self._threads[thread.id] = thread
        return thread

    def discard(self, thread):
        """Forget a thread whose first message was refused (OR43 creates both or neither)."""
        self._threads.pop(thread.id, None)

    def post(self, thread, sender_type, to_types, body, files, now, topic=None):
        """Add a message from participant ``sender_type`` to ``to_types`` with ``files``
        (``(name, bytes)`` pairs); InboxError on a broken rule."""
        if len(thread.messages) >= MAX_MESSAGES:
            raise InboxError(f"A thread has at most {MAX_MESSAGES} messages.")
        if not to_types:
            raise InboxError("A message needs at least one recipient.")
        for kind in to_types:
            if kind == sender_type or kind not in thread.participants:
                raise InboxError(f"'{kind}' is not a recipient allowed on this thread.")
        if sum(len(content) for _name, content in files) > MAX_MESSAGE_BYTES:
            raise InboxError("A message and its attachments are limited to 30 MB.")
        entity = thread.entities[0]
        used = sum(
            len(message.attachments)
            for other in self.of_entity(thread.shop_id, entity["type"], entity["id"])
            for message in other.messages
        )
        if used + len(files) > MAX_ENTITY_ATTACHMENTS:
            raise InboxError(
                f"At most {MAX_ENTITY_ATTACHMENTS} attachments are allowed across the threads "
                f"of {entity['id']} ({used} already)."
            )
        participant = thread.participants[sender_type]
        sender = {"type": SENDER_TYPES[sender_type], "display_name": participant["display_name"]}
        if sender_type == "SHOP":
            sender = {
                "type": "SHOP_USER",
                "display_name": f"{participant['display_name']} team",
                "organization_details": dict(participant),
            }
        message = Message(
            id=str(uuid.uuid4()),
            body=body,
            date_created=now,
            sender=sender,
            to=[dict(thread.participants[kind]) for kind in to_types],
            attachments=[Attachment(str(uuid.uuid4()), name, content) for name, content in files],
        )
        thread.messages.append(message)
        for attachment in message.attachments:
            self._attachments[attachment.id] = (thread, attachment)
        if topic:
            thread.topic = dict(topic)
        thread.date_updated = now
        if sender_type == "SHOP":
            thread.reply_needed_since = None
        elif "SHOP" in to_types and thread.reply_needed_since is None:
            thread.reply_needed_since = now
        return message


class InboxFacade:
    """``add_order_message`` and ``inbox`` on ``OperatorSimulator``."""

    @property
    def inbox(self):
        """Every shop's threads (``Inbox``: ``of_shop``, ``get``, ``of_entity``)."""
        return self.store.inbox

    def add_order_message(
        self,
        order_id,
        body,
        attachments=(),
        sender="CUSTOMER",
        to=("SHOP",),
        topic="Question about my order",
        thread_id=None,
    ):
        """A message of the order's customer (or ``sender="OPERATOR"``) posted now, on thread
        ``thread_id``, else the order's latest thread, else a new one on ``topic``.

        ``attachments``: ``(file name, bytes)`` pairs. A customer message marks the order
        ``has_customer_message``. Returns ``(thread, message)``.
        """
        with self.store.lock:
            order = self.store.orders.find(order_id)
            shop = self.store.shops[order.shop_id]
            now = self.store.clock.now()
            inbox = self.store.inbox
            if thread_id:
                thread = inbox.get(thread_id, shop.shop_id)
                if thread is None:
                    raise KeyError(f"order {order_id} has no thread {thread_id!r}")
            else:
                threads = inbox.of_entity(shop.shop_id, ORDER_ENTITY, order_id)
                thread = threads[-1] if threads else None
            if thread is None:
                thread = inbox.open_order_thread(
                    shop, order, {"type": "FREE_TEXT", "value": topic}, now
                )
            message = inbox.post(thread, sender, list(to), body, list(attachments), now)
            if sender == "CUSTOMER":
                order.has_customer_message = True
            return thread, message
