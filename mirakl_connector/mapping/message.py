"""Mirakl inbox threads (M10/M11, parsed as ``schemas.Thread``) -> Odoo values: the thread, its
messages (recorded once each by their Mirakl id) and whether the shop owes a reply.

Pure functions: the flow finds the Odoo records (orders, existing threads and messages) once
per page and passes them in.
"""

from datetime import UTC, datetime

from .order import to_datetime

ORDER_ENTITY = "MMP_ORDER"
SENDER_TYPES = ("CUSTOMER_USER", "SHOP_USER", "OPERATOR_USER")
RECIPIENT_TYPES = ("CUSTOMER", "OPERATOR", "SHOP")
TOPIC_TYPES = ("FREE_TEXT", "REASON_CODE")
OTHER = "OTHER"
EPOCH = datetime.min.replace(tzinfo=UTC)


def _known(value, values):
    return value if value in values else OTHER


def participants_text(participants):
    """``Jane D. (customer), Operator (operator)``: who may write on the thread."""
    return ", ".join(
        f"{p.display_name or p.id or '-'} ({(p.type or OTHER).lower()})" for p in participants
    )


def thread_values(thread):
    """Values of ``mirakl.message.thread`` from a thread (without its links to Odoo)."""
    topic = thread.topic
    entity = thread.entity(ORDER_ENTITY) or (thread.entities[0] if thread.entities else None)
    metadata = thread.metadata
    customer = thread.participant("CUSTOMER")
    last_sender = metadata.last_sender if metadata else None
    return {
        "thread_ref": thread.id,
        "topic": (topic.value if topic else None) or thread.id,
        "topic_type": _known(topic.type if topic else None, TOPIC_TYPES),
        "entity_type": entity.type if entity else False,
        "entity_ref": entity.id if entity else False,
        "participants": participants_text(thread.authorized_participants),
        "customer_ref": customer.id if customer and customer.id else False,
        "reply_needed_since": to_datetime(metadata and metadata.shop_reply_needed_since),
        "date_created": to_datetime(thread.date_created),
        "date_updated": to_datetime(thread.date_updated),
        "last_message_date": to_datetime(metadata and metadata.last_message_date),
        "last_sender": last_sender.display_name if last_sender else False,
        "message_total": (metadata.total_count if metadata else None) or len(thread.messages),
    }


def order_ref(thread):
    """The Mirakl order id of a thread about an order, else None."""
    entity = thread.entity(ORDER_ENTITY)
    return entity.id if entity else None


def message_values(message):
    """Values of ``mirakl.message`` from one message (without its thread and chatter note)."""
    sender = message.sender
    author_type = _known(sender.type if sender else None, SENDER_TYPES)
    return {
        "message_ref": message.id,
        "date": to_datetime(message.date_created),
        "author_name": (sender.display_name if sender else None) or author_type.title(),
        "author_type": author_type,
        "recipients": ", ".join(
            recipient.display_name or recipient.type or "-" for recipient in message.to
        ),
        "body": message.body,
        "direction": "out" if author_type == "SHOP_USER" else "in",
    }


def missing_messages(thread, known_refs):
    """The messages of ``thread`` not recorded yet, oldest first."""
    new = [message for message in thread.messages if message.id not in known_refs]
    return sorted(new, key=_sent_on)


def _sent_on(message):
    return message.date_created or EPOCH


def truncated(thread, known_refs):
    """Whether M11's last 100 messages may hide older ones not recorded yet: then M10 gives
    them all."""
    total = thread.metadata.total_count if thread.metadata else None
    if not total or total <= len(thread.messages):
        return False
    return bool(thread.messages) and min(thread.messages, key=_sent_on).id not in known_refs
