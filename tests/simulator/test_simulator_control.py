"""The HTTP control plane other processes (Odoo tests, shells) use to steer a simulator."""

import json


def _control(http, sim, method, path, payload=None):
    return http.request(method, sim.url + "/_simulator/" + path, json=payload, timeout=10)


def test_post_fault_then_clear(sim, http, call):
    created = _control(
        http, sim, "POST", "faults", {"op": "A01", "status": 429, "retry_after": 2, "times": 1}
    )
    assert created.status_code == 201
    assert created.json()["op"] == "A01"
    assert _control(http, sim, "GET", "faults").json()[0]["retry_after"] == 2
    limited = call(sim, "/api/account")
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "2")
    _control(http, sim, "POST", "faults", {"op": "*", "status": 503})
    assert _control(http, sim, "DELETE", "faults").status_code == 204
    assert _control(http, sim, "GET", "faults").json() == []
    assert call(sim, "/api/account").status_code == 200


def test_post_fault_with_body_and_delay(sim, http, call):
    payload = {
        "op": "A01",
        "status": 200,
        "body": "<html/>",
        "content_type": "text/html",
        "delay": 0.1,
        "times": 1,
    }
    assert _control(http, sim, "POST", "faults", payload).status_code == 201
    response = call(sim, "/api/account")
    assert (response.status_code, response.text) == (200, "<html/>")


def test_invalid_fault_is_400(sim, http):
    for payload in ({"op": "A01", "colour": "red"}, {"op": "A01", "times": 0}):
        response = _control(http, sim, "POST", "faults", payload)
        assert response.status_code == 400
        assert response.json()["status"] == 400
    garbage = http.post(sim.url + "/_simulator/faults", data=b"{not json", timeout=10)
    assert garbage.status_code == 400


def test_requests_and_responses_are_listed(sim, http, call):
    call(sim, "/api/offers", max=5, sku="A,B")
    http.post(
        sim.url + "/api/account",
        data=b'{"x": 1}',
        headers={"Authorization": "key-2001"},
        timeout=10,
    )
    recorded = _control(http, sim, "GET", "requests").json()
    assert [(r["op"], r["method"], r["path"]) for r in recorded] == [
        ("OF21", "GET", "/api/offers"),
        (None, "POST", "/api/account"),  # 405: no route for this method
    ]
    assert recorded[0]["query"] == {"max": ["5"], "sku": ["A,B"]}
    assert recorded[0]["headers"]["Authorization"] == "key-2001"
    assert json.loads(recorded[1]["body"]) == {"x": 1}
    responses = _control(http, sim, "GET", "responses").json()
    assert [r["status"] for r in responses] == [200, 405]
    assert responses[1]["injected"] is False


def test_control_calls_are_not_journaled_and_logs_reset(sim, http, call):
    call(sim, "/api/account")
    _control(http, sim, "GET", "faults")
    assert [r.op for r in sim.requests] == ["A01"]
    assert _control(http, sim, "DELETE", "requests").status_code == 204
    assert sim.requests == [] and sim.responses == []


def test_unknown_control_endpoint_is_404(sim, http):
    assert _control(http, sim, "GET", "nothing").status_code == 404
