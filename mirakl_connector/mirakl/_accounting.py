"""Accounting: the operator's accounting documents to the shop (IV01, their PDF by IV02) and
the transaction lines of the shop's balance (TL02), which explain each payout.

IV01 may be read once a day (plus its pages): it has no "updated since" filter, so a caller
that waits for a document to be paid reads it again by creation date or by `invoice_ids`.
TL02 (20 calls a minute, 60 an hour) has one, `last_updated_from`, and pages of up to 2000
lines; sorted by last update, oldest first, it streams a change feed.
"""

from . import const, schemas
from ._args import csv_value
from .errors import MiraklResponseError

INVOICES_PATH = "/api/invoices"
TRANSACTIONS_PATH = "/api/sellerpayment/transactions_logs"
MAX_INVOICE_IDS = 100  # IV01 `invoice_id` takes at most this many ids
MAX_TRANSACTION_IDS = 100  # TL02 `order_id` and `order_line_id` likewise
MAX_TRANSACTION_PAGE_SIZE = 2000  # TL02's `limit` goes up to 2000, ten times the usual cap
DOCUMENT_TYPES = ("ALL", "AUTO_INVOICE", "MANUAL_INVOICE", "MANUAL_CREDIT")
PAYMENT_STATUSES = ("PENDING", "PAID", "FAILED")
TRANSACTION_SORTS = ("dateCreated", "lastUpdated")
SORT_DIRECTIONS = ("ASC", "DESC")


def _check_choice(value, choices, name):
    if value is not None and value not in choices:
        raise ValueError(f"{name} must be one of {choices}, not {value!r}")
    return value


def _id_list(values, name, limit):
    """A repeated-parameter list of ids; None when not filtering, ValueError beyond `limit`."""
    if values is None:
        return None
    ids = list(
        dict.fromkeys(str(value) for value in ([values] if isinstance(values, str) else values))
    )
    if len(ids) > limit:
        raise ValueError(f"{name} takes at most {limit} values, not {len(ids)}")
    return ids


class AccountingMixin:
    """IV01, IV02, TL02."""

    def iter_accounting_documents(
        self,
        *,
        start_date=None,
        end_date=None,
        document_type="ALL",
        payment_status=None,
        currency=None,
        invoice_ids=None,
        seller_billing_cycle_ids=None,
        page_size=const.MAX_PAGE_SIZE,
        on_invalid=None,
    ):
        """IV01: yield the shop's accounting documents (`schemas.AccountingDocument`), oldest
        first.

        `start_date`/`end_date` bound the creation date (datetimes, naive = UTC).
        `document_type` defaults to ALL: Mirakl's own default is AUTO_INVOICE only. More than
        100 `invoice_ids` are read 100 at a time. `on_invalid(payload, error)`, when given, is
        called for a document that does not parse and the iteration goes on.
        """
        params = {
            "start_date": start_date,
            "end_date": end_date,
            "type": _check_choice(document_type, DOCUMENT_TYPES, "document_type"),
            "payment_status": _check_choice(payment_status, PAYMENT_STATUSES, "payment_status"),
            "currency": currency,
            "seller_billing_cycle_id": csv_value(seller_billing_cycle_ids),
            "sort": "dateCreated",
            "order": "asc",
        }
        if invoice_ids is None:
            batches = [None]
        else:
            ids = list(dict.fromkeys(int(invoice_id) for invoice_id in invoice_ids))
            batches = [ids[i : i + MAX_INVOICE_IDS] for i in range(0, len(ids), MAX_INVOICE_IDS)]
        for batch in batches:
            query = {**params, "invoice_id": csv_value(batch)}
            pages = self.iter_offset_pages("IV01", INVOICES_PATH, "invoices", query, page_size)
            for page in pages:
                yield from self._parse_each(
                    "IV01", schemas.AccountingDocument, page, "invoices", on_invalid
                )

    def download_accounting_document(self, invoice_id):
        """IV02: the PDF of an issued accounting document (its `invoice_id`), as bytes."""
        if isinstance(invoice_id, bool) or not str(invoice_id).strip().isdigit():
            raise ValueError(f"invoice_id must be an issued document's number, not {invoice_id!r}")
        response = self.request(
            "IV02", "GET", f"{INVOICES_PATH}/{int(invoice_id)}", accept=const.ACCEPT_ANY
        )
        if not response.content:
            raise MiraklResponseError("The accounting document is empty.", "IV02")
        return response.content

    def iter_transaction_lines(
        self,
        *,
        last_updated_from=None,
        date_created_from=None,
        date_created_to=None,
        accounting_document_number=None,
        order_ids=None,
        order_line_ids=None,
        payment_states=None,
        transaction_types=None,
        seller_billing_cycle_ids=None,
        sort="lastUpdated",
        direction="ASC",
        page_size=MAX_TRANSACTION_PAGE_SIZE,
        on_invalid=None,
    ):
        """TL02: yield the shop's transaction lines (`schemas.TransactionLine`).

        Dates are datetimes (naive = UTC) or Mirakl date strings. Lists (order ids, states,
        types) are sent as repeated parameters, 100 ids at most. Sorted by `sort` (dateCreated
        or lastUpdated) in `direction`: Mirakl's default, newest first, would move under a
        reader paging a live feed. `on_invalid` as in `iter_accounting_documents`.
        """
        params = {
            "last_updated_from": last_updated_from,
            "date_created_from": date_created_from,
            "date_created_to": date_created_to,
            "accounting_document_number": accounting_document_number,
            "order_id": _id_list(order_ids, "order_ids", MAX_TRANSACTION_IDS),
            "order_line_id": _id_list(order_line_ids, "order_line_ids", MAX_TRANSACTION_IDS),
            "payment_state": _id_list(payment_states, "payment_states", MAX_TRANSACTION_IDS),
            "transaction_type": _id_list(
                transaction_types, "transaction_types", MAX_TRANSACTION_IDS
            ),
            "seller_billing_cycle_id": _id_list(
                seller_billing_cycle_ids, "seller_billing_cycle_ids", MAX_TRANSACTION_IDS
            ),
            "sort": (
                f"{_check_choice(sort, TRANSACTION_SORTS, 'sort')},"
                f"{_check_choice(direction, SORT_DIRECTIONS, 'direction')}"
            ),
        }
        if params["order_id"] == [] or params["order_line_id"] == []:
            return
        pages = self.iter_seek_pages(
            "TL02", TRANSACTIONS_PATH, params, page_size, MAX_TRANSACTION_PAGE_SIZE
        )
        for page in pages:
            yield from self._parse_each("TL02", schemas.TransactionLine, page, "data", on_invalid)

    def _parse_each(self, op, model, items, items_key, on_invalid):
        for index, item in enumerate(items):
            try:
                yield self._parse(op, model, item, (items_key, index))
            except MiraklResponseError as error:
                if on_invalid is None:
                    raise
                on_invalid(item, error)
