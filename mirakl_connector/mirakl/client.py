"""MiraklClient: a thin client of the Mirakl seller REST API.

One method per Mirakl call, named for what it does, with the Mirakl code in its docstring. The
class is composed of one mixin per domain (`_account`, `_reference`, `_offers`, `_offer_export`,
`_orders`, `_order_export`, `_shipping`, `_imports`, `_messages`, `_returns`, `_documents`,
`_refunds`, `_accounting`) on top of the shared transport (`_transport`: auth, shop_id,
timeout, retries, error mapping) and paging (`_paging`), so every call behaves the same way and
a new domain is a new module.
"""

from ._account import AccountMixin
from ._accounting import AccountingMixin
from ._documents import DocumentsMixin
from ._imports import ImportsMixin
from ._messages import MessagesMixin
from ._offer_export import OfferExportMixin
from ._offers import OffersMixin
from ._order_export import OrderExportMixin
from ._orders import OrdersMixin
from ._paging import PagingMixin
from ._reference import ReferenceMixin
from ._refunds import RefundsMixin
from ._returns import ReturnsMixin
from ._shipping import ShippingMixin
from ._transport import Transport, normalize_operator_url, parse_retry_after

__all__ = ["MiraklClient", "normalize_operator_url", "parse_retry_after"]


class MiraklClient(
    AccountMixin,
    ReferenceMixin,
    OffersMixin,
    OfferExportMixin,
    OrdersMixin,
    OrderExportMixin,
    ShippingMixin,
    ImportsMixin,
    DocumentsMixin,
    MessagesMixin,
    ReturnsMixin,
    RefundsMixin,
    AccountingMixin,
    PagingMixin,
    Transport,
):
    """Client of one Mirakl shop: operator URL, API key and, for multi-shop keys, shop id."""
