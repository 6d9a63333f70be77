"""Mirakl's authentication and shop-selection rules, and how unknown paths answer."""

import pytest

from mirakl_simulator.routing import ROUTES


def _assert_error(response, status):
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == status
    assert body["message"]


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.op)
def test_every_route_needs_a_key(sim, call, route):
    _assert_error(call(sim, route.template, key=None, method=route.method), 401)


@pytest.mark.parametrize("key", ["Bearer key-2001", "unknown-key", "KEY-2001", ""])
def test_wrong_keys_are_401(sim, call, key):
    _assert_error(call(sim, "/api/account", key=key), 401)


def test_raw_key_is_accepted(sim, call):
    response = call(sim, "/api/account")
    assert response.status_code == 200
    assert sim.requests[-1].headers["Authorization"] == "key-2001"


def test_key_without_roles_is_403(sim, call):
    _assert_error(call(sim, "/api/account", key="no-rights-key"), 403)


def test_shop_outside_key_is_403(sim, call):
    _assert_error(call(sim, "/api/account", shop_id=2002), 403)
    _assert_error(call(sim, "/api/account", shop_id=9999), 403)


def test_explicit_own_shop_is_fine(sim, call):
    assert call(sim, "/api/account", shop_id=2001).json()["shop_id"] == 2001


def test_non_numeric_shop_id_is_400(sim, call):
    _assert_error(call(sim, "/api/account", shop_id="abc"), 400)


def test_multi_shop_key_defaults_to_first_shop(sim, call):
    assert call(sim, "/api/account", key="multi-key").json()["shop_id"] == 2001


def test_multi_shop_key_selects_shop(sim, call):
    body = call(sim, "/api/account", key="multi-key", shop_id=2002).json()
    assert (body["shop_id"], body["shop_name"]) == (2002, "Second Shop")


def test_shop_selection_scopes_data(sim, call):
    sim.shop(2002).offer_imports.append(
        {
            "import_id": 1,
            "shop_id": 2002,
            "date_created": "2025-01-01T00:00:00Z",
            "status": "COMPLETE",
            "mode": "NORMAL",
            "origin": "API",
            "has_error_report": False,
            "lines_read": 1,
            "lines_in_success": 1,
            "lines_in_error": 0,
            "lines_in_pending": 0,
            "offer_inserted": 1,
            "offer_updated": 0,
            "offer_deleted": 0,
        }
    )
    assert call(sim, "/api/offers/imports", key="multi-key").json()["data"] == []
    second = call(sim, "/api/offers/imports", key="multi-key", shop_id=2002).json()["data"]
    assert [row["import_id"] for row in second] == [1]


def test_unknown_api_path_is_json_404(sim, call):
    _assert_error(call(sim, "/api/does/not/exist"), 404)
    assert sim.requests[-1].op is None


def test_path_outside_api_is_html_404(sim, call):
    """What a wrong operator URL (e.g. the shop front) looks like to the client."""
    for path in ("/", "/account", "/apifoo", "/mmp/shop/api/account"):
        response = call(sim, path)
        assert response.status_code == 404
        assert response.headers["Content-Type"].startswith("text/html")
        assert "<html>" in response.text


def test_wrong_method_is_405(sim, call):
    response = call(sim, "/api/account", method="DELETE")
    _assert_error(response, 405)
    assert response.headers["Allow"] == "GET"
