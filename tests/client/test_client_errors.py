"""Error mapping over real sockets: each Mirakl failure becomes its typed error and message."""

import json
import socket
import time

import pytest

from mirakl import const, errors


@pytest.fixture
def client(sim, make_client):
    return make_client(sim.url, "key-2001", max_attempts=1)


def test_invalid_key_is_401(sim, make_client):
    with pytest.raises(errors.MiraklAuthenticationError) as caught:
        make_client(sim.url, "not-a-key").get_account()
    assert caught.value.status == 401 and "invalid API key" in caught.value.message
    assert not caught.value.retryable
    assert len(sim.requests) == 1  # 4xx is never retried


def test_bearer_prefix_is_401(sim, make_client):
    with pytest.raises(errors.MiraklAuthenticationError):
        make_client(sim.url, "Bearer key-2001").get_account()


def test_missing_key_never_reaches_the_network(sim, make_client):
    with pytest.raises(errors.MiraklConfigError):
        make_client(sim.url, "")
    assert sim.requests == []


def test_wrong_shop_is_403(sim, make_client):
    with pytest.raises(errors.MiraklPermissionError) as caught:
        make_client(sim.url, "key-2001", shop_id=2002).get_account()
    assert caught.value.status == 403 and "2002" in caught.value.message


def test_key_without_rights_is_403(sim, make_client):
    with pytest.raises(errors.MiraklPermissionError) as caught:
        make_client(sim.url, "no-rights-key").get_platform_configuration()
    assert caught.value.op == "PC01"


def test_wrong_operator_url_is_404_with_html(sim, make_client):
    with pytest.raises(errors.MiraklNotFoundError) as caught:
        make_client(sim.url + "/mirakl", "key-2001").get_account()
    error = caught.value
    assert "check the operator URL" in error.message
    assert error.body.lstrip().startswith("<!DOCTYPE html>")
    assert str(error).startswith("A01: HTTP 404: ")


def test_unknown_api_path_is_404_with_mirakl_message(client):
    with pytest.raises(errors.MiraklNotFoundError) as caught:
        client.get_json("XX01", "/api/no/such/thing")
    assert "No endpoint" in caught.value.message
    assert json.loads(caught.value.body)["status"] == 404


def test_bad_request_keeps_mirakl_message(client):
    with pytest.raises(errors.MiraklBadRequestError) as caught:
        client.get_json("OF21", "/api/offers", params={"max": 101})
    assert caught.value.status == 400
    assert "The limit of 100 is exceeded" in caught.value.message


def test_other_4xx_is_a_bad_request(client):
    with pytest.raises(errors.MiraklBadRequestError) as caught:
        client.request("A01", "DELETE", "/api/account")
    assert caught.value.status == 405


def test_server_error_keeps_status_and_body(sim, client):
    sim.inject_fault(op="A01", status=500)
    with pytest.raises(errors.MiraklServerError) as caught:
        client.get_account()
    assert caught.value.status == 500 and caught.value.retryable
    assert json.loads(caught.value.body)["status"] == 500


def test_non_json_error_body_uses_the_http_reason(sim, client):
    sim.inject_fault(
        op="A01", status=502, body="<html>Bad gateway</html>", content_type="text/html"
    )
    with pytest.raises(errors.MiraklServerError) as caught:
        client.get_account()
    assert caught.value.message == "Bad Gateway"
    assert caught.value.body == "<html>Bad gateway</html>"


def test_body_excerpt_is_bounded(sim, client):
    sim.inject_fault(op="A01", status=500, body="x" * 10_000, content_type="text/plain")
    with pytest.raises(errors.MiraklServerError) as caught:
        client.get_account()
    assert len(caught.value.body) == const.BODY_EXCERPT_CHARS


def test_malformed_json_is_a_response_error(sim, make_client):
    sim.inject_fault(op="A01", status=200, body="<html>oops</html>", content_type="text/html")
    client = make_client(sim.url, "key-2001")
    with pytest.raises(errors.MiraklResponseError) as caught:
        client.get_account()
    error = caught.value
    assert "not JSON" in error.message and "text/html" in error.message
    assert (error.status, error.body, error.retryable) == (200, "<html>oops</html>", False)
    assert len(sim.requests) == 1


def test_schema_mismatch_names_op_and_field(sim, client):
    sim.inject_fault(
        op="A01",
        status=200,
        body=json.dumps(
            {
                "shop_id": "not-a-number",
                "shop_name": "S",
                "shop_state": "OPEN",
                "currency_iso_code": "EUR",
            }
        ),
    )
    with pytest.raises(errors.MiraklResponseError) as caught:
        client.get_account()
    assert str(caught.value).startswith("A01: Unexpected answer: shop_id: ")
    assert "not-a-number" not in str(caught.value)  # field named, value not echoed
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_wrong_shapes_are_named(sim, client):
    sim.inject_fault(op="PC01", status=200, body=json.dumps([1, 2]))
    with pytest.raises(errors.MiraklResponseError, match=r"PC01: Unexpected answer: \(root\)"):
        client.get_platform_configuration()
    sim.inject_fault(op="SH21", status=200, body=json.dumps({"carriers": [{"label": "x"}]}))
    with pytest.raises(errors.MiraklResponseError, match=r"SH21: .*carriers\.0\.code"):
        client.list_carriers()


def test_reference_list_missing_or_null_is_empty(sim, client):
    sim.inject_fault(op="CH11", status=200, body="{}", times=1)
    sim.inject_fault(op="CUR01", status=200, body='{"currencies": null}', times=1)
    assert client.list_channels() == [] and client.list_currencies() == []


def test_reference_list_not_an_object_is_a_response_error(sim, client):
    sim.inject_fault(op="CH11", status=200, body="[]")
    with pytest.raises(errors.MiraklResponseError, match="not a JSON object"):
        client.list_channels()


def test_empty_version_body_is_an_empty_dict(sim, client):
    sim.inject_fault(op="V01", status=200, body="")
    assert client.get_version() == {}


def test_timeout(sim, make_client):
    sim.inject_fault(op="PC01", delay=2.0)
    client = make_client(sim.url, "key-2001", timeout=0.2, max_attempts=1)
    started = time.monotonic()
    with pytest.raises(errors.MiraklTimeoutError) as caught:
        client.get_platform_configuration()
    assert time.monotonic() - started < 1.0
    assert isinstance(caught.value, errors.MiraklConnectionError) and caught.value.retryable
    assert "within 0.2 s" in caught.value.message and caught.value.status is None


def test_timeout_then_success_is_retried(sim, make_client, sleep):
    sim.inject_fault(op="A01", delay=2.0, times=1)
    client = make_client(sim.url, "key-2001", timeout=0.2)
    assert client.get_account().shop_id == 2001
    assert sleep.calls == [0.5]


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_connection_refused(make_client, sleep):
    client = make_client(f"http://127.0.0.1:{_closed_port()}", "key-2001", max_attempts=3)
    with pytest.raises(errors.MiraklConnectionError) as caught:
        client.get_account()
    error = caught.value
    assert type(error) is errors.MiraklConnectionError and error.retryable
    assert "Cannot reach http://127.0.0.1:" in error.message and "refused" in error.message
    assert " object at 0x" not in error.message
    assert sleep.calls == [0.5, 1.0] and error.retry_after == 2.0


def test_tls_error_against_a_plain_http_port(sim, make_client):
    client = make_client(sim.url.replace("http://", "https://"), "key-2001", max_attempts=1)
    with pytest.raises(errors.MiraklConnectionError) as caught:
        client.get_account()
    assert type(caught.value) is errors.MiraklConnectionError
    assert caught.value.message.startswith("TLS error with https://127.0.0.1:")
    assert "https://" in caught.value.message.split(". Check", 1)[1]
