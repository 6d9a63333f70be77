"""Fault injection: rate limits, server errors, delays, garbage bodies, counters and targeting."""

import threading
import time

import pytest
import requests

from mirakl_simulator import Fault


def test_429_with_retry_after_then_recovers(sim, call):
    sim.inject_fault(op="A01", status=429, retry_after=3600, times=1)
    limited = call(sim, "/api/account")
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "3600"
    assert limited.json() == {"status": 429, "message": "Simulated fault (HTTP 429)"}
    assert call(sim, "/api/account").status_code == 200


def test_429_always_has_retry_after(sim, call):
    sim.inject_fault(op="A01", status=429, times=1)
    assert call(sim, "/api/account").headers["Retry-After"] == "1"


def test_fractional_retry_after(sim, call):
    sim.inject_fault(op="A01", status=429, retry_after=0.5, times=1)
    assert call(sim, "/api/account").headers["Retry-After"] == "0.5"


def test_wildcard_5xx_counts_down_across_operations(sim, call):
    sim.inject_fault(op="*", status=503, times=2)
    assert call(sim, "/api/account").status_code == 503
    error = call(sim, "/api/platform/configuration")
    assert (error.status_code, error.json()["status"]) == (503, 503)
    assert call(sim, "/api/account").status_code == 200


def test_fault_targets_its_operation_only(sim, call):
    sim.inject_fault(op="PC01", status=500)
    assert call(sim, "/api/account").status_code == 200
    assert call(sim, "/api/platform/configuration").status_code == 500


def test_unlimited_fault_lasts_until_cleared(sim, call):
    sim.inject_fault(op="A01", status=502)
    assert [call(sim, "/api/account").status_code for _ in range(3)] == [502] * 3
    sim.clear_faults()
    assert call(sim, "/api/account").status_code == 200


def test_faults_apply_in_queue_order(sim, call):
    sim.inject_fault(op="A01", status=500, times=1)
    sim.inject_fault(op="*", status=504, times=1)
    statuses = [call(sim, "/api/account").status_code for _ in range(3)]
    assert statuses == [500, 504, 200]


def test_delay_then_normal_answer(sim, call):
    sim.inject_fault(op="PC01", delay=0.4, times=1)
    started = time.monotonic()
    response = call(sim, "/api/platform/configuration")
    assert time.monotonic() - started >= 0.4
    assert response.status_code == 200
    assert "features" in response.json()


def test_delay_beyond_client_timeout(sim, http):
    sim.inject_fault(op="PC01", delay=1.0, times=1)
    with pytest.raises(requests.exceptions.ReadTimeout):
        http.get(
            sim.url + "/api/platform/configuration",
            headers={"Authorization": "key-2001"},
            timeout=0.2,
        )
    assert sim.requests[-1].op == "PC01"  # journaled on arrival, before the delay ends


def test_malformed_success_body(sim, call):
    sim.inject_fault(op="A01", status=200, body="<html>oops</html>", content_type="text/html")
    response = call(sim, "/api/account")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html"
    assert response.text == "<html>oops</html>"
    assert sim.responses[-1].injected


def test_custom_json_error_body(sim, call):
    body = '{"status": 400, "message": "ORDER_INVALID_STATE"}'
    sim.inject_fault(op="A01", status=400, body=body, times=1)
    response = call(sim, "/api/account")
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["message"] == "ORDER_INVALID_STATE"


def test_faults_fire_before_authentication(sim, call):
    """A gateway answers 429/5xx whatever the key; the fault is consumed by the first call."""
    sim.inject_fault(op="A01", status=503, times=1)
    assert call(sim, "/api/account", key=None).status_code == 503
    assert call(sim, "/api/account", key=None).status_code == 401


def test_unrouted_paths_never_consume_faults(sim, call):
    sim.inject_fault(op="*", status=500, times=1)
    assert call(sim, "/api/nope").status_code == 404
    assert call(sim, "/api/account").status_code == 500


@pytest.mark.parametrize("times", [0, -1])
def test_times_must_be_positive(times):
    with pytest.raises(ValueError, match="times"):
        Fault(op="A01", status=500, times=times)


def test_stop_interrupts_a_delayed_request(sim):
    sim.inject_fault(op="A01", delay=30)
    outcome = []

    def slow_call():
        try:
            outcome.append(
                requests.get(
                    sim.url + "/api/account", headers={"Authorization": "key-2001"}, timeout=10
                )
            )
        except requests.RequestException as error:
            outcome.append(error)

    caller = threading.Thread(target=slow_call)
    caller.start()
    deadline = time.monotonic() + 5
    while not sim.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    sim.stop()
    caller.join(timeout=5)
    assert time.monotonic() - started < 2
    assert outcome and not caller.is_alive()
