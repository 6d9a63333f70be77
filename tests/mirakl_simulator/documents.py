"""Order and shop documents (OR72, OR73, OR74, S30, S31): what the operator keeps, the rules of
an OR74 upload and the archives downloads answer.

Document ids are operator-wide integers (``store.next_id``). An order document belongs to an
order of one shop (attached by the shop with OR74, or by the operator: the delivery slip...); a
shop document to a shop (KYC). OR74 checks each document on its own and answers the refused
ones in Mirakl's partial-failure shape (``{input, errors: [{code, field, message}]}``); the
others are stored, and a ``CUSTOMER_INVOICE`` sets the order's ``has_invoice``.
``DocumentsFacade`` (mixed into ``OperatorSimulator``) is what tests call to seed documents.
"""

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime

from .clock import format_datetime

MAX_ORDER_DOCUMENTS = 50
ALLOWED_EXTENSIONS = frozenset(
    "csv doc xls xlsx ppt pdf odt ods odp txt rtf png jpg gif zpl mov mp4".split()
)
OPERATOR_ONLY_TYPES = frozenset({"SYSTEM_DELIVERY_BILL", "SYSTEM_SHIPMENT_DELIVERY_BILL"})
NOT_UPLOADABLE_TYPES = frozenset({"SYSTEM_MESSAGE_ATTACHMENT"})
INVOICE_TYPE = "CUSTOMER_INVOICE"
ENTITY_TYPES = frozenset({"RETURN"})


@dataclass
class Document:
    """One stored document; ``order_id`` is None for a shop document."""

    id: int
    shop_id: int
    file_name: str
    type_code: str
    content: bytes
    date_uploaded: datetime
    order_id: str | None = None
    entity: dict | None = None

    def order_body(self):
        """OR72 item."""
        return {
            "id": self.id,
            "order_id": self.order_id,
            "file_name": self.file_name,
            "file_size": len(self.content),
            "type": self.type_code,
            "date_uploaded": format_datetime(self.date_uploaded),
        }

    def shop_body(self):
        """S30 item."""
        return {
            "id": self.id,
            "file_name": self.file_name,
            "type": self.type_code,
            "date_uploaded": format_datetime(self.date_uploaded),
        }


class DocumentBook:
    """Every document of every shop, by id."""

    def __init__(self):
        self._documents = {}

    def add(self, document):
        self._documents[document.id] = document
        return document

    def get(self, shop_id, document_id, of_order):
        """The order (``of_order``) or shop document ``document_id`` of ``shop_id``, or None."""
        document = self._documents.get(document_id)
        if document is None or document.shop_id != shop_id:
            return None
        return document if (document.order_id is not None) == of_order else None

    def of_orders(self, shop_id, order_ids, type_codes=()):
        wanted = set(order_ids)
        return [
            document
            for document in self._documents.values()
            if document.shop_id == shop_id
            and document.order_id in wanted
            and (not type_codes or document.type_code in type_codes)
        ]

    def of_shop(self, shop_id, type_codes=()):
        return [
            document
            for document in self._documents.values()
            if document.shop_id == shop_id
            and document.order_id is None
            and (not type_codes or document.type_code in type_codes)
        ]


def _error(code, field, message):
    return {"code": code, "field": field, "message": message}


def _type_errors(type_code, order_types):
    if type_code in OPERATOR_ONLY_TYPES:
        message = f"The document type {type_code} is restricted to the operator"
        return [_error("valid_order_document.type", "type_code", message)]
    if type_code in NOT_UPLOADABLE_TYPES:
        message = f"Documents of type {type_code} cannot be uploaded to an order"
        return [_error("valid_order_document.type", "type_code", message)]
    if type_code not in order_types:
        message = "Unable to retrieve document's type from the given code"
        return [_error("valid_order_document.type", "type_code", message)]
    return []


def _name_errors(name, repeated, files):
    if not isinstance(name, str) or not name:
        return [_error("valid_order_document.file_name", "file_name", "The file name is required")]
    errors = []
    if not name.isascii():
        message = "The file name must contain only US-ASCII characters"
        errors.append(_error("valid_order_document.file_name", "file_name", message))
    if name in repeated:
        message = "Documents file names must be distinct"
        errors.append(_error("valid_order_document.file_name.unique", "file_name", message))
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in ALLOWED_EXTENSIONS:
        message = "Only documents of the following types are supported: " + ", ".join(
            sorted(ALLOWED_EXTENSIONS)
        )
        errors.append(_error("valid_order_document.file_name.extension", "file_name", message))
    if name not in files:
        message = f"No file named {name} was sent in the 'files' parts"
        errors.append(_error("valid_order_document.file", "file_name", message))
    return errors


def check_upload(items, files, order_types, existing_count):
    """Split OR74 ``items`` (the ``order_documents`` list) into ``(accepted, refused)``.

    ``files`` maps the sent file names to their bytes, ``order_types`` holds the DO01 codes of
    entity ORDER, ``existing_count`` the documents the order has already. ``refused`` is the
    answer's ``order_documents`` list.
    """
    names = [item.get("file_name") for item in items]
    repeated = {name for name in names if names.count(name) > 1}
    accepted, refused = [], []
    for item in items:
        errors = _name_errors(item.get("file_name"), repeated, files)
        errors += _type_errors(item.get("type_code"), order_types)
        entity = item.get("entity")
        if entity is not None and (
            not isinstance(entity, dict) or entity.get("type") not in ENTITY_TYPES
        ):
            message = "The document entity must be a RETURN"
            errors.append(_error("valid_order_document.entity", "entity.type", message))
        if not errors and existing_count + len(accepted) >= MAX_ORDER_DOCUMENTS:
            message = f"An order can have a maximum of {MAX_ORDER_DOCUMENTS} documents"
            errors.append(_error("valid_order_document.max_documents", "file_name", message))
        if errors:
            refused.append({"input": item, "errors": errors})
        else:
            accepted.append(item)
    return accepted, refused


def zip_documents(documents, folder):
    """A ZIP of ``documents`` in one folder each (``folder(document)``); a name already in a
    folder becomes ``name(1).ext``, as Mirakl does."""
    buffer = io.BytesIO()
    taken = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for document in sorted(documents, key=lambda document: document.id):
            stem, dot, extension = document.file_name.rpartition(".")
            if not dot:
                stem, extension = document.file_name, ""
            path, copy = f"{folder(document)}/{document.file_name}", 0
            while path in taken:
                copy += 1
                path = f"{folder(document)}/{stem}({copy}){dot}{extension}"
            taken.add(path)
            archive.writestr(path, document.content)
    return buffer.getvalue()


class DocumentsFacade:
    """``add_order_document`` and ``add_shop_document``, on ``OperatorSimulator``."""

    def add_order_document(
        self, order_id, file_name, type_code="SYSTEM_DELIVERY_BILL", content=b""
    ):
        """Attach a document to an order as the operator would (no OR74 rule applies) and
        return it (``documents.Document``)."""
        with self.store.lock:
            order = self.store.orders.find(order_id)
            document = self._new_document(order.shop_id, file_name, type_code, content)
            document.order_id = order.order_id
            if type_code == INVOICE_TYPE:
                order.has_invoice = True
            return self.store.documents.add(document)

    def add_shop_document(self, shop_id, file_name, type_code="LEGAL_DOC", content=b""):
        """Add a document of the shop (S30, S31) and return it."""
        with self.store.lock:
            if shop_id not in self.store.shops:
                raise KeyError(f"unknown shop {shop_id}")
            return self.store.documents.add(
                self._new_document(shop_id, file_name, type_code, content)
            )

    def order_documents(self, order_id):
        """The documents of an order (``documents.Document``), oldest first."""
        with self.store.lock:
            order = self.store.orders.find(order_id)
            return self.store.documents.of_orders(order.shop_id, [order.order_id])

    def _new_document(self, shop_id, file_name, type_code, content):
        return Document(
            id=self.store.next_id(),
            shop_id=shop_id,
            file_name=file_name,
            type_code=type_code,
            content=content,
            date_uploaded=self.store.clock.now(),
        )
