# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from decimal import Decimal

from odoo import Command, api, models
from odoo.tools import float_compare

# Context key of the credit notes made here: they are Mirakl's refunds, never sent back to it.
IMPORT_KEY = "mirakl_refund_import"


class MiraklRefundImport(models.AbstractModel):
    """Credit notes for the refunds made on Mirakl (by the operator or customer service).

    The order import lists every refund of an order (``mirakl.order.adjustment``); those no
    Odoo credit note asked for become one credit note of the order's invoice per import, with
    Mirakl's amounts in the order's tax mode and the taxes of the sale order lines, posted
    when the Marketplace invoices automatically. Each refund is imported once (one
    ``mirakl.refund`` per adjustment); an order not invoiced yet waits for its invoice.
    """

    _name = "mirakl.refund.import"
    _description = "Mirakl Refunds Made on Mirakl"

    @api.model
    def _import_refunds(self, orders):
        """Make the credit notes of the refunds made on Mirakl of ``orders``; returns them."""
        adjustments = orders.adjustment_ids.filtered(lambda adj: adj.kind == "refund")
        known = (
            self.env["mirakl.refund"]
            .search([("adjustment_id", "in", adjustments.ids)])
            .adjustment_id
        )
        todo = adjustments - known
        moves = self.env["account.move"]
        for order in todo.order_id:
            invoice = order.sale_order_id.invoice_ids.filtered(
                lambda move: move.move_type == "out_invoice" and move.state == "posted"
            ).sorted("id")[-1:]
            if invoice:
                refunds = todo.filtered(lambda adj, o=order: adj.order_id == o)
                moves |= self._credit_note(order, invoice, refunds.sorted("id"))
        return moves

    @api.model
    def _credit_note(self, order, invoice, adjustments):
        sale_order = order.sale_order_id
        sale_lines = {line.mirakl_line_id: line for line in sale_order.order_line}
        planner = self.env["mirakl.refund.planner"]
        tax_sets = planner._shipping_tax_sets(order, planner._payload_lines(order))
        deliveries = sale_order.order_line.filtered("is_delivery")
        line_values = []
        for adjustment in adjustments:
            sale_line = sale_lines.get(adjustment.line_id)
            if adjustment.amount and sale_line:
                line_values.append(
                    self._line_values(sale_line, adjustment.quantity, adjustment.amount)
                )
            if adjustment.shipping_amount and deliveries:
                delivery = deliveries.filtered(
                    lambda dl, adj=adjustment: frozenset(dl.tax_id.ids) == tax_sets[adj.line_id]
                )[:1]
                line_values.append(
                    self._line_values(delivery or deliveries[0], 1, adjustment.shipping_amount)
                )
        if not line_values:
            return self.env["account.move"]
        reason = self.env["mirakl.reason"].search(
            [
                ("instance_id", "=", order.instance_id.id),
                ("type", "=", "REFUND"),
                ("code", "in", adjustments.mapped("reason_code")),
            ],
            limit=1,
        )
        move = (
            self.env["account.move"]
            .with_context(**{IMPORT_KEY: True})
            .create(
                {
                    "move_type": "out_refund",
                    "partner_id": invoice.partner_id.id,
                    "journal_id": invoice.journal_id.id,
                    "currency_id": invoice.currency_id.id,
                    "fiscal_position_id": invoice.fiscal_position_id.id,
                    "reversed_entry_id": invoice.id,
                    "invoice_origin": sale_order.name,
                    "ref": self.env._(
                        "Refund made on Mirakl, order %(order)s", order=order.mirakl_order_id
                    ),
                    "mirakl_refund_reason_id": reason.id,
                    "invoice_line_ids": [Command.create(values) for values in line_values],
                }
            )
        )
        self.env["mirakl.refund"].create(
            [
                {
                    "kind": "refund",
                    "origin": "mirakl",
                    "state": "imported",
                    "line_id": adjustment.line_id.id,
                    "move_id": move.id,
                    "adjustment_id": adjustment.id,
                    "mirakl_ref": adjustment.mirakl_id,
                    "tax_mode": order.tax_mode,
                    "quantity": adjustment.quantity,
                    "amount": adjustment.amount,
                    "shipping_amount": adjustment.shipping_amount,
                    "tax_amount": adjustment.tax_amount,
                    "reason_code": adjustment.reason_code,
                }
                for adjustment in adjustments
            ]
        )
        self._check_total(order, move, adjustments)
        auto_invoice, _journal = self.env["mirakl.payment.mapping"]._mirakl_settings(
            order.instance_id, order.payment_workflow, order.payment_type
        )
        if auto_invoice:
            move.with_context(**{IMPORT_KEY: True}).action_post()
        body = self.env._(
            "Credit note %(move)s made for the refunds made on Mirakl: %(refunds)s.",
            move=move.name or move.display_name,
            refunds=", ".join(
                f"{adj.line_id.mirakl_line_id} {adj.amount + adj.shipping_amount:.2f} "
                f"({adj.mirakl_id})"
                for adj in adjustments
            ),
        )
        sale_order.message_post(body=body)
        move.message_post(body=body)
        return move

    @api.model
    def _line_values(self, sale_line, quantity, amount):
        """A credit note line of ``amount`` (in the order's tax mode, as the sale line's
        taxes are) for ``quantity`` units, or for one when the unit price would lose a cent."""
        digits = sale_line.currency_id.decimal_places
        total = Decimal(str(amount))
        unit = total / quantity if quantity > 0 else total
        if quantity <= 0 or unit != round(unit, digits):
            quantity, unit = 1, total
        return {
            "product_id": sale_line.product_id.id,
            "name": sale_line.name,
            "quantity": quantity,
            "price_unit": float(unit),
            "tax_ids": [Command.set(sale_line.tax_id.ids)],
            "sale_line_ids": [Command.set(sale_line.ids)],
        }

    @api.model
    def _check_total(self, order, move, adjustments):
        """Say so on the credit note when Odoo's taxes do not give Mirakl's total."""
        total = sum(adjustments.mapped("amount")) + sum(adjustments.mapped("shipping_amount"))
        if order.tax_mode == "TAX_EXCLUDED":
            total += sum(adjustments.mapped("tax_amount"))
        if float_compare(total, move.amount_total, precision_rounding=move.currency_id.rounding):
            move.message_post(
                body=self.env._(
                    "Mirakl refunded %(mirakl)s in total, this credit note comes to %(odoo)s: "
                    "check its taxes against the Marketplace's tax mappings.",
                    mirakl=total,
                    odoo=move.amount_total,
                )
            )

    @api.model
    def _waiting_orders(self, instance):
        """Orders of ``instance`` with refunds made on Mirakl not imported yet whose sale order
        is invoiced: the scheduled run imports them."""
        adjustments = self.env["mirakl.order.adjustment"].search(
            [
                ("order_id.instance_id", "=", instance.id),
                ("kind", "=", "refund"),
                ("order_id.sale_order_id.invoice_ids.state", "=", "posted"),
                ("order_id.sync_stopped", "=", False),
            ]
        )
        known = (
            self.env["mirakl.refund"]
            .search([("adjustment_id", "in", adjustments.ids)])
            .adjustment_id
        )
        return (adjustments - known).order_id
