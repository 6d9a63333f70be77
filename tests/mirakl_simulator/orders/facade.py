"""Order seeding and steering on ``OperatorSimulator`` (mixed into it): what tests call.

Every method takes the store lock, like a request, so tests may steer a running simulator.
"""

from .builder import build_order
from .generator import generated_stubs
from .refunds import REFUND, AdjustmentError, plan, record_refund
from .render import details_before_acceptance, render_order, renderer
from .states import MILESTONES, advance, cancel_line, refund_line, replay


class OrdersFacade:
    """``add_order``, ``set_order_state``, ``cancel_order_line``, ``refund_order_line``,
    ``refund_on_mirakl``, ``add_generated_orders``, ``order_payload`` and the order settings."""

    @property
    def order_settings(self):
        """``OrderSettings``: widening, debit and acceptance delays, partial acceptance, exports."""
        return self.store.orders.settings

    @property
    def orders_update_window_widening(self):
        return self.store.orders.settings.update_window_widening

    @orders_update_window_widening.setter
    def orders_update_window_widening(self, value):
        self.store.orders.settings.update_window_widening = value

    def _default_tax_mode(self):
        return self.store.platform_configuration["features"]["order_tax_mode"]

    def _reason(self, code, kind):
        """``(code, label)`` of an RE01 reason; ``code=None`` picks the first reason of ``kind``."""
        reasons = self.store.reference["reasons"]
        for reason in reasons:
            if (code is None and reason["type"] == kind) or reason["code"] == code:
                return reason["code"], reason["label"]
        if code is None:
            raise ValueError(f"no {kind} reason in the reference data: pass reason_code")
        return code, code

    def _adjustment_id(self):
        return str(self.store.orders.next_id())

    def add_order(
        self,
        shop_id,
        order_id=None,
        state="WAITING_ACCEPTANCE",
        lines=None,
        tax_mode=None,
        customer=None,
        channel=None,
        shipping=None,
        created_date=None,
        **options,
    ):
        """Create an order of ``shop_id`` in ``state`` and return it (``orders.model.Order``).

        ``lines``: dicts with ``offer_sku``, ``quantity``, ``price_unit`` and ``shipping_price``
        (line total) in ``tax_mode`` (default: PC01's), ``taxes``/``shipping_taxes``
        (``[{"code", "rate"}]`` or ``[{"code", "amount"}]``; default 20 % VAT),
        ``origin_unit_price`` + ``promotion``. ``customer`` overrides customer keys, ``channel``
        is a channel code, ``shipping`` has ``type_code``, ``zone_code``, ``carrier_code``,
        ``tracking``. Without ``created_date`` the order is created so that its last move
        (``states.MILESTONES``) happens now. ``options``: ``leadtime_to_ship``,
        ``fulfillment_center``, ``operator_fulfilled``, ``additional_fields``, ``reason_code``.
        """
        with self.store.lock:
            orders = self.store.orders
            shop = self.store.shops[shop_id]
            reason_code = options.pop("reason_code", None)
            now = self.store.clock.now()
            order = build_order(
                self.store,
                shop,
                order_id or f"SIM{orders.next_id():07d}-A",
                created_date or now - MILESTONES[state],
                lines or [{}],
                tax_mode=tax_mode or self._default_tax_mode(),
                customer=customer,
                channel=channel,
                shipping=shipping,
                **options,
            )
            reason = self._reason(reason_code, "CANCELATION") if state == "CANCELED" else None
            replay(order, state, self._adjustment_id, reason)
            orders.add(shop_id, [order])
            return order

    def add_generated_orders(
        self, shop_id, count, lines_per_order=3, state="SHIPPING", seed=0, tax_mode=None
    ):
        """Add ``count`` orders of new customers in ``state``, built only when served.

        Deterministic for a given shop and ``seed`` (ids ``GEN<shop_id>-<seed>-000001-A``...);
        returns the ids.
        """
        with self.store.lock:
            stubs = generated_stubs(
                self.store,
                self.store.shops[shop_id],
                count,
                lines_per_order,
                state,
                seed,
                tax_mode or self._default_tax_mode(),
                self.store.clock.now(),
            )
            self.store.orders.add(shop_id, stubs)
            return [stub.order_id for stub in stubs]

    def get_order(self, order_id):
        """The live ``Order`` (changes to it show in the next answers)."""
        with self.store.lock:
            return self.store.orders.find(order_id)

    def order_payload(self, order_id, tax_mode=None):
        """The order as OR11 would serve it now (amounts as Decimal)."""
        with self.store.lock:
            orders = self.store.orders
            orders.tick(self.store.clock.now())
            return render_order(
                orders.find(order_id, keep=False),
                tax_mode or self._default_tax_mode(),
                details_before_acceptance(self.store.platform_configuration),
            )

    def set_order_state(self, order_id, state, reason_code=None):
        """Move an order to ``state`` now, as the operator or the customer would."""
        with self.store.lock:
            kind = "CANCELATION" if state == "CANCELED" else None
            reason = self._reason(reason_code, kind) if kind or reason_code else None
            order = self.store.orders.find(order_id)
            advance(order, state, self.store.clock.now(), reason, self._adjustment_id)
            return order

    def touch_order(self, order_id, at=None):
        """Bump ``last_updated_date`` (to ``at``, default now) without another change."""
        with self.store.lock:
            order = self.store.orders.find(order_id)
            order.last_updated_date = at or self.store.clock.now()
            return order

    def cancel_order_line(self, order_id, line_id, quantity=None, reason_code=None):
        """Cancel ``quantity`` units of a line (default: all left, with its shipping)."""
        with self.store.lock:
            order = self.store.orders.find(order_id)
            line = self._line(order, line_id)
            reason = self._reason(reason_code, "CANCELATION")
            now = self.store.clock.now()
            cancel_line(order, line, quantity, reason, now, self._adjustment_id())
            return order

    def refund_order_line(
        self,
        order_id,
        line_id,
        quantity=None,
        shipping=None,
        reason_code=None,
        refund_state="REFUNDED",
    ):
        """Refund ``quantity`` units of a shipped line (default: all left, shipping included)."""
        with self.store.lock:
            order = self.store.orders.find(order_id)
            line = self._line(order, line_id)
            reason, _label = self._reason(reason_code, "REFUND")
            ids = (self._adjustment_id(), f"{order.order_id}-R{self.store.orders.next_id()}")
            now = self.store.clock.now()
            refund_line(order, line, quantity, shipping, reason, refund_state, now, ids)
            return order

    def refund_on_mirakl(
        self,
        order_id,
        line_id,
        amount,
        shipping_amount=0,
        taxes=None,
        shipping_taxes=None,
        reason_code=None,
        tax_mode=None,
        refund_state="REFUNDED",
    ):
        """A refund made on Mirakl's side (operator, customer service), checked as OR28 checks
        a seller's: amounts in ``tax_mode`` (default PC01's), ``taxes``/``shipping_taxes`` as
        ``{code: amount}`` (default: proportional). Returns the refund (``Adjustment``)."""
        with self.store.lock:
            order = self.store.orders.find(order_id)
            line = self._line(order, line_id)
            item = {
                "amount": amount,
                "shipping_amount": shipping_amount,
                "reason_code": self._reason(reason_code, "REFUND")[0],
            }
            for key, values in (("taxes", taxes), ("shipping_taxes", shipping_taxes)):
                if values is not None:
                    item[key] = [{"code": code, "amount": value} for code, value in values.items()]
            try:
                part = plan(
                    self.store, order, line, item, tax_mode or self._default_tax_mode(), REFUND
                )
            except AdjustmentError as error:
                raise ValueError(error.message) from None
            ids = (self._adjustment_id(), f"{order.order_id}-R{self.store.orders.next_id()}")
            return record_refund(part, ids, refund_state, self.store.clock.now())

    def finish_order_exports(self, outcome="COMPLETED"):
        """End every PENDING order export now, COMPLETED or FAILED."""
        with self.store.lock:
            orders = self.store.orders
            now = self.store.clock.now()
            for job in orders.exports.pending():
                render = renderer(orders.book(job.shop_id), self.store.platform_configuration)
                orders.exports.finish(job, now, render, outcome)

    @staticmethod
    def _line(order, line_id):
        line = order.line(line_id)
        if line is None:
            raise KeyError(f"order {order.order_id} has no line {line_id!r}")
        return line
