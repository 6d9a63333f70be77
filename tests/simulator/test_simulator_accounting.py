"""Accounting over HTTP: billing cycles turn shipped orders and refunds into TL02 transaction
lines and an IV01 accounting document, paid out by a PAYMENT line; TL02 and IV01 filters,
sorting and paging, IV02 downloads, and their errors. Every JSON answer is spec-validated."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from mirakl_simulator.accounting.cycle import CycleError

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
TL02 = "/api/sellerpayment/transactions_logs"
LINES = [
    {"offer_sku": "SKU-1", "quantity": 2, "price_unit": "10.00", "shipping_price": "5.00"},
    {"offer_sku": "SKU-2", "quantity": 1, "price_unit": "25.50"},
]


@pytest.fixture
def frozen(sim):
    sim.clock.freeze(NOW)
    return sim


def _order(sim, order_id="P-1-A", state="SHIPPED", shop_id=2001):
    return sim.add_order(shop_id, order_id=order_id, state=state, lines=LINES)


def _lines(sim, call, **query):
    response = call(sim, TL02, limit=2000, **query)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _by_type(lines):
    amounts = {}
    for line in lines:
        amounts.setdefault(line["type"], []).append(Decimal(str(line["amount"])))
    return amounts


def test_a_billing_cycle_bills_shipped_orders_and_pays_them_out(frozen, call):
    _order(frozen)
    document = frozen.run_billing_cycle(2001)
    lines = _lines(frozen, call, sort="dateCreated,ASC")
    assert _by_type(lines) == {
        "ORDER_AMOUNT": [Decimal("20.0"), Decimal("25.5")],
        "ORDER_AMOUNT_TAX": [Decimal("4.0"), Decimal("5.1")],
        "ORDER_SHIPPING_AMOUNT": [Decimal("5.0")],
        "ORDER_SHIPPING_AMOUNT_TAX": [Decimal("1.0")],
        "COMMISSION_FEE": [Decimal("-2.0"), Decimal("-2.55")],
        "COMMISSION_VAT": [Decimal("-0.4"), Decimal("-0.51")],
        "PAYMENT": [Decimal("-55.14")],
    }
    assert {line["payment_state"] for line in lines} == {"PAID"}
    assert {line["accounting_document_number"] for line in lines} == {document.number}
    assert lines[-1]["balance"] == 0
    first = lines[0]
    assert first["entities"]["order"]["id"] == "P-1-A"
    assert first["entities"]["order_line"]["id"] == "P-1-A-1"
    assert (first["amount_credited"], first["amount_debited"]) == (20.0, 0)
    commission_tax = next(line for line in lines if line["type"] == "COMMISSION_VAT")
    assert commission_tax["entities"]["shop_tax"] == {"code": "COMMISSION_VAT", "rate": 20}
    assert (commission_tax["amount_credited"], commission_tax["amount_debited"]) == (0, 0.4)

    [invoice] = call(frozen, "/api/invoices").json()["invoices"]
    assert invoice["invoice_id"] == document.invoice_id
    assert invoice["type"] == "AUTO_INVOICE"
    assert invoice["payment"] == {
        "state": "PAID",
        "reference": f"PAYOUT-{document.number}",
        "transaction_date": "2026-03-02T12:00:00Z",
    }
    assert invoice["summary"]["amount_transferred"] == 55.14
    assert invoice["summary"]["total_payable_orders_incl_tax"] == 60.6
    assert (invoice["total_amount_excl_taxes"], invoice["total_amount_incl_taxes"]) == (4.55, 5.46)
    assert invoice["total_taxes"] == [{"code": "COMMISSION_VAT", "amount": 0.91}]


def test_only_shipped_and_not_cancelled_units_are_billed_once(frozen, call):
    _order(frozen, "P-1-A", state="SHIPPING")
    _order(frozen, "P-2-A", state="RECEIVED")
    frozen.cancel_order_line("P-1-A", "P-1-A-2")
    with pytest.raises(CycleError, match="nothing to bill"):
        frozen.run_billing_cycle(2002)
    frozen.run_billing_cycle(2001)
    assert {line["entities"].get("order", {}).get("id") for line in _lines(frozen, call)} == {
        "P-2-A",
        None,
    }
    with pytest.raises(CycleError):
        frozen.run_billing_cycle(2001)
    frozen.set_order_state("P-1-A", "SHIPPED")
    frozen.clock.advance(hours=1)
    second = frozen.run_billing_cycle(2001)
    billed = _lines(frozen, call, accounting_document_number=second.number)
    assert _by_type(billed)["ORDER_AMOUNT"] == [Decimal("20.0")]  # line 2 was cancelled
    assert _by_type(billed)["PAYMENT"] == [Decimal("-27.6")]


def test_refunds_are_billed_in_the_next_cycle(frozen, call):
    _order(frozen)
    first = frozen.run_billing_cycle(2001)
    frozen.clock.advance(days=1)
    frozen.refund_order_line("P-1-A", "P-1-A-2")
    frozen.refund_order_line("P-1-A", "P-1-A-1", quantity=1, shipping=False, refund_state="PENDING")
    second = frozen.run_billing_cycle(2001, subscription_fee="10.00")
    lines = _lines(frozen, call, accounting_document_number=second.number, sort="dateCreated,ASC")
    assert _by_type(lines) == {
        "REFUND_ORDER_AMOUNT": [Decimal("-25.5")],
        "REFUND_ORDER_AMOUNT_TAX": [Decimal("-5.1")],
        "REFUND_COMMISSION_FEE": [Decimal("2.55")],
        "REFUND_COMMISSION_VAT": [Decimal("0.51")],
        "SUBSCRIPTION_FEE": [Decimal("-10.0")],
        "SUBSCRIPTION_VAT": [Decimal("-2.0")],
    }  # a pending refund waits; the shop owes 39.54: no PAYMENT
    assert lines[0]["entities"]["refund"]["id"]
    invoices = call(frozen, "/api/invoices", sort="dateCreated").json()["invoices"]
    assert [invoice["invoice_id"] for invoice in invoices] == [first.invoice_id, second.invoice_id]
    assert invoices[1]["start_time"] == invoices[0]["end_time"]
    assert invoices[1]["summary"]["amount_transferred_to_operator"] == 39.54
    assert invoices[1]["details"][1]["description"].startswith("Subscription from 02/03/2026")


def test_a_payout_can_come_later_and_moves_its_lines(frozen, call):
    _order(frozen)
    document = frozen.run_billing_cycle(2001, paid=False)
    assert {line["payment_state"] for line in _lines(frozen, call)} == {"PAYABLE"}
    pending = call(frozen, "/api/invoices", payment_status="PENDING").json()
    assert pending["total_count"] == 1
    assert pending["invoices"][0]["payment"] == {"state": "PENDING"}
    frozen.clock.advance(hours=2)
    frozen.pay_accounting_document(document.invoice_id, reference="SEPA-42")
    with pytest.raises(CycleError, match="paid already"):
        frozen.pay_accounting_document(document.invoice_id)
    since = (NOW + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    updated = _lines(frozen, call, last_updated_from=since, sort="lastUpdated,ASC")
    assert len(updated) == 11
    assert updated[-1]["type"] == "PAYMENT"
    assert updated[-1]["entities"]["transaction_info"]["number"] == "SEPA-42"
    assert call(frozen, "/api/invoices", payment_status="PENDING").json()["total_count"] == 0


def test_transaction_filters_sorting_and_seek_paging(frozen, call):
    _order(frozen, "P-1-A")
    _order(frozen, "P-2-A")
    frozen.run_billing_cycle(2001)
    everything = _lines(frozen, call)
    assert len(everything) == 21
    assert everything[0]["type"] == "PAYMENT"  # Mirakl's default: newest first
    assert len(_lines(frozen, call, order_id="P-2-A")) == 10
    assert len(_lines(frozen, call, order_id=["P-1-A", "P-2-A"])) == 20
    assert len(_lines(frozen, call, order_line_id="P-1-A-2")) == 4
    commissions = _lines(frozen, call, transaction_type=["COMMISSION_FEE", "COMMISSION_VAT"])
    assert len(commissions) == 8
    assert _lines(frozen, call, payment_state="PAYABLE") == []
    ascending = [line["id"] for line in _lines(frozen, call, sort="dateCreated,ASC")]
    assert ascending == [line["id"] for line in reversed(everything)]

    first = call(frozen, TL02, limit=8, sort="dateCreated,ASC").json()
    assert "previous_page_token" not in first
    second = call(frozen, TL02, page_token=first["next_page_token"], limit=1).json()
    third = call(frozen, TL02, page_token=second["next_page_token"]).json()
    assert "next_page_token" not in third
    paged = [line["id"] for page in (first, second, third) for line in page["data"]]
    assert paged == ascending
    assert second["previous_page_token"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"limit": 2001}, "The limit of 2000 is exceeded for the parameter : limit"),
        ({"last_updated_from": "yesterday"}, "parameter : last_updated_from"),
        ({"sort": "amount,ASC"}, "parameter : sort"),
        ({"order_id": [f"O-{n}" for n in range(101)]}, "The limit of 100 is exceeded"),
        ({"page_token": "garbage!"}, "Invalid page_token"),
    ],
)
def test_transaction_lines_refuse_bad_parameters(sim, call, query, message):
    response = call(sim, TL02, **query)
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_accounting_document_filters_and_paging(frozen, call):
    for number in range(3):
        _order(frozen, f"P-{number}-A")
        frozen.run_billing_cycle(2001, paid=number != 1)
        frozen.clock.advance(days=1)
    ids = [document.invoice_id for document in frozen.accounting.documents_of(2001)]
    listed = call(frozen, "/api/invoices", type="ALL", max=2, offset=1).json()
    assert listed["total_count"] == 3
    assert [invoice["invoice_id"] for invoice in listed["invoices"]] == ids[1:]
    assert call(frozen, "/api/invoices", type="MANUAL_INVOICE").json()["total_count"] == 0
    paid = call(frozen, "/api/invoices", payment_status="PAID").json()["invoices"]
    assert [invoice["invoice_id"] for invoice in paid] == [ids[0], ids[2]]
    start = (NOW + timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (NOW + timedelta(days=1, hours=12)).strftime("%Y-%m-%dT%H:%M:%SZ")
    window = call(frozen, "/api/invoices", start_date=start, end_date=end).json()["invoices"]
    assert [invoice["invoice_id"] for invoice in window] == [ids[1]]
    chosen = call(frozen, "/api/invoices", invoice_id=[ids[0], ids[2]], order="desc").json()
    assert [invoice["invoice_id"] for invoice in chosen["invoices"]] == [ids[2], ids[0]]
    assert call(frozen, "/api/invoices", currency="USD").json()["total_count"] == 0
    assert call(frozen, "/api/invoices", key="multi-key", shop_id=2002).json()["invoices"] == []
    for query in ({"type": "SUBSCRIPTION"}, {"invoice_id": "x"}, {"start_date": "soon"}):
        assert call(frozen, "/api/invoices", **query).status_code == 400


def test_download_an_accounting_document(frozen, call):
    _order(frozen)
    document = frozen.run_billing_cycle(2001)
    response = call(frozen, f"/api/invoices/{document.invoice_id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].endswith(f'"invoice-{document.number}.pdf"')
    assert response.content.startswith(b"%PDF-1.4")
    assert response.content.rstrip().endswith(b"%%EOF")
    assert f"accounting document {document.number}".encode() in response.content
    other_shop = call(frozen, f"/api/invoices/{document.invoice_id}", key="multi-key", shop_id=2002)
    assert other_shop.status_code == 404
    assert call(frozen, "/api/invoices/999999").status_code == 404
    assert call(frozen, "/api/invoices/abc").status_code == 400


def test_billing_cycles_and_payouts_from_the_control_plane(frozen, http, call):
    _order(frozen)
    url = frozen.url + "/_simulator/"
    created = http.post(url + "billing-cycles", json={"shop_id": 2001, "paid": False}, timeout=10)
    assert created.status_code == 201, created.text
    document = created.json()
    assert document["payment"] == {"state": "PENDING"}
    assert call(frozen, "/api/invoices").json()["invoices"] == [document]
    paid = http.post(
        url + "payouts", json={"invoice_id": document["invoice_id"], "reference": "W-1"}, timeout=10
    )
    assert paid.status_code == 201
    assert paid.json()["payment"]["reference"] == "W-1"
    assert _by_type(_lines(frozen, call, transaction_type="PAYMENT")) == {
        "PAYMENT": [Decimal("-55.14")]
    }
    for path, payload, message in (
        ("billing-cycles", {"shop_id": 2001}, "nothing to bill"),
        ("billing-cycles", {"shop_id": 9}, "unknown shop 9"),
        ("payouts", {"invoice_id": document["invoice_id"]}, "paid already"),
        ("payouts", {"invoice_id": 1}, "unknown accounting document 1"),
    ):
        refused = http.post(url + path, json=payload, timeout=10)
        assert refused.status_code == 400
        assert message in refused.json()["message"]
