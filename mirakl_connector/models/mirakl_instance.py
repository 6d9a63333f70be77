# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..mapping import platform as platform_mapping
from ..mirakl import MiraklClient, errors, normalize_operator_url

_logger = logging.getLogger(__name__)

# A button click waits for the answer: retry once, and never keep the seller waiting long.
INTERACTIVE_CLIENT_OPTIONS = {"timeout": 10.0, "max_attempts": 2, "max_retry_seconds": 10.0}

# Fields that decide where and how Odoo calls Mirakl: changing one invalidates the last test.
CONNECTION_FIELDS = ("operator_url", "api_key", "shop_id")

# Marketplace fields showing where a flow's next run starts, kept on the flow's row
# (``mirakl.instance.flow.cursor``): jobs move them without writing the Marketplace, which
# concurrent jobs of other flows would then fail to update (serialization failures).
FLOW_CURSORS = {
    "master_data_date": "master_data",
    "listing_sync_date": "listings",
    "order_watermark": "orders",
}

# Jobs not run yet, for the Pending Jobs button.
PENDING_JOB_STATES = ("wait_dependencies", "pending", "enqueued", "started")


class MiraklInstance(models.Model):
    _name = "mirakl.instance"
    _description = "Mirakl Marketplace"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        help="The company that sells on this marketplace: its orders, stock and prices.",
    )
    operator_url = fields.Char(
        string="Operator URL",
        required=True,
        tracking=True,
        help="Base address of the operator's Mirakl platform, e.g. https://acme.mirakl.net. "
        "Odoo adds /api/... itself.",
    )
    api_key = fields.Char(
        string="API Key",
        groups="mirakl_connector.group_mirakl_manager",
        help="Shop API key from the operator's back office (your user settings, API key). "
        "It gives full access to the shop, so only Mirakl managers can read or change it.",
    )
    shop_id = fields.Char(
        string="Shop ID",
        tracking=True,
        help="Only for keys that reach several shops: the Mirakl shop to work with. "
        "Leave empty to use the key's default shop.",
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        check_company=True,
        help="Warehouse that ships this marketplace's orders and whose stock is published.",
    )
    pricelist_id = fields.Many2one(
        "product.pricelist",
        check_company=True,
        help="Pricelist of the orders imported from this marketplace.",
    )

    # Learned from Mirakl by Test Connection (A01 account, PC01 platform configuration).
    mirakl_shop_id = fields.Char(
        string="Mirakl Shop ID",
        readonly=True,
        help="Shop the API key works with, as answered by Mirakl.",
    )
    mirakl_shop_name = fields.Char(string="Shop Name", readonly=True)
    shop_state = fields.Selection(
        platform_mapping.SHOP_STATES,
        readonly=True,
        help="A shop that is not open does not receive orders.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        readonly=True,
        help="Currency of the shop on Mirakl: prices are published and orders come in it.",
    )
    platform_name = fields.Char(readonly=True)
    platform_timezone = fields.Char(
        readonly=True,
        help="Timezone of the operator's back office. API dates are always in UTC.",
    )
    order_tax_mode = fields.Selection(
        platform_mapping.TAX_MODES,
        readonly=True,
        help="Whether the platform's prices and order amounts include taxes.",
    )
    order_acceptance_mode = fields.Selection(
        platform_mapping.ORDER_ACCEPTANCE_MODES,
        readonly=True,
        help="Who accepts new orders: the platform itself, or the seller within a deadline.",
    )
    multi_shipment = fields.Boolean(
        readonly=True,
        help="The platform lets an order be shipped in several parcels.",
    )
    channel_pricing = fields.Selection(
        platform_mapping.CHANNEL_PRICING_MODES,
        readonly=True,
        help="Whether offers can have a different price per sales channel.",
    )
    offer_prices_decimals = fields.Integer(
        string="Price Decimals",
        readonly=True,
        help="Maximum number of decimals the platform accepts in offer prices.",
    )
    operator_csv_delimiter = fields.Selection(
        platform_mapping.CSV_DELIMITERS,
        string="CSV Delimiter",
        readonly=True,
        help="Separator of the CSV files exported by the operator's back office.",
    )
    details_before_acceptance = fields.Boolean(
        string="Customer Details Before Acceptance",
        readonly=True,
        help="The platform sends the customer's addresses before the order is accepted. "
        "Otherwise they arrive once the order is accepted.",
    )
    connection_state = fields.Selection(
        [("not_tested", "Not tested"), ("ok", "OK"), ("failed", "Failed")],
        default="not_tested",
        required=True,
        readonly=True,
        copy=False,
        help="Result of the last call to Mirakl. Changing the URL, key or shop resets it.",
    )
    last_connection_date = fields.Datetime(readonly=True, copy=False)

    # Catalogue (issue 3): master data and listings.
    master_data_date = fields.Datetime(
        string="Master Data Refreshed At",
        compute="_compute_flow_cursors",
        inverse="_inverse_flow_cursors",
        readonly=True,
        help="Mirakl asks to read carriers, channels, conditions and the other reference lists "
        "at most once a day: the daily import skips them until a day has passed.",
    )
    listing_match_order = fields.Selection(
        [
            ("sku_then_barcode", "Shop SKU, then barcode"),
            ("barcode_then_sku", "Barcode, then shop SKU"),
            ("sku_only", "Shop SKU only"),
            ("barcode_only", "Barcode only"),
        ],
        string="Match Listings By",
        default="sku_then_barcode",
        required=True,
        help="How imported listings find their product: the offer's shop SKU against the "
        "product's internal reference, and its EAN, UPC or ISBN against the product's barcode.",
    )
    listing_sync_date = fields.Datetime(
        string="Listings Synchronised At",
        compute="_compute_flow_cursors",
        inverse="_inverse_flow_cursors",
        readonly=True,
        help="Date of the last listing import that fully succeeded. The next import only asks "
        "Mirakl for the offers changed since then; it is a full import when empty.",
    )
    listing_count = fields.Integer(compute="_compute_listing_count")
    unmatched_listing_count = fields.Integer(compute="_compute_listing_count")

    # Operations (issue 6): scheduling, sync logs, queue.
    order_import_interval = fields.Selection(
        [("5", "Every 5 minutes"), ("15", "Every 15 minutes"), ("60", "Every hour")],
        string="Import Orders",
        default="15",
        required=True,
        help="How often new and changed orders are read from Mirakl.",
    )
    flow_ids = fields.One2many("mirakl.instance.flow", "instance_id", string="Flows")
    sync_error_count = fields.Integer(compute="_compute_sync_error_count")
    pending_job_count = fields.Integer(compute="_compute_pending_job_count")

    # Stock and prices (issue 5): what the exports publish.
    stock_warehouse_ids = fields.Many2many(
        "stock.warehouse",
        string="Publish Stock Of",
        check_company=True,
        help="Warehouses whose free stock is published; empty: the Marketplace's warehouse. "
        "When each has a Mirakl warehouse code, each gets its own quantity on Mirakl.",
    )
    stock_buffer = fields.Integer(
        string="Units Kept Back",
        help="Units of free stock kept back from each published quantity, against overselling; "
        "listings may have their own.",
    )

    def _count_by_instance(self, model, domain, field="instance_id"):
        """``{instance id: count}`` of the ``model`` records of ``domain`` linked to these
        Marketplaces by ``field``, in one grouped query."""
        groups = self.env[model]._read_group(
            [(field, "in", self.ids), *domain], [field], ["__count"]
        )
        return {instance.id: count for instance, count in groups}

    @api.depends("flow_ids.cursor")
    def _compute_flow_cursors(self):
        for instance in self:
            cursors = {row.flow_code: row.cursor for row in instance.flow_ids}
            for field, code in FLOW_CURSORS.items():
                instance[field] = cursors.get(code, False)

    def _inverse_flow_cursors(self):
        for instance in self:
            for field, code in FLOW_CURSORS.items():
                instance._set_flow_cursor(code, instance[field])

    def _compute_listing_count(self):
        # COUNT(product_id) counts the matched listings: both numbers in one query.
        groups = self.env["mirakl.listing"]._read_group(
            [("instance_id", "in", self.ids)], ["instance_id"], ["__count", "product_id:count"]
        )
        counts = {instance.id: (total, matched) for instance, total, matched in groups}
        for instance in self:
            total, matched = counts.get(instance.id, (0, 0))
            instance.listing_count = total
            instance.unmatched_listing_count = total - matched

    def _compute_sync_error_count(self):
        counts = self._count_by_instance(
            "mirakl.sync.log", [("state", "in", ("failed", "partial"))]
        )
        for instance in self:
            instance.sync_error_count = counts.get(instance.id, 0)

    def _compute_pending_job_count(self):
        counts = self.sudo()._count_by_instance(
            "queue.job", [("state", "in", PENDING_JOB_STATES)], field="mirakl_instance_id"
        )
        for instance in self:
            instance.pending_job_count = counts.get(instance.id, 0)

    @api.constrains("shop_id")
    def _check_shop_id(self):
        for instance in self:
            if instance.shop_id and not re.fullmatch(r"[0-9]+", instance.shop_id):
                raise ValidationError(
                    self.env._(
                        "The Shop ID must contain digits only, as shown in the operator's back "
                        "office (got %(shop_id)s).",
                        shop_id=instance.shop_id,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        instances = super().create([self._normalize_connection_vals(vals) for vals in vals_list])
        self.env["mirakl.instance.flow"]._sync(instances)
        return instances

    def write(self, vals):
        vals = self._normalize_connection_vals(vals)
        if any(name in vals for name in CONNECTION_FIELDS):
            vals.setdefault("connection_state", "not_tested")
        result = super().write(vals)
        flow_rows = self.env["mirakl.instance.flow"]
        if flow_rows._get_schedule_fields().intersection(vals):
            flow_rows._sync(self)
        return result

    def unlink(self):
        self.flow_ids.sudo().unlink()  # and their scheduled actions
        return super().unlink()

    def action_test_connection(self):
        """Check the URL, key and shop with Mirakl and store what the platform tells about them."""
        self.ensure_one()
        self.check_access("write")
        if not self.sudo().api_key:
            raise UserError(self.env._("Paste the shop's API key before testing the connection."))
        try:
            client = self._get_client(**INTERACTIVE_CLIENT_OPTIONS)
            account = client.get_account()
            configuration = client.get_platform_configuration()
        except errors.MiraklError as error:
            _logger.info("Mirakl connection test failed for marketplace %s: %s", self.id, error)
            raise UserError(self._get_connection_error_message(error)) from error
        self.write(self._prepare_connection_vals(account, configuration))
        return self._connection_notification(account.currency_iso_code)

    def _normalize_connection_vals(self, vals):
        """Return ``vals`` with the operator URL in canonical form and the shop id stripped."""
        vals = dict(vals)
        if vals.get("operator_url"):
            try:
                vals["operator_url"] = normalize_operator_url(vals["operator_url"])
            except errors.MiraklConfigError as error:
                raise ValidationError(
                    self.env._(
                        "The operator URL must start with https://, for example "
                        "https://acme.mirakl.net (got %(url)s).",
                        url=vals["operator_url"],
                    )
                ) from error
        if vals.get("shop_id"):
            vals["shop_id"] = vals["shop_id"].strip() or False
        return vals

    def _get_client(self, **overrides):
        """Return a client for this marketplace; ``overrides`` go to ``MiraklClient``."""
        self.ensure_one()
        return MiraklClient(
            self.operator_url, self.sudo().api_key, **{"shop_id": self.shop_id, **overrides}
        )

    def _get_connection_error_message(self, error):
        """Tell the seller, in one sentence or two, what to do about the client ``error``."""
        return platform_mapping.connection_error_advice(error, self.env)

    def _prepare_connection_vals(self, account, configuration):
        """Values learned from the A01 ``account`` and the PC01 platform ``configuration``."""
        vals = platform_mapping.connection_values(account, configuration)
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", account.currency_iso_code)], limit=1)
        )
        return {
            **vals,
            "currency_id": currency.id,
            "connection_state": "ok",
            "last_connection_date": fields.Datetime.now(),
        }

    def _connection_notification(self, currency_code):
        """Client action telling the seller the test passed, then reloading the form."""
        message = self.env._(
            "Shop %(shop)s (%(shop_id)s) answered; its settings are shown under Learned from "
            "Mirakl.",
            shop=self.mirakl_shop_name,
            shop_id=self.mirakl_shop_id,
        )
        if self.currency_id.active:
            notification_type = "success"
        else:
            notification_type = "warning"
            message += " " + self.env._(
                "Activate the currency %(currency)s in Odoo before importing orders.",
                currency=currency_code,
            )
        return self._notification(
            message,
            notification_type,
            title=self.env._("Connected to %(platform)s", platform=self.platform_name),
            next={"type": "ir.actions.client", "tag": "soft_reload"},
        )

    def _notification(self, message, notification_type="info", **params):
        """Client action showing ``message``; ``params`` adds a title, a next action..."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": notification_type, "message": message, **params},
        }

    def _queued_notification(self, message):
        return self._notification(message + " " + self.env._("The sync log shows its progress."))

    def action_import_master_data(self):
        """Queue the import of the platform settings and reference lists, even if fresh."""
        self._run_flow("master_data", force=True)
        return self._queued_notification(self.env._("Master data import queued."))

    def action_import_listings(self):
        """Queue the import of the shop's offers (changed ones only, after a first import)."""
        self._run_flow("listings")
        return self._queued_notification(self.env._("Listing import queued."))

    def _action_view(self, xmlid, domain=None, **context):
        """The window action ``xmlid``, on ``domain`` if given, with ``context`` only."""
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        if domain is not None:
            action["domain"] = domain
        action["context"] = context
        return action

    def action_initial_import(self):
        self.ensure_one()
        return self._action_view(
            "mirakl_connector.mirakl_initial_import_action", default_instance_id=self.id
        )

    def action_view_listings(self):
        return self._action_view(
            "mirakl_connector.mirakl_listing_action",
            [("instance_id", "in", self.ids)],
            search_default_instance_id=self.id,
        )

    def action_view_unmatched_listings(self):
        action = self.action_view_listings()
        action["context"]["search_default_unmatched"] = 1
        return action

    def action_view_sync_errors(self):
        self.ensure_one()
        return self._action_view(
            "mirakl_connector.mirakl_sync_log_action",
            [("instance_id", "=", self.id)],
            search_default_errors=1,
        )

    def action_view_pending_jobs(self):
        self.ensure_one()
        return self._action_view(
            "queue_job.action_queue_job",
            [("mirakl_instance_id", "=", self.id), ("state", "in", PENDING_JOB_STATES)],
        )

    def _flow_row(self, code):
        return self.sudo().flow_ids.filtered(lambda flow: flow.flow_code == code)

    def _flow_cursor(self, code):
        """Where flow ``code`` reads from next (its row's cursor), or False."""
        self.ensure_one()
        return self._flow_row(code).cursor

    def _set_flow_cursor(self, code, value):
        """Move the cursor of flow ``code`` (a job's progress) on its row, not on the
        Marketplace."""
        self.ensure_one()
        row = self._flow_row(code)
        if not row:
            self.env["mirakl.instance.flow"]._sync(self)
            row = self._flow_row(code)
        if row.cursor != value:
            row.cursor = value

    def _advance_flow_cursor(self, code, value):
        """Move the cursor of flow ``code`` to ``value`` when it is later: runs read again a
        little before the cursor, so an older date must never move it back."""
        current = self._flow_cursor(code)
        if value and (not current or value > current):
            self._set_flow_cursor(code, value)

    def _run_flow(self, code, **options):
        """Run the flow ``code`` for this Marketplace: it selects the work and enqueues jobs.

        What scheduled actions, Run buttons and the Initial Import call; ``options`` go to the
        flow's ``_run`` (see ``mirakl.flow``).
        """
        self.ensure_one()
        if not self.active:
            raise UserError(self.env._("The marketplace %(name)s is archived.", name=self.name))
        flow = self.env["mirakl.flow"]._get_flow(code)
        return flow.with_company(self.company_id)._run(self, **options)
