"""Offset (OF21) and seek (OF04) paging over the simulator: call counts, parameters, streaming."""

import json

import pytest

from mirakl import errors

DEMO_KEY = "demo-shop-key"


@pytest.fixture
def demo_client(demo_sim, make_client):
    return make_client(demo_sim.url, DEMO_KEY)


def _total_offers(demo_sim, client):
    client.request("OF21", "GET", "/api/offers", params={"max": 1})
    total = demo_sim.responses[-1].json()["total_count"]
    demo_sim.reset_logs()
    return total


def test_iter_offers_walks_every_page_with_max_100(demo_client, demo_sim):
    total = _total_offers(demo_sim, demo_client)
    assert 200 < total <= 300  # the demo has ~250 offers: three pages of 100
    offers = list(demo_client.iter_offers())
    assert len(offers) == total
    assert len({offer.offer_id for offer in offers}) == total
    assert [(r.op, r.query["max"], r.query["offset"]) for r in demo_sim.requests] == [
        ("OF21", ["100"], ["0"]),
        ("OF21", ["100"], ["100"]),
        ("OF21", ["100"], ["200"]),
    ]


def test_iter_offers_streams_page_by_page(demo_client, demo_sim):
    offers = demo_client.iter_offers()
    next(offers)
    assert len(demo_sim.requests) == 1
    for _ in range(99):
        next(offers)
    assert len(demo_sim.requests) == 1  # still on page one
    next(offers)
    assert len(demo_sim.requests) == 2


def test_iter_offers_passes_filters_on_every_page(demo_client, demo_sim):
    states = {offer.state_code for offer in demo_client.iter_offers()}
    state = min(states)
    demo_sim.reset_logs()
    offers = list(demo_client.iter_offers(offer_state_codes=state))
    assert offers and {offer.state_code for offer in offers} == {state}
    assert all(r.query["offer_state_codes"] == [state] for r in demo_sim.requests)


def test_offset_pages_with_a_small_page_size(demo_client, demo_sim):
    total = _total_offers(demo_sim, demo_client)
    pages = list(demo_client.iter_offset_pages("OF21", "/api/offers", "offers", page_size=40))
    assert [len(page) for page in pages[:-1]] == [40] * (len(pages) - 1)
    assert sum(len(page) for page in pages) == total
    assert len(demo_sim.requests) == -(-total // 40)


def test_offset_paging_of_an_empty_list_makes_one_call(sim, make_client):
    client = make_client(sim.url, "key-2001")
    assert list(client.iter_offers()) == []
    assert len(sim.requests) == 1


def test_offset_paging_stops_on_an_empty_page_when_total_count_lies(sim, make_client):
    offers = [{"offer_id": n, "shop_sku": f"SKU-{n}"} for n in range(3)]
    sim.inject_fault(
        op="OF21", status=200, body=json.dumps({"offers": offers, "total_count": 1000}), times=1
    )
    client = make_client(sim.url, "key-2001")
    assert [offer.offer_id for offer in client.iter_offers()] == [0, 1, 2]
    assert [r.query["offset"] for r in sim.requests] == [["0"], ["3"]]


def test_offset_paging_without_total_count_stops_on_a_short_page(sim, make_client):
    sim.inject_fault(
        op="OF21",
        status=200,
        body=json.dumps({"offers": [{"offer_id": 1, "shop_sku": "A"}]}),
        times=1,
    )
    client = make_client(sim.url, "key-2001")
    assert len(list(client.iter_offers())) == 1
    assert len(sim.requests) == 1


def test_iter_offer_imports_walks_every_page(demo_client, demo_sim):
    imports = list(demo_client.iter_offer_imports())
    assert imports and len({item.import_id for item in imports}) == len(imports)
    pages = list(demo_client.iter_seek_pages("OF04", "/api/offers/imports", page_size=10))
    assert [item["import_id"] for page in pages for item in page] == [
        item.import_id for item in imports
    ]
    assert len(pages) == -(-len(imports) // 10) > 1


def test_seek_follow_ups_send_only_the_token(demo_sim, make_client):
    client = make_client(demo_sim.url, "demo-multi-key", shop_id=2001)
    pages = list(
        client.iter_seek_pages(
            "OF04", "/api/offers/imports", params={"mode": "NORMAL"}, page_size=5
        )
    )
    first, *follow_ups = demo_sim.requests
    assert len(demo_sim.requests) == len(pages) > 1
    assert first.query == {"mode": ["NORMAL"], "limit": ["5"], "shop_id": ["2001"]}
    tokens = [demo_sim.responses[i].json()["next_page_token"] for i in range(len(follow_ups))]
    assert [r.query for r in follow_ups] == [
        {"page_token": [token], "shop_id": ["2001"]} for token in tokens
    ]
    assert all(item["mode"] == "NORMAL" for page in pages for item in page)


def test_seek_filters_apply_to_every_page(demo_client, demo_sim):
    everything = list(demo_client.iter_offer_imports())
    origin = everything[0].origin
    filtered = list(demo_client.iter_offer_imports(origins=[origin]))
    assert filtered == [item for item in everything if item.origin == origin]


def test_seek_paging_of_an_empty_list_makes_one_call(sim, make_client):
    client = make_client(sim.url, "key-2001")
    assert list(client.iter_offer_imports()) == []
    assert len(sim.requests) == 1


def test_seek_paging_refuses_a_repeated_token(sim, make_client):
    sim.inject_fault(
        op="OF04",
        status=200,
        body=json.dumps({"data": [{"import_id": 1}], "next_page_token": "same"}),
    )
    client = make_client(sim.url, "key-2001")
    with pytest.raises(errors.MiraklResponseError, match="same page token"):
        list(client.iter_offer_imports())
    assert len(sim.requests) == 2


def test_items_key_must_hold_a_list(sim, make_client):
    sim.inject_fault(op="OF21", status=200, body=json.dumps({"offers": {"offer_id": 1}}))
    client = make_client(sim.url, "key-2001")
    with pytest.raises(errors.MiraklResponseError, match="'offers' is not a list"):
        list(client.iter_offers())


def test_a_bad_item_names_the_op_and_field(sim, make_client):
    sim.inject_fault(
        op="OF21",
        status=200,
        body=json.dumps(
            {
                "offers": [{"offer_id": 1, "shop_sku": "A"}, {"offer_id": "x", "shop_sku": "B"}],
                "total_count": 2,
            }
        ),
    )
    client = make_client(sim.url, "key-2001")
    offers = client.iter_offers()
    assert next(offers).offer_id == 1
    with pytest.raises(errors.MiraklResponseError, match=r"OF21: .*offers\.1\.offer_id"):
        next(offers)
