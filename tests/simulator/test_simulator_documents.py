"""Documents over HTTP: OR74 uploads with Mirakl's per-document refusals, OR72 listings, OR73
single files and ZIP archives laid out by order, S30/S31 shop documents. Every JSON answer is
also spec-validated."""

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
HEADERS = {"Authorization": "key-2001", "Accept": "application/json"}
PDF = b"%PDF-1.4 invoice"


@pytest.fixture
def frozen(sim):
    sim.clock.freeze(NOW)
    sim.add_order(2001, order_id="D-1-A", state="SHIPPED")
    sim.add_order(2001, order_id="D-2-A", state="SHIPPED")
    sim.add_order(2002, order_id="OTHER-A", state="SHIPPED")
    return sim


@pytest.fixture
def upload(http):
    """``upload(sim, order_id, files, described, key="key-2001")``: OR74 with ``files`` as
    ``[(file name, bytes)]`` parts ``files`` and ``described`` as the ``order_documents``
    JSON part (the list, or raw bytes)."""

    def _upload(sim, order_id, files, described, key="key-2001"):
        parts = [("files", (name, content, "application/pdf")) for name, content in files]
        if described is not None:
            if not isinstance(described, bytes):
                described = json.dumps({"order_documents": described}).encode()
            parts.append(("order_documents", (None, described, "application/json")))
        headers = {**HEADERS, "Authorization": key}
        url = f"{sim.url}/api/orders/{order_id}/documents"
        return http.post(url, files=parts, headers=headers, timeout=10)

    return _upload


def _invoice(name="INV_2026_0001.pdf", type_code="CUSTOMER_INVOICE"):
    return {"file_name": name, "type_code": type_code}


def _zip_entries(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# -- OR74 ----------------------------------------------------------------------------------


def test_upload_stores_the_document_and_sets_has_invoice(frozen, upload, call):
    assert frozen.order_payload("D-1-A")["has_invoice"] is False
    response = upload(frozen, "D-1-A", [("INV_2026_0001.pdf", PDF)], [_invoice()])
    assert response.status_code == 200, response.text
    assert response.json() == {"errors_count": 0, "order_documents": []}
    [document] = frozen.order_documents("D-1-A")
    assert (document.file_name, document.type_code, document.content) == (
        "INV_2026_0001.pdf",
        "CUSTOMER_INVOICE",
        PDF,
    )
    assert frozen.order_payload("D-1-A")["has_invoice"] is True
    listed = call(frozen, "/api/orders/documents", order_ids="D-1-A").json()
    assert listed == {
        "order_documents": [
            {
                "id": document.id,
                "order_id": "D-1-A",
                "file_name": "INV_2026_0001.pdf",
                "file_size": len(PDF),
                "type": "CUSTOMER_INVOICE",
                "date_uploaded": "2026-03-02T12:00:00Z",
            }
        ]
    }


def test_each_refused_document_comes_back_with_its_errors(frozen, upload):
    frozen.reference["documents"].append(
        {"code": "SYSTEM_DELIVERY_BILL", "label": "Slip", "description": "", "entity": "ORDER"}
    )
    files = [("ok.pdf", PDF), ("bad.pdf", PDF), ("slip.pdf", PDF), ("notes.exe", b"x")]
    described = [
        _invoice("ok.pdf"),
        _invoice("bad.pdf", "NO_SUCH_TYPE"),
        _invoice("slip.pdf", "SYSTEM_DELIVERY_BILL"),
        _invoice("notes.exe"),
        _invoice("missing.pdf"),
    ]
    body = upload(frozen, "D-1-A", files, described).json()
    assert body["errors_count"] == 4
    refused = {item["input"]["file_name"]: item["errors"] for item in body["order_documents"]}
    assert refused["bad.pdf"] == [
        {
            "code": "valid_order_document.type",
            "field": "type_code",
            "message": "Unable to retrieve document's type from the given code",
        }
    ]
    assert refused["slip.pdf"][0]["message"] == (
        "The document type SYSTEM_DELIVERY_BILL is restricted to the operator"
    )
    assert [error["code"] for error in refused["notes.exe"]] == [
        "valid_order_document.file_name.extension"
    ]
    assert [error["code"] for error in refused["missing.pdf"]] == ["valid_order_document.file"]
    assert [d.file_name for d in frozen.order_documents("D-1-A")] == ["ok.pdf"]


def test_file_names_must_be_distinct_and_ascii(frozen, upload):
    files = [("same.pdf", PDF), ("facture-été.pdf", PDF)]
    described = [_invoice("same.pdf"), _invoice("same.pdf"), _invoice("facture-été.pdf")]
    body = upload(frozen, "D-1-A", files, described).json()
    codes = [[e["code"] for e in item["errors"]] for item in body["order_documents"]]
    assert codes == [
        ["valid_order_document.file_name.unique"],
        ["valid_order_document.file_name.unique"],
        ["valid_order_document.file_name"],
    ]
    assert frozen.order_documents("D-1-A") == []


def test_an_order_takes_at_most_50_documents(frozen, upload):
    for number in range(49):
        frozen.add_order_document("D-1-A", f"slip-{number}.pdf")
    files = [("a.pdf", PDF), ("b.pdf", PDF)]
    body = upload(frozen, "D-1-A", files, [_invoice("a.pdf"), _invoice("b.pdf")]).json()
    assert [item["input"]["file_name"] for item in body["order_documents"]] == ["b.pdf"]
    assert body["order_documents"][0]["errors"][0]["code"] == ("valid_order_document.max_documents")
    assert len(frozen.order_documents("D-1-A")) == 50


def test_upload_to_an_unknown_or_foreign_order_is_404(frozen, upload):
    for order_id in ("NOPE-A", "OTHER-A"):
        response = upload(frozen, order_id, [("a.pdf", PDF)], [_invoice("a.pdf")])
        assert response.status_code == 404
        assert response.json()["message"] == f"The order {order_id} does not exist."


@pytest.mark.parametrize(
    ("files", "described", "message"),
    [
        ([("a.pdf", PDF)], None, "Required request part 'order_documents' is not present"),
        ([], [_invoice("a.pdf")], "Required request part 'files' is not present"),
        ([("a.pdf", PDF)], b"{not json", "must be a JSON object with a non-empty list"),
        ([("a.pdf", PDF)], [], "must be a JSON object with a non-empty list"),
    ],
)
def test_unreadable_uploads_are_400(frozen, upload, files, described, message):
    response = upload(frozen, "D-1-A", files, described)
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_upload_needs_a_multipart_body(frozen, http):
    url = f"{frozen.url}/api/orders/D-1-A/documents"
    response = http.post(url, json={"order_documents": []}, headers=HEADERS, timeout=10)
    assert response.status_code == 400
    assert response.json()["message"] == "Current request is not a multipart request"


# -- OR72 ----------------------------------------------------------------------------------


def test_list_is_per_order_and_per_shop(frozen, call):
    slip = frozen.add_order_document("D-1-A", "slip.pdf", content=b"slip")
    label = frozen.add_order_document("D-2-A", "label.pdf", "CUSTOMER_INVOICE")
    frozen.add_order_document("OTHER-A", "other.pdf")
    body = call(frozen, "/api/orders/documents", order_ids="D-1-A,D-2-A,OTHER-A").json()
    assert [item["id"] for item in body["order_documents"]] == [slip.id, label.id]
    assert body["order_documents"][0]["type"] == "SYSTEM_DELIVERY_BILL"
    assert frozen.order_payload("D-2-A")["has_invoice"] is True


def test_list_needs_1_to_100_order_ids(frozen, call):
    assert call(frozen, "/api/orders/documents").status_code == 400
    too_many = ",".join(f"O-{number}" for number in range(101))
    response = call(frozen, "/api/orders/documents", order_ids=too_many)
    assert response.status_code == 400
    assert "limit of 100" in response.json()["message"]


# -- OR73 ----------------------------------------------------------------------------------


def test_one_document_id_downloads_the_file_itself(frozen, call):
    slip = frozen.add_order_document("D-1-A", "slip.pdf", content=b"%PDF slip")
    response = call(frozen, "/api/orders/documents/download", document_ids=str(slip.id))
    assert response.status_code == 200
    assert response.content == b"%PDF slip"
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"] == 'attachment; filename="slip.pdf"'


def test_several_documents_come_as_a_zip_laid_out_by_order(frozen, call):
    first = frozen.add_order_document("D-1-A", "slip.pdf", content=b"one")
    second = frozen.add_order_document("D-1-A", "slip.pdf", content=b"two")
    third = frozen.add_order_document("D-2-A", "inv.pdf", "CUSTOMER_INVOICE", b"three")
    ids = f"{first.id},{second.id},{third.id}"
    response = call(frozen, "/api/orders/documents/download", document_ids=ids)
    assert response.headers["Content-Disposition"].startswith('attachment; filename="documents-')
    assert _zip_entries(response.content) == {
        "D-1-A/slip.pdf": b"one",
        "D-1-A/slip(1).pdf": b"two",
        "D-2-A/inv.pdf": b"three",
    }
    by_order = call(
        frozen,
        "/api/orders/documents/download",
        order_ids="D-1-A,D-2-A",
        document_codes="CUSTOMER_INVOICE",
    )
    assert _zip_entries(by_order.content) == {"D-2-A/inv.pdf": b"three"}


def test_download_errors(frozen, call):
    foreign = frozen.add_order_document("OTHER-A", "other.pdf")
    path = "/api/orders/documents/download"
    assert call(frozen, path).status_code == 400
    assert call(frozen, path, document_ids="abc").status_code == 400
    response = call(frozen, path, document_ids=str(foreign.id))
    assert response.status_code == 404
    assert response.json()["message"] == f"The document {foreign.id} does not exist"


# -- S30 / S31 -----------------------------------------------------------------------------


def test_shop_documents_are_listed_and_downloaded(frozen, call):
    frozen.reference["documents"].append(
        {"code": "LEGAL_DOC", "label": "Legal", "description": "Legal", "entity": "SHOP"}
    )
    legal = frozen.add_shop_document(2001, "legal.jpeg", content=b"legal")
    card = frozen.add_shop_document(2001, "card.jpeg", "ID_CARD", b"card")
    frozen.add_shop_document(2002, "other.jpeg")
    body = call(frozen, "/api/shops/documents").json()
    assert body == {
        "shop_documents": [
            {
                "id": legal.id,
                "file_name": "legal.jpeg",
                "type": "LEGAL_DOC",
                "date_uploaded": "2026-03-02T12:00:00Z",
            },
            {
                "id": card.id,
                "file_name": "card.jpeg",
                "type": "ID_CARD",
                "date_uploaded": "2026-03-02T12:00:00Z",
            },
        ]
    }
    path = "/api/shops/documents/download"
    single = call(frozen, path, document_ids=str(card.id))
    assert (single.content, single.headers["Content-Disposition"]) == (
        b"card",
        'attachment; filename="card.jpeg"',
    )
    everything = call(frozen, path)
    assert _zip_entries(everything.content) == {
        "2001/legal.jpeg": b"legal",
        "2001/card.jpeg": b"card",
    }
    legal_only = call(frozen, path, type_codes="LEGAL_DOC")
    assert _zip_entries(legal_only.content) == {"2001/legal.jpeg": b"legal"}
    assert call(frozen, path, type_codes="NOPE").status_code == 404
    assert call(frozen, path, document_ids="999999").status_code == 404


def test_shop_selection_scopes_shop_documents(frozen, call):
    frozen.add_shop_document(2002, "second.jpeg")
    assert call(frozen, "/api/shops/documents").json() == {"shop_documents": []}
    body = call(frozen, "/api/shops/documents", key="multi-key", shop_id=2002).json()
    assert [item["file_name"] for item in body["shop_documents"]] == ["second.jpeg"]
