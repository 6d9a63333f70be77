"""Pure unit tests: operator URL, client settings, User-Agent, Retry-After, error classes."""

import ast
import pickle
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import mirakl
from mirakl import MiraklClient, const, errors, normalize_operator_url
from mirakl.client import parse_retry_after

MANIFEST = Path(mirakl.__file__).resolve().parent.parent / "__manifest__.py"


@pytest.mark.parametrize(
    "raw, expected",
    [
        (" https://acme.mirakl.net/api/ ", "https://acme.mirakl.net"),
        ("https://acme.mirakl.net", "https://acme.mirakl.net"),
        ("https://acme.mirakl.net///", "https://acme.mirakl.net"),
        ("HTTPS://ACME.Mirakl.net/API", "https://acme.mirakl.net"),
        ("http://127.0.0.1:8900/api", "http://127.0.0.1:8900"),
        ("https://shop.example.com/mirakl/api/", "https://shop.example.com/mirakl"),
        ("https://acme.mirakl.net/apis", "https://acme.mirakl.net/apis"),
    ],
)
def test_normalize_operator_url(raw, expected):
    assert normalize_operator_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        False,
        "",
        "   ",
        "acme.mirakl.net",
        "ftp://acme.mirakl.net",
        "https://",
        "https://user:pw@acme.mirakl.net",
    ],
)
def test_normalize_operator_url_rejects(raw):
    with pytest.raises(errors.MiraklConfigError):
        normalize_operator_url(raw)


@pytest.mark.parametrize("api_key", [None, False, "", "  "])
def test_missing_api_key_is_a_config_error(api_key):
    with pytest.raises(errors.MiraklConfigError, match="API key"):
        MiraklClient("https://acme.mirakl.net", api_key)


@pytest.mark.parametrize(
    "shop_id, expected",
    [(None, None), (False, None), ("", None), (2001, "2001"), (" 2002 ", "2002")],
)
def test_shop_id_accepts_odoo_values(shop_id, expected):
    assert MiraklClient("https://acme.mirakl.net", "k", shop_id).shop_id == expected


@pytest.mark.parametrize("shop_id", ["abc", "-1", "20 01", True])
def test_shop_id_must_be_digits(shop_id):
    with pytest.raises(errors.MiraklConfigError, match="shop id"):
        MiraklClient("https://acme.mirakl.net", "k", shop_id)


@pytest.mark.parametrize("timeout", [(3, 30), 0, -1, "30", True])
def test_timeout_is_one_positive_number(timeout):
    with pytest.raises(errors.MiraklConfigError, match="timeout"):
        MiraklClient("https://acme.mirakl.net", "k", timeout=timeout)


def test_timeout_is_stored_as_float():
    client = MiraklClient("https://acme.mirakl.net", "k", timeout=5)
    assert client.timeout == 5.0 and isinstance(client.timeout, float)


def test_user_agent_comes_from_the_manifest():
    version = ast.literal_eval(MANIFEST.read_text())["version"]
    assert const.USER_AGENT.split("/") == ["mirakl_connector", version]
    assert MiraklClient("https://acme.mirakl.net", "k").user_agent == const.USER_AGENT


def test_missing_manifest_fails_clearly(tmp_path, monkeypatch):
    missing = tmp_path / "__manifest__.py"
    monkeypatch.setattr(const, "MANIFEST_PATH", missing)
    with pytest.raises(RuntimeError, match=r"Cannot read the addon version from .*__manifest__"):
        const.USER_AGENT  # noqa: B018  (the lazy attribute is the behaviour under test)


def test_unknown_const_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError):
        const.NOT_A_CONSTANT  # noqa: B018


def test_page_size_is_capped():
    client = MiraklClient("https://acme.mirakl.net", "k")
    with pytest.raises(ValueError, match="page_size"):
        next(client.iter_offset_pages("OF21", "/api/offers", "offers", page_size=101))
    with pytest.raises(ValueError, match="page_size"):
        next(client.iter_seek_pages("OF04", "/api/offers/imports", page_size=0))


def test_path_must_be_absolute():
    with pytest.raises(ValueError, match="path"):
        MiraklClient("https://acme.mirakl.net", "k").request("A01", "GET", "api/account")


NOW = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "header, expected",
    [
        ("3", 3.0),
        (" 2.5 ", 2.5),
        ("-4", 0.0),
        ("Wed, 01 Jan 2025 12:00:30 GMT", 30.0),
        ("Wed, 01 Jan 2025 11:00:00 GMT", 0.0),
        (None, None),
        ("", None),
        ("soon", None),
        ("inf", None),
        ("nan", None),
    ],
)
def test_parse_retry_after(header, expected):
    assert parse_retry_after(header, now=NOW) == expected


def test_parse_retry_after_defaults_to_now():
    later = datetime.now(UTC) + timedelta(seconds=60)
    header = later.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert 55 <= parse_retry_after(header) <= 60


@pytest.mark.parametrize(
    "status, cls, retryable",
    [
        (400, errors.MiraklBadRequestError, False),
        (405, errors.MiraklBadRequestError, False),
        (401, errors.MiraklAuthenticationError, False),
        (403, errors.MiraklPermissionError, False),
        (404, errors.MiraklNotFoundError, False),
        (429, errors.MiraklRateLimitError, True),
        (500, errors.MiraklServerError, True),
        (503, errors.MiraklServerError, True),
        (501, errors.MiraklServerError, False),
        (304, errors.MiraklHTTPError, False),
    ],
)
def test_http_error_class(status, cls, retryable):
    error_class = errors.http_error_class(status)
    assert error_class is cls
    error = error_class("boom", "A01", status=status)
    assert isinstance(error, errors.MiraklHTTPError)
    assert error.retryable is retryable


def test_error_text_and_pickling():
    error = errors.MiraklRateLimitError("slow down", "OR11", status=429, body="{}", retry_after=3)
    assert str(error) == "OR11: HTTP 429: slow down"
    clone = pickle.loads(pickle.dumps(error))
    assert (type(clone), clone.op, clone.status, clone.retry_after, clone.message) == (
        errors.MiraklRateLimitError,
        "OR11",
        429,
        3,
        "slow down",
    )
    assert str(errors.MiraklConfigError("no key")) == "no key"


def test_connection_errors_are_retryable_and_others_not():
    assert errors.MiraklConnectionError("x").retryable
    assert errors.MiraklTimeoutError("x").retryable
    assert issubclass(errors.MiraklTimeoutError, errors.MiraklConnectionError)
    assert not errors.MiraklConfigError("x").retryable
    assert not errors.MiraklResponseError("x").retryable


def test_package_exports():
    assert mirakl.MiraklClient is MiraklClient
    assert mirakl.normalize_operator_url is normalize_operator_url
    for name in ("MiraklError", "MiraklHTTPError", "MiraklTimeoutError", "MiraklServerError"):
        assert getattr(mirakl, name) is getattr(errors, name)


def test_repr_shows_url_and_shop_not_key():
    client = MiraklClient("https://acme.mirakl.net/api", "very-secret-key", 2001)
    assert repr(client) == "<MiraklClient https://acme.mirakl.net shop_id=2001>"
