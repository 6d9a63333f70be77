"""Inbox threads through the client against the simulator: M11 paging and filters, M10, the
exact multipart requests of M12 and OR43 (JSON part and file parts), M13 downloads, Mirakl's
example payloads, invalid threads handed to `on_invalid`, and the mistakes the client refuses
before sending anything."""

import json
from datetime import UTC, datetime

import pytest

from mirakl import MiraklBadRequestError, MiraklResponseError, MiraklServerError, schemas
from mirakl_simulator.imports.files import parse_parts

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def client(sim, make_client):
    sim.clock.freeze(NOW)
    return make_client(sim.url, "key-2001")


def _order_message(sim, order_id="S-1-A", body="Where is my parcel?", **options):
    if order_id not in sim.store.orders.book(2001):
        sim.add_order(2001, order_id=order_id, state="SHIPPING")
    return sim.add_order_message(order_id, body, **options)


def _sent(sim, op):
    return [request for request in sim.requests if request.op == op]


def _parts(request):
    return parse_parts(request.headers["Content-Type"], request.body)


def test_iter_threads_sends_the_filters_and_parses_messages(sim, client):
    thread, message = _order_message(sim, attachments=[("photo.jpg", b"JPEG")])
    threads = list(
        client.iter_threads(
            entity_type="MMP_ORDER",
            entity_ids=["S-1-A", "S-2-A"],
            updated_since=datetime(2026, 3, 2, 11, 0),
            with_messages=True,
        )
    )
    [request] = _sent(sim, "M11")
    assert (request.method, request.path) == ("GET", "/api/inbox/threads")
    assert request.query == {
        "entity_type": ["MMP_ORDER"],
        "entity_id": ["S-1-A", "S-2-A"],
        "updated_since": ["2026-03-02T11:00:00Z"],
        "with_messages": ["true"],
        "limit": ["50"],
    }
    [found] = threads
    assert isinstance(found, schemas.Thread)
    assert (found.id, found.topic.value) == (thread.id, "Question about my order")
    assert found.entity("MMP_ORDER").id == "S-1-A"
    assert found.participant("CUSTOMER").id == thread.participants["CUSTOMER"]["id"]
    assert found.metadata.shop_reply_needed_since == NOW
    [received] = found.messages
    assert (received.id, received.body, received.date_created) == (
        message.id,
        "Where is my parcel?",
        NOW,
    )
    assert received.sender.type == "CUSTOMER_USER"
    assert [(a.id, a.name, a.size) for a in received.attachments] == [
        (message.attachments[0].id, "photo.jpg", 4)
    ]


def test_iter_threads_follows_page_tokens(sim, client):
    for number in range(7):
        _order_message(sim, f"S-{number}-A")
    threads = list(client.iter_threads(page_size=3))
    assert len({thread.id for thread in threads}) == 7
    requests = _sent(sim, "M11")
    assert len(requests) == 3
    assert set(requests[1].query) == {"page_token"}


def test_iter_threads_refuses_ids_without_type(sim, client):
    with pytest.raises(ValueError, match="need an entity_type"):
        list(client.iter_threads(entity_ids=["S-1-A"]))
    with pytest.raises(ValueError, match="entity_type must be one of"):
        list(client.iter_threads(entity_type="ORDER"))
    assert list(client.iter_threads(entity_type="MMP_ORDER", entity_ids=[])) == []
    assert sim.requests == []


def test_invalid_threads_go_to_on_invalid(sim, client):
    sim.inject_fault(
        "M11",
        body=json.dumps(
            {
                "data": [
                    {"id": "good", "date_updated": "2026-03-02T10:00:00Z"},
                    {"topic": {"type": "FREE_TEXT", "value": "no id"}},
                    {"id": "bad-date", "date_updated": "yesterday"},
                ]
            }
        ),
        times=2,
    )
    invalid = []
    threads = list(client.iter_threads(on_invalid=lambda raw, error: invalid.append((raw, error))))
    assert [thread.id for thread in threads] == ["good"]
    assert [raw.get("id") for raw, _error in invalid] == [None, "bad-date"]
    assert all(error.op == "M11" for _raw, error in invalid)
    assert "data.1.id" in str(invalid[0][1])
    with pytest.raises(MiraklResponseError, match=r"data\.1\.id"):
        list(client.iter_threads())


def test_get_thread_and_download_an_attachment(sim, client):
    thread, message = _order_message(sim, attachments=[("label.pdf", b"%PDF-1.4 binary\x00")])
    found = client.get_thread(thread.id)
    assert found.messages[0].attachments[0].name == "label.pdf"
    content = client.download_attachment(message.attachments[0].id)
    assert content == b"%PDF-1.4 binary\x00"
    [request] = _sent(sim, "M13")
    assert request.path == f"/api/inbox/threads/{message.attachments[0].id}/download"
    assert request.headers.get("Accept") == "*/*"


def test_reply_is_one_json_part_and_one_part_per_file(sim, client):
    thread, _ = _order_message(sim)
    customer_id = thread.participants["CUSTOMER"]["id"]
    created = client.reply_to_thread(
        thread.id,
        "We shipped it today.",
        ["OPERATOR", {"type": "CUSTOMER", "id": customer_id}],
        topic="Parcel on its way",
        files=[("label.pdf", b"%PDF"), ("note.txt", b"merci \xc3\xa0 vous", "text/plain")],
    )
    assert isinstance(created, schemas.MessageCreated)
    assert created.thread_id == thread.id
    assert created.message_id == thread.messages[-1].id
    [request] = _sent(sim, "M12")
    assert (request.method, request.path) == ("POST", f"/api/inbox/threads/{thread.id}/message")
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    message_input, label, note = _parts(request)
    assert (message_input.name, message_input.filename) == ("message_input", None)
    assert message_input.content_type == "application/json;charset=utf-8"
    assert json.loads(message_input.content) == {
        "body": "We shipped it today.",
        "to": [{"type": "OPERATOR"}, {"type": "CUSTOMER", "id": customer_id}],
        "topic": {"type": "FREE_TEXT", "value": "Parcel on its way"},
    }
    assert (label.name, label.filename, label.content_type, label.content) == (
        "files",
        "label.pdf",
        "application/octet-stream",
        b"%PDF",
    )
    assert (note.filename, note.content_type, note.content) == (
        "note.txt",
        "text/plain",
        "merci à vous".encode(),
    )
    assert thread.reply_needed_since is None


def test_create_order_thread_sends_recipients_as_strings(sim, client):
    sim.add_order(2001, order_id="ORD/1-A", state="SHIPPING")
    created = client.create_order_thread(
        "ORD/1-A", "Your order ships tomorrow.", ["CUSTOMER"], "Shipping date", [("a.txt", b"A")]
    )
    [request] = _sent(sim, "OR43")
    assert request.path == "/api/orders/ORD%2F1-A/threads"
    thread_input, attachment = _parts(request)
    assert thread_input.name == "thread_input"
    assert json.loads(thread_input.content) == {
        "body": "Your order ships tomorrow.",
        "to": ["CUSTOMER"],
        "topic": {"type": "FREE_TEXT", "value": "Shipping date"},
    }
    assert (attachment.name, attachment.filename, attachment.content) == ("files", "a.txt", b"A")
    thread = sim.inbox.get(created.thread_id, 2001)
    assert thread.messages[0].id == created.message_id


def test_mirakl_refusals_and_retries_of_writes(sim, client):
    thread, _ = _order_message(sim)
    with pytest.raises(MiraklBadRequestError, match="not a recipient allowed") as info:
        client.reply_to_thread(thread.id, "Hello", ["SHOP"])
    assert info.value.op == "M12"
    sim.inject_fault("M12", status=500, times=1)
    with pytest.raises(MiraklServerError):
        client.reply_to_thread(thread.id, "Hello", ["CUSTOMER"])
    assert len(_sent(sim, "M12")) == 2, "a 500 on a write is not replayed"
    sim.inject_fault("M12", status=503, times=1)
    client.reply_to_thread(thread.id, "Hello again", ["CUSTOMER"])
    assert len(_sent(sim, "M12")) == 4, "a 503 is replayed once"
    assert [m.body for m in thread.messages[1:]] == ["Hello again"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("ok", ["CUSTOMER"]), "3 to 50000 characters"),
        (("x" * 50001, ["CUSTOMER"]), "3 to 50000 characters"),
        (("Hello", []), "at least one recipient"),
        (("Hello", ["BUYER"]), "a recipient is a type"),
        (("Hello", ["CUSTOMER"], "Hi"), "FREE_TEXT topic has 3 to 200"),
        (("Hello", ["CUSTOMER"], {"type": "OTHER", "value": "x"}), "a topic is a string"),
        (("Hello", ["CUSTOMER"], None, [("", b"x")]), "needs a file name"),
    ],
)
def test_client_refuses_malformed_messages(sim, client, arguments, message):
    with pytest.raises(ValueError, match=message):
        client.reply_to_thread("T-1", *arguments)
    with pytest.raises(ValueError, match="thread_id is empty"):
        client.reply_to_thread(" ", "Hello", ["CUSTOMER"])
    assert sim.requests == []


def test_examples_parse(example):
    thread = schemas.Thread.model_validate(example("M10_thread.json"))
    assert thread.metadata.shop_reply_needed_since is None
    assert thread.messages[1].sender.organization_details.type == "SHOP"
    assert [a.size for a in thread.messages[1].attachments] == [200, 10]
    listed = example("M11_threads_list.json")["data"]
    assert schemas.Thread.model_validate(listed[0]).messages == []
    for name in ("M12_reply_created.json", "OR43_thread_created.json"):
        created = schemas.MessageCreated.model_validate(example(name))
        assert created.thread_id and created.message_id
