"""Secret hygiene: the API key never shows in the client's repr, logs or any error it raises,
even when Mirakl (or a proxy) echoes it back in a body."""

import json
import logging
import socket
import traceback
from urllib.parse import quote

import pytest

from mirakl import errors

SECRET = "s3cr3t/KEY+0123456789abcdef=="  # '/', '+' and '=' change when URL-encoded


@pytest.fixture
def secret_sim(sim):
    sim.add_api_key(SECRET, shop_ids=[2001])
    return sim


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _raised(call):
    with pytest.raises(errors.MiraklError) as caught:
        call()
    return caught.value


def _texts(error):
    """Everything an error shows: str, repr, args, attributes and the formatted chain."""
    yield str(error)
    yield repr(error)
    yield from (str(arg) for arg in error.args)
    yield str(error.message)
    yield str(error.body)
    yield "".join(traceback.format_exception(error))


def test_the_key_never_leaks(secret_sim, make_client, caplog):
    caplog.set_level(logging.DEBUG)
    sim = secret_sim
    client = make_client(sim.url, SECRET, max_attempts=2)
    assert SECRET not in repr(client) and SECRET not in str(client)

    assert client.get_account().shop_id == 2001
    list(client.iter_offers())
    sim.inject_fault(op="A01", status=429, retry_after=0, times=1)
    client.get_account()  # retried: logs a warning

    raised = []
    sim.inject_fault(op="A01", status=503)
    raised.append(_raised(client.get_account))
    sim.clear_faults()
    echoed = json.dumps({"status": 400, "message": f"Bad key {SECRET} ({quote(SECRET, safe='')})"})
    sim.inject_fault(op="A01", status=400, body=echoed)
    raised.append(_raised(client.get_account))
    sim.clear_faults()
    sim.inject_fault(op="A01", status=404, body=f"<html>{SECRET}</html>", content_type="text/html")
    raised.append(_raised(client.get_account))
    sim.clear_faults()
    sim.inject_fault(op="A01", status=200, body=f"not json {SECRET}", content_type="text/plain")
    raised.append(_raised(client.get_account))
    sim.clear_faults()
    sim.inject_fault(op="A01", status=200, body=json.dumps({"shop_id": SECRET}))
    raised.append(_raised(client.get_account))
    sim.clear_faults()
    raised.append(_raised(make_client(sim.url, SECRET, shop_id=2002).get_account))
    raised.append(_raised(make_client(sim.url, SECRET + "x").get_account))
    sim.inject_fault(op="A01", delay=1.0, times=1)
    raised.append(_raised(make_client(sim.url, SECRET, timeout=0.1, max_attempts=1).get_account))
    raised.append(_raised(make_client(f"http://127.0.0.1:{_closed_port()}", SECRET).get_account))
    https_url = sim.url.replace("http://", "https://")
    raised.append(_raised(make_client(https_url, SECRET, max_attempts=1).get_account))
    raised.append(_raised(lambda: make_client("ftp://x", SECRET)))

    assert {type(error) for error in raised} == {
        errors.MiraklServerError,
        errors.MiraklBadRequestError,
        errors.MiraklNotFoundError,
        errors.MiraklResponseError,
        errors.MiraklPermissionError,
        errors.MiraklAuthenticationError,
        errors.MiraklTimeoutError,
        errors.MiraklConnectionError,
        errors.MiraklConfigError,
    }
    for error in raised:
        for text in _texts(error):
            assert SECRET not in text and quote(SECRET, safe="") not in text, (error, text)
    assert "Bad key *** (***)" in raised[1].message

    client_records = [r for r in caplog.records if not r.name.startswith("mirakl_simulator")]
    assert any(r.name == "mirakl.client" and r.levelno == logging.DEBUG for r in client_records)
    assert any(r.name == "mirakl.client" and r.levelno == logging.WARNING for r in client_records)
    for record in client_records:
        assert SECRET not in record.getMessage(), record.getMessage()
        assert quote(SECRET, safe="") not in record.getMessage()


def test_debug_line_per_call(sim, make_client, caplog):
    caplog.set_level(logging.DEBUG, logger="mirakl.client")
    make_client(sim.url, "key-2001", shop_id=2001).get_account()
    (line,) = [r.getMessage() for r in caplog.records if r.name == "mirakl.client"]
    assert line.startswith("Mirakl A01 GET /api/account?shop_id=2001 -> 200 in ")
    assert line.endswith("s")
