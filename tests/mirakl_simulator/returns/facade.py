"""Return seeding and steering on ``OperatorSimulator`` (mixed into it): what tests call.

Every method takes the store lock, like a request, so tests may steer a running simulator.
"""

from .model import ReturnError


class ReturnsFacade:
    """``add_return``, ``get_return``, ``set_return_state`` and the ``returns`` book."""

    @property
    def returns(self):
        """Returns of every shop (``ReturnBook``: ``get(id)``, ``of_shop(shop_id)``,
        ``of_order(order_id)``, ``returned(order_id)``)."""
        return self.store.returns

    def add_return(
        self,
        order_id,
        lines=None,
        method_code="RETURN_METHOD_BY_MAIL",
        reason_code="RETURN_CHANGED_MIND",
        **details,
    ):
        """A customer's return request on the shipped order ``order_id``, created now.

        ``lines``: ``{order_line_id, quantity?, reason_code?}`` (default: every unit of every
        line that may still come back). ``details``: ``return_id``, ``rma``, ``description``,
        ``label_url``, ``tracking``, ``return_address``. Raises ValueError for lines not shipped
        or returned already. Returns the ``Return``.
        """
        with self.store.lock:
            order = self.store.orders.find(order_id)
            if lines is None:
                returned = self.store.returns.returned(order_id)
                lines = [
                    {"order_line_id": line.order_line_id}
                    for line in order.lines
                    if line.quantity - line.cancelled_quantity > returned.get(line.order_line_id, 0)
                ]
            try:
                return self.store.returns.create(
                    order, lines, self.store.clock.now(), method_code, reason_code, **details
                )
            except ReturnError as error:
                raise ValueError(error.message) from None

    def get_return(self, return_id):
        """The live ``Return`` (changes to it show in the next answers); KeyError if none."""
        with self.store.lock:
            found = self.store.returns.get(return_id)
            if found is None:
                raise KeyError(f"unknown return {return_id!r}")
            return found

    def set_return_state(self, return_id, state):
        """Move a return now as the operator or the customer would: cancel it, accept or
        refuse it in the back office, record that nothing (or something) came back, close it."""
        with self.store.lock:
            found = self.get_return(return_id)
            try:
                found.move(state, self.store.clock.now())
            except ReturnError as error:
                raise ValueError(f"{return_id} is {found.state}: {error.message}") from None
            return found
