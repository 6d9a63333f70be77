"""Lifecycle, clock, routing and store rules of the simulator itself."""

import socket
from datetime import UTC, datetime, timedelta, timezone

import pytest
import requests

from mirakl_simulator import Clock, OperatorSimulator
from mirakl_simulator.clock import format_datetime, parse_datetime
from mirakl_simulator.routing import Route, compile_template


def _port_is_closed(url):
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as probe:
        return probe.connect_ex((host, int(port))) != 0


def test_two_simulators_get_distinct_free_ports():
    with OperatorSimulator() as first, OperatorSimulator() as second:
        assert first.url != second.url
        assert first.url.startswith("http://127.0.0.1:")


def test_context_manager_stops_and_frees_the_port():
    with OperatorSimulator() as sim:
        url = sim.url
        assert not _port_is_closed(url)
    assert _port_is_closed(url)


def test_lifecycle_errors_and_idempotent_stop():
    sim = OperatorSimulator()
    with pytest.raises(RuntimeError):
        sim.url  # noqa: B018  (property access is the test)
    sim.start()
    with pytest.raises(RuntimeError):
        sim.start()
    sim.stop()
    sim.stop()
    sim.start()  # restartable after stop
    sim.stop()


def test_stop_closes_keep_alive_connections(sim, http):
    url = sim.url
    assert http.get(url + "/api/version", headers={"Authorization": "key-2001"}).ok
    sim.stop()
    with pytest.raises(requests.ConnectionError):
        http.get(url + "/api/version", headers={"Authorization": "key-2001"}, timeout=2)


def test_handler_bug_answers_mirakl_500(sim, call):
    del sim.reference["carriers"]
    response = call(sim, "/api/shipping/carriers")
    assert response.status_code == 500
    assert response.json() == {"status": 500, "message": "Internal server error"}


def test_store_rejects_inconsistent_seeding(sim):
    with pytest.raises(ValueError, match="already exists"):
        sim.add_shop(2001, "Duplicate")
    with pytest.raises(ValueError, match="unknown"):
        sim.add_api_key("orphan", shop_ids=[4242])
    with pytest.raises(ValueError):
        sim.add_api_key("no-shop", shop_ids=[])


def test_frozen_clock_advances():
    start = datetime(2025, 1, 1, 12, tzinfo=UTC)
    clock = Clock(frozen_at=start)
    assert clock.now() == start
    clock.advance(minutes=90)
    assert clock.now() == start + timedelta(minutes=90)
    clock.freeze(start)
    assert clock.now() == start


def test_running_clock_advances():
    clock = Clock()
    before = datetime.now(UTC)
    clock.advance(days=2)
    assert clock.now() - before >= timedelta(days=2)


def test_simulated_time_drives_account_dates(sim, call):
    sim.clock.freeze(datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC))
    assert call(sim, "/api/account").json()["last_updated_date"] == "2030-05-06T07:08:09Z"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2025, 3, 1, 10, 0, 0, tzinfo=UTC), "2025-03-01T10:00:00Z"),
        (datetime(2025, 3, 1, 10, 0, 0, 460000, tzinfo=UTC), "2025-03-01T10:00:00.460Z"),
        (datetime(2025, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=2))), "2025-03-01T10:00:00Z"),
    ],
)
def test_datetime_wire_format(value, text):
    assert format_datetime(value) == text
    assert parse_datetime(text) == value


def test_parse_datetime_accepts_offsets_and_naive():
    assert parse_datetime("2025-03-01T12:00:00+02:00") == parse_datetime("2025-03-01T10:00:00")


def test_templates_and_specificity():
    pattern = compile_template("/api/offers/{offer}")
    assert pattern.match("/api/offers/12").groupdict() == {"offer": "12"}
    assert not pattern.match("/api/offers/12/quantity")
    literal = Route("GET", "/api/offers/imports", "OF04", None)
    param = Route("GET", "/api/offers/{offer}", "OF22", None)
    assert literal.specificity > param.specificity
