"""Order and shop documents: OR72 and S30 listings, OR74 upload results, OR73/S31 files.

OR74 answers 200 even when documents were refused: it lists only the refused ones, each with
the input Mirakl received and its errors (`{code, field, message}`), and `errors_count`.
OR73 and S31 answer a file: the document itself when one document id is asked for, otherwise
a ZIP archive with a folder per order (OR73) or per shop (S31).
"""

import io
import zipfile
from dataclasses import dataclass

from .common import MiraklModel, NullableList, UtcDatetime


class OrderDocument(MiraklModel):
    """OR72: a document attached to an order (invoice, delivery slip, return label...)."""

    id: int
    order_id: str
    file_name: str
    type: str
    file_size: int | None = None
    date_uploaded: UtcDatetime | None = None


class ShopDocument(MiraklModel):
    """S30: a document of the shop (KYC: company registration, ID card...)."""

    id: int
    file_name: str
    type: str
    date_uploaded: UtcDatetime | None = None


class DocumentEntity(MiraklModel):
    """What an order document is about, when not the order itself (a RETURN)."""

    id: str | None = None
    type: str | None = None


class OrderDocumentInput(MiraklModel):
    """The refused document as Mirakl received it."""

    file_name: str | None = None
    type_code: str | None = None
    entity: DocumentEntity | None = None


class DocumentError(MiraklModel):
    code: str | None = None
    field: str | None = None
    message: str | None = None


class OrderDocumentResult(MiraklModel):
    input: OrderDocumentInput | None = None
    errors: NullableList[DocumentError]


class OrderDocumentsUploaded(MiraklModel):
    """OR74 answer: the refused documents only; the others were attached to the order."""

    errors_count: int = 0
    order_documents: NullableList[OrderDocumentResult]

    def errors_by_file_name(self):
        """`{file_name: ["message (code)", ...]}` of the refused documents."""
        errors = {}
        for result in self.order_documents:
            name = result.input.file_name if result.input else None
            messages = errors.setdefault(name, [])
            for error in result.errors:
                text = error.message or error.code or "refused"
                messages.append(f"{text} ({error.code})" if error.code and error.message else text)
        return errors


@dataclass(frozen=True)
class DocumentFile:
    """A file downloaded from Mirakl (OR73, S31): its name, bytes and content type.

    Whether it is the document or a ZIP of documents depends on the request, not on the bytes
    (an xlsx or odt document is a ZIP file too): one document id asked, the document.
    """

    file_name: str | None
    content: bytes
    content_type: str | None = None

    def entries(self):
        """`[(folder, file name, bytes)]` of a ZIP archive (folder: order id or shop id)."""
        entries = []
        with zipfile.ZipFile(io.BytesIO(self.content)) as archive:
            for info in archive.infolist():
                if not info.is_dir():
                    folder, _slash, name = info.filename.rpartition("/")
                    entries.append((folder, name, archive.read(info)))
        return entries
