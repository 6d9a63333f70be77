"""Documents through the client against the simulator: the exact OR72/OR73/OR74/S30/S31
requests (OR74's multipart parts included), 100-id batches, per-document refusals as data, single
files and ZIP archives, and the mistakes the client refuses before sending anything."""

import json
from datetime import UTC, datetime

import pytest

from mirakl import MiraklNotFoundError, MiraklServerError, schemas
from mirakl._documents import OrderDocumentUpload
from mirakl_simulator.imports.files import parse_parts

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n% invoice INV/2026/0001\n"


@pytest.fixture
def client(sim, make_client):
    sim.clock.freeze(NOW)
    sim.add_order(2001, order_id="D-1-A", state="SHIPPED")
    return make_client(sim.url, "key-2001")


def _sent(sim, op):
    return [request for request in sim.requests if request.op == op]


def _parts(request):
    return parse_parts(request.headers["Content-Type"], request.body)


def test_upload_sends_files_and_their_description(sim, client):
    result = client.upload_order_documents(
        "D-1-A",
        [
            OrderDocumentUpload("INV_2026_0001.pdf", PDF, "CUSTOMER_INVOICE"),
            OrderDocumentUpload("notes.txt", b"hello", "CUSTOMER_INVOICE"),
        ],
    )
    assert isinstance(result, schemas.OrderDocumentsUploaded)
    assert (result.errors_count, result.order_documents) == (0, [])
    [request] = sim.requests
    assert (request.op, request.method, request.path) == (
        "OR74",
        "POST",
        "/api/orders/D-1-A/documents",
    )
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    parts = _parts(request)
    assert [(p.name, p.filename, p.content_type) for p in parts] == [
        ("files", "INV_2026_0001.pdf", "application/pdf"),
        ("files", "notes.txt", "text/plain"),
        ("order_documents", None, "application/json"),
    ]
    assert parts[0].content == PDF
    assert json.loads(parts[2].content) == {
        "order_documents": [
            {"file_name": "INV_2026_0001.pdf", "type_code": "CUSTOMER_INVOICE"},
            {"file_name": "notes.txt", "type_code": "CUSTOMER_INVOICE"},
        ]
    }
    assert [d.file_name for d in sim.order_documents("D-1-A")] == [
        "INV_2026_0001.pdf",
        "notes.txt",
    ]


def test_refused_documents_are_data_not_errors(sim, client):
    result = client.upload_order_documents(
        "D-1-A", [OrderDocumentUpload("CN_0001.pdf", PDF, "CUSTOMER_CREDIT_NOTE")]
    )
    assert result.errors_count == 1
    [refused] = result.order_documents
    assert (refused.input.file_name, refused.input.type_code) == (
        "CN_0001.pdf",
        "CUSTOMER_CREDIT_NOTE",
    )
    assert result.errors_by_file_name() == {
        "CN_0001.pdf": [
            "Unable to retrieve document's type from the given code (valid_order_document.type)"
        ]
    }
    assert sim.order_documents("D-1-A") == []


def test_upload_carries_a_return_entity_and_the_shop_id(sim, make_client):
    sim.add_order(2002, order_id="D-9-A", state="SHIPPED")
    client = make_client(sim.url, "multi-key", shop_id=2002)
    entity = {"type": "RETURN", "id": "c0703388-df01-41c8-8a03-bc797c93515f"}
    client.upload_order_documents(
        "D-9-A", [OrderDocumentUpload("label.pdf", PDF, "CUSTOMER_INVOICE", entity)]
    )
    [request] = sim.requests
    assert request.query == {"shop_id": ["2002"]}
    described = json.loads(_parts(request)[-1].content)
    assert described["order_documents"][0]["entity"] == entity
    assert sim.order_documents("D-9-A")[0].entity == entity


@pytest.mark.parametrize(
    ("documents", "message"),
    [
        ([], "at least one document"),
        ([OrderDocumentUpload("facture-été.pdf", PDF, "CUSTOMER_INVOICE")], "US-ASCII"),
        ([OrderDocumentUpload("a.pdf", PDF, "T"), OrderDocumentUpload("a.pdf", PDF, "T")], "twice"),
        ([OrderDocumentUpload("run.exe", PDF, "T")], "does not take .exe"),
        ([OrderDocumentUpload("a.pdf", PDF, "")], "no type code"),
        ([OrderDocumentUpload("a.pdf", "text", "T")], "must be bytes"),
    ],
)
def test_upload_mistakes_are_refused_before_sending(sim, client, documents, message):
    with pytest.raises(ValueError, match=message):
        client.upload_order_documents("D-1-A", documents)
    assert sim.requests == []


def test_upload_to_an_unknown_order_raises_not_found(sim, client):
    with pytest.raises(MiraklNotFoundError, match="The order NOPE-A does not exist"):
        client.upload_order_documents("NOPE-A", [OrderDocumentUpload("a.pdf", PDF, "T")])


def test_upload_is_not_replayed_after_a_server_error(sim, client):
    sim.inject_fault("OR74", status=500, times=1)
    with pytest.raises(MiraklServerError):
        client.upload_order_documents("D-1-A", [OrderDocumentUpload("a.pdf", PDF, "T")])
    assert len(_sent(sim, "OR74")) == 1


def test_list_order_documents_batches_100_orders(sim, client):
    slip = sim.add_order_document("D-1-A", "slip.pdf", content=b"slip")
    order_ids = ["D-1-A"] + [f"X-{number}-A" for number in range(149)] + ["D-1-A"]
    [document] = client.list_order_documents(order_ids)
    assert isinstance(document, schemas.OrderDocument)
    assert (document.id, document.order_id, document.file_name, document.type) == (
        slip.id,
        "D-1-A",
        "slip.pdf",
        "SYSTEM_DELIVERY_BILL",
    )
    assert document.file_size == 4
    assert document.date_uploaded == NOW
    sent = [request.query["order_ids"][0].split(",") for request in _sent(sim, "OR72")]
    assert [len(ids) for ids in sent] == [100, 50]
    assert sent[0][0] == "D-1-A"
    assert client.list_order_documents([]) == []


def test_download_one_document_and_an_archive(sim, client):
    slip = sim.add_order_document("D-1-A", "slip.pdf", content=b"%PDF slip")
    invoice = sim.add_order_document("D-1-A", "inv.pdf", "CUSTOMER_INVOICE", b"%PDF inv")
    single = client.download_order_documents(document_ids=[slip.id])
    assert single == schemas.DocumentFile("slip.pdf", b"%PDF slip", "application/octet-stream")
    archive = client.download_order_documents(document_ids=[slip.id, invoice.id])
    assert archive.file_name.startswith("documents-")
    assert archive.entries() == [
        ("D-1-A", "slip.pdf", b"%PDF slip"),
        ("D-1-A", "inv.pdf", b"%PDF inv"),
    ]
    by_type = client.download_order_documents(
        order_ids=["D-1-A"], document_codes=["CUSTOMER_INVOICE"]
    )
    assert by_type.entries() == [("D-1-A", "inv.pdf", b"%PDF inv")]
    assert {request.headers.get("Accept") for request in _sent(sim, "OR73")} == {"*/*"}
    queries = [request.query for request in _sent(sim, "OR73")]
    assert queries == [
        {"document_ids": [str(slip.id)]},
        {"document_ids": [f"{slip.id},{invoice.id}"]},
        {"order_ids": ["D-1-A"], "document_codes": ["CUSTOMER_INVOICE"]},
    ]


def test_download_needs_1_to_100_ids(sim, client):
    with pytest.raises(ValueError, match="needs document ids or order ids"):
        client.download_order_documents()
    with pytest.raises(ValueError, match="at most 100 document ids"):
        client.download_order_documents(document_ids=range(101))
    assert sim.requests == []
    with pytest.raises(MiraklNotFoundError):
        client.download_order_documents(document_ids=[424242])


def test_shop_documents(sim, client):
    legal = sim.add_shop_document(2001, "legal.jpeg", content=b"legal")
    card = sim.add_shop_document(2001, "card.jpeg", "ID_CARD", b"card")
    listed = client.list_shop_documents()
    assert [(d.id, d.file_name, d.type, d.date_uploaded) for d in listed] == [
        (legal.id, "legal.jpeg", "LEGAL_DOC", NOW),
        (card.id, "card.jpeg", "ID_CARD", NOW),
    ]
    single = client.download_shop_documents(document_ids=[card.id])
    assert (single.file_name, single.content) == ("card.jpeg", b"card")
    everything = client.download_shop_documents()
    assert everything.entries() == [
        ("2001", "legal.jpeg", b"legal"),
        ("2001", "card.jpeg", b"card"),
    ]
    assert [request.query for request in _sent(sim, "S31")] == [
        {"document_ids": [str(card.id)]},
        {},
    ]


def test_non_ascii_file_names_are_read_from_content_disposition(sim, client):
    document = sim.add_shop_document(2001, "carte d'identité.jpeg", content=b"card")
    assert client.download_shop_documents(document_ids=[document.id]).file_name == (
        "carte d'identité.jpeg"
    )


def test_mirakl_examples_parse(example):
    listed = example("OR72_order_documents.json")["order_documents"]
    documents = [schemas.OrderDocument.model_validate(item) for item in listed]
    assert [(d.id, d.type) for d in documents] == [
        (2024, "SYSTEM_DELIVERY_BILL"),
        (2025, "CUSTOMER_INVOICE"),
    ]
    uploaded = schemas.OrderDocumentsUploaded.model_validate(
        example("OR74_upload_documents_with_error.json")
    )
    assert uploaded.order_documents[0].input.entity.type == "RETURN"
    assert uploaded.errors_by_file_name() == {
        "return_label-38294.pdf": [
            "Unable to retrieve document's type from the given code (valid_order_document.type)"
        ]
    }
    shop = [
        schemas.ShopDocument.model_validate(item)
        for item in example("S30_shop_documents.json")["shop_documents"]
    ]
    assert [d.file_name for d in shop] == ["legal.jpeg", "card.jpeg"]
