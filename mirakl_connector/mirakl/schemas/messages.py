"""Inbox threads: M10/M11 threads with their messages, M12/OR43 answers.

A thread belongs to entities (an order: `MMP_ORDER` and the order id); its messages go from a
sender (`CUSTOMER_USER`, `SHOP_USER`, `OPERATOR_USER`) to participants (`CUSTOMER`, `SHOP`,
`OPERATOR`). `metadata.shop_reply_needed_since` is null once the shop has answered.
"""

from pydantic import ConfigDict, Field

from .common import MiraklModel, NullableList, UtcDatetime


class ThreadParticipant(MiraklModel):
    """A participant: `type` OPERATOR | SHOP | CUSTOMER; the operator has no `id`."""

    type: str | None = None
    id: str | None = None
    display_name: str | None = None


class MessageSender(MiraklModel):
    """Who wrote a message: `type` OPERATOR_USER | SHOP_USER | CUSTOMER_USER."""

    type: str | None = None
    display_name: str | None = None
    organization_details: ThreadParticipant | None = None


class MessageAttachment(MiraklModel):
    """A file of a message, downloaded by M13 with its `id`."""

    id: str
    name: str | None = None
    size: int | None = None


class ThreadMessage(MiraklModel):
    """One message; `sender` is Mirakl's `from`."""

    model_config = ConfigDict(populate_by_name=True)

    id: str
    body: str = ""
    date_created: UtcDatetime | None = None
    sender: MessageSender | None = Field(default=None, alias="from")
    to: NullableList[ThreadParticipant]
    attachments: NullableList[MessageAttachment]


class ThreadTopic(MiraklModel):
    """`type` FREE_TEXT (value is the text) or REASON_CODE (value is an RE01 code)."""

    type: str | None = None
    value: str | None = None


class ThreadEntity(MiraklModel):
    """What the thread is about: `type` MMP_ORDER, MMP_OFFER, MPS_ORDER... and its `id`."""

    id: str | None = None
    type: str | None = None
    label: str | None = None


class ThreadMetadata(MiraklModel):
    last_message_date: UtcDatetime | None = None
    last_sender: MessageSender | None = None
    shop_reply_needed_since: UtcDatetime | None = None
    total_count: int | None = None


class NoStoreReplyNeeded(MiraklModel):
    date: UtcDatetime | None = None
    user_type: str | None = None  # OPERATOR | SHOP


class Thread(MiraklModel):
    """A thread (M10, M11 item); `messages` only with M10 or M11 `with_messages` (the last
    100 of the thread)."""

    id: str
    topic: ThreadTopic | None = None
    entities: NullableList[ThreadEntity]
    date_created: UtcDatetime | None = None
    date_updated: UtcDatetime | None = None
    metadata: ThreadMetadata | None = None
    messages: NullableList[ThreadMessage]
    authorized_participants: NullableList[ThreadParticipant]
    current_participants: NullableList[ThreadParticipant]
    customer_organization: ThreadParticipant | None = None
    no_store_reply_needed: NullableList[NoStoreReplyNeeded]

    def entity(self, entity_type):
        """The first entity of `entity_type` (e.g. MMP_ORDER), or None."""
        return next((entity for entity in self.entities if entity.type == entity_type), None)

    def participant(self, participant_type):
        """The authorized participant of `participant_type` (e.g. CUSTOMER), or None."""
        return next((p for p in self.authorized_participants if p.type == participant_type), None)


class MessageCreated(MiraklModel):
    """M12 / OR43 answer: the thread and the message created."""

    thread_id: str
    message_id: str
