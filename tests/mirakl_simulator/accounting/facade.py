"""Billing cycles and payouts on ``OperatorSimulator`` (mixed into it): what tests call.

Every method takes the store lock, like a request, so tests may steer a running simulator.
"""

from .cycle import pay, run_cycle


class AccountingFacade:
    """``run_billing_cycle``, ``pay_accounting_document``, ``override_transaction_line`` and
    the ``accounting`` book."""

    @property
    def accounting(self):
        """Transaction lines and accounting documents of every shop (``AccountingBook``:
        ``lines_of(shop_id)``, ``documents_of(shop_id)``, ``document(invoice_id)``,
        ``lines_of_document(document)``, ``line(id)``)."""
        return self.store.accounting

    def run_billing_cycle(self, shop_id, paid=True, subscription_fee=None):
        """Close a billing cycle of ``shop_id`` now: transaction lines for its shipped order
        lines and refunds not billed yet (and a ``subscription_fee`` without tax, if given),
        one AUTO_INVOICE accounting document numbering them, paid out at once unless ``paid``
        is False. Returns the ``AccountingDocument``; ``CycleError`` if nothing is due."""
        with self.store.lock:
            self.store.orders.tick(self.store.clock.now())
            return run_cycle(self.store, shop_id, self.store.clock.now(), paid, subscription_fee)

    def pay_accounting_document(self, invoice_id, reference=None):
        """Pay a PENDING accounting document out now (its ``PAYMENT`` line); returns it."""
        with self.store.lock:
            document = self.store.accounting.document(invoice_id)
            if document is None:
                raise KeyError(f"unknown accounting document {invoice_id!r}")
            pay(self.store.accounting, document, self.store.clock.now(), reference)
            return document

    def override_transaction_line(self, line_id, **fields):
        """Serve transaction line ``line_id`` with these JSON fields instead (``None`` drops
        a field); no field given: serve it as it is again. Returns the line."""
        with self.store.lock:
            line = self.store.accounting.line(line_id)
            line.overrides = dict(fields)
            return line
