# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class MiraklReturnLine(models.Model):
    """Units of one order line a customer sends back, with the seller's verdict once
    received (compliant or not), linked to the Mirakl order line and so to the sale line."""

    _name = "mirakl.return.line"
    _description = "Mirakl Return Line"
    _order = "return_id, id"
    _rec_name = "mirakl_line_ref"

    return_id = fields.Many2one(
        "mirakl.return", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="return_id.company_id", store=True)
    mirakl_line_ref = fields.Char(string="Mirakl Order Line", required=True, readonly=True)
    order_line_id = fields.Many2one("mirakl.order.line", readonly=True, ondelete="set null")
    product_id = fields.Many2one(related="order_line_id.product_id")
    product_title = fields.Char(related="order_line_id.product_title", string="Title")
    quantity = fields.Integer(readonly=True)
    reason_code = fields.Char(string="Reason", readonly=True)
    compliance = fields.Selection(
        [("compliant", "Compliant"), ("non_compliant", "Not Compliant")], readonly=True
    )
    non_compliance_reason_code = fields.Char(string="Non-compliance Reason", readonly=True)
    non_compliance_info = fields.Text(string="Non-compliance Details", readonly=True)

    def _mirakl_link(self, order):
        """Link the lines to the lines of ``order``; a line it does not have is an error."""
        by_ref = {line.mirakl_line_id: line for line in order.line_ids}
        unknown = self.filtered(lambda line: line.mirakl_line_ref not in by_ref)
        if unknown:
            raise UserError(
                self.env._(
                    "Return %(ret)s names order lines %(lines)s, which order %(order)s does not "
                    "have in Odoo: refresh the order, then retry.",
                    ret=unknown.return_id[:1].display_name,
                    lines=", ".join(unknown.mapped("mirakl_line_ref")),
                    order=order.mirakl_order_id,
                )
            )
        for line in self:
            if line.order_line_id != by_ref[line.mirakl_line_ref]:
                line.order_line_id = by_ref[line.mirakl_line_ref]

    def _mirakl_returnable_moves(self, sale_line):
        """``[(delivered move, quantity in the product's unit)]`` to return for this line of
        ``sale_line``: its units taken from the done deliveries to the customer, less what
        earlier returns took back, latest deliveries first."""
        self.ensure_one()
        if not sale_line:
            raise UserError(
                self.env._(
                    "Line %(line)s of return %(ret)s has no sale order line: nothing was "
                    "delivered from Odoo to take back.",
                    line=self.mirakl_line_ref,
                    ret=self.return_id.display_name,
                )
            )
        product = sale_line.product_id
        wanted = sale_line.product_uom._compute_quantity(self.quantity, product.uom_id)
        rounding = product.uom_id.rounding
        result = []
        deliveries = sale_line.move_ids.filtered(
            lambda m: (
                m.state == "done"
                and m.picking_code == "outgoing"
                and m.location_dest_id.usage == "customer"
            )
        )
        for move in deliveries.sorted(lambda m: (m.date, m.id), reverse=True):
            returned = sum(
                ret.product_uom._compute_quantity(ret.product_uom_qty, product.uom_id)
                for ret in move.returned_move_ids
                if ret.state != "cancel"
            )
            delivered = move.product_uom._compute_quantity(move.quantity, product.uom_id)
            taken = min(wanted, delivered - returned)
            if float_compare(taken, 0.0, precision_rounding=rounding) > 0:
                result.append((move, taken))
                wanted -= taken
        if float_compare(wanted, 0.0, precision_rounding=rounding) > 0:
            raise UserError(
                self.env._(
                    "Odoo has not delivered, or already took back, some of the %(quantity)s "
                    "units of %(product)s that return %(ret)s takes back: check the "
                    "deliveries of %(order)s.",
                    quantity=self.quantity,
                    product=product.display_name,
                    ret=self.return_id.display_name,
                    order=sale_line.order_id.name,
                )
            )
        return result
