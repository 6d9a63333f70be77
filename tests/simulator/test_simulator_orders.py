"""OR11 over HTTP: filters, the widened update window, paging and sort, both tax modes to the
cent, and customer addresses hidden until the debit. Every answer is also spec-validated."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from mirakl_simulator.clock import format_datetime

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen(sim):
    sim.clock.freeze(NOW)
    return sim


def _orders(call, sim, **query):
    response = call(sim, "/api/orders", **query)
    assert response.status_code == 200, response.text
    return response.json(parse_float=Decimal)


def _ids(body):
    return [order["order_id"] for order in body["orders"]]


def test_empty_shop_lists_nothing(sim, call):
    assert _orders(call, sim) == {"orders": [], "total_count": 0}


def test_filters_by_state_ids_and_channel(frozen, call):
    waiting = frozen.add_order(2001, order_id="A-1-A")
    shipping = frozen.add_order(2001, order_id="A-2-A", state="SHIPPING", channel="WEB")
    frozen.add_order(2001, order_id="A-3-A", state="CANCELED")
    frozen.add_order(2002, order_id="B-1-A")  # another shop: never listed for key-2001
    assert _ids(_orders(call, frozen, order_state_codes="SHIPPING,WAITING_ACCEPTANCE")) == [
        "A-2-A",
        "A-1-A",
    ]  # oldest first: SHIPPING orders are created earlier so that their last move is now
    assert _ids(_orders(call, frozen, order_ids=f"{waiting.order_id},B-1-A")) == ["A-1-A"]
    assert _ids(_orders(call, frozen, channel_codes="WEB")) == [shipping.order_id]
    assert set(_ids(_orders(call, frozen, only_null_channel="true"))) == {"A-1-A", "A-3-A"}
    assert _ids(_orders(call, frozen, customer_debited="true")) == ["A-3-A", "A-2-A"]


def test_start_update_date_is_widened_on_purpose(frozen, call):
    """Mirakl subtracts a delta from start_update_date: an order updated just before still
    comes back, so a connector must deduplicate."""
    order = frozen.add_order(2001)
    frozen.touch_order(order.order_id, at=NOW - timedelta(minutes=3))
    since = format_datetime(NOW)
    assert _ids(_orders(call, frozen, start_update_date=since)) == [order.order_id]
    frozen.orders_update_window_widening = timedelta(minutes=1)
    assert _ids(_orders(call, frozen, start_update_date=since)) == []
    frozen.orders_update_window_widening = timedelta()
    frozen.touch_order(order.order_id)  # now: inside [start, end]
    until = format_datetime(NOW + timedelta(seconds=1))
    assert _ids(_orders(call, frozen, start_update_date=since, end_update_date=until)) == [
        order.order_id
    ]
    assert _ids(_orders(call, frozen, end_update_date=format_datetime(NOW - timedelta(1)))) == []


def test_creation_date_filters_sort_and_offset_paging(frozen, call):
    for hour in (5, 1, 3):
        frozen.add_order(2001, order_id=f"H{hour}-A", created_date=NOW - timedelta(hours=hour))
    assert _ids(_orders(call, frozen)) == ["H5-A", "H3-A", "H1-A"]
    assert _ids(_orders(call, frozen, order="desc")) == ["H1-A", "H3-A", "H5-A"]
    page = _orders(call, frozen, max=2, offset=1)
    assert (_ids(page), page["total_count"]) == (["H3-A", "H1-A"], 3)
    since = format_datetime(NOW - timedelta(hours=4))
    assert _ids(_orders(call, frozen, start_date=since)) == ["H3-A", "H1-A"]
    assert _ids(_orders(call, frozen, end_date=since)) == ["H5-A"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"order_ids": ",".join(f"O{i}-A" for i in range(101))}, "limit of 100 is exceeded"),
        ({"channel_codes": ",".join(f"C{i}" for i in range(101))}, "limit of 100 is exceeded"),
        ({"order_state_codes": "SHIPPING,NOPE"}, "Invalid value 'NOPE'"),
        ({"order_tax_mode": "TAX_FREE"}, "order_tax_mode"),
        ({"start_update_date": "yesterday"}, "start_update_date"),
        ({"sort": "totalPrice"}, "Invalid sort"),
        ({"order": "up"}, "Invalid order"),
        ({"max": "101"}, "limit of 100 is exceeded"),
        ({"payment_workflow": "PAY_LATER"}, "payment_workflow"),
        ({"has_incident": "maybe"}, "has_incident"),
    ],
)
def test_invalid_filters_are_400(sim, call, query, message):
    response = call(sim, "/api/orders", **query)
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_100_order_ids_are_accepted(sim, call):
    ids = [sim.add_order(2001).order_id for _ in range(3)] + [f"X{i}-A" for i in range(97)]
    assert len(_ids(_orders(call, sim, order_ids=",".join(ids), max=100))) == 3


def _amounts(order):
    lines = [
        (line["price_unit"], line["price"], line["shipping_price"], line["total_price"])
        for line in order["order_lines"]
    ]
    return lines, (order["price"], order["shipping_price"], order["total_price"])


def test_tax_modes_agree_to_the_cent(sim, call):
    """Entered tax-included: 9.99 with 20 % VAT is 8.33 + 1.66 per unit, in both modes."""
    order = sim.add_order(
        2001,
        tax_mode="TAX_INCLUDED",
        lines=[
            {"offer_sku": "A", "quantity": 3, "price_unit": "9.99", "shipping_price": "4.90"},
            {"offer_sku": "B", "price_unit": "12", "taxes": [], "shipping_price": "0"},
        ],
    )
    included = _orders(call, sim, order_tax_mode="TAX_INCLUDED")["orders"][0]
    excluded = _orders(call, sim, order_tax_mode="TAX_EXCLUDED")["orders"][0]
    D = Decimal
    assert _amounts(included) == (
        [(D("9.99"), D("29.97"), D("4.9"), D("34.87")), (D(12), D(12), D(0), D(12))],
        (D("41.97"), D("4.9"), D("46.87")),
    )
    assert _amounts(excluded) == (
        [(D("8.33"), D("24.99"), D("4.08"), D("29.07")), (D(12), D(12), D(0), D(12))],
        (D("36.99"), D("4.08"), D("41.07")),
    )
    for body in (included, excluded):
        line = body["order_lines"][0]
        assert line["taxes"] == [
            {
                "code": "VAT",
                "amount": D("4.98"),
                "rate": 20,
                "tax_calculation_rule": "PROPORTIONAL_TO_AMOUNT",
            }
        ]
        assert [tax["amount"] for tax in line["shipping_taxes"]] == [D("0.82")]
        assert body["order_lines"][1]["taxes"] == []
    assert (included["order_tax_mode"], excluded["order_tax_mode"]) == (
        "TAX_INCLUDED",
        "TAX_EXCLUDED",
    )
    assert order.lines[0].unit_price == D("8.33")


def test_tax_excluded_entry_and_platform_default(sim, call):
    """Entered tax-excluded: 10.01 + 20 % is 2.00 of tax per unit; no order_tax_mode means
    PC01's."""
    sim.add_order(2001, tax_mode="TAX_EXCLUDED", lines=[{"price_unit": "10.01", "quantity": 2}])
    default = _orders(call, sim)["orders"][0]
    assert default["order_tax_mode"] == "TAX_EXCLUDED"
    assert (default["price"], default["order_lines"][0]["taxes"][0]["amount"]) == (
        Decimal("20.02"),
        Decimal("4.00"),
    )
    sim.platform_configuration["features"]["order_tax_mode"] = "TAX_INCLUDED"
    included = _orders(call, sim)["orders"][0]
    assert (included["order_tax_mode"], included["price"]) == ("TAX_INCLUDED", Decimal("24.02"))


def test_multiple_and_fixed_taxes_add_up(sim, call):
    taxes = [
        {"code": "VAT", "rate": "5.5"},
        {"code": "VAT2", "rate": "14.5"},
        {"code": "ECO", "amount": "0.30"},
    ]
    sim.add_order(2001, tax_mode="TAX_INCLUDED", lines=[{"price_unit": "19.99", "taxes": taxes}])
    for mode in ("TAX_INCLUDED", "TAX_EXCLUDED"):
        line = _orders(call, sim, order_tax_mode=mode)["orders"][0]["order_lines"][0]
        tax = sum(t["amount"] for t in line["taxes"])
        excluded = line["price_unit"] - (tax if mode == "TAX_INCLUDED" else 0)
        assert excluded + tax == Decimal("19.99")
        assert [t.get("rate") for t in line["taxes"]] == [Decimal("5.5"), Decimal("14.5"), None]


def test_addresses_are_null_until_debited_unless_pc01_says_otherwise(frozen, call):
    waiting = frozen.add_order(2001, order_id="W-A")
    frozen.add_order(2001, order_id="S-A", state="SHIPPING")
    by_id = {o["order_id"]: o for o in _orders(call, frozen)["orders"]}
    assert by_id["W-A"]["customer"]["billing_address"] is None
    assert by_id["W-A"]["customer"]["shipping_address"] is None
    assert by_id["W-A"]["customer"]["customer_id"] == waiting.customer["customer_id"]
    assert by_id["S-A"]["customer"]["shipping_address"]["country_iso_code"] in {
        "FRA",
        "DEU",
        "BEL",
        "ESP",
        "ITA",
    }
    workflows = frozen.platform_configuration["features"]["order_workflows"]
    workflows["shipping_and_billing_details_before_acceptance"] = True
    waiting_body = _orders(call, frozen, order_ids="W-A")["orders"][0]
    assert waiting_body["customer"]["billing_address"]["lastname"] == waiting.customer["lastname"]


def test_order_fields_come_from_reference_data(sim, call):
    sim.add_order(
        2001,
        state="SHIPPED",
        channel="WEB",
        shipping={"type_code": "STD", "zone_code": "FR", "carrier_code": "UPS", "tracking": "1Z9"},
    )
    order = _orders(call, sim)["orders"][0]
    assert order["channel"] == {"code": "WEB", "label": "Website"}
    assert (order["shipping_type_code"], order["shipping_type_label"]) == ("STD", "Standard")
    assert (order["shipping_zone_code"], order["shipping_zone_label"]) == ("FR", "France")
    assert (order["shipping_carrier_code"], order["shipping_company"]) == ("UPS", "UPS")
    assert order["shipping_tracking_url"] == "https://www.ups.com/track?tracknum=1Z9"
    assert order["currency_iso_code"] == "EUR"
    assert order["commercial_id"] + "-A" == order["order_id"]
    with pytest.raises(ValueError, match="unknown carrier"):
        sim.add_order(2001, shipping={"carrier_code": "POSTE_PIGEON"})


def test_promotion_is_the_discount_from_the_origin_price(sim, call):
    sim.add_order(
        2001,
        tax_mode="TAX_INCLUDED",
        lines=[
            {
                "quantity": 2,
                "price_unit": "18.00",
                "origin_unit_price": "20.00",
                "promotion": {"id": "P10", "type": "PERCENTAGE_OFF", "percentage_off": 10},
            }
        ],
    )
    order = _orders(call, sim, order_tax_mode="TAX_INCLUDED")["orders"][0]
    line = order["order_lines"][0]
    assert (line["origin_unit_price"], line["price_unit"], line["price"]) == (20, 18, 36)
    assert [(p["id"], p["deduced_amount"]) for p in line["promotions"]] == [("P10", 4)]
    assert order["promotions"]["total_deduced_amount"] == 4
    excluded = _orders(call, sim, order_tax_mode="TAX_EXCLUDED")["orders"][0]["order_lines"][0]
    assert excluded["promotions"][0]["deduced_amount"] == Decimal("3.34")  # (16.67 - 15.00) x 2


def test_add_order_rejects_typos(sim):
    with pytest.raises(ValueError, match="unknown order line keys"):
        sim.add_order(2001, lines=[{"price": "10"}])
    with pytest.raises(ValueError, match="quantity of at least 1"):
        sim.add_order(2001, lines=[{"quantity": 0}])
    with pytest.raises(TypeError):
        sim.add_order(2001, chanel="WEB")
    assert len(sim.store.orders.book(2001)) == 0
