# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models

from ..mapping import order as order_mapping
from ..mirakl import errors

# Accepted orders whose goods have not left: their units are promised.
ACCEPTED_UNSHIPPED_STATES = tuple(
    state for state in order_mapping.ACCEPTED_STATES if state not in order_mapping.SHIPPED_STATES
)


class MiraklOrderAcceptance(models.AbstractModel):
    """The acceptance step of order processing: manual, automatic or by rules (known and
    linked SKU, free stock after the buffer and what other accepted orders were promised,
    price within a tolerance of the listing). OR21 always carries a decision for every line.
    """

    _name = "mirakl.order.acceptance"
    _description = "Mirakl Order Acceptance"

    @api.model
    def _decide(self, instance, order, payload, lookups, warehouse):
        """Decide on an order awaiting acceptance as the Marketplace says (OR21); manual mode
        and rules the seller wants to check leave an activity instead."""
        if order.mirakl_state != "WAITING_ACCEPTANCE":
            if order.activity_ids:
                order.activity_unlink(["mail.mail_activity_data_todo"])
            return
        if order.acceptance_sent_date:
            return
        mode = instance.acceptance_mode
        if mode == "manual":
            order._mirakl_schedule_acceptance_activity()
            return
        decisions = {line.mirakl_line_id: True for line in order.line_ids}
        reason = None
        if mode == "rules":
            refusals = self._rule_refusals(instance, order, payload, lookups, warehouse)
            for line in order.line_ids:
                line.acceptance_note = refusals.get(line.mirakl_line_id, False)
            if refusals and instance.acceptance_rule_failure == "manual":
                order._mirakl_schedule_acceptance_activity(
                    note="; ".join(f"{key}: {value}" for key, value in refusals.items())
                )
                return
            decisions = {line_id: line_id not in refusals for line_id in decisions}
            reason = "; ".join(refusals.values()) or None
        try:
            order._mirakl_send_acceptance(decisions, reason=reason)
        except errors.MiraklBadRequestError as error:
            # Already decided (a retry, the operator) or no longer possible: read it again.
            order.message_post(
                body=self.env._("Mirakl refused the decision: %(message)s", message=error.message)
            )
            order.action_refresh()

    @api.model
    def _rule_refusals(self, instance, order, payload, lookups, warehouse):
        """``{line id: reason}`` of the lines the acceptance rules would not accept."""
        lines = {line.mirakl_line_id: line for line in order.line_ids}
        products = {line_id: line.product_id.id for line_id, line in lines.items()}
        prices = {
            line_id: lookups["listing_prices"].get(line.listing_id.id)
            for line_id, line in lines.items()
        }
        stock = order.line_ids.product_id.with_context(warehouse_id=warehouse.id)
        promised = self._promised_quantities(instance, order, stock)
        free_qty = {product.id: product.free_qty - promised.get(product, 0) for product in stock}
        return order_mapping.rule_refusals(
            [
                dict(line, order_line_id=str(line["order_line_id"]))
                for line in payload["order_lines"]
            ],
            products,
            free_qty,
            prices,
            instance.acceptance_stock_buffer,
            instance.acceptance_price_tolerance,
        )

    @api.model
    def _promised_quantities(self, instance, order, products):
        """``{product: units}`` other orders of the Marketplace were accepted for but whose
        sale order does not reserve them yet: free stock must not promise them twice."""
        groups = self.env["mirakl.order.line"]._read_group(
            [
                ("instance_id", "=", instance.id),
                ("order_id", "!=", order.id),
                ("product_id", "in", products.ids),
                ("mirakl_state", "not in", order_mapping.UNSOLD_LINE_STATES),
                "|",
                ("acceptance_decision", "=", "accepted"),
                ("order_id.mirakl_state", "in", ACCEPTED_UNSHIPPED_STATES),
                ("acceptance_decision", "!=", "refused"),
                "|",
                ("order_id.sale_order_id", "=", False),
                ("order_id.sale_order_id.state", "in", ("draft", "sent")),
            ],
            ["product_id"],
            ["quantity:sum"],
        )
        return dict(groups)
