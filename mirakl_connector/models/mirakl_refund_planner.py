# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from decimal import Decimal

from odoo import api, models
from odoo.exceptions import UserError

from ..mapping import order as order_mapping
from ..mapping import refund as refund_mapping


class MiraklRefundPlanner(models.AbstractModel):
    """Odoo's refunds and cancellations in Mirakl's terms: which order lines, which amounts.

    A credit note's product lines refund the Mirakl lines of their sale order lines (or of
    their product, for a credit note made by hand), its delivery lines the shipping of the
    Mirakl lines whose shipping has the same taxes, first those whose products it refunds.
    Amounts are the credit note's in the order's tax mode (with or without tax), taxes in
    proportion (``mapping.refund``). Everything is checked against the order as last imported
    (``can_refund``, ``can_cancel``, what is left): a UserError lists what stops the request.
    """

    _name = "mirakl.refund.planner"
    _description = "Mirakl Refunds and Cancellations Planning"

    @api.model
    def _credit_note_parts(self, move):
        """``[(mirakl line, tax mode, part)]``: the OR28 refunds of the credit note ``move``."""
        orders = move._mirakl_orders()
        products, shipping, problems = self._credit_note_amounts(move, orders)
        payloads = self._payload_lines(orders)
        pending = self.env["mirakl.refund"]._mirakl_pending_parts(payloads)
        lefts = {
            line: refund_mapping.line_left(payload, pending[line])
            for line, payload in payloads.items()
        }
        shares = self._shipping_shares(orders, shipping, products, payloads, lefts, problems)
        instance = orders.instance_id[:1]
        reason = move.mirakl_refund_reason_id or instance.refund_reason_id
        if reason and reason.instance_id != instance:
            problems.append(
                self.env._(
                    "The refund reason %(reason)s is one of %(other)s, not of %(marketplace)s.",
                    reason=reason.display_name,
                    other=reason.instance_id.name,
                    marketplace=instance.name,
                )
            )
        reason = reason.code
        if not reason:
            problems.append(
                self.env._(
                    "Choose the Mirakl refund reason of the credit note, or a default one on "
                    "the Marketplace."
                )
            )
        sent = (
            self.env["mirakl.refund"]
            .search(
                [
                    ("move_id", "=", move.id),
                    ("origin", "=", "odoo"),
                    ("kind", "=", "refund"),
                    ("state", "=", "sent"),
                ]
            )
            .line_id
        )
        parts = []
        lines = (set(products) | set(shares)) - set(sent)
        for line in sorted(lines, key=lambda ln: (ln.order_id.id, ln.sequence)):
            amount, quantity = products.get(line, (Decimal(0), 0))
            payload = payloads[line]
            if not payload.get("can_refund"):
                problems.append(
                    self.env._(
                        "Mirakl does not let line %(line)s of order %(order)s be refunded "
                        "(status %(state)s at the last import).",
                        line=line.mirakl_line_id,
                        order=line.order_id.mirakl_order_id,
                        state=payload.get("order_line_state") or "-",
                    )
                )
                continue
            cent = self._cent(line)
            values = refund_mapping.part(
                payload, lefts[line], amount, shares.get(line, Decimal(0)), cent
            )
            if values is None:
                problems.append(
                    self.env._(
                        "The credit note refunds %(amount)s on line %(line)s, but only "
                        "%(left)s is left to refund there on Mirakl.",
                        amount=amount,
                        line=line.mirakl_line_id,
                        left=lefts[line]["amount"],
                    )
                )
                continue
            values.update(
                quantity=quantity,
                reason_code=reason,
                currency_iso_code=line.order_id.currency_id.name,
            )
            parts.append((line, self._tax_mode(line.order_id), values))
        if problems:
            raise UserError("\n".join(problems))
        return parts

    @api.model
    def _credit_note_amounts(self, move, orders):
        """``({mirakl line: (amount, quantity)}, [(order, tax ids, amount)], problems)`` of the
        credit note's lines, amounts in their order's tax mode."""
        products, shipping, problems = {}, [], []
        mirakl_lines = orders.line_ids
        deliveries = orders.sale_order_id.order_line.filtered("is_delivery")
        for line in move.invoice_line_ids.filtered(lambda ln: ln.display_type == "product"):
            sale_lines = line.sale_line_ids.filtered("order_id.mirakl_order_id")
            targets = sale_lines.mirakl_line_id
            delivery = sale_lines.filtered("is_delivery")
            if not line.sale_line_ids:  # a credit note made by hand: matched by product
                targets = mirakl_lines.filtered(lambda ml, ln=line: ml.product_id == ln.product_id)
                delivery = deliveries.filtered(lambda sl, ln=line: sl.product_id == ln.product_id)
            if len(targets) == 1:
                order = targets.order_id
            elif not targets and delivery:
                order = delivery.order_id.mirakl_order_ids[:1]
            else:
                problems.append(
                    self.env._(
                        "Credit note line %(line)s matches no single Mirakl order line: only "
                        "the products and the shipping of the order can be refunded on Mirakl.",
                        line=line.name or line.product_id.display_name,
                    )
                )
                continue
            if move.currency_id != order.currency_id:
                problems.append(
                    self.env._(
                        "The credit note is in %(currency)s, the Mirakl order %(order)s in "
                        "%(order_currency)s.",
                        currency=move.currency_id.name,
                        order=order.mirakl_order_id,
                        order_currency=order.currency_id.name,
                    )
                )
                continue
            included = self._tax_mode(order) == "TAX_INCLUDED"
            amount = refund_mapping.money(
                line.price_total if included else line.price_subtotal, self._cent(order)
            )
            if amount < 0:
                problems.append(
                    self.env._(
                        "Credit note line %(line)s is negative: Mirakl only takes refunds.",
                        line=line.name,
                    )
                )
            elif targets:
                total, quantity = products.get(targets, (Decimal(0), 0))
                products[targets] = (total + amount, quantity + int(line.quantity))
            else:
                shipping.append((order, frozenset(line.tax_ids.ids), amount))
        return products, shipping, problems

    @api.model
    def _shipping_shares(self, orders, shipping, products, payloads, lefts, problems):
        """``{mirakl line: shipping amount}``: each credit note delivery line's amount shared
        among the lines of its order whose shipping has its taxes, up to what each has left."""
        shares = {}
        if not shipping:
            return shares
        tax_sets = self._shipping_tax_sets(orders, payloads)
        for order, taxes, amount in shipping:
            lines = order.line_ids.filtered(lambda ln, t=taxes: tax_sets.get(ln) == t)
            lines = lines.sorted(lambda ln: (ln not in products, ln.sequence))
            capacities = [
                (line, lefts[line]["shipping"] - shares.get(line, Decimal(0))) for line in lines
            ]
            placed, unplaced = refund_mapping.allocate(amount, capacities)
            for line, share in placed.items():
                shares[line] = shares.get(line, Decimal(0)) + share
            if unplaced > 0:
                problems.append(
                    self.env._(
                        "The credit note refunds %(amount)s of shipping on order %(order)s, "
                        "%(unplaced)s more than the shipping left to refund there on Mirakl.",
                        amount=amount,
                        order=order.mirakl_order_id,
                        unplaced=unplaced,
                    )
                )
        return shares

    @api.model
    def _shipping_tax_sets(self, orders, payloads):
        """``{mirakl line: frozenset of Odoo tax ids}`` of each line's shipping taxes, mapped
        as the order import mapped them."""
        SaleOrder = self.env["sale.order"]
        lookups = {"taxes": {}}
        result = {}
        for order in orders:
            resolve = SaleOrder._mirakl_tax_resolver(
                order.instance_id, order.sudo().payload, lookups
            )
            for line in order.line_ids:
                taxes = payloads[line].get("shipping_taxes")
                result[line] = frozenset(SaleOrder._mirakl_tax_ids(resolve, taxes))
        return result

    @api.model
    def _cancelation_parts(self, order, quantities, reason_code):
        """``[(mirakl line, tax mode, part)]`` of OR30 cancellations of ``quantities`` units
        (``{mirakl line: units}``): a part of the price for some units, everything left (the
        shipping too) for the last ones."""
        if not order.can_cancel:
            raise UserError(
                self.env._(
                    "Mirakl no longer lets order %(order)s be cancelled (status %(state)s at the "
                    "last import): refund it with a credit note instead.",
                    order=order.mirakl_order_id,
                    state=order.mirakl_state,
                )
            )
        payloads = self._payload_lines(order)
        pending = self.env["mirakl.refund"]._mirakl_pending_parts(payloads)
        cent = self._cent(order)
        mode = self._tax_mode(order)
        parts, problems = [], []
        for line, quantity in quantities.items():
            payload = payloads[line]
            pending_units = sum(int(part.get("quantity") or 0) for part in pending[line])
            units = refund_mapping.units_left(payload, pending_units)
            if payload.get("order_line_state") in order_mapping.UNSOLD_LINE_STATES:
                units = 0
            if not 0 < quantity <= units:
                problems.append(
                    self.env._(
                        "Line %(line)s has %(units)s unit(s) left to cancel, not %(quantity)s.",
                        line=line.mirakl_line_id,
                        units=units,
                        quantity=quantity,
                    )
                )
                continue
            left = refund_mapping.line_left(payload, pending[line])
            if quantity == units:
                amount, shipping = left["amount"], left["shipping"]
            else:
                unit_price = order_mapping.to_decimal(payload.get("price_unit"))
                amount, shipping = refund_mapping.money(unit_price * quantity, cent), Decimal(0)
            values = refund_mapping.part(payload, left, amount, shipping, cent)
            values.update(
                quantity=quantity, reason_code=reason_code, currency_iso_code=order.currency_id.name
            )
            parts.append((line, mode, values))
        if problems:
            raise UserError("\n".join(problems))
        return parts

    # -- helpers -------------------------------------------------------------------------

    @api.model
    def _payload_lines(self, orders):
        """``{mirakl line: its payload}`` as the last import stored them."""
        result = {}
        for order in orders:
            lines = {
                str(line.get("order_line_id")): line
                for line in (order.sudo().payload or {}).get("order_lines") or []
            }
            for line in order.line_ids:
                result[line] = lines.get(line.mirakl_line_id, {})
        return result

    @api.model
    def _tax_mode(self, order):
        return order.tax_mode or order.instance_id.order_tax_mode

    @api.model
    def _cent(self, record):
        return Decimal(10) ** -record.currency_id.decimal_places
