"""Offer, stock and price imports: OF04/OF02 offer imports (spec `OF04_Response_200.data[]`,
`OF02_Response_200`), STO02 stock imports, PRI02 price imports and the ids OF01/STO01/PRI01
return.

`status` COMPLETE may still carry errors: check `lines_in_error` and `has_error_report`. Offer
import ids are integers, stock and price import ids UUID strings.
"""

from .common import MiraklModel, UtcDatetime

FINAL_IMPORT_STATUSES = frozenset({"COMPLETE", "FAILED"})


class OfferImport(MiraklModel):
    import_id: int  # an integer for OF01/OF24 imports (STO01/PRI01 use UUID strings)
    # WAITING_SYNCHRONIZATION_PRODUCT | WAITING | RUNNING | COMPLETE | FAILED
    status: str | None = None
    reason_status: str | None = None
    mode: str | None = None  # NORMAL | REPLACE
    origin: str | None = None  # API | FTP | SFTP | HTTP | FRONT | ...
    shop_id: int | None = None
    date_created: UtcDatetime | None = None
    has_error_report: bool | None = None
    lines_read: int | None = None
    lines_in_success: int | None = None
    lines_in_error: int | None = None
    lines_in_pending: int | None = None
    offer_inserted: int | None = None
    offer_updated: int | None = None
    offer_deleted: int | None = None

    @property
    def is_final(self):
        """COMPLETE or FAILED: polling can stop."""
        return self.status in FINAL_IMPORT_STATUSES


class OfferImportCreated(MiraklModel):
    """OF01 answer; a duplicate upload gets the id of the import already running."""

    import_id: int
    product_import_id: int | None = None


class ImportCreated(MiraklModel):
    """STO01 / PRI01 answer."""

    import_id: str


class StockImport(MiraklModel):
    """STO02: WAITING, RUNNING, then COMPLETE (maybe with lines in error) or FAILED."""

    import_id: str
    status: str | None = None
    shop_id: int | None = None
    date_created: UtcDatetime | None = None
    has_error_report: bool | None = None
    lines_in_success: int | None = None
    lines_in_error: int | None = None

    @property
    def is_final(self):
        return self.status in FINAL_IMPORT_STATUSES


class PriceImport(StockImport):
    """PRI02 entry: a stock import's fields plus the offer counts and the reason of the status."""

    reason_status: str | None = None
    origin: str | None = None
    offers_updated: int | None = None
    offers_in_error: int | None = None
