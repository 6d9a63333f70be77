"""``OperatorSimulator``: the public face tests use to seed an operator, run it and steer it."""

from .accounting.facade import AccountingFacade
from .app import Application
from .clock import Clock
from .documents import DocumentsFacade
from .faults import Fault
from .generated_offers import GeneratedOffers
from .imports.jobs import OFFERS, PRICES, STOCK
from .inbox import InboxFacade
from .orders.facade import OrdersFacade
from .returns.facade import ReturnsFacade
from .server import ServerThread
from .state import ALL_ROLES, ApiKey, Shop, Store


class OperatorSimulator(
    OrdersFacade, InboxFacade, ReturnsFacade, DocumentsFacade, AccountingFacade
):
    """A fake Mirakl operator serving the seller API over real HTTP.

    Seed it (``add_shop``, ``add_api_key``, ``store``), ``start()`` it, point a client at ``url``,
    then inspect ``requests``/``responses`` or inject faults. Usable as a context manager.
    """

    def __init__(self, clock=None):
        self.store = Store(clock or Clock())
        self.app = Application(self.store)
        self._server = None

    @classmethod
    def demo(cls, start=True, host="127.0.0.1", port=0):
        """The seeded demo operator (see ``demo.py``), started unless ``start=False``."""
        from .demo import seed_demo

        sim = cls()
        seed_demo(sim)
        if start:
            sim.start(host=host, port=port)
        return sim

    # -- seeding ---------------------------------------------------------------------------
    def add_shop(self, shop_id, name, currency_iso_code="EUR", **fields):
        """Create a shop; extra keywords are ``Shop`` fields (``state``, ``channels``, ...)."""
        with self.store.lock:
            return self.store.add_shop(Shop(shop_id, name, currency_iso_code, **fields))

    def add_api_key(self, key, shop_ids, roles=ALL_ROLES):
        """Register ``key`` for ``shop_ids`` (first = default shop); ``roles=()`` gives 403s."""
        with self.store.lock:
            return self.store.add_api_key(ApiKey(key, tuple(shop_ids), tuple(roles)))

    @property
    def platform_configuration(self):
        """The PC01 body, editable in place."""
        return self.store.platform_configuration

    @property
    def reference(self):
        """Reference lists by response key (``carriers``, ``channels``, ...), editable in place."""
        return self.store.reference

    @property
    def clock(self):
        return self.store.clock

    def shop(self, shop_id):
        return self.store.shops[shop_id]

    # -- offers and offer exports ----------------------------------------------------------
    def update_offer(self, shop_id, offer_id, **changes):
        """Change OF21 fields of an offer now (simulated clock), as the seller would in the back
        office: differential exports pick it up. ``quantity`` alone also sets ``active``."""
        with self.store.lock:
            return self.shop(shop_id).update_offer(offer_id, changes, self.clock.now())

    def delete_offer(self, shop_id, offer_id):
        """Delete an offer now: gone from OF21 and full exports, ``deleted`` in differential
        exports."""
        with self.store.lock:
            self.shop(shop_id).delete_offer(offer_id, self.clock.now())

    def add_generated_offers(self, shop_id, count, seed=0, sku_prefix="GEN", channels=None):
        """Add ``count`` offers computed on the fly (see ``generated_offers``), created now.

        Returns the ``GeneratedOffers`` catalogue: ``products()`` yields the matching Odoo product
        values (shop SKU, EAN/UPC barcode, name). Served by the offer export only.
        """
        with self.store.lock:
            shop = self.shop(shop_id)
            catalogue = GeneratedOffers(
                shop_id=shop_id,
                shop_name=shop.name,
                currency_iso_code=shop.currency_iso_code,
                first_offer_id=self.store.reserve_ids(count),
                count=count,
                seed=seed,
                created_at=self.clock.now(),
                channels=tuple(shop.channels if channels is None else channels),
                sku_prefix=sku_prefix,
            )
            shop.generated_offers.append(catalogue)
            return catalogue

    @property
    def offer_exports(self):
        """OF52 exports by tracking id (``OfferExport``: status, polls, total, chunk_count...)."""
        return self.store.offer_exports

    @property
    def offer_export_settings(self):
        """``ExportSettings`` of the next exports: pending_polls, pending_seconds, fail_next,
        file_base_url, product_fields; editable in place."""
        return self.store.offer_export_settings

    def fail_next_offer_export(self, code="1", detail="Internal error"):
        """Make the next OF52 export end FAILED with this ``error`` instead of COMPLETED."""
        self.store.offer_export_settings.fail_next = {"code": code, "detail": detail}

    # -- shipments and file imports (stock, prices, offers) ---------------------------------
    @property
    def shipments(self):
        """ST01 shipments of every shop (``ShipmentBook``: ``of_order(order_id)``,
        ``of_shop(shop_id)``, ``get(id, shop_id)``, ``quantities(order_id)``)."""
        return self.store.shipments

    @property
    def import_settings(self):
        """``ImportSettings`` of the next imports: pending_polls, pending_seconds, fail_next,
        rate_limit, rate_limit_seconds, stock_api; editable in place."""
        return self.store.imports.settings

    @property
    def stock_imports(self):
        """STO01 imports by id (``ImportJob``: rows, columns, content, status, failures,
        report...)."""
        return self.store.imports.jobs[STOCK]

    @property
    def price_imports(self):
        """PRI01 imports by id (``ImportJob``)."""
        return self.store.imports.jobs[PRICES]

    @property
    def offer_imports(self):
        """OF01 imports by (integer) id (``ImportJob``, ``mode`` = import_mode)."""
        return self.store.imports.jobs[OFFERS]

    def finish_imports(self):
        """Process every unfinished import now: COMPLETE (maybe with errors) or FAILED."""
        with self.store.lock:
            self.store.imports.finish_all(self.clock.now())

    # -- lifecycle -------------------------------------------------------------------------
    def start(self, host="127.0.0.1", port=0):
        if self._server is not None:
            raise RuntimeError("simulator already started")
        self._server = ServerThread(self.app, host, port)
        self._server.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.stop()
            self._server = None

    @property
    def url(self):
        """Operator base URL, without ``/api`` (what a seller types in the connector)."""
        if self._server is None:
            raise RuntimeError("simulator not started")
        host, port = self._server.address
        return f"http://{host}:{port}"

    def __enter__(self):
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    # -- faults and journal ----------------------------------------------------------------
    def inject_fault(
        self,
        op="*",
        status=None,
        retry_after=None,
        delay=0.0,
        body=None,
        content_type=None,
        times=None,
    ):
        """Queue a fault for ``op`` (Mirakl code or ``"*"``); see ``faults.Fault``."""
        return self.app.faults.add(Fault(op, status, retry_after, delay, body, content_type, times))

    def clear_faults(self):
        self.app.faults.clear()

    @property
    def requests(self):
        return self.app.journal.requests

    @property
    def responses(self):
        return self.app.journal.responses

    def reset_logs(self):
        self.app.journal.reset()
