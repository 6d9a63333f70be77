# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
from contextlib import contextmanager

from odoo import api, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from odoo.addons.queue_job.exception import RetryableJobError

from ..mapping import order as order_mapping
from ..mirakl import errors
from .mirakl_flow import CONCURRENCY_ERRORS
from .sale_order import MIRAKL_SYNC_KEY

_logger = logging.getLogger(__name__)

# Errors that say what is wrong with an order or its setup; anything else is a bug (logged).
ORDER_ERRORS = (UserError, order_mapping.PayloadError, errors.MiraklError)


class MiraklOrderProcessor(models.AbstractModel):
    """Applies stored Mirakl orders to Odoo: the mirror and its lines, acceptance, the sale
    order (contacts, lines with Mirakl's amounts), then Mirakl's later changes.

    ``_process`` takes one order (its job) or a page of them: the lookups are read once for
    all, each step runs on all the orders at once in a savepoint, and when a step fails it
    runs again order by order, so only the orders at fault end in error. It only checks that
    a new sale order can be made: ``_complete_sale_orders`` then creates and confirms the sale
    orders of many processed orders at once, which Odoo does several times cheaper per order
    than one by one.
    """

    _name = "mirakl.order.processor"
    _description = "Mirakl Order Processing"

    @api.model
    def _process(self, instance, orders):
        """Process the stored payloads of ``orders``; failures end on the orders and the log.

        The sale orders they need are checked here, and made by ``_complete_sale_orders``.
        """
        if not orders:
            return
        with self._retry_on_concurrency():
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM mirakl_order WHERE id IN %s FOR NO KEY UPDATE NOWAIT",
                    tuple(orders.ids),
                )
            )
            orders = orders.filtered(
                lambda o: o.import_state != "done" or o.processed_hash != o.payload_hash
            )
            failures = {}
            items = self._load(orders, failures)
            lookups = self._lookups(instance, items)
            self._isolated(
                [item for item in items if item[0].mirrored_hash != item[0].payload_hash],
                lambda batch: self._apply_mirror(batch, lookups),
                failures,
            )
            for item in items:
                self._isolated([item], lambda b: self._acceptance(instance, b, lookups), failures)
            self._isolated(
                self._matching(items, self._sale_order_domain(instance)),
                lambda batch: self._check_sale_orders(instance, batch, lookups),
                failures,
            )
            followed = [
                item for item in items if item[0].sale_order_id and not item[0].sync_stopped
            ]
            self._isolated(
                followed, lambda batch: self._update_contacts(instance, batch, lookups), failures
            )
            self._isolated(
                followed, lambda batch: self._follow_up(instance, batch, lookups), failures
            )
            self._finish(instance, orders, failures)

    @api.model
    def _complete_sale_orders(self, instance, orders):
        """Create the sale orders of processed ``orders`` together, confirm the quotations
        together, then apply what needs the sale order (totals check, deliveries done
        elsewhere, invoicing).

        Creating and confirming many sale orders at once shares the ORM's and the stock
        rules' work, which one order's job cannot. Orders another job holds are left for the
        next run; failures end on the orders and the log, with a retry of the order's
        processing.
        """
        with self._retry_on_concurrency():
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM mirakl_order WHERE id IN %s FOR NO KEY UPDATE SKIP LOCKED",
                    tuple(orders.ids) or (0,),
                )
            )
            orders = orders.browse(row[0] for row in self.env.cr.fetchall())
            failures = {}
            items = self._load(orders, failures)
            lookups = self._lookups(instance, items)
            self._isolated(
                self._matching(items, self._sale_order_domain(instance)),
                lambda batch: self._create_sale_orders(instance, batch, lookups),
                failures,
            )
            self._isolated(
                self._matching(items, self._confirmation_domain(instance)),
                self._confirm,
                failures,
            )
            self._isolated(
                [item for item in items if item[0].sale_order_id],
                lambda batch: self._follow_up(instance, batch, lookups),
                failures,
            )
            self._report(instance, orders, failures)

    @api.model
    def _mirror(self, instance, orders):
        """Write Mirakl's values of freshly stored ``orders`` on them and their lines, all at
        once (the fetch job does it for each page it stores, far cheaper than each order's
        job would). Returns ``{order: message}`` of the orders it could not write."""
        failures = {}
        items = self._load(orders, failures)
        lookups = self._lookups(instance, items)
        self._isolated(items, lambda batch: self._apply_mirror(batch, lookups), failures)
        return failures

    # -- steps ---------------------------------------------------------------------------

    @api.model
    def _load(self, orders, failures):
        """``[(order, payload)]`` of the orders whose payload has what processing needs."""
        items = []
        for order in orders:
            payload = order.sudo().payload or {}
            try:
                order_mapping.check(payload)
            except order_mapping.PayloadError as error:
                failures[order] = str(error)
                continue
            items.append((order, payload))
        return items

    @api.model
    def _apply_mirror(self, batch, lookups):
        """Write Mirakl's values on the orders and their lines, cancellations and refunds."""
        Line = self.env["mirakl.order.line"]
        to_create = []
        for order, payload in batch:
            values = order_mapping.order_values(payload)
            values["currency_id"] = lookups["currencies"].get(payload.get("currency_iso_code"))
            values["channel_id"] = lookups["channels"].get(values["channel_code"], False)
            order.write(values)
            existing = {line.mirakl_line_id: line for line in order.line_ids}
            for line_payload in payload["order_lines"]:
                values = {
                    **order_mapping.line_values(line_payload),
                    **self._line_product(line_payload, lookups),
                }
                line = existing.get(values["mirakl_line_id"])
                if line:
                    line.write(values)
                else:
                    to_create.append({**values, "order_id": order.id})
        Line.create(to_create)
        self._apply_adjustments(batch)
        self._mark_hash("mirrored_hash", self.env["mirakl.order"].union(*(o for o, _p in batch)))

    @api.model
    def _apply_adjustments(self, batch):
        """Record the cancellations and refunds Mirakl lists, once each."""
        Adjustment = self.env["mirakl.order.adjustment"]
        wanted = {}
        for order, payload in batch:
            lines = {line.mirakl_line_id: line for line in order.line_ids}
            for line_payload in payload["order_lines"]:
                line = lines[str(line_payload["order_line_id"])]
                for values in order_mapping.adjustment_values(line_payload):
                    wanted[(line.id, values["kind"], values["mirakl_id"])] = values
        if not wanted:
            return
        existing = {
            (adj.line_id.id, adj.kind, adj.mirakl_id): adj
            for adj in Adjustment.search([("line_id", "in", list({k[0] for k in wanted}))])
        }
        to_create = []
        for key, values in wanted.items():
            if key in existing:
                if existing[key].refund_state != values["refund_state"]:
                    existing[key].refund_state = values["refund_state"]
            else:
                to_create.append({**values, "line_id": key[0]})
        created = Adjustment.create(to_create)
        self.env["mirakl.refund"].sudo()._mirakl_link_adjustments(created)
        for adjustment in created:
            adjustment.order_id.message_post(
                body=self.env._(
                    "%(kind)s recorded on Mirakl for %(line)s: %(quantity)s unit(s), "
                    "%(amount)s (reason %(reason)s).",
                    kind=dict(adjustment._fields["kind"].selection)[adjustment.kind],
                    line=adjustment.line_id.mirakl_line_id,
                    quantity=adjustment.quantity,
                    amount=adjustment.amount + adjustment.shipping_amount,
                    reason=adjustment.reason_code or "-",
                )
            )

    @api.model
    def _acceptance(self, instance, batch, lookups):
        """Decide on an order awaiting acceptance as the Marketplace says (OR21)."""
        ((order, payload),) = batch
        warehouse = self._warehouse(instance, order, lookups)
        self.env["mirakl.order.acceptance"]._decide(instance, order, payload, lookups, warehouse)

    @api.model
    def _sale_order_domain(self, instance):
        """Orders whose sale order is to create: none yet, syncing, in the state the
        Marketplace makes sale orders at, with a line sold."""
        return [
            ("sale_order_id", "=", False),
            ("sync_stopped", "=", False),
            ("mirakl_state", "in", order_mapping.states_from(instance.sale_order_state)),
            ("line_ids", "any", [("mirakl_state", "not in", order_mapping.UNSOLD_LINE_STATES)]),
        ]

    @api.model
    def _confirmation_domain(self, instance):
        """Orders whose quotation is to confirm (the Marketplace confirms, the order is paid)."""
        if not instance.auto_confirm:
            return expression.FALSE_DOMAIN
        return [
            ("sync_stopped", "=", False),
            ("mirakl_state", "in", order_mapping.states_from("SHIPPING")),
            ("sale_order_id.state", "in", ("draft", "sent")),
        ]

    @api.model
    def _matching(self, items, domain):
        """The ``(order, payload)`` of ``items`` whose order matches ``domain``."""
        orders = self.env["mirakl.order"].union(*(order for order, _p in items))
        matching = orders.filtered_domain(domain)
        return [item for item in items if item[0] in matching]

    @api.model
    def _create_sale_orders(self, instance, batch, lookups):
        """Create the sale orders (and their contacts) of ``batch`` in one go."""
        contacts = self._contacts(instance, batch, lookups)
        SaleOrder = self.env["sale.order"].with_context(
            **{MIRAKL_SYNC_KEY: True}, mail_create_nosubscribe=True
        )
        SaleOrder.create(
            [
                SaleOrder._mirakl_prepare_values(
                    instance,
                    order,
                    payload,
                    contact,
                    lookups,
                    self._warehouse(instance, order, lookups),
                )
                for (order, payload), contact in zip(batch, contacts, strict=True)
            ]
        )

    @api.model
    def _check_sale_orders(self, instance, batch, lookups):
        """Raise what would stop the sale orders of ``batch`` from being made (no product,
        tax or delivery method for a line), so that the order's own job reports it before
        ``_complete_sale_orders`` creates them."""
        SaleOrder, nobody = self.env["sale.order"], self.env["res.partner"]
        for order, payload in batch:
            warehouse = self._warehouse(instance, order, lookups)
            SaleOrder._mirakl_prepare_values(
                instance, order, payload, (nobody,) * 3, lookups, warehouse
            )

    @api.model
    def _update_contacts(self, instance, batch, lookups):
        """Follow Mirakl's addresses: a quotation made before Mirakl sent them gets its
        contacts, and a changed address goes to the sale order (and its open deliveries)
        as long as nothing was delivered or invoiced to the old one."""
        batch = [
            (order, payload)
            for order, payload in batch
            if order.has_addresses and order.sale_order_id.state != "cancel"
        ]
        if not batch:
            return
        contacts = self._contacts(instance, batch, lookups)
        for (order, _payload), (_customer, invoice, shipping) in zip(batch, contacts, strict=True):
            sale_order = order.sale_order_id
            vals = {}
            if sale_order.partner_invoice_id != invoice and not sale_order.invoice_ids.filtered(
                lambda move: move.state == "posted"
            ):
                vals["partner_invoice_id"] = invoice.id
            shipped = sale_order.picking_ids.filtered(
                lambda p: p.state == "done" and p.picking_type_code == "outgoing"
            )
            if sale_order.partner_shipping_id != shipping and not shipped:
                vals["partner_shipping_id"] = shipping.id
            if not vals:
                continue
            if sale_order.state in ("draft", "sent"):
                sale_order.write(vals)
                continue
            sale_order.with_context(update_delivery_shipping_partner=True).write(vals)
            sale_order.message_post(
                body=self.env._(
                    "Mirakl sent new addresses: invoice to %(invoice)s, deliver to %(shipping)s.",
                    invoice=sale_order.partner_invoice_id.display_name,
                    shipping=sale_order.partner_shipping_id.display_name,
                )
            )

    @api.model
    def _confirm(self, batch):
        sale_orders = self.env["sale.order"].union(*(order.sale_order_id for order, _p in batch))
        # As the Confirm button does: the seller's mandatory analytic plans apply.
        sale_orders.with_context(**{MIRAKL_SYNC_KEY: True}, validate_analytic=True).action_confirm()

    @api.model
    def _follow_up(self, instance, batch, lookups):
        """Apply Mirakl's later changes to the sale orders of ``batch``, then check their
        totals."""
        for order, payload in batch:
            sale_order = order.sale_order_id
            if order.mirakl_state in ("CANCELED", "REFUSED"):
                sale_order._mirakl_cancel(order.state_reason_code, order.state_reason_label)
                continue
            if sale_order.state != "cancel":
                self._follow_up_sale_order(instance, order, payload, sale_order, lookups)

    @api.model
    def _follow_up_sale_order(self, instance, order, payload, sale_order, lookups):
        lines = {str(line["order_line_id"]): line for line in payload["order_lines"]}
        quantities = {
            sale_line: order_mapping.line_quantity(lines[sale_line.mirakl_line_id.mirakl_line_id])
            for sale_line in sale_order.order_line
            if sale_line.mirakl_line_id.mirakl_line_id in lines
        }
        sale_order._mirakl_set_quantities(quantities, self.env._("cancellation"))
        if order.mirakl_state in order_mapping.SHIPPED_STATES and sale_order.state == "sale":
            carrier = lookups["carriers"].get(order.shipping_carrier_code)
            sale_order._mirakl_validate_deliveries(
                order.shipping_tracking, self.env["delivery.carrier"].browse(carrier)
            )
        if sale_order.state == "sale":
            key = (order.payment_workflow, order.payment_type)
            if key not in lookups["payments"]:
                lookups["payments"][key] = self.env["mirakl.payment.mapping"]._mirakl_settings(
                    instance, *key
                )
            auto_invoice, journal = lookups["payments"][key]
            if auto_invoice:
                sale_order._mirakl_invoice_and_pay(journal)
            self.env["mirakl.refund.import"].sudo()._import_refunds(order.sudo())
        sale_order._mirakl_check_totals(order_mapping.expected_totals(payload))

    @api.model
    def _finish(self, instance, orders, failures):
        """Mark the processed orders up to date; keep the others in error, on the log."""
        done = orders.filtered(lambda order: order not in failures)
        if done:
            done.write({"import_state": "done", "import_error": False})
            self._mark_hash("processed_hash", done)
        self._report(instance, orders, failures)

    @api.model
    def _report(self, instance, orders, failures):
        """Put the orders that failed in error, each on a log line with a retry."""
        if not failures:
            return
        log = self.env["mirakl.sync.log"]._start(instance, "orders", "import")
        self._log_failures(log, failures)
        log._finish(
            processed=len(orders), updated=len(orders) - len(failures), failed=len(failures)
        )

    @api.model
    def _log_failures(self, log, failures):
        """Put the orders of ``failures`` in error, each on a line of ``log`` with a retry."""
        for order, message in failures.items():
            order._mirakl_set_error(message)
            log._add_failure(
                message,
                mirakl_ref=order.mirakl_order_id,
                record=order,
                retry=("mirakl.flow.orders", "_job_process_order", [order.mirakl_order_id]),
            )

    # -- helpers -------------------------------------------------------------------------

    @api.model
    def _mark_hash(self, field, orders):
        """Set ``field`` of ``orders`` to the fingerprint of the payload they hold now."""
        orders.flush_recordset(["payload_hash"])
        self.env.cr.execute(
            SQL(
                "UPDATE mirakl_order SET %s = payload_hash WHERE id IN %s",
                SQL.identifier(field),
                tuple(orders.ids),
            )
        )
        orders.invalidate_recordset([field])

    @api.model
    def _isolated(self, items, function, failures):
        """Run ``function(items)`` in a savepoint; if it fails, run it again item by item so
        that only the orders at fault land in ``failures`` (order -> message)."""
        items = [item for item in items if item[0] not in failures]
        if not items:
            return
        if len(items) > 1:
            try:
                with self.env.cr.savepoint():
                    function(items)
                return
            except (RetryableJobError, *CONCURRENCY_ERRORS):
                raise
            except Exception:  # the item-by-item pass below names the culprits
                _logger.info("Batch of %s orders failed: retrying one by one", len(items))
        for item in items:
            try:
                with self.env.cr.savepoint():
                    function([item])
            except (RetryableJobError, *CONCURRENCY_ERRORS):
                raise
            except errors.MiraklError as error:
                if error.retryable:  # Mirakl busy or unreachable: the job tries again later
                    raise RetryableJobError(str(error), seconds=error.retry_after) from error
                failures[item[0]] = self._message(error)
                _logger.info("Mirakl order %s: %s", item[0].mirakl_order_id, failures[item[0]])
            except ORDER_ERRORS as error:
                failures[item[0]] = self._message(error)
                _logger.info("Mirakl order %s: %s", item[0].mirakl_order_id, failures[item[0]])
            except Exception as error:
                failures[item[0]] = self._message(error)
                _logger.exception("Mirakl order %s could not be processed", item[0].mirakl_order_id)

    @api.model
    def _lookups(self, instance, items):
        return self.env["mirakl.order.lookups"]._prefetch(instance, [p for _order, p in items])

    @api.model
    def _message(self, error):
        if isinstance(error, UserError):
            return error.args[0]
        if isinstance(error, errors.MiraklError):
            return f"Mirakl: {error}"
        if isinstance(error, order_mapping.PayloadError):
            return str(error)
        return f"{type(error).__name__}: {error}"

    @contextmanager
    def _retry_on_concurrency(self):
        """A row another transaction holds or created makes the job try again later."""
        try:
            yield
        except CONCURRENCY_ERRORS as error:
            raise RetryableJobError(
                f"Order changed by a concurrent job: {error.pgerror or error}", seconds=5
            ) from error

    @api.model
    def _line_product(self, line, lookups):
        """The listing and product of an order line: the listing's product, else the product
        whose internal reference is the shop SKU."""
        listing_id, product_id = lookups["listings"].get(str(line.get("offer_id")), (False, False))
        return {
            "listing_id": listing_id,
            "product_id": product_id or lookups["products"].get(line.get("offer_sku"), False),
        }

    @api.model
    def _warehouse(self, instance, order, lookups):
        warehouse_id = lookups["warehouses"].get(order.fulfillment_center_code)
        return self.env["stock.warehouse"].browse(warehouse_id) or instance.warehouse_id

    @api.model
    def _contacts(self, instance, batch, lookups):
        return self.env["res.partner"]._mirakl_contacts(
            instance,
            [payload for _order, payload in batch],
            lookups["countries"],
            lookups["states"],
        )
