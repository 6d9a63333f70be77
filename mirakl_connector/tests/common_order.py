# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import copy
import json

from odoo import Command

from .common import MiraklSimulatorCase, trap_jobs

SKUS = ("SKU-A", "SKU-B", "SKU-C")


class MiraklOrderCase(MiraklSimulatorCase):
    """A Marketplace ready to import orders: EUR pricelist, warehouse, taxes mapped for both tax
    modes, a mapped UPS carrier and a default delivery method, three stocked products whose
    internal references are the shop SKUs the simulator's orders use.

    ``import_orders()`` runs the incremental import job, then the processing jobs it enqueued,
    as the queue would (trapped, then performed inline).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.EUR").active = True
        cls.eur = cls.env.ref("base.EUR")
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "Marketplace EUR", "currency_id": cls.eur.id}
        )
        cls.tax_excluded = cls._make_tax("VAT 20% (excl.)", "tax_excluded")
        cls.tax_included = cls._make_tax("VAT 20% (incl.)", "tax_included")
        ship_product = cls.env["product.product"].create(
            {"name": "Shipping", "type": "service", "invoice_policy": "order"}
        )
        cls.default_carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Marketplace Standard",
                "delivery_type": "fixed",
                "product_id": ship_product.id,
            }
        )
        cls.ups = cls.env["delivery.carrier"].create(
            {"name": "UPS Odoo", "delivery_type": "fixed", "product_id": ship_product.id}
        )
        cls.products = cls.env["product.product"].create(
            [
                {
                    "name": f"Product {sku}",
                    "default_code": sku,
                    "is_storable": True,
                    "list_price": 10.0,
                    "invoice_policy": "order",
                }
                for sku in SKUS
            ]
        )
        for product in cls.products:
            cls.env["stock.quant"]._update_available_quantity(
                product, cls.warehouse.lot_stock_id, 50
            )
        cls.marketplace.write(
            {
                "connection_state": "ok",
                "order_tax_mode": "TAX_EXCLUDED",
                "currency_id": cls.eur.id,
                "pricelist_id": cls.pricelist.id,
                "warehouse_id": cls.warehouse.id,
                "default_carrier_id": cls.default_carrier.id,
                "order_state_ids": [Command.clear()],
                "tax_mapping_ids": [
                    Command.create({"tax_code": "VAT", "rate": 20, "tax_id": cls.tax_excluded.id})
                ],
            }
        )
        cls.env["mirakl.carrier"].create(
            {
                "instance_id": cls.marketplace.id,
                "code": "UPS",
                "label": "UPS",
                "carrier_id": cls.ups.id,
            }
        )
        cls.flow = cls.env["mirakl.flow.orders"]
        cls.simulator.platform_configuration["features"]["order_tax_mode"] = "TAX_EXCLUDED"

    @classmethod
    def _make_tax(cls, name, include):
        return cls.env["account.tax"].create(
            {
                "name": name,
                "amount": 20,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "price_include_override": include,
                "company_id": cls.company.id,
            }
        )

    def setUp(self):
        super().setUp()
        settings = copy.deepcopy(vars(self.simulator.order_settings))
        self.addCleanup(self._restore_orders, settings)
        self.simulator.order_settings.debit_delay = None  # tests move orders themselves

    def _restore_orders(self, settings):
        vars(self.simulator.order_settings).update(settings)
        with self.simulator.store.lock:
            self.simulator.store.orders.books.pop(self.SHOP_ID, None)

    # -- helpers ---------------------------------------------------------------------------

    def add_order(self, state="SHIPPING", lines=None, **options):
        """An order of the test shop in ``state``; two lines of SKU-A and SKU-B by default."""
        lines = lines or [
            {"offer_sku": "SKU-A", "quantity": 2, "price_unit": "10.00", "shipping_price": "5.00"},
            {"offer_sku": "SKU-B", "quantity": 1, "price_unit": "25.50"},
        ]
        return self.simulator.add_order(self.SHOP_ID, state=state, lines=lines, **options)

    def allow_calls(self):
        """Forget the last calls, as if Mirakl's minimum intervals had passed."""
        self.env["mirakl.call.limit"].sudo().search([]).unlink()

    def import_orders(self, job="_job_fetch_updates", *args, process=True):
        """Run an import job now, then the jobs it enqueued (unless ``process`` is False).
        Returns the trap, to inspect what was enqueued."""
        self.allow_calls()
        with trap_jobs() as trap:
            getattr(self.flow, job)(self.marketplace, *args)
            if process:
                self.run_jobs(trap)
        return trap

    def run_jobs(self, trap):
        """Perform the trapped jobs, and the jobs they enqueue, until none is left. The stock
        exports a refusal queues are dropped: the stock export tests run those."""
        while trap.enqueued_jobs:
            self.allow_calls()
            trap.enqueued_jobs = [
                job for job in trap.enqueued_jobs if job.model_name != "mirakl.flow.stock"
            ]
            trap.perform_enqueued_jobs()

    def mirakl_order(self, order_id):
        return self.env["mirakl.order"].search(
            [("instance_id", "=", self.marketplace.id), ("mirakl_order_id", "=", order_id)]
        )

    def requests(self, op):
        return [request for request in self.simulator.requests if request.op == op]

    def request_json(self, request):
        return json.loads(request.body)

    def last_log(self, operation="orders"):
        return self.env["mirakl.sync.log"].search(
            [("instance_id", "=", self.marketplace.id), ("operation", "=", operation)], limit=1
        )
