"""Order documents (OR72 list, OR73 download, OR74 upload) and shop documents (S30 list, S31
download).

Downloads answer the document itself when exactly one document id is asked, else a ZIP laid
out ``order_id/file`` (OR73) or ``shop_id/file`` (S31). OR74 answers 200 with the refused
documents only (``errors_count`` + ``order_documents``); a request it cannot read at all (no
``order_documents`` part, no file, unknown order) is an error for the whole call. The rules
live in ``mirakl_simulator.documents``.
"""

import json
from urllib.parse import quote, unquote

from ..context import Reply
from ..documents import INVOICE_TYPE, Document, check_upload, zip_documents
from ..errors import ApiError, bad_request
from ..imports.files import parse_parts
from ..routing import route

MAX_IDS = 100
OCTET_STREAM = "application/octet-stream"


def _ids(ctx, name):
    values = ctx.list_param(name)
    if len(values) > MAX_IDS:
        raise bad_request(f"The limit of {MAX_IDS} is exceeded for the parameter : {name}")
    return values


def _document_ids(ctx):
    try:
        return [int(value) for value in _ids(ctx, "document_ids")]
    except ValueError:
        raise bad_request("Invalid value for parameter : document_ids") from None


def _file(content, file_name):
    if file_name.isascii() and '"' not in file_name:
        disposition = f'attachment; filename="{file_name}"'
    else:
        disposition = f"attachment; filename*=UTF-8''{quote(file_name)}"
    return Reply(200, content, OCTET_STREAM, {"Content-Disposition": disposition})


def _archive(ctx, documents, folder):
    stamp = ctx.store.clock.now().strftime("%Y%m%d%H%M%S")
    return _file(zip_documents(documents, folder), f"documents-{stamp}.zip")


def _chosen(ctx, document_ids, of_order):
    """The documents of ``document_ids``; 404 when one is not a document of the shop."""
    documents = []
    for document_id in document_ids:
        document = ctx.store.documents.get(ctx.shop.shop_id, document_id, of_order)
        if document is None:
            raise ApiError(404, f"The document {document_id} does not exist")
        documents.append(document)
    return documents


@route("GET", "/api/orders/documents", op="OR72")
def list_order_documents(ctx):
    order_ids = _ids(ctx, "order_ids")
    if not order_ids:
        raise bad_request("Required parameter 'order_ids' is not present")
    documents = ctx.store.documents.of_orders(ctx.shop.shop_id, order_ids)
    return {"order_documents": [document.order_body() for document in documents]}


@route("GET", "/api/orders/documents/download", op="OR73")
def download_order_documents(ctx):
    document_ids, order_ids = _document_ids(ctx), _ids(ctx, "order_ids")
    if document_ids:
        documents = _chosen(ctx, document_ids, of_order=True)
        if len(documents) == 1:
            return _file(documents[0].content, documents[0].file_name)
    elif order_ids:
        codes = set(ctx.list_param("document_codes"))
        documents = ctx.store.documents.of_orders(ctx.shop.shop_id, order_ids, codes)
    else:
        raise bad_request("Either 'order_ids' or 'document_ids' must be specified")
    return _archive(ctx, documents, lambda document: document.order_id)


def _described(part):
    """The ``order_documents`` list of the JSON part (plain or JSON-quoted, as curl sends)."""
    try:
        body = json.loads(part.text)
        if isinstance(body, str):
            body = json.loads(body)
    except ValueError:
        body = None
    items = body.get("order_documents") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise bad_request("The part 'order_documents' must be a JSON object with a non-empty list")
    return items


@route("POST", "/api/orders/{order_id}/documents", op="OR74")
def upload_order_documents(ctx):
    order_id = unquote(ctx.path_params["order_id"])
    order = ctx.store.orders.book(ctx.shop.shop_id).get(order_id)
    if order is None:
        raise ApiError(404, f"The order {order_id} does not exist.")
    parts = parse_parts(ctx.header("content-type"), ctx.body)
    described = next((part for part in parts if part.name == "order_documents"), None)
    if described is None:
        raise bad_request("Required request part 'order_documents' is not present")
    files = {part.filename: part.content for part in parts if part.name == "files"}
    if not files:
        raise bad_request("Required request part 'files' is not present")
    order_types = {
        item["code"] for item in ctx.store.reference["documents"] if item["entity"] == "ORDER"
    }
    store = ctx.store
    existing = len(store.documents.of_orders(ctx.shop.shop_id, [order_id]))
    accepted, refused = check_upload(_described(described), files, order_types, existing)
    for item in accepted:
        store.documents.add(
            Document(
                id=store.next_id(),
                shop_id=ctx.shop.shop_id,
                file_name=item["file_name"],
                type_code=item["type_code"],
                content=files[item["file_name"]],
                date_uploaded=store.clock.now(),
                order_id=order_id,
                entity=item.get("entity"),
            )
        )
        if item["type_code"] == INVOICE_TYPE:
            order.has_invoice = True
    return {"errors_count": len(refused), "order_documents": refused}


@route("GET", "/api/shops/documents", op="S30")
def list_shop_documents(ctx):
    documents = ctx.store.documents.of_shop(ctx.shop.shop_id)
    return {"shop_documents": [document.shop_body() for document in documents]}


@route("GET", "/api/shops/documents/download", op="S31")
def download_shop_documents(ctx):
    document_ids = _document_ids(ctx)
    codes = set(ctx.list_param("type_codes"))
    if document_ids:
        documents = _chosen(ctx, document_ids, of_order=False)
        if len(documents) == 1:
            return _file(documents[0].content, documents[0].file_name)
    else:
        known = {
            item["code"] for item in ctx.store.reference["documents"] if item["entity"] == "SHOP"
        }
        unknown = sorted(codes - known)
        if unknown:
            raise ApiError(404, f"The document type {unknown[0]} does not exist")
        documents = ctx.store.documents.of_shop(ctx.shop.shop_id, codes)
    return _archive(ctx, documents, lambda document: str(document.shop_id))
