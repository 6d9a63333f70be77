"""Mirakl's two paging styles, so every list call streams its pages the same way."""

from . import const
from .errors import MiraklResponseError


def _check_page_size(page_size, maximum=const.MAX_PAGE_SIZE):
    if not 1 <= page_size <= maximum:
        raise ValueError(f"page_size must be between 1 and {maximum}, not {page_size}")


class PagingMixin:
    """Page iterators on top of `Transport.get_json` / `Transport._items`."""

    def iter_offset_pages(self, op, path, items_key, params=None, page_size=const.MAX_PAGE_SIZE):
        """Yield the raw items of each page of an offset-paginated list (`max`, `offset`).

        Stops once `offset` reaches `total_count` (on a short page when it is absent) and on an
        empty page, so a `total_count` that lies cannot loop forever.
        """
        _check_page_size(page_size)
        offset = 0
        while True:
            query = {**(params or {}), "max": page_size, "offset": offset}
            payload = self.get_json(op, path, query)
            items = self._items(op, payload, items_key)
            if not items:
                return
            yield items
            offset += len(items)
            total = payload.get("total_count")
            if offset >= total if isinstance(total, int) else len(items) < page_size:
                return

    def iter_seek_pages(
        self, op, path, params=None, page_size=const.MAX_PAGE_SIZE, max_page_size=None
    ):
        """Yield the `data` items of each page of a seek-paginated list (`limit`, `page_token`).

        Follow-up calls send only the token (and shop_id): Mirakl ignores other parameters then.
        `max_page_size` is for the calls Mirakl allows larger pages (TL02: 2000).
        """
        _check_page_size(page_size, max_page_size or const.MAX_PAGE_SIZE)
        query = {**(params or {}), "limit": page_size}
        while True:
            payload = self.get_json(op, path, query)
            items = self._items(op, payload, "data")
            if not items:
                return
            yield items
            token = payload.get("next_page_token")
            if not token:
                return
            if token == query.get("page_token"):
                raise MiraklResponseError("Mirakl returned the same page token twice.", op)
            query = {"page_token": token}
