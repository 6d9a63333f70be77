"""Where orders live: one ``OrderBook`` per shop inside the operator-wide ``OrderStore``.

A book holds full ``Order`` objects and ``OrderStub``s: generated orders that only know what
filtering and sorting need and build the full order on demand, so 2,000 benchmark orders cost
nothing until a page of them is served. Time-driven moves (automatic refusal after the
acceptance delay, debit after the debit delay) are applied by ``OrderStore.tick`` before each
request, at the instant they were due, so ``last_updated_date`` is what Mirakl would show.
"""

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import states
from .exports import OrderExports


@dataclass
class OrderSettings:
    """Operator behaviours tests can tune (``sim.order_settings``)."""

    # OR11 moves ``start_update_date`` back by this much, on purpose (expect overlaps).
    update_window_widening: timedelta = timedelta(minutes=5)
    # Accepted orders are debited (-> SHIPPING) this long after OR21; None: only on demand.
    debit_delay: timedelta | None = timedelta(minutes=1)
    # Orders left in WAITING_ACCEPTANCE this long are refused automatically; None: never.
    acceptance_delay: timedelta | None = timedelta(days=3)
    # False: OR21 must accept or refuse all lines alike (ORDER_PARTIAL_ACCEPTANCE_DISABLED).
    partial_acceptance: bool = True
    # OR14 answers PENDING this many times per export, then the export ends with this status.
    export_pending_polls: int = 1
    export_outcome: str = "COMPLETED"
    # refund_state of OR28 refunds: REFUNDED when the operator pays them at once.
    refund_state: str = "REFUNDED"
    # False: OR30 is refused (Mirakl enables "shop partial cancelation" per platform).
    partial_cancelation: bool = True


@dataclass
class OrderStub:
    """A generated order not built yet: the fields filters and sorting read, plus its builder."""

    order_id: str
    created_date: datetime
    last_updated_date: datetime
    state: str
    build: object = field(repr=False)  # () -> Order
    channel_code: str | None = None
    customer_debited_date: datetime | None = None
    accepted_at: datetime | None = None
    payment_workflow: str = "PAY_ON_ACCEPTANCE"
    has_incident: bool = False


class OrderBook:
    """The orders of one shop, by order id, built or not."""

    def __init__(self):
        self._entries = {}

    def __len__(self):
        return len(self._entries)

    def __contains__(self, order_id):
        return order_id in self._entries

    def add(self, entry):
        if entry.order_id in self._entries:
            raise ValueError(f"order {entry.order_id} already exists")
        self._entries[entry.order_id] = entry

    def entries(self):
        return list(self._entries.values())

    def get(self, order_id):
        """The full order, built and kept if it was a stub (so it can change); None if unknown."""
        entry = self._entries.get(order_id)
        if isinstance(entry, OrderStub):
            entry = self._entries[order_id] = entry.build()
        return entry

    def view(self, order_id):
        """The full order for reading: a stub is built for the answer and not kept."""
        entry = self._entries[order_id]
        return entry.build() if isinstance(entry, OrderStub) else entry

    @property
    def built_count(self):
        return sum(1 for entry in self._entries.values() if not isinstance(entry, OrderStub))


class OrderStore:
    """Every shop's orders, the order exports, the order settings and the id sequence."""

    def __init__(self):
        self.settings = OrderSettings()
        self.books = {}
        self.exports = OrderExports(self.settings)
        self._sequence = itertools.count(1)

    def book(self, shop_id):
        return self.books.setdefault(shop_id, OrderBook())

    def next_id(self):
        return next(self._sequence)

    def add(self, shop_id, entries):
        """Add orders or stubs to the book of ``shop_id``. Order ids are unique operator-wide,
        so tests can name an order without its shop."""
        books = self.books.values()
        taken = next((e.order_id for e in entries if any(e.order_id in b for b in books)), None)
        if taken is not None:
            raise ValueError(f"order {taken} already exists")
        book = self.book(shop_id)
        for entry in entries:
            book.add(entry)

    def find(self, order_id, keep=True):
        """The full order with ``order_id`` in any shop (``keep=False``: for reading only, a
        generated order is built and not kept); KeyError if none."""
        for book in self.books.values():
            if order_id in book:
                return book.get(order_id) if keep else book.view(order_id)
        raise KeyError(f"unknown order {order_id!r}")

    def tick(self, now):
        """Apply every automatic refusal and debit due by ``now``."""
        for book in self.books.values():
            for entry in book.entries():
                due = self._due(entry)
                if due is not None and due <= now:
                    self._fire(book.get(entry.order_id), due)

    def _due(self, entry):
        settings = self.settings
        if entry.state == "WAITING_ACCEPTANCE" and settings.acceptance_delay is not None:
            return entry.created_date + settings.acceptance_delay
        if entry.state == "WAITING_DEBIT_PAYMENT" and settings.debit_delay is not None:
            return (entry.accepted_at or entry.last_updated_date) + settings.debit_delay
        return None

    def _fire(self, order, at):
        if order.state == "WAITING_ACCEPTANCE":
            states.advance(order, "REFUSED", at)  # automatic: acceptance_decision_date stays null
        else:
            states.advance(order, "SHIPPING", at)
