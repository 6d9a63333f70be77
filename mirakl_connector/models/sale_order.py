# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from decimal import Decimal

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..mapping import order as order_mapping

# Context key under which the order import may change the lines of a Mirakl sale order.
MIRAKL_SYNC_KEY = "mirakl_sync"


class SaleOrder(models.Model):
    _inherit = "sale.order"

    mirakl_instance_id = fields.Many2one(
        "mirakl.instance",
        string="Mirakl Marketplace",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
    )
    mirakl_order_id = fields.Char(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The order's id on the Marketplace.",
    )
    mirakl_order_ids = fields.One2many(
        "mirakl.order", "sale_order_id", string="Mirakl Order Record", readonly=True
    )
    mirakl_state = fields.Selection(related="mirakl_order_ids.mirakl_state", string="Mirakl Status")
    mirakl_channel_id = fields.Many2one("mirakl.channel", readonly=True, copy=False)
    mirakl_fulfillment_center = fields.Char(string="Fulfilment Centre", readonly=True, copy=False)
    mirakl_sync_stopped = fields.Boolean(
        string="Stop Syncing with Mirakl",
        compute="_compute_mirakl_sync_stopped",
        inverse="_inverse_mirakl_sync_stopped",
        help="Mirakl's later changes (cancellation, shipment made elsewhere) are no longer "
        "applied to this order, and Odoo sends nothing more about it to Mirakl.",
    )
    mirakl_amount_mismatch = fields.Boolean(
        string="Totals Differ from Mirakl",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Odoo's totals differ from the amounts Mirakl charged by more than rounding.",
    )
    mirakl_amount_difference = fields.Monetary(
        string="Difference with Mirakl", readonly=True, copy=False
    )
    mirakl_thread_ids = fields.One2many(
        "mirakl.message.thread", "sale_order_id", string="Mirakl Messages", readonly=True
    )
    mirakl_thread_count = fields.Integer(compute="_compute_mirakl_thread_count")

    mirakl_return_count = fields.Integer(compute="_compute_mirakl_return_count")

    _sql_constraints = [
        (
            "mirakl_order_uniq",
            "UNIQUE(mirakl_instance_id, mirakl_order_id)",
            "A Mirakl order makes one sale order.",
        ),
    ]

    @api.depends("mirakl_order_ids.sync_stopped")
    def _compute_mirakl_sync_stopped(self):
        for order in self:
            order.mirakl_sync_stopped = any(order.mirakl_order_ids.mapped("sync_stopped"))

    def _inverse_mirakl_sync_stopped(self):
        for order in self:
            order.mirakl_order_ids.sync_stopped = order.mirakl_sync_stopped

    def _compute_mirakl_return_count(self):
        counts = dict(
            self.env["mirakl.return"]
            .sudo()
            ._read_group([("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"])
        )
        for order in self:
            order.mirakl_return_count = counts.get(order, 0)

    def action_view_mirakl_returns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "mirakl_connector.mirakl_return_action"
        )
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {}
        return action

    def _compute_mirakl_thread_count(self):
        counts = dict(
            self.env["mirakl.message.thread"]._read_group(
                [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"]
            )
        )
        for order in self:
            order.mirakl_thread_count = counts.get(order, 0)

    def action_mirakl_reply(self):
        """Write to the customer or the operator through Mirakl (never by e-mail)."""
        self.ensure_one()
        return self.env["mirakl.message.reply"]._action_open(mirakl_order=self.mirakl_order_ids[:1])

    def action_view_mirakl_threads(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "mirakl_connector.mirakl_message_thread_action"
        )
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {}
        return action

    @api.model
    def _mirakl_prepare_values(self, instance, order, payload, contacts, lookups, warehouse):
        """Values of the sale order of a Mirakl order: its contacts, the Marketplace's
        settings, and lines with Mirakl's own prices and the mapped taxes."""
        customer, invoice, shipping = contacts
        carrier = self._mirakl_carrier(instance, order, lookups)
        values = {
            "partner_id": customer.id,
            "partner_invoice_id": invoice.id,
            "partner_shipping_id": shipping.id,
            "company_id": instance.company_id.id,
            "pricelist_id": self._mirakl_pricelist(instance, order.currency_id, lookups).id,
            "team_id": instance.team_id.id,
            "user_id": instance.user_id.id,
            "date_order": order.created_date,
            "client_order_ref": order.commercial_id or order.mirakl_order_id,
            "origin": f"{instance.name}: {order.mirakl_order_id}",
            "carrier_id": carrier.id,
            "mirakl_instance_id": instance.id,
            "mirakl_order_id": order.mirakl_order_id,
            "mirakl_channel_id": order.channel_id.id,
            "mirakl_fulfillment_center": order.fulfillment_center_code,
            "mirakl_order_ids": [Command.link(order.id)],
            "order_line": [
                Command.create(values)
                for values in self._mirakl_prepare_line_values(
                    instance, order, payload, lookups, carrier
                )
            ],
        }
        if warehouse:
            values["warehouse_id"] = warehouse.id
        return values

    @api.model
    def _mirakl_prepare_line_values(self, instance, order, payload, lookups, carrier):
        """Product lines at Mirakl's unit prices (a promotion line for any discount beyond
        them) and one delivery line per shipping tax set, at Mirakl's shipping price."""
        resolve = self._mirakl_tax_resolver(instance, payload, lookups)
        records = {line.mirakl_line_id: line for line in order.line_ids}
        sold = order_mapping.sold_lines(payload)
        result = []
        for line in sold:
            record = records[str(line["order_line_id"])]
            if not record.product_id:
                raise UserError(
                    self.env._(
                        "No Odoo product sells the offer %(sku)s (offer %(offer)s): link its "
                        "listing to a product, or give a product the internal reference "
                        "%(sku)s, then retry.",
                        sku=record.offer_sku,
                        offer=record.offer_id,
                    )
                )
            taxes = self._mirakl_tax_ids(resolve, line.get("taxes"))
            name = f"[{record.offer_sku}] {record.product_title}" if record.offer_sku else ""
            note = order_mapping.promotion_note(line, order.currency_id.decimal_places)
            result.append(
                {
                    "product_id": record.product_id.id,
                    "name": "\n".join(filter(None, (name or record.product_title, note))),
                    "product_uom_qty": order_mapping.line_quantity(line),
                    "price_unit": float(order_mapping.to_decimal(line["price_unit"])),
                    "tax_id": [Command.set(taxes)],
                    "mirakl_line_id": record.id,
                    "sequence": record.sequence,
                }
            )
            remainder = order_mapping.promotion_remainder(line)
            if remainder:
                result.append(self._mirakl_promotion_line(instance, record, remainder, taxes))
        for tax_keys, amount in order_mapping.shipping_groups(sold).items():
            if not carrier:
                raise UserError(
                    self.env._(
                        "No delivery method for the shipping of order %(order)s (carrier "
                        "%(carrier)s): map the Mirakl carrier or set the Marketplace's default "
                        "delivery method, then retry.",
                        order=order.mirakl_order_id,
                        carrier=order.shipping_carrier_code or "-",
                    )
                )
            taxes = self._mirakl_tax_ids(resolve, [{"code": c, "rate": r} for c, r in tax_keys])
            result.append(
                {
                    "product_id": carrier.product_id.id,
                    "name": " - ".join(filter(None, (carrier.name, order.shipping_type_label))),
                    "product_uom_qty": 1,
                    "price_unit": float(amount),
                    "tax_id": [Command.set(taxes)],
                    "is_delivery": True,
                    "sequence": 10000,
                }
            )
        return result

    @api.model
    def _mirakl_promotion_line(self, instance, record, amount, taxes):
        product = instance.discount_product_id
        if not product:
            raise UserError(
                self.env._(
                    "Mirakl discounted line %(line)s by %(amount)s beyond its unit price: set "
                    "the Marketplace's promotion product, then retry.",
                    line=record.mirakl_line_id,
                    amount=-amount,
                )
            )
        return {
            "product_id": product.id,
            "name": self.env._("Promotion on %(line)s", line=record.product_title),
            "product_uom_qty": 1,
            "price_unit": float(amount),
            "tax_id": [Command.set(taxes)],
            "sequence": record.sequence,
        }

    @api.model
    def _mirakl_tax_resolver(self, instance, payload, lookups):
        mode = payload.get("order_tax_mode") or instance.order_tax_mode
        if not mode:
            raise UserError(
                self.env._(
                    "Test the connection of %(marketplace)s: Odoo must know whether its "
                    "prices include taxes.",
                    marketplace=instance.name,
                )
            )
        if mode not in lookups["taxes"]:
            lookups["taxes"][mode] = self.env["mirakl.tax.mapping"]._mirakl_lookup(
                instance, price_include=mode == "TAX_INCLUDED"
            )
        return lookups["taxes"][mode]

    @api.model
    def _mirakl_tax_ids(self, resolve, taxes):
        tax_ids = []
        for tax in taxes or []:
            code, rate = order_mapping.tax_key(tax)
            tax_id = resolve(code, rate)
            if not tax_id:
                raise UserError(
                    self.env._(
                        "No Odoo tax for the Mirakl tax %(code)s at %(rate)s%%: add it to the "
                        "Marketplace's tax mappings, then retry.",
                        code=code,
                        # "20", not Decimal's "2E+1".
                        rate="-" if rate is None else format(Decimal(str(rate)).normalize(), "f"),
                    )
                )
            if tax_id not in tax_ids:
                tax_ids.append(tax_id)
        return tax_ids

    @api.model
    def _mirakl_pricelist(self, instance, currency, lookups):
        """The Marketplace's pricelist, or one in the order's currency; prices come from
        Mirakl either way, the pricelist only sets the currency."""
        if currency.id in lookups["pricelists"]:
            return lookups["pricelists"][currency.id]
        if not currency.active:
            raise UserError(
                self.env._("Activate the currency %(currency)s first.", currency=currency.name)
            )
        pricelist = instance.pricelist_id
        if not pricelist or pricelist.currency_id != currency:
            pricelist = self.env["product.pricelist"].search(
                [
                    ("currency_id", "=", currency.id),
                    ("company_id", "in", [instance.company_id.id, False]),
                ],
                order="company_id, id",
                limit=1,
            )
        if not pricelist and currency != instance.company_id.currency_id:
            raise UserError(
                self.env._(
                    "The orders of %(marketplace)s are in %(currency)s: create a pricelist in "
                    "that currency and set it on the Marketplace.",
                    marketplace=instance.name,
                    currency=currency.name,
                )
            )
        lookups["pricelists"][currency.id] = pricelist
        return pricelist

    @api.model
    def _mirakl_carrier(self, instance, order, lookups):
        """The Odoo delivery method of the Mirakl carrier, else the Marketplace's default."""
        carrier_id = lookups["carriers"].get(order.shipping_carrier_code)
        return self.env["delivery.carrier"].browse(carrier_id) or instance.default_carrier_id

    def _mirakl_check_lines_editable(self):
        """Refuse line changes on orders imported from Mirakl, except by the import itself or
        once the seller stopped syncing the order."""
        if self.env.context.get(MIRAKL_SYNC_KEY):
            return
        locked = self.sudo().filtered(
            lambda order: order.mirakl_order_id and not order.mirakl_sync_stopped
        )
        if locked:
            raise UserError(
                self.env._(
                    "The lines of %(orders)s come from Mirakl: their products, quantities, "
                    "prices and taxes are what the customer bought, so they cannot be changed "
                    "in Odoo. Cancel or refund on Mirakl instead, or tick Stop Syncing first.",
                    orders=", ".join(locked.mapped("name")),
                )
            )

    def action_cancel(self):
        # A synced Mirakl order is cancelled on Mirakl first (OR30), through "Cancel on Mirakl".
        on_mirakl = self.sudo().filtered(
            lambda order: (
                order.mirakl_order_id
                and not order.mirakl_sync_stopped
                and order.mirakl_state not in ("CANCELED", "REFUSED")
            )
        )
        if not on_mirakl or self.env.context.get(MIRAKL_SYNC_KEY):
            return super().action_cancel()
        if len(self) > 1:
            raise UserError(self.env._("Cancel the orders of Mirakl one at a time."))
        if not self.sudo().mirakl_order_ids[:1].can_cancel:
            raise UserError(
                self.env._(
                    "Mirakl does not let %(order)s be cancelled now (status %(state)s): refuse "
                    "it while it awaits acceptance, refund it with a credit note once shipped.",
                    order=self.name,
                    state=self.mirakl_state,
                )
            )
        return self.action_mirakl_cancel(cancel_all=True)

    def action_mirakl_cancel(self, cancel_all=False):
        """Open "Cancel on Mirakl": the units of this order to cancel there, and why."""
        self.ensure_one()
        if not self.env.user.has_group("mirakl_connector.group_mirakl_user"):
            raise UserError(
                self.env._("Only Mirakl users can cancel an order of %(name)s.", name=self.name)
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel on Mirakl"),
            "res_model": "mirakl.order.cancel",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_order_id": self.mirakl_order_ids[:1].id,
                "mirakl_cancel_all": cancel_all,
            },
        }

    def _mirakl_check_totals(self, expected):
        """Flag the order when its totals differ from Mirakl's ``(untaxed, tax, total)``.

        Mirakl's amounts are what the customer paid and what the operator settles: Odoo does
        not adjust anything to hide a gap, it shows it (field, filter, chatter).
        """
        self.ensure_one()
        actual = (self.amount_untaxed, self.amount_tax, self.amount_total)
        difference = float(order_mapping.totals_difference(expected, actual))
        mismatch = bool(difference)
        if mismatch and not self.mirakl_amount_mismatch:
            self.message_post(
                body=Markup("%s<br/>%s")
                % (
                    self.env._("The totals differ from the amounts Mirakl charged."),
                    self.env._(
                        "Mirakl: %(untaxed)s untaxed, %(tax)s taxes, %(total)s in total. "
                        "Odoo: %(o_untaxed)s, %(o_tax)s, %(o_total)s. Check the tax mappings "
                        "of the Marketplace.",
                        untaxed=expected[0],
                        tax=expected[1],
                        total=expected[2],
                        o_untaxed=self.amount_untaxed,
                        o_tax=self.amount_tax,
                        o_total=self.amount_total,
                    ),
                )
            )
        if (self.mirakl_amount_mismatch, self.mirakl_amount_difference) != (mismatch, difference):
            self.write({"mirakl_amount_mismatch": mismatch, "mirakl_amount_difference": difference})
            self.mirakl_order_ids.write(
                {"amount_mismatch": mismatch, "amount_difference": difference}
            )

    def _mirakl_cancel(self, reason_code, reason_label):
        """Cancel the order and its open deliveries because Mirakl cancelled it."""
        self.ensure_one()
        reason = " - ".join(filter(None, (reason_code, reason_label))) or self.env._("none given")
        if self.state == "cancel":
            return
        if self.invoice_ids.filtered(lambda move: move.state == "posted"):
            self.message_post(
                body=self.env._(
                    "Mirakl cancelled this order (reason: %(reason)s), but it is already "
                    "invoiced: issue a credit note.",
                    reason=reason,
                )
            )
            return
        if self.picking_ids.filtered(lambda picking: picking.state == "done"):
            self.message_post(
                body=self.env._(
                    "Mirakl cancelled this order (reason: %(reason)s), but goods were already "
                    "delivered: check the delivery.",
                    reason=reason,
                )
            )
            return
        self.with_context(disable_cancel_warning=True)._action_cancel()
        self.message_post(
            body=self.env._("Cancelled on Mirakl (reason: %(reason)s).", reason=reason)
        )

    def _mirakl_set_quantities(self, quantities, reason):
        """Bring line quantities down to what Mirakl still sells (``{sale line: qty}``)."""
        changed = {line: qty for line, qty in quantities.items() if line.product_uom_qty != qty}
        for line, qty in changed.items():
            line.with_context(**{MIRAKL_SYNC_KEY: True}).product_uom_qty = qty
        if changed:
            self.message_post(
                body=self.env._(
                    "Quantities changed by Mirakl (%(reason)s): %(lines)s",
                    reason=reason,
                    lines=", ".join(
                        f"{line.product_id.display_name}: {qty:g}" for line, qty in changed.items()
                    ),
                )
            )

    def _mirakl_validate_deliveries(self, tracking_ref, carrier):
        """Mark the open transfers done, upstream steps first (pick, pack, then the delivery):
        the order was shipped outside Odoo."""
        self.ensure_one()
        validated = self.env["stock.picking"]
        while pending := (
            self.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")) - validated
        ):
            # The next steps' transfers may only appear once the previous step is done.
            ready = (
                pending.filtered(
                    lambda p: all(
                        move.state in ("done", "cancel") for move in p.move_ids.move_orig_ids
                    )
                )
                or pending.sorted("id")[:1]
            )
            for picking in ready.sorted("id"):
                picking._mirakl_validate_shipped(tracking_ref, carrier)
            validated |= ready
        if validated:
            self.message_post(
                body=self.env._(
                    "Shipped outside Odoo according to Mirakl: transfers %(pickings)s "
                    "validated (tracking: %(tracking)s).",
                    pickings=", ".join(validated.mapped("name")),
                    tracking=tracking_ref or "-",
                )
            )

    def _mirakl_invoice_and_pay(self, journal):
        """Create and post the invoice of what can be invoiced, and register its payment on
        ``journal`` (the operator collected it) when one is given."""
        self.ensure_one()
        # After a credit note, what is "to invoice" again was refunded: never invoice it again.
        refunded = self.invoice_ids.filtered(
            lambda move: move.move_type == "out_refund" and move.state == "posted"
        )
        if self.invoice_status == "to invoice" and not refunded:
            invoices = self._create_invoices()
            invoices.action_post()
        if not journal:
            return
        unpaid = self.invoice_ids.filtered(
            lambda move: (
                move.state == "posted"
                and move.move_type == "out_invoice"
                and move.payment_state == "not_paid"
            )
        )
        if unpaid:
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=unpaid.ids
            ).create({"journal_id": journal.id, "group_payment": False})._create_payments()
