"""Returns over HTTP: RT11 seek paging, filters and sort; the RT21/RT25/RT26/RT27 state machine
with per-return errors; the body checks; the PC01 switch; the seeding hooks. Every JSON answer is
also spec-validated."""

from datetime import UTC, datetime, timedelta

import pytest

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
HEADERS = {"Authorization": "key-2001", "Accept": "application/json"}
UNKNOWN_ID = "5b0d4c3e-0000-4000-8000-000000000000"


@pytest.fixture
def returns_sim(sim):
    sim.clock.freeze(NOW)
    sim.platform_configuration["features"]["returns"]["marketplace"] = True
    return sim


@pytest.fixture
def send(http):
    """``send(sim, method, path, json=None, **query)`` with key-2001 -> ``requests.Response``."""

    def _send(sim, method, path, json=None, **query):
        return http.request(
            method, sim.url + path, json=json, params=query, headers=HEADERS, timeout=10
        )

    return _send


def _order(sim, order_id="R-1-A", state="SHIPPED", quantities=(3, 1), shop_id=2001):
    lines = [{"offer_sku": f"SKU-{i + 1}", "quantity": q} for i, q in enumerate(quantities)]
    return sim.add_order(shop_id, order_id=order_id, state=state, lines=lines)


def _return(sim, **options):
    """A return of every unit of a new shipped order R-1-A (3 x line 1, 1 x line 2)."""
    _order(sim)
    return sim.add_return("R-1-A", **options)


def _ids(response):
    return [item["id"] for item in response.json()["data"]]


# -- seeding -------------------------------------------------------------------------------


def test_a_return_takes_the_shipped_units_of_its_lines(returns_sim):
    _order(returns_sim)
    first = returns_sim.add_return("R-1-A", lines=[{"order_line_id": "R-1-A-1", "quantity": 2}])
    assert first.state == "WAITING_ACCEPTANCE"
    assert first.lines == [
        {"order_line_id": "R-1-A-1", "quantity": 2, "reason_code": "RETURN_CHANGED_MIND"}
    ]
    rest = returns_sim.add_return("R-1-A", reason_code="RETURN_DEFECTIVE_ITEM")
    assert [(line["order_line_id"], line["quantity"]) for line in rest.lines] == [
        ("R-1-A-1", 1),
        ("R-1-A-2", 1),
    ]
    with pytest.raises(ValueError, match="may return 1 to 0 units"):
        returns_sim.add_return("R-1-A", lines=[{"order_line_id": "R-1-A-2"}])
    returns_sim.set_return_state(rest.id, "CANCELED")  # cancelled units may come back again
    assert (
        returns_sim.add_return("R-1-A", lines=[{"order_line_id": "R-1-A-2"}]).lines[0]["quantity"]
        == 1
    )


def test_only_shipped_lines_of_known_orders_return(returns_sim):
    _order(returns_sim, order_id="S-1-A", state="SHIPPING")
    with pytest.raises(ValueError, match="not shipped"):
        returns_sim.add_return("S-1-A")
    _order(returns_sim)
    with pytest.raises(ValueError, match="has no line R-1-A-9"):
        returns_sim.add_return("R-1-A", lines=[{"order_line_id": "R-1-A-9"}])
    with pytest.raises(KeyError):
        returns_sim.add_return("NOPE-A")


# -- RT11 ----------------------------------------------------------------------------------


def test_list_needs_returns_enabled(sim, call):
    response = call(sim, "/api/returns")
    assert response.status_code == 400
    assert response.json()["message"] == "Returns are not enabled on this platform"


def test_list_serves_the_spec_shape(returns_sim, call):
    created = _return(
        returns_sim,
        rma="RMA-1",
        description="Too small",
        tracking={"carrier_code": "UPS", "tracking_number": "1Z"},
    )
    response = call(returns_sim, "/api/returns")
    assert response.status_code == 200, response.text
    (item,) = response.json()["data"]
    assert item == {
        "id": created.id,
        "order_id": "R-1-A",
        "order_commercial_id": "R-1",
        "state": "WAITING_ACCEPTANCE",
        "method_code": "RETURN_METHOD_BY_MAIL",
        "reason_code": "RETURN_CHANGED_MIND",
        "rma": "RMA-1",
        "description": "Too small",
        "tracking": {"carrier_code": "UPS", "tracking_number": "1Z"},
        "return_address": {
            "street1": "12 rue de la Paix",
            "zip_code": "75002",
            "city": "Paris",
            "country_iso_code": "FRA",
        },
        "return_lines": [
            {"order_line_id": "R-1-A-1", "quantity": 3, "reason_code": "RETURN_CHANGED_MIND"},
            {"order_line_id": "R-1-A-2", "quantity": 1, "reason_code": "RETURN_CHANGED_MIND"},
        ],
        "documents": [],
        "date_created": "2026-03-02T12:00:00Z",
        "last_updated": "2026-03-02T12:00:00Z",
    }
    assert "next_page_token" not in response.json()


def test_list_pages_with_seek_tokens(returns_sim, call):
    created = []
    for number in range(5):
        _order(returns_sim, order_id=f"P-{number}-A")
        created.append(returns_sim.add_return(f"P-{number}-A").id)
        returns_sim.clock.advance(minutes=1)
    first = call(returns_sim, "/api/returns", limit=2, return_state="WAITING_ACCEPTANCE")
    assert _ids(first) == created[:2]
    assert "previous_page_token" not in first.json()
    second = call(returns_sim, "/api/returns", page_token=first.json()["next_page_token"])
    assert _ids(second) == created[2:4]
    assert second.json()["previous_page_token"]
    last = call(returns_sim, "/api/returns", page_token=second.json()["next_page_token"])
    assert _ids(last) == created[4:]
    assert "next_page_token" not in last.json()
    newest_first = call(returns_sim, "/api/returns", sort="date_created,DESC")
    assert _ids(newest_first) == created[::-1]
    assert call(returns_sim, "/api/returns", limit=101).status_code == 400
    assert call(returns_sim, "/api/returns", sort="last_updated").status_code == 400


def test_list_filters(returns_sim, http):
    one = _return(returns_sim, rma="RMA-1")
    returns_sim.clock.advance(hours=1)
    _order(returns_sim, order_id="R-2-A")
    two = returns_sim.add_return("R-2-A", lines=[{"order_line_id": "R-2-A-2"}])
    returns_sim.set_return_state(two.id, "IN_PROGRESS")
    _order(returns_sim, order_id="X-1-A", shop_id=2002)
    returns_sim.add_return("X-1-A")  # another shop's: never listed

    def ids(*query):
        response = http.get(
            returns_sim.url + "/api/returns", params=list(query), headers=HEADERS, timeout=10
        )
        assert response.status_code == 200, response.text
        return _ids(response)

    assert ids() == [one.id, two.id]
    assert ids(("return_id", one.id), ("return_id", two.id)) == [one.id, two.id]
    assert ids(("return_state", "IN_PROGRESS")) == [two.id]
    assert ids(("return_state", "WAITING_ACCEPTANCE"), ("return_state", "REFUSED")) == [one.id]
    assert ids(("order_commercial_id", "R-2")) == [two.id]
    assert ids(("order_line_id", "R-2-A-1")) == []
    assert ids(("order_line_id", "R-2-A-2"), ("order_line_id", "R-1-A-1")) == [one.id, two.id]
    assert ids(("return_rma", "RMA-1")) == [one.id]
    assert ids(("customer_id", one.customer_id)) == [one.id]
    later = (NOW + timedelta(minutes=30)).isoformat().replace("+00:00", "Z")
    assert ids(("return_creation_date_from", later)) == [two.id]
    assert ids(("return_creation_date_to", later)) == [one.id]
    assert ids(("return_last_updated_from", later)) == [two.id]
    assert ids(("return_last_updated_to", later)) == [one.id]
    response = http.get(
        returns_sim.url + "/api/returns",
        params={"return_last_updated_from": "yesterday"},
        headers=HEADERS,
        timeout=10,
    )
    assert response.status_code == 400


# -- RT21 ----------------------------------------------------------------------------------


def test_accept_and_refuse_with_per_return_errors(returns_sim, send):
    accepted = _return(returns_sim)
    _order(returns_sim, order_id="R-2-A")
    refused = returns_sim.add_return("R-2-A")
    returns_sim.clock.advance(minutes=5)
    body = {
        "returns": [
            {"id": accepted.id, "accepted": True},
            {
                "id": refused.id,
                "accepted": False,
                "rejection_reason_code": "RETURN_REJECTION_NOT_ELIGIBLE",
            },
            {"id": accepted.id, "accepted": True},
            {"id": UNKNOWN_ID, "accepted": True},
        ]
    }
    response = send(returns_sim, "PUT", "/api/returns/accept", body)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "return_success": [{"id": accepted.id}, {"id": refused.id}],
        "return_errors": [
            {"id": accepted.id, "message": "Return is in invalid state"},
            {"id": UNKNOWN_ID, "message": "The return does not exist."},
        ],
    }
    assert accepted.state == "IN_PROGRESS"
    assert (refused.state, refused.rejection_reason_code) == (
        "REFUSED",
        "RETURN_REJECTION_NOT_ELIGIBLE",
    )
    assert accepted.last_updated == NOW + timedelta(minutes=5)
    listed = send(returns_sim, "GET", "/api/returns", return_id=refused.id).json()["data"][0]
    assert listed["rejection_reason_code"] == "RETURN_REJECTION_NOT_ELIGIBLE"


def test_another_shops_return_is_unknown(returns_sim, send):
    _order(returns_sim, order_id="X-1-A", shop_id=2002)
    other = returns_sim.add_return("X-1-A")
    response = send(
        returns_sim, "PUT", "/api/returns/accept", {"returns": [{"id": other.id, "accepted": True}]}
    )
    assert response.json()["return_errors"] == [
        {"id": other.id, "message": "The return does not exist."}
    ]
    assert other.state == "WAITING_ACCEPTANCE"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "returns must be a list of 1 to 100 items"),
        ({"returns": []}, "returns must be a list of 1 to 100 items"),
        ({"returns": [{"id": "x", "accepted": True}] * 101}, "1 to 100 items"),
        ({"returns": [{"accepted": True}]}, "returns[0].id is required"),
        ({"returns": [{"id": "x"}]}, "returns[0].accepted must be true or false"),
        ({"returns": [{"id": "x", "accepted": "yes"}]}, "accepted must be true or false"),
        ({"returns": [{"id": "x", "accepted": True, "why": 1}]}, "Unrecognized field(s)"),
        (
            {"returns": [{"id": "x", "accepted": False, "rejection_reason_code": "NOPE"}]},
            "Invalid value 'NOPE'",
        ),
    ],
)
def test_malformed_decisions_are_refused_whole(returns_sim, send, body, message):
    returned = _return(returns_sim)
    response = send(returns_sim, "PUT", "/api/returns/accept", body)
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert returned.state == "WAITING_ACCEPTANCE"


def test_writes_need_json_and_returns_enabled(returns_sim, send, http):
    returned = _return(returns_sim)
    response = http.put(
        returns_sim.url + "/api/returns/receive", data="id=1", headers=HEADERS, timeout=10
    )
    assert response.status_code == 415
    returns_sim.platform_configuration["features"]["returns"]["marketplace"] = False
    body = {"returns": [{"id": returned.id}]}
    for action in ("accept", "receive", "compliance", "close"):
        response = send(returns_sim, "PUT", f"/api/returns/{action}", body)
        assert response.status_code == 400
        assert "not enabled" in response.json()["message"]


# -- RT25, RT26, RT27 ----------------------------------------------------------------------


def test_receive_check_and_close(returns_sim, send):
    returned = _return(returns_sim)
    waiting = send(returns_sim, "PUT", "/api/returns/receive", {"returns": [{"id": returned.id}]})
    assert waiting.json() == {
        "return_success": [],
        "return_errors": [{"id": returned.id, "message": "Return is in invalid state"}],
    }
    returns_sim.set_return_state(returned.id, "IN_PROGRESS")
    received = send(returns_sim, "PUT", "/api/returns/receive", {"returns": [{"id": returned.id}]})
    assert received.json() == {"return_success": [{"id": returned.id}], "return_errors": []}
    assert returned.state == "RECEIVED"

    partial = {
        "returns": [
            {"id": returned.id, "return_lines": [{"order_line_id": "R-1-A-1", "compliant": True}]}
        ]
    }
    response = send(returns_sim, "PUT", "/api/returns/compliance", partial)
    assert response.json()["return_errors"] == [
        {
            "id": returned.id,
            "message": "The compliance has not been specified on the following order lines: "
            "R-1-A-2",
        }
    ]
    lines = [
        {"order_line_id": "R-1-A-1", "compliant": True},
        {
            "order_line_id": "R-1-A-2",
            "compliant": False,
            "non_compliance_reason_code": "RETURN_NON_COMPLIANT_DAMAGED_PRODUCT",
            "non_compliance_additional_info": "Broken screen",
        },
    ]
    body = {"returns": [{"id": returned.id, "return_lines": lines}]}
    response = send(returns_sim, "PUT", "/api/returns/compliance", body)
    assert response.json() == {"return_success": [{"id": returned.id}], "return_errors": []}
    listed = send(returns_sim, "GET", "/api/returns").json()["data"][0]
    assert [line["compliance"] for line in listed["return_lines"]] == [
        [{"compliant": True}],
        [
            {
                "compliant": False,
                "non_compliance_reason_code": "RETURN_NON_COMPLIANT_DAMAGED_PRODUCT",
                "non_compliance_additional_info": "Broken screen",
            }
        ],
    ]

    closed = send(returns_sim, "PUT", "/api/returns/close", {"returns": [{"id": returned.id}]})
    assert closed.json() == {"return_success": [{"id": returned.id}], "return_errors": []}
    assert returned.state == "CLOSED"
    again = send(returns_sim, "PUT", "/api/returns/close", {"returns": [{"id": returned.id}]})
    assert again.json()["return_errors"][0]["message"] == "Return is in invalid state"


def test_returnless_returns_close_without_reception(returns_sim, send):
    returned = _return(returns_sim, method_code="RETURN_METHOD_RETURNLESS")
    returns_sim.set_return_state(returned.id, "IN_PROGRESS")
    body = {"returns": [{"id": returned.id}]}
    response = send(returns_sim, "PUT", "/api/returns/receive", body)
    assert response.json()["return_errors"][0]["message"] == (
        "A returnless return has no items to receive"
    )
    assert send(returns_sim, "PUT", "/api/returns/close", body).json()["return_success"]
    assert returned.state == "CLOSED"


def test_compliance_body_checks(returns_sim, send):
    returned = _return(returns_sim)
    for lines, message in [
        ([], "return_lines must be a list of 1 to 200 items"),
        ([{"order_line_id": "R-1-A-1"}], "needs an order_line_id and compliant"),
        (
            [
                {
                    "order_line_id": "R-1-A-1",
                    "compliant": False,
                    "non_compliance_reason_code": "BAD",
                }
            ],
            "Invalid value 'BAD'",
        ),
    ]:
        body = {"returns": [{"id": returned.id, "return_lines": lines}]}
        response = send(returns_sim, "PUT", "/api/returns/compliance", body)
        assert response.status_code == 400
        assert message in response.json()["message"]


def test_operator_moves(returns_sim):
    returned = _return(returns_sim)
    with pytest.raises(ValueError, match="WAITING_ACCEPTANCE"):
        returns_sim.set_return_state(returned.id, "RECEIVED")
    returns_sim.set_return_state(returned.id, "IN_PROGRESS")
    returns_sim.set_return_state(returned.id, "NO_RECEPTION")
    returns_sim.set_return_state(returned.id, "CLOSED")
    assert returns_sim.get_return(returned.id).state == "CLOSED"
    with pytest.raises(KeyError):
        returns_sim.get_return(UNKNOWN_ID)
