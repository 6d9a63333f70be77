"""Inbox threads over HTTP: M11 (seek paging with Mirakl's default of 50, filters, the 400 for
an entity id without its type), M10, M12 multipart replies with their limits, M13 downloads and
OR43 threads on orders; the pending shop reply and the orders' ``has_customer_message``. Every
JSON answer is also spec-validated."""

import json
from datetime import UTC, datetime

import pytest

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
HEADERS = {"Authorization": "key-2001", "Accept": "application/json"}
JSON_TYPE = "application/json;charset=utf-8"


@pytest.fixture
def frozen(sim):
    sim.clock.freeze(NOW)
    return sim


@pytest.fixture
def post(http):
    """``post(sim, path, part_name, message, files=(), **query)``: a multipart message."""

    def _post(sim, path, name, message, files=(), content_type=JSON_TYPE, **query):
        parts = [(name, (None, json.dumps(message).encode(), content_type))]
        parts += [("files", (filename, content, "text/plain")) for filename, content in files]
        return http.post(sim.url + path, files=parts, params=query, headers=HEADERS, timeout=10)

    return _post


def _order(sim, order_id="S-1-A", shop_id=2001, **options):
    return sim.add_order(shop_id, order_id=order_id, state="SHIPPING", **options)


def _thread_with_message(sim, order_id="S-1-A", body="Where is my parcel?", **options):
    _order(sim, order_id)
    return sim.add_order_message(order_id, body, **options)


def _error(response, status):
    assert response.status_code == status, response.text
    return response.json()["message"]


# -- M11 / M10 -----------------------------------------------------------------------------


def test_customer_message_opens_a_thread_awaiting_the_shop(frozen, call):
    thread, message = _thread_with_message(
        frozen, attachments=[("photo.jpg", b"\xff\xd8jpeg")], topic="Damaged item"
    )
    customer = frozen.get_order("S-1-A").customer
    body = call(frozen, f"/api/inbox/threads/{thread.id}").json()
    assert body["id"] == thread.id
    assert body["topic"] == {"type": "FREE_TEXT", "value": "Damaged item"}
    assert body["entities"] == [{"id": "S-1-A", "type": "MMP_ORDER", "label": "S-1-A"}]
    assert [p["type"] for p in body["authorized_participants"]] == ["SHOP", "CUSTOMER", "OPERATOR"]
    assert [p["type"] for p in body["current_participants"]] == ["SHOP", "CUSTOMER"]
    assert body["metadata"] == {
        "last_message_date": "2026-03-02T12:00:00Z",
        "last_sender": message.sender,
        "shop_reply_needed_since": "2026-03-02T12:00:00Z",
        "total_count": 1,
    }
    (sent,) = body["messages"]
    assert sent["from"] == {
        "type": "CUSTOMER_USER",
        "display_name": f"{customer['firstname']} {customer['lastname']}",
    }
    assert sent["to"] == [{"type": "SHOP", "id": "2001", "display_name": "Demo Outdoor Shop"}]
    assert sent["attachments"] == [
        {"id": message.attachments[0].id, "name": "photo.jpg", "size": 6}
    ]
    assert frozen.order_payload("S-1-A")["has_customer_message"] is True


def test_list_threads_latest_first_with_messages_on_demand(frozen, call):
    first, _ = _thread_with_message(frozen, "S-1-A")
    frozen.clock.advance(minutes=5)
    second, _ = _thread_with_message(frozen, "S-2-A")
    listed = call(frozen, "/api/inbox/threads").json()
    assert [t["id"] for t in listed["data"]] == [second.id, first.id]
    assert "messages" not in listed["data"][0]
    assert "next_page_token" not in listed
    full = call(frozen, "/api/inbox/threads", with_messages="true").json()
    assert full["data"][0]["messages"][0]["body"] == "Where is my parcel?"
    assert full["data"][0]["no_store_reply_needed"] == []


def test_list_threads_filters(frozen, call):
    old, _ = _thread_with_message(frozen, "S-1-A")
    frozen.clock.advance(hours=1)
    new, _ = _thread_with_message(frozen, "S-2-A")

    def ids(**query):
        return [t["id"] for t in call(frozen, "/api/inbox/threads", **query).json()["data"]]

    assert ids(entity_type="MMP_ORDER", entity_id="S-1-A") == [old.id]
    assert ids(entity_type="MMP_ORDER", entity_id="S-1-A,S-2-A") == [new.id, old.id]
    assert ids(entity_type="MMP_OFFER") == []
    assert ids(updated_since="2026-03-02T12:30:00Z") == [new.id]
    assert ids(updated_since="2026-03-02T13:00:00Z") == [new.id], "at or after"
    assert ids(updated_since="2026-03-02T13:00:01Z") == []


def test_entity_id_without_entity_type_is_400(frozen, call):
    _thread_with_message(frozen)
    message = _error(call(frozen, "/api/inbox/threads", entity_id="S-1-A"), 400)
    assert "entity_type" in message
    _error(call(frozen, "/api/inbox/threads", updated_since="yesterday"), 400)
    _error(call(frozen, "/api/inbox/threads", with_messages="yes"), 400)


def test_seek_paging_defaults_to_50(frozen, call):
    for number in range(55):
        _order(frozen, f"P-{number}-A")
        frozen.add_order_message(f"P-{number}-A", "Hello there")
        frozen.clock.advance(seconds=1)
    page = call(frozen, "/api/inbox/threads", with_messages="true").json()
    assert len(page["data"]) == 50
    rest = call(frozen, "/api/inbox/threads", page_token=page["next_page_token"]).json()
    assert len(rest["data"]) == 5
    assert "messages" in rest["data"][0], "the token keeps the filters"
    assert "next_page_token" not in rest
    seen = {t["id"] for t in page["data"] + rest["data"]}
    assert len(seen) == 55
    assert len(call(frozen, "/api/inbox/threads", limit=7).json()["data"]) == 7
    _error(call(frozen, "/api/inbox/threads", limit=101), 400)


def test_threads_belong_to_their_shop(frozen, call):
    _order(frozen, "O-2-A", shop_id=2002)
    thread, message = frozen.add_order_message("O-2-A", "Hello", attachments=[("a.txt", b"A")])
    assert call(frozen, "/api/inbox/threads").json()["data"] == []
    other = call(frozen, "/api/inbox/threads", key="multi-key", shop_id=2002).json()["data"]
    assert [t["id"] for t in other] == [thread.id]
    _error(call(frozen, f"/api/inbox/threads/{thread.id}"), 404)
    _error(call(frozen, f"/api/inbox/threads/{message.attachments[0].id}/download"), 404)
    _error(call(frozen, "/api/inbox/threads/unknown"), 404)


# -- M12 / M13 -----------------------------------------------------------------------------


def test_reply_with_attachments_ends_the_wait(frozen, post, call):
    thread, _ = _thread_with_message(frozen)
    frozen.clock.advance(minutes=10)
    message = {"body": "We sent it today.", "to": [{"type": "CUSTOMER"}]}
    files = [("label.pdf", b"%PDF-1.4"), ("note.txt", b"thanks")]
    response = post(
        frozen, f"/api/inbox/threads/{thread.id}/message", "message_input", message, files
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["thread_id"] == thread.id
    body = call(frozen, f"/api/inbox/threads/{thread.id}").json()
    reply = body["messages"][-1]
    assert reply["id"] == created["message_id"]
    assert reply["from"]["type"] == "SHOP_USER"
    assert reply["from"]["organization_details"]["id"] == "2001"
    assert [a["name"] for a in reply["attachments"]] == ["label.pdf", "note.txt"]
    assert body["metadata"]["shop_reply_needed_since"] is None
    assert body["metadata"]["total_count"] == 2
    assert body["date_updated"] == "2026-03-02T12:10:00Z"
    download = call(frozen, f"/api/inbox/threads/{reply['attachments'][0]['id']}/download")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/octet-stream"
    assert download.content == b"%PDF-1.4"


def test_reply_can_rename_the_thread_and_reach_the_operator(frozen, post, call):
    thread, _ = _thread_with_message(frozen)
    message = {
        "body": "Escalating to the operator.",
        "to": [
            {"type": "OPERATOR"},
            {"type": "CUSTOMER", "id": thread.participants["CUSTOMER"]["id"]},
        ],
        "topic": {"type": "FREE_TEXT", "value": "Parcel lost"},
    }
    response = post(frozen, f"/api/inbox/threads/{thread.id}/message", "message_input", message)
    assert response.status_code == 201, response.text
    body = call(frozen, f"/api/inbox/threads/{thread.id}").json()
    assert body["topic"] == {"type": "FREE_TEXT", "value": "Parcel lost"}
    assert [p["type"] for p in body["messages"][-1]["to"]] == ["OPERATOR", "CUSTOMER"]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ({"body": "ok", "to": [{"type": "CUSTOMER"}]}, "between 3 and 50000"),
        ({"body": "x" * 50001, "to": [{"type": "CUSTOMER"}]}, "between 3 and 50000"),
        ({"body": "Hello", "to": []}, "at least one recipient"),
        ({"body": "Hello", "to": [{"type": "SHOP"}]}, "not a recipient allowed"),
        ({"body": "Hello", "to": [{"type": "NOBODY"}]}, "Unknown recipient"),
        ({"body": "Hello", "to": [{"type": "CUSTOMER", "id": "someone"}]}, "Unknown participant"),
        ({"body": "Hello", "to": ["CUSTOMER"]}, "list of recipients"),
        (
            {"body": "Hello", "to": [{"type": "CUSTOMER"}], "topic": {"type": "FREE_TEXT"}},
            "topic value",
        ),
    ],
)
def test_reply_refusals(frozen, post, message, expected):
    thread, _ = _thread_with_message(frozen)
    response = post(frozen, f"/api/inbox/threads/{thread.id}/message", "message_input", message)
    assert expected in _error(response, 400)
    assert len(thread.messages) == 1


def test_reply_needs_its_json_part(frozen, post, http):
    thread, _ = _thread_with_message(frozen)
    path = f"/api/inbox/threads/{thread.id}/message"
    message = {"body": "Hello", "to": [{"type": "CUSTOMER"}]}
    _error(post(frozen, path, "message_input", message, content_type="text/plain"), 415)
    _error(post(frozen, path, "thread_input", message), 400)
    plain = http.post(frozen.url + path, json=message, headers=HEADERS, timeout=10)
    _error(plain, 400)


def test_attachment_limit_across_the_threads_of_an_order(frozen, post):
    thread, _ = _thread_with_message(frozen, attachments=[(f"f{i}.txt", b"x") for i in range(30)])
    frozen.add_order_message("S-1-A", "More", attachments=[(f"g{i}.txt", b"x") for i in range(19)])
    path = f"/api/inbox/threads/{thread.id}/message"
    message = {"body": "Two more files", "to": [{"type": "CUSTOMER"}]}
    files = [("a.txt", b"a"), ("b.txt", b"b")]
    assert "At most 50 attachments" in _error(
        post(frozen, path, "message_input", message, files), 400
    )
    assert post(frozen, path, "message_input", message, files[:1]).status_code == 201


def test_thread_message_limit(frozen, post):
    thread, _ = _thread_with_message(frozen)
    for _ in range(999):
        frozen.add_order_message("S-1-A", "Again and again", thread_id=thread.id)
    message = {"body": "One too many", "to": [{"type": "CUSTOMER"}]}
    response = post(frozen, f"/api/inbox/threads/{thread.id}/message", "message_input", message)
    assert "at most 1000 messages" in _error(response, 400)


# -- OR43 ----------------------------------------------------------------------------------


def test_create_a_thread_on_an_order(frozen, post, call):
    _order(frozen)
    thread_input = {
        "body": "Your order ships tomorrow.",
        "to": ["CUSTOMER", "OPERATOR"],
        "topic": {"type": "FREE_TEXT", "value": "Shipping date"},
    }
    response = post(
        frozen, "/api/orders/S-1-A/threads", "thread_input", thread_input, [("a.txt", b"A")]
    )
    assert response.status_code == 201, response.text
    created = response.json()
    body = call(frozen, f"/api/inbox/threads/{created['thread_id']}").json()
    assert body["topic"]["value"] == "Shipping date"
    (message,) = body["messages"]
    assert message["id"] == created["message_id"]
    assert [p["type"] for p in message["to"]] == ["CUSTOMER", "OPERATOR"]
    assert message["attachments"][0]["name"] == "a.txt"
    assert body["metadata"]["shop_reply_needed_since"] is None
    assert frozen.order_payload("S-1-A")["has_customer_message"] is False
    listed = call(frozen, "/api/inbox/threads", entity_type="MMP_ORDER", entity_id="S-1-A")
    assert [t["id"] for t in listed.json()["data"]] == [created["thread_id"]]


def test_create_thread_refusals(frozen, post):
    _order(frozen)
    good = {"body": "Hello", "to": ["CUSTOMER"], "topic": {"type": "FREE_TEXT", "value": "Hi!"}}
    _error(post(frozen, "/api/orders/NOPE-A/threads", "thread_input", good), 404)
    no_topic = {key: value for key, value in good.items() if key != "topic"}
    assert "topic" in _error(
        post(frozen, "/api/orders/S-1-A/threads", "thread_input", no_topic), 400
    )
    to_shop = {**good, "to": ["SHOP"]}
    _error(post(frozen, "/api/orders/S-1-A/threads", "thread_input", to_shop), 400)
    assert frozen.inbox.of_shop(2001) == []


def test_operator_message_also_awaits_the_shop_but_not_has_customer_message(frozen):
    _order(frozen)
    thread, _ = frozen.add_order_message("S-1-A", "Please answer the buyer", sender="OPERATOR")
    assert thread.reply_needed_since == NOW
    assert frozen.order_payload("S-1-A")["has_customer_message"] is False
    frozen.clock.advance(hours=1)
    frozen.add_order_message("S-1-A", "Any news?")
    assert thread.reply_needed_since == NOW, "the wait started with the first unanswered one"
