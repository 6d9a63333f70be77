"""File imports: stock (STO01 upload, STO02 status, STO03 error report), prices (PRI01, PRI02,
PRI03) and offers (OF01, OF02, OF03).

An upload returns an import id at once; Mirakl processes the file later: poll the status until
it `is_final` (COMPLETE may still have lines in error), then read the error report when
`has_error_report`. Mirakl allows one upload a minute per kind: a refused one raises
`MiraklRateLimitError` whose `retry_after` says when to try again (uploads are retried only on
429/503, and only within `max_retry_seconds`). Files are written with `mirakl.files`; the upload
accepts bytes or a binary file object (a temporary file for large catalogues).
"""

from . import const, schemas
from ._args import path_id
from .errors import MiraklNotFoundError, MiraklResponseError
from .files import read_error_report

STOCK_PATH = "/api/offers/stock/imports"
PRICES_PATH = "/api/offers/pricing/imports"
OFFERS_PATH = "/api/offers/imports"
IMPORT_MODES = ("NORMAL", "REPLACE")  # never the deprecated PARTIAL_UPDATE
CSV_TYPE = "text/csv"


def _id_path(base, import_id, suffix=""):
    return f"{base}/{path_id(import_id, 'import_id')}{suffix}"


class ImportsMixin:
    """STO01, STO02, STO03, PRI01, PRI02, PRI03, OF01, OF02, OF03."""

    def _upload(self, op, path, file, filename, data=None):
        """POST `file` as multipart part `file` and return the decoded answer."""
        files = {"file": (filename, file, CSV_TYPE)}
        return self._decode(op, self.request(op, "POST", path, data=data, files=files))

    def _error_report(self, op, path):
        """The rejected rows of an import (`files.ErrorReportLine`s), in file order."""
        response = self.request(op, "GET", path)
        try:
            return list(read_error_report(response.content))
        except (ValueError, UnicodeDecodeError) as error:
            raise MiraklResponseError(f"Unexpected error report: {error}", op) from None

    # -- stock -------------------------------------------------------------------------------

    def upload_stock_file(self, file, filename="stock.csv"):
        """STO01: upload a stock file (`files.write_stock_file`); return the import id (str)."""
        payload = self._upload("STO01", STOCK_PATH, file, filename)
        return self._parse("STO01", schemas.ImportCreated, payload).import_id

    def get_stock_import(self, import_id):
        """STO02: the status of a stock import (`schemas.StockImport`); at most every 15 s."""
        path = _id_path(STOCK_PATH, import_id, "/status")
        return self._parse("STO02", schemas.StockImport, self.get_json("STO02", path))

    def get_stock_import_error_report(self, import_id):
        """STO03: the rejected lines of a stock import (`files.ErrorReportLine`s)."""
        return self._error_report("STO03", _id_path(STOCK_PATH, import_id, "/error_report"))

    # -- prices ------------------------------------------------------------------------------

    def upload_price_file(self, file, filename="prices.csv"):
        """PRI01: upload a price file (`files.write_price_file`); return the import id (str).

        Every offer listed loses the prices the file does not give for it.
        """
        payload = self._upload("PRI01", PRICES_PATH, file, filename)
        return self._parse("PRI01", schemas.ImportCreated, payload).import_id

    def iter_price_imports(self, import_ids=None, status=None, page_size=const.MAX_PAGE_SIZE):
        """PRI02: price imports (`schemas.PriceImport`), newest first."""
        params = {"import_id": list(import_ids) if import_ids else None, "status": status}
        for page in self.iter_seek_pages("PRI02", PRICES_PATH, params, page_size):
            for index, item in enumerate(page):
                yield self._parse("PRI02", schemas.PriceImport, item, ("data", index))

    def get_price_import(self, import_id):
        """PRI02 for one import: its `schemas.PriceImport`; MiraklNotFoundError if unknown."""
        for found in self.iter_price_imports(import_ids=[str(import_id)], page_size=1):
            return found
        raise MiraklNotFoundError(f"Price import {import_id} not found.", "PRI02", status=404)

    def get_price_import_error_report(self, import_id):
        """PRI03: the rejected lines of a price import: every line of each offer with a price
        in error (none of that offer's prices was imported)."""
        return self._error_report("PRI03", _id_path(PRICES_PATH, import_id, "/error_report"))

    # -- offers ------------------------------------------------------------------------------

    def upload_offer_file(self, file, import_mode="NORMAL", filename="offers.csv"):
        """OF01: upload an offer file (`files.write_offer_file`); return the import id (int).

        NORMAL creates, updates (resetting what the file leaves out) or deletes the listed
        offers; REPLACE also deletes every offer the file does not list.
        """
        if import_mode not in IMPORT_MODES:
            raise ValueError(f"import_mode must be one of {IMPORT_MODES}, not {import_mode!r}")
        payload = self._upload(
            "OF01", OFFERS_PATH, file, filename, data={"import_mode": import_mode}
        )
        return self._parse("OF01", schemas.OfferImportCreated, payload).import_id

    def get_offer_import(self, import_id):
        """OF02: the status of an offer import (`schemas.OfferImport`); at most once a minute."""
        path = _id_path(OFFERS_PATH, int(import_id))
        return self._parse("OF02", schemas.OfferImport, self.get_json("OF02", path))

    def get_offer_import_error_report(self, import_id):
        """OF03: the rejected lines of an offer import (`files.ErrorReportLine`s)."""
        return self._error_report("OF03", _id_path(OFFERS_PATH, int(import_id), "/error_report"))
