"""Accounting through the client against the simulator: the exact IV01, IV02 and TL02 requests,
paging (TL02 pages of up to 2000 lines), Decimal money, lines Mirakl got wrong (reported, the
others still read) and the mistakes the client refuses before sending anything."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from mirakl import MiraklBadRequestError, MiraklNotFoundError, MiraklResponseError, schemas

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
LINES = [
    {"offer_sku": "SKU-1", "quantity": 2, "price_unit": "10.00", "shipping_price": "5.00"},
    {"offer_sku": "SKU-2", "quantity": 1, "price_unit": "25.50"},
]


@pytest.fixture
def client(sim, make_client):
    sim.clock.freeze(NOW)
    return make_client(sim.url, "key-2001")


def _billed(sim, *order_ids, paid=True):
    for order_id in order_ids:
        sim.add_order(2001, order_id=order_id, state="SHIPPED", lines=LINES)
    document = sim.run_billing_cycle(2001, paid=paid)
    sim.reset_logs()
    return document


def _sent(sim, op):
    return [request for request in sim.requests if request.op == op]


def test_list_accounting_documents(sim, client):
    first = _billed(sim, "P-1-A")
    sim.clock.advance(days=1)
    second = _billed(sim, "P-2-A", paid=False)
    documents = list(client.iter_accounting_documents(start_date=datetime(2026, 3, 1), page_size=1))
    assert [document.invoice_id for document in documents] == [
        first.invoice_id,
        second.invoice_id,
    ]
    paid = documents[0]
    assert isinstance(paid, schemas.AccountingDocument)
    assert paid.mirakl_id == first.id
    assert paid.number == first.number
    assert paid.type == "AUTO_INVOICE"
    assert paid.payment.state == "PAID"
    assert paid.payment.reference == f"PAYOUT-{first.number}"
    assert paid.payment.transaction_date == NOW
    assert paid.summary.amount_transferred == Decimal("55.14")
    assert paid.total_amount_incl_taxes == Decimal("5.46")
    assert paid.details[0].taxes[0].amount == Decimal("0.91")
    assert documents[1].payment.state == "PENDING"
    requests = _sent(sim, "IV01")
    assert [request.query["offset"] for request in requests] == [["0"], ["1"]]
    assert requests[0].path == "/api/invoices"
    assert requests[0].query == {
        "start_date": ["2026-03-01T00:00:00Z"],
        "type": ["ALL"],
        "sort": ["dateCreated"],
        "order": ["asc"],
        "max": ["1"],
        "offset": ["0"],
    }


def test_list_accounting_documents_by_id_and_state(sim, client):
    document = _billed(sim, "P-1-A")
    ids = [document.invoice_id, *range(1, 150)]
    found = list(client.iter_accounting_documents(invoice_ids=ids, payment_status="PAID"))
    assert [item.invoice_id for item in found] == [document.invoice_id]
    batches = [request.query["invoice_id"][0].split(",") for request in _sent(sim, "IV01")]
    assert [len(batch) for batch in batches] == [100, 50]
    assert all(request.query["payment_status"] == ["PAID"] for request in _sent(sim, "IV01"))
    with pytest.raises(ValueError, match="document_type must be one of"):
        next(client.iter_accounting_documents(document_type="INVOICE"))


def test_download_an_accounting_document(sim, client):
    document = _billed(sim, "P-1-A")
    content = client.download_accounting_document(document.invoice_id)
    assert content.startswith(b"%PDF-")
    [request] = sim.requests
    assert (request.op, request.method, request.path) == (
        "IV02",
        "GET",
        f"/api/invoices/{document.invoice_id}",
    )
    assert request.headers.get("Accept") == "*/*"
    with pytest.raises(MiraklNotFoundError) as info:
        client.download_accounting_document(999999)
    assert info.value.op == "IV02"
    for wrong in ("", "abc", None, True):
        with pytest.raises(ValueError, match="issued document's number"):
            client.download_accounting_document(wrong)
    assert len(sim.requests) == 2


def test_list_transaction_lines_as_a_change_feed(sim, client):
    document = _billed(sim, "P-1-A", "P-2-A")
    lines = list(client.iter_transaction_lines(last_updated_from=NOW, page_size=8))
    assert len(lines) == 21
    first = lines[0]
    assert isinstance(first, schemas.TransactionLine)
    assert (first.type, first.amount, first.payment_state) == (
        "ORDER_AMOUNT",
        Decimal("20.0"),
        "PAID",
    )
    assert (first.order_id, first.order_line_id) == ("P-1-A", "P-1-A-1")
    assert first.accounting_document_number == document.number
    assert first.last_updated == NOW
    assert lines[-1].type == "PAYMENT"
    assert lines[-1].amount == Decimal("-110.28")
    assert lines[-1].order_id is None
    requests = _sent(sim, "TL02")
    assert requests[0].path == "/api/sellerpayment/transactions_logs"
    assert requests[0].query == {
        "last_updated_from": ["2026-03-02T12:00:00Z"],
        "sort": ["lastUpdated,ASC"],
        "limit": ["8"],
    }
    assert [sorted(request.query) for request in requests[1:]] == [["page_token"]] * 2


def test_list_transaction_lines_with_filters(sim, client):
    document = _billed(sim, "P-1-A", "P-2-A")
    lines = list(
        client.iter_transaction_lines(
            order_ids=["P-2-A"],
            transaction_types=("COMMISSION_FEE", "COMMISSION_VAT"),
            accounting_document_number=document.number,
            sort="dateCreated",
            direction="DESC",
        )
    )
    assert [(line.type, line.amount) for line in lines] == [
        ("COMMISSION_VAT", Decimal("-0.51")),
        ("COMMISSION_FEE", Decimal("-2.55")),
        ("COMMISSION_VAT", Decimal("-0.4")),
        ("COMMISSION_FEE", Decimal("-2.0")),
    ]
    [request] = sim.requests
    assert request.query == {
        "accounting_document_number": [document.number],
        "order_id": ["P-2-A"],
        "transaction_type": ["COMMISSION_FEE", "COMMISSION_VAT"],
        "sort": ["dateCreated,DESC"],
        "limit": ["2000"],
    }
    assert list(client.iter_transaction_lines(order_ids=[])) == []
    assert len(sim.requests) == 1


def test_client_refuses_what_mirakl_would(sim, client):
    with pytest.raises(ValueError, match="between 1 and 2000"):
        next(client.iter_transaction_lines(page_size=2001))
    with pytest.raises(ValueError, match="at most 100"):
        next(client.iter_transaction_lines(order_ids=[f"O-{n}" for n in range(101)]))
    with pytest.raises(ValueError, match="sort must be one of"):
        next(client.iter_transaction_lines(sort="amount"))
    assert sim.requests == []
    with pytest.raises(MiraklBadRequestError, match="last_updated_from") as info:
        next(client.iter_transaction_lines(last_updated_from="yesterday"))
    assert info.value.op == "TL02"


def test_a_line_mirakl_got_wrong_is_reported_and_the_others_read(sim, client):
    _billed(sim, "P-1-A")
    wrong, missing = sim.accounting.lines_of(2001)[1:3]
    sim.override_transaction_line(wrong.id, amount="twelve")
    sim.override_transaction_line(missing.id, id=None)
    with pytest.raises(MiraklResponseError, match=r"TL02.*data\.1\.amount"):
        list(client.iter_transaction_lines())
    invalid = []
    lines = list(
        client.iter_transaction_lines(on_invalid=lambda raw, error: invalid.append((raw, error)))
    )
    assert len(lines) == 9
    assert wrong.id not in {line.id for line in lines}
    assert [raw.get("id") for raw, _error in invalid] == [wrong.id, None]
    assert "amount" in str(invalid[0][1])
    assert "data.2.id: Field required" in str(invalid[1][1])
    sim.override_transaction_line(wrong.id)
    sim.override_transaction_line(missing.id)
    assert wrong.id in {line.id for line in client.iter_transaction_lines(order_ids=["P-1-A"])}


def test_amount_is_credited_minus_debited_when_absent():
    line = schemas.TransactionLine.model_validate(
        {"id": "T1", "type": "COMMISSION_FEE", "amount_credited": 0, "amount_debited": "2.55"}
    )
    assert line.amount == Decimal("-2.55")
    assert line.order_id is None
    with pytest.raises(ValueError, match="needs an amount"):
        schemas.TransactionLine.model_validate({"id": "T2", "type": "PAYMENT"})
    with pytest.raises(ValueError, match="needs an id or an invoice_id"):
        schemas.AccountingDocument.model_validate({"type": "AUTO_INVOICE"})
    draft = schemas.AccountingDocument.model_validate({"id": "D-1", "payment": {"state": None}})
    assert (draft.mirakl_id, draft.number) == ("D-1", None)
