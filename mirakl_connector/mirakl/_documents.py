"""Documents: those attached to orders (OR72 list, OR73 download, OR74 upload) and the shop's
own documents (S30 list, S31 download). Document types are DO01 (`list_document_types`).

OR74 attaches files to one order: the files go as multipart parts `files`, described by the
JSON part `order_documents` (file name and DO01 type code of each). Mirakl answers 200 with
the refused documents only, so a refusal is data (`OrderDocumentsUploaded`), not an error.
Like every write it is retried on 429/503 only: after a timeout, `list_order_documents` tells
whether the document arrived. Downloads answer the document itself for one document id, a ZIP
archive otherwise (a folder per order for OR73, per shop for S31).
"""

import email.message
import json
import mimetypes
from dataclasses import dataclass
from urllib.parse import quote

from . import const, schemas
from ._args import csv_value
from ._orders import MAX_ORDER_IDS

ORDER_DOCUMENTS_PATH = "/api/orders/documents"
SHOP_DOCUMENTS_PATH = "/api/shops/documents"
MAX_IDS = 100  # OR72 and OR73 take at most this many ids per list
# OR74 accepts these extensions only.
ALLOWED_EXTENSIONS = frozenset(
    "csv doc xls xlsx ppt pdf odt ods odp txt rtf png jpg gif zpl mov mp4".split()
)
OCTET_STREAM = "application/octet-stream"


@dataclass(frozen=True)
class OrderDocumentUpload:
    """One file for OR74: its name (US-ASCII, unique in the call), bytes and DO01 type code;
    `entity` (`{"type": "RETURN", "id": ...}`) only for a document about a return."""

    file_name: str
    content: bytes
    type_code: str
    entity: dict | None = None


def _check_upload(document, seen):
    name = document.file_name
    if not isinstance(name, str) or not name.strip():
        raise ValueError("every document needs a file name")
    if not name.isascii():
        raise ValueError(f"Mirakl takes US-ASCII file names only, not {name!r}")
    if name in seen:
        raise ValueError(f"the file name {name!r} is given twice: Mirakl wants distinct names")
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in ALLOWED_EXTENSIONS:
        raise ValueError(
            f"Mirakl does not take .{extension or '(none)'} files ({name!r}); allowed: "
            f"{', '.join(sorted(ALLOWED_EXTENSIONS))}"
        )
    if not str(document.type_code or "").strip():
        raise ValueError(f"the document {name!r} has no type code")
    if not isinstance(document.content, bytes):
        raise ValueError(f"the content of {name!r} must be bytes")
    seen.add(name)


def _ids(values, what):
    ids = [str(value) for value in dict.fromkeys(values or ())]
    if len(ids) > MAX_IDS:
        raise ValueError(f"Mirakl takes at most {MAX_IDS} {what} per download, not {len(ids)}")
    return ids


def _file_name(response):
    """The file name of a download, from its Content-Disposition (RFC 6266 and 2231)."""
    header = response.headers.get("Content-Disposition")
    if not header:
        return None
    message = email.message.Message()
    message["Content-Disposition"] = header
    return message.get_filename()


class DocumentsMixin:
    """OR72, OR73, OR74, S30, S31."""

    def list_order_documents(self, order_ids):
        """OR72: the documents (`schemas.OrderDocument`) of the given orders, 100 orders a
        call (duplicates dropped)."""
        ids = [str(order_id) for order_id in dict.fromkeys(order_ids)]
        documents = []
        for start in range(0, len(ids), MAX_ORDER_IDS):
            params = {"order_ids": csv_value(ids[start : start + MAX_ORDER_IDS])}
            documents += self._get_list(
                "OR72", ORDER_DOCUMENTS_PATH, "order_documents", schemas.OrderDocument, params
            )
        return documents

    def download_order_documents(self, document_ids=None, order_ids=None, document_codes=None):
        """OR73: a `schemas.DocumentFile`: the document itself for exactly one document id,
        else a ZIP of the documents asked (`order_id/file name` entries; `document_codes`
        keeps some types of the orders' documents). At most 100 ids of each kind."""
        document_ids = _ids(document_ids, "document ids")
        order_ids = _ids(order_ids, "order ids")
        if not document_ids and not order_ids:
            raise ValueError("download_order_documents needs document ids or order ids")
        params = {
            "document_ids": csv_value(document_ids),
            "order_ids": csv_value(order_ids),
            "document_codes": csv_value(document_codes),
        }
        return self._download("OR73", f"{ORDER_DOCUMENTS_PATH}/download", params)

    def upload_order_documents(self, order_id, documents):
        """OR74: attach `OrderDocumentUpload`s to an order; returns
        `schemas.OrderDocumentsUploaded` (the refused ones, with Mirakl's reasons).

        Mistakes Mirakl would refuse for the whole call (non-ASCII or repeated file names,
        other extensions, no type code) raise ValueError before anything is sent.
        """
        if not str(order_id or "").strip():
            raise ValueError("order_id is empty")
        documents = list(documents)
        if not documents:
            raise ValueError("upload_order_documents needs at least one document")
        seen = set()
        for document in documents:
            _check_upload(document, seen)
        described = []
        for document in documents:
            item = {"file_name": document.file_name, "type_code": document.type_code}
            if document.entity:
                item["entity"] = dict(document.entity)
            described.append(item)
        files = [
            (
                "files",
                (
                    document.file_name,
                    document.content,
                    mimetypes.guess_type(document.file_name)[0] or OCTET_STREAM,
                ),
            )
            for document in documents
        ]
        files.append(
            (
                "order_documents",
                (None, json.dumps({"order_documents": described}), "application/json"),
            )
        )
        path = f"/api/orders/{quote(str(order_id).strip(), safe='')}/documents"
        response = self.request("OR74", "POST", path, files=files)
        return self._parse("OR74", schemas.OrderDocumentsUploaded, self._decode("OR74", response))

    def list_shop_documents(self):
        """S30: the shop's documents (`schemas.ShopDocument`)."""
        return self._get_list("S30", SHOP_DOCUMENTS_PATH, "shop_documents", schemas.ShopDocument)

    def download_shop_documents(self, document_ids=None, type_codes=None):
        """S31: a `schemas.DocumentFile`: the document itself for exactly one document id, else
        a ZIP (`shop_id/file name` entries) of the documents asked, or of all (of
        `type_codes`). Mirakl answers 404 when one id or type code is unknown."""
        params = {
            "document_ids": csv_value(_ids(document_ids, "document ids")),
            "type_codes": csv_value(type_codes),
        }
        return self._download("S31", f"{SHOP_DOCUMENTS_PATH}/download", params)

    def _download(self, op, path, params):
        response = self.request(op, "GET", path, params=params, accept=const.ACCEPT_ANY)
        return schemas.DocumentFile(
            file_name=_file_name(response),
            content=response.content,
            content_type=response.headers.get("Content-Type"),
        )
