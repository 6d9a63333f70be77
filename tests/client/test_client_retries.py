"""Retry policy: Retry-After, exponential backoff, attempt and time budgets, non-idempotent calls.

Waits go to the recording `sleep` fixture, so every delay is asserted exactly and nothing sleeps.
"""

import pytest
import requests

from mirakl import MiraklClient, errors


def test_429_honours_retry_after(sim, make_client, sleep):
    sim.inject_fault(op="A01", status=429, retry_after=3, times=1)
    client = make_client(sim.url, "key-2001")
    assert client.get_account().shop_id == 2001
    assert sleep.calls == [3.0]
    assert [r.status for r in sim.responses] == [429, 200]
    assert sim.responses[0].headers["Retry-After"] == "3"


def test_5xx_then_success(sim, make_client, sleep):
    sim.inject_fault(op="*", status=503, times=2)
    client = make_client(sim.url, "key-2001")
    assert len(client.list_channels()) > 0
    assert sleep.calls == [0.5, 1.0]
    assert [r.status for r in sim.responses] == [503, 503, 200]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_backoff_doubles_up_to_max_attempts(sim, make_client, sleep, status):
    sim.inject_fault(op="PC01", status=status)
    client = make_client(sim.url, "key-2001", max_attempts=5, backoff_factor=0.25)
    with pytest.raises(errors.MiraklServerError) as caught:
        client.get_platform_configuration()
    assert sleep.calls == [0.25, 0.5, 1.0, 2.0]
    assert len(sim.requests) == 5
    assert caught.value.status == status
    assert caught.value.retry_after == 4.0  # the next wait, for a queue job to postpone by


def test_attempts_exhausted_on_429_keeps_retry_after(sim, make_client, sleep):
    sim.inject_fault(op="A01", status=429, retry_after=2)
    client = make_client(sim.url, "key-2001", max_attempts=3)
    with pytest.raises(errors.MiraklRateLimitError) as caught:
        client.get_account()
    assert sleep.calls == [2.0, 2.0] and len(sim.requests) == 3
    assert caught.value.retry_after == 2.0 and caught.value.retryable


def test_retry_after_beyond_the_budget_raises_at_once(sim, make_client, sleep):
    sim.inject_fault(op="A01", status=429, retry_after=120, times=1)
    client = make_client(sim.url, "key-2001", max_retry_seconds=60)
    with pytest.raises(errors.MiraklRateLimitError) as caught:
        client.get_account()
    assert sleep.calls == [] and len(sim.requests) == 1
    assert caught.value.retry_after == 120.0


def test_time_budget_stops_backoff(sim, make_client, sleep):
    sim.inject_fault(op="A01", status=503)
    client = make_client(
        sim.url, "key-2001", max_attempts=10, backoff_factor=1.0, max_retry_seconds=5.0
    )
    with pytest.raises(errors.MiraklServerError) as caught:
        client.get_account()
    assert sleep.calls == [1.0, 2.0]  # a third wait of 4 s would pass 5 s in total
    assert caught.value.retry_after == 4.0 and len(sim.requests) == 3


def test_time_budget_counts_slow_answers(sim, make_client, sleep):
    sim.inject_fault(op="A01", delay=0.2, status=503)
    client = make_client(
        sim.url, "key-2001", max_attempts=10, backoff_factor=0.1, max_retry_seconds=0.6
    )
    with pytest.raises(errors.MiraklServerError):
        client.get_account()
    assert sleep.calls == [0.1]  # 0.2 + 0.1 + 0.2 s spent: the next 0.2 s wait would pass 0.6
    assert len(sim.requests) == 2


def test_max_attempts_one_disables_retries(sim, make_client, sleep):
    sim.inject_fault(op="A01", status=503)
    with pytest.raises(errors.MiraklServerError):
        make_client(sim.url, "key-2001", max_attempts=1).get_account()
    assert sleep.calls == [] and len(sim.requests) == 1


def test_4xx_and_response_errors_are_not_retried(sim, make_client, sleep):
    client = make_client(sim.url, "key-2001")
    with pytest.raises(errors.MiraklBadRequestError) as caught:
        client.get_json("OF21", "/api/offers", params={"max": 500})
    assert caught.value.retry_after is None
    sim.inject_fault(op="A01", status=200, body="not json")
    with pytest.raises(errors.MiraklResponseError):
        client.get_account()
    assert sleep.calls == [] and len(sim.requests) == 2


def test_real_sleep_is_the_default(sim):
    """One real short wait, to prove the default `sleep` is wired (Retry-After 0.2 s)."""
    sim.inject_fault(op="A01", status=429, retry_after=0.2, times=1)
    with MiraklClient(sim.url, "key-2001") as client:
        assert client.get_account().shop_id == 2001
    assert [r.status for r in sim.responses] == [429, 200]


# -- what the simulator cannot serve yet: POST endpoints, HTTP-date Retry-After --------------


def test_http_date_retry_after(make_client, sleep, scripted_session):
    session = scripted_session(
        scripted_session.reply(
            429,
            {"status": 429, "message": "slow"},
            {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"},
        ),
        scripted_session.reply(200, {"version": "1"}),
    )
    client = make_client("https://acme.mirakl.net", "k", session=session)
    assert client.get_version() == {"version": "1"}
    assert sleep.calls == [0.0]  # a date in the past means "now"


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
@pytest.mark.parametrize("status", [429, 503])
def test_non_idempotent_calls_retry_when_refused_before_processing(
    make_client, sleep, scripted_session, method, status
):
    session = scripted_session(
        scripted_session.reply(status, {"status": status, "message": "busy"}, {"Retry-After": "1"}),
        scripted_session.reply(201, {"import_id": 7}),
    )
    client = make_client("https://acme.mirakl.net", "k", 2001, session=session)
    response = client.request(
        "OF01", method, "/api/offers/imports", files={"file": ("offers.csv", b"sku;price\nA;1\n")}
    )
    assert response.json() == {"import_id": 7}
    assert sleep.calls == [1.0]
    (first, _), (second, _) = session.sent
    assert first.body == second.body and b"sku;price" in first.body  # same bytes resent
    assert first.url == "https://acme.mirakl.net/api/offers/imports?shop_id=2001"


@pytest.mark.parametrize(
    "outcome",
    [
        "500",
        "502",
        requests.exceptions.ConnectionError("reset"),
        requests.exceptions.ReadTimeout("slow"),
    ],
)
def test_non_idempotent_calls_do_not_retry_what_may_have_been_applied(
    make_client, sleep, scripted_session, outcome
):
    if isinstance(outcome, str):
        outcome = scripted_session.reply(int(outcome), {"status": int(outcome), "message": "x"})
    session = scripted_session(outcome)
    client = make_client("https://acme.mirakl.net", "k", session=session)
    with pytest.raises(errors.MiraklError) as caught:
        client.request("OF24", "POST", "/api/offers", json={"offers": []})
    assert sleep.calls == [] and len(session.sent) == 1
    assert caught.value.retry_after is None  # the caller decides whether replaying is safe


def test_timeout_is_passed_as_one_float(make_client, scripted_session):
    session = scripted_session(scripted_session.reply(200, {}))
    make_client("https://acme.mirakl.net", "k", timeout=12, session=session).get_version()
    ((_, options),) = session.sent
    assert options["timeout"] == 12.0 and isinstance(options["timeout"], float)


def test_callers_session_is_not_closed(make_client, scripted_session):
    session = scripted_session()
    closed = []
    session.close = lambda: closed.append(True)
    make_client("https://acme.mirakl.net", "k", session=session).close()
    assert closed == []
