"""Offset paging (OF21) and seek paging (OF04): defaults, caps, walking every page."""

import pytest

DEMO_KEY = "demo-shop-key"


def _offers(demo_sim, call, **params):
    return call(demo_sim, "/api/offers", key=DEMO_KEY, **params)


def _imports(demo_sim, call, **params):
    return call(demo_sim, "/api/offers/imports", key=DEMO_KEY, **params)


def test_offset_default_page_is_10(demo_sim, call):
    body = _offers(demo_sim, call).json()
    assert len(body["offers"]) == 10
    assert body["total_count"] == len(demo_sim.shop(2001).offers) == 250


def test_offset_max_100_is_allowed(demo_sim, call):
    assert len(_offers(demo_sim, call, max=100).json()["offers"]) == 100


@pytest.mark.parametrize(
    "params", [{"max": 101}, {"max": 0}, {"max": "ten"}, {"offset": -1}, {"offset": "x"}]
)
def test_offset_bad_parameters_are_400(demo_sim, call, params):
    response = _offers(demo_sim, call, **params)
    assert response.status_code == 400
    assert response.json()["status"] == 400


def test_offset_walk_collects_everything_once(demo_sim, call):
    seen, offset, pages = [], 0, 0
    while True:
        body = _offers(demo_sim, call, max=100, offset=offset).json()
        seen += [offer["offer_id"] for offer in body["offers"]]
        pages += 1
        offset += 100
        if offset >= body["total_count"]:
            break
    assert pages == 3
    assert sorted(seen) == sorted(offer["offer_id"] for offer in demo_sim.shop(2001).offers)


def test_offset_past_the_end_is_empty(demo_sim, call):
    body = _offers(demo_sim, call, offset=1000).json()
    assert body == {"offers": [], "total_count": 250}


def test_seek_default_page_is_10(demo_sim, call):
    body = _imports(demo_sim, call).json()
    assert len(body["data"]) == 10
    assert "next_page_token" in body
    assert "previous_page_token" not in body


@pytest.mark.parametrize("limit", [101, 0, "many"])
def test_seek_bad_limit_is_400(demo_sim, call, limit):
    assert _imports(demo_sim, call, limit=limit).status_code == 400


def test_seek_walk_collects_everything_newest_first(demo_sim, call):
    rows, params = [], {"limit": 7}
    while True:
        body = _imports(demo_sim, call, **params).json()
        rows += body["data"]
        if "next_page_token" not in body:
            break
        params = {"page_token": body["next_page_token"]}
    expected = demo_sim.shop(2001).offer_imports
    assert len(rows) == len(expected)
    assert len({row["import_id"] for row in rows}) == len(expected)
    dates = [row["date_created"] for row in rows]
    assert dates == sorted(dates, reverse=True)


def test_seek_previous_token_goes_back(demo_sim, call):
    first = _imports(demo_sim, call, limit=5).json()
    second = _imports(demo_sim, call, page_token=first["next_page_token"]).json()
    back = _imports(demo_sim, call, page_token=second["previous_page_token"]).json()
    assert back["data"] == first["data"]
    assert "previous_page_token" not in back


def test_seek_token_keeps_filters_and_ignores_other_params(demo_sim, call):
    first = _imports(demo_sim, call, limit=5, status="COMPLETE").json()
    token = first["next_page_token"]
    plain = _imports(demo_sim, call, page_token=token).json()
    noisy = _imports(demo_sim, call, page_token=token, status="FAILED", limit=100).json()
    assert plain == noisy
    assert len(plain["data"]) == 5
    assert {row["status"] for row in plain["data"]} == {"COMPLETE"}


def test_seek_invalid_token_is_400(demo_sim, call):
    for token in ("not-a-token!", "e30"):  # garbage, and valid base64 of "{}"
        response = _imports(demo_sim, call, page_token=token)
        assert response.status_code == 400
        assert "page_token" in response.json()["message"]


def test_seek_empty_list(sim, call):
    assert call(sim, "/api/offers/imports").json() == {"data": []}
