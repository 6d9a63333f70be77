"""Returns through the client against the simulator: RT11 filters as repeated parameters and
seek paging, RT21/RT25/RT26/RT27 bodies sent 100 returns a call with merged per-return errors,
Mirakl's own examples parsed, and the mistakes the client refuses before sending anything."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from mirakl import MiraklBadRequestError, MiraklResponseError, schemas

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def client(sim, make_client):
    sim.clock.freeze(NOW)
    sim.platform_configuration["features"]["returns"]["marketplace"] = True
    return make_client(sim.url, "key-2001")


def _returns(sim, count, prefix="R"):
    """``count`` returns of shipped orders ``<prefix>-<n>-A``, one minute apart."""
    created = []
    for number in range(count):
        order_id = f"{prefix}-{number}-A"
        sim.add_order(2001, order_id=order_id, state="SHIPPED", lines=[{"quantity": 2}])
        created.append(sim.add_return(order_id, rma=f"RMA-{number}"))
        sim.clock.advance(minutes=1)
    return created


def _sent(sim, op):
    return [request for request in sim.requests if request.op == op]


def test_iter_returns_sends_filters_as_repeated_parameters(sim, client):
    first, second = _returns(sim, 2)
    found = list(
        client.iter_returns(
            return_ids=[first.id, second.id],
            return_states=["WAITING_ACCEPTANCE", "IN_PROGRESS"],
            order_line_ids=["R-0-A-1", "R-1-A-1"],
            last_updated_from=datetime(2026, 3, 2, 11, 0),  # naive: UTC
            created_to=NOW + timedelta(hours=1),
        )
    )
    assert [item.id for item in found] == [first.id, second.id]
    (request,) = _sent(sim, "RT11")
    assert (request.method, request.path) == ("GET", "/api/returns")
    assert request.query == {
        "return_id": [first.id, second.id],
        "return_state": ["WAITING_ACCEPTANCE", "IN_PROGRESS"],
        "order_line_id": ["R-0-A-1", "R-1-A-1"],
        "return_last_updated_from": ["2026-03-02T11:00:00Z"],
        "return_creation_date_to": ["2026-03-02T13:00:00Z"],
        "limit": ["100"],
    }
    returned = found[0]
    assert isinstance(returned, schemas.Return)
    assert (returned.order_id, returned.order_commercial_id, returned.rma) == (
        "R-0-A",
        "R-0",
        "RMA-0",
    )
    assert returned.return_lines[0].order_line_id == "R-0-A-1"
    assert returned.return_lines[0].quantity == 2
    assert returned.return_lines[0].compliance == []
    assert returned.return_address.country_iso_code == "FRA"
    assert returned.date_created == NOW
    assert returned.last_updated.tzinfo is UTC


def test_iter_returns_follows_the_page_tokens(sim, client):
    created = _returns(sim, 5)
    found = [item.id for item in client.iter_returns(return_rmas=["RMA-0", "RMA-2", "RMA-4"])]
    assert found == [created[0].id, created[2].id, created[4].id]
    all_ids = [item.id for item in client.iter_returns(page_size=2)]
    assert all_ids == [item.id for item in created]
    requests = _sent(sim, "RT11")[1:]
    assert [sorted(request.query) for request in requests] == [
        ["limit"],
        ["page_token"],
        ["page_token"],
    ]


def test_an_empty_id_filter_asks_nothing(sim, client):
    assert list(client.iter_returns(return_ids=[])) == []
    assert sim.requests == []


def test_a_return_that_does_not_parse_is_handed_over(sim, client):
    _returns(sim, 2)
    sim.returns.of_shop(2001)[0].lines[0]["quantity"] = "two"
    with pytest.raises(MiraklResponseError, match=r"data\.0\.return_lines\.0\.quantity"):
        list(client.iter_returns())
    invalid = []
    found = list(client.iter_returns(on_invalid=lambda raw, error: invalid.append(raw["id"])))
    assert [item.order_id for item in found] == ["R-1-A"]
    assert invalid == [sim.returns.of_shop(2001)[0].id]


def test_returns_disabled_on_the_platform(sim, client):
    sim.platform_configuration["features"]["returns"]["marketplace"] = False
    with pytest.raises(MiraklBadRequestError, match="not enabled"):
        list(client.iter_returns())


def test_mirakl_examples_parse(example):
    page = example("RT11_returns_list.json")
    first, second = (schemas.Return.model_validate(item) for item in page["data"])
    assert first.tracking.carrier_code == "UPS"  # Mirakl's example says carrierCode
    assert first.tracking.carrier_name == "UPS"
    assert first.return_lines[0].compliance[0].non_compliance_reason_code == (
        "RETURN_NON_COMPLIANT_MISSING_ITEM"
    )
    assert first.return_lines[1].compliance == []
    assert first.documents[0].type == "SYSTEM_RETURN_LABEL"
    assert first.label_url is None
    assert (second.state, second.rejection_reason_code) == (
        "REFUSED",
        "RETURN_REJECTION_NOT_ELIGIBLE",
    )
    result = schemas.ReturnsUpdated.model_validate(example("RT21_accept_returns_result.json"))
    assert [item.id for item in result.return_success] == ["b77907cb-f72e-4f69-aac3-14df566311de"]
    assert result.errors_by_id() == {
        "af1a537d-3f8a-4bb4-a69c-08df8395ece6": "Return is in invalid state",
        "df7b1144-0789-46f9-a0db-bb79c2c7de3a": "The return does not exist.",
    }


def test_decide_returns_sends_100_a_call_and_merges_the_answers(sim, client):
    created = _returns(sim, 101)
    refused = created[0]
    decisions = [
        {
            "id": refused.id,
            "accepted": False,
            "rejection_reason_code": "RETURN_REJECTION_WINDOW_CLOSED",
        },
        *({"id": item.id, "accepted": True} for item in created[1:]),
        {"id": "not-a-return", "accepted": True},
    ]
    result = client.decide_returns(decisions)
    first, second = _sent(sim, "RT21")
    assert (first.method, first.path) == ("PUT", "/api/returns/accept")
    assert first.headers["Content-Type"] == "application/json"
    body = json.loads(first.body)
    assert len(body["returns"]) == 100
    assert body["returns"][:2] == [
        {
            "id": refused.id,
            "accepted": False,
            "rejection_reason_code": "RETURN_REJECTION_WINDOW_CLOSED",
        },
        {"id": created[1].id, "accepted": True},
    ]
    assert json.loads(second.body) == {
        "returns": [
            {"id": created[100].id, "accepted": True},
            {"id": "not-a-return", "accepted": True},
        ]
    }
    assert len(result.return_success) == 101
    assert result.errors_by_id() == {"not-a-return": "The return does not exist."}
    assert refused.state == "REFUSED"
    assert {item.state for item in created[1:]} == {"IN_PROGRESS"}


def test_receive_comply_and_close(sim, client):
    (returned,) = _returns(sim, 1)
    client.decide_returns([{"id": returned.id, "accepted": True}])
    result = client.receive_returns([returned.id])
    (request,) = _sent(sim, "RT25")
    assert (request.method, request.path) == ("PUT", "/api/returns/receive")
    assert json.loads(request.body) == {"returns": [{"id": returned.id}]}
    assert [item.id for item in result.return_success] == [returned.id]
    assert client.receive_returns([returned.id]).errors_by_id() == {
        returned.id: "Return is in invalid state"
    }

    lines = [
        {
            "order_line_id": "R-0-A-1",
            "compliant": False,
            "non_compliance_reason_code": "RETURN_NON_COMPLIANT_MISSING_ITEM",
            "non_compliance_additional_info": None,
        }
    ]
    result = client.set_returns_compliance({returned.id: lines})
    (request,) = _sent(sim, "RT26")
    assert (request.method, request.path) == ("PUT", "/api/returns/compliance")
    assert json.loads(request.body) == {
        "returns": [
            {
                "id": returned.id,
                "return_lines": [
                    {
                        "order_line_id": "R-0-A-1",
                        "compliant": False,
                        "non_compliance_reason_code": "RETURN_NON_COMPLIANT_MISSING_ITEM",
                    }
                ],
            }
        ]
    }
    assert result.return_errors == []

    result = client.close_returns([returned.id])
    (request,) = _sent(sim, "RT27")
    assert (request.method, request.path) == ("PUT", "/api/returns/close")
    assert json.loads(request.body) == {"returns": [{"id": returned.id}]}
    assert [item.id for item in result.return_success] == [returned.id]
    assert returned.state == "CLOSED"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.decide_returns([]), "RT21 needs at least one return"),
        (lambda c: c.decide_returns([{"id": "r"}]), "accepted True or False"),
        (lambda c: c.decide_returns([{"id": " ", "accepted": True}]), "a return id is empty"),
        (lambda c: c.decide_returns([{"id": "r", "accepted": 1}]), "accepted True or False"),
        (lambda c: c.decide_returns([("r", True)]), "must be a mapping"),
        (
            lambda c: c.decide_returns([{"id": "r", "accepted": True, "reason": "x"}]),
            "unknown return decision key",
        ),
        (
            lambda c: c.decide_returns(
                [{"id": "r", "accepted": True, "rejection_reason_code": "X"}]
            ),
            "only a refused return",
        ),
        (lambda c: c.receive_returns([]), "RT25 needs at least one return"),
        (lambda c: c.close_returns([None]), "a return id is empty"),
        (lambda c: c.set_returns_compliance({"r": []}), "has no lines"),
        (
            lambda c: c.set_returns_compliance({"r": [{"order_line_id": "L"}]}),
            "compliant True or False",
        ),
        (
            lambda c: c.set_returns_compliance({"r": [{"compliant": True}]}),
            "needs an order_line_id",
        ),
    ],
)
def test_mistakes_are_refused_before_sending(sim, client, call, message):
    with pytest.raises(ValueError, match=message):
        call(client)
    assert sim.requests == []
