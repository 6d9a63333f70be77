# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import threading
from contextlib import contextmanager
from unittest.mock import patch

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import DummyRLock, Registry
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger

from odoo.addons.queue_job.exception import RetryableJobError

from ..models.mirakl_flow import MiraklFlow
from ..models.mirakl_flow_orders import MiraklFlowOrders
from ..models.mirakl_order_processor import MiraklOrderProcessor
from .common import import_simulator

SHOP_ID = 2101
API_KEY = "concurrency-key"
SKU = "MK-CONCURRENCY-SKU"
# No statement of the racing transactions may wait longer: a deadlock fails the test fast.
LOCK_TIMEOUT = "20s"


@tagged("post_install", "-at_install")
class TestOrderConcurrency(BaseCase):
    """Two imports of the same order at the same time never make two orders or sale orders.

    A ``TransactionCase`` runs everything on one connection, so it cannot show two concurrent
    transactions. These tests commit their data (cleaned up afterwards) and run the racing
    imports in two threads, each on its own connection and transaction, as two job runners
    (or a cron and a button) would; a barrier makes them reach the critical statement
    together. The loser gets the database's refusal, which queue_job turns into a retry; the
    retry, on a new transaction, finds the winner's order and has nothing left to do.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        simulator = import_simulator().OperatorSimulator()
        cls.simulator = simulator
        simulator.add_shop(shop_id=SHOP_ID, name="Race Shop", currency_iso_code="USD")
        simulator.add_api_key(API_KEY, shop_ids=[SHOP_ID])
        simulator.start(host="127.0.0.1", port=0)
        cls.addClassCleanup(simulator.stop)
        with cls.transaction() as env:
            if env.company.currency_id.name != "USD":
                raise cls.skipTest(cls, "the test database's company does not sell in USD")
            cls.product_id = (
                env["product.product"].create({"name": "Race product", "default_code": SKU}).id
            )
            cls.instance_id = (
                env["mirakl.instance"]
                .create(
                    {
                        "name": "Race Marketplace",
                        "operator_url": simulator.url,
                        "api_key": API_KEY,
                        "shop_id": str(SHOP_ID),
                        "connection_state": "ok",
                        "order_tax_mode": "TAX_EXCLUDED",
                        "auto_confirm": False,
                    }
                )
                .id
            )
        cls.addClassCleanup(cls._delete_committed_data)
        # Mirakl's call limits are shared by the two imports: lift them for the race.
        cls.startClassPatcher(
            patch.object(MiraklFlow, "_check_call_limit", lambda *args, **kwargs: None)
        )
        # The test runner holds the registries' lock while it runs the tests: let the racing
        # threads get the (loaded) registry without it, as HttpCase's test mode does.
        cls.startClassPatcher(patch.object(Registry, "_lock", DummyRLock()))

    @classmethod
    @contextmanager
    def transaction(cls):
        """An environment on a connection and transaction of its own, committed on exit."""
        with cls.registry.cursor() as cr:
            cr.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            yield api.Environment(cr, SUPERUSER_ID, {"queue_job__no_delay": True})

    @classmethod
    def _delete_committed_data(cls):
        with cls.transaction() as env:
            orders = env["mirakl.order"].search([("instance_id", "=", cls.instance_id)])
            sales = env["sale.order"].search([("mirakl_instance_id", "=", cls.instance_id)])
            sales.unlink()
            orders.unlink()
            env["mirakl.sync.log"].search([("instance_id", "=", cls.instance_id)]).unlink()
            env["res.partner"].with_context(active_test=False).search(
                [("mirakl_instance_id", "=", cls.instance_id)], order="parent_id desc"
            ).unlink()
            env["mirakl.instance"].browse(cls.instance_id).unlink()
            env["product.product"].browse(cls.product_id).product_tmpl_id.unlink()

    def setUp(self):
        super().setUp()
        self.sim_order = self.simulator.add_order(
            SHOP_ID,
            state="SHIPPING",
            lines=[{"offer_sku": SKU, "quantity": 1, "price_unit": "12.00", "taxes": []}],
        )

    def race(self, body, hold):
        """Run ``body(env)`` in two threads on two transactions at once; ``hold`` is a method
        of a model class that both threads must reach before either goes on. A thread that the
        database refuses tries again once, on a new transaction, as queue_job would.
        Returns the exceptions of the first tries."""
        barrier = threading.Barrier(2, timeout=30)
        original = getattr(hold[0], hold[1])
        first_tries = set()

        def held(model, *args, **kwargs):
            if threading.current_thread() in first_tries:
                first_tries.discard(threading.current_thread())
                barrier.wait()
            return original(model, *args, **kwargs)

        errors = []
        winner_done = threading.Event()

        def run():
            first_tries.add(threading.current_thread())
            try:
                with self.transaction() as env:
                    body(env)
                winner_done.set()
            except (RetryableJobError, psycopg2.errors.SerializationFailure) as error:
                errors.append(error)
                winner_done.wait(timeout=30)  # queue_job retries later, not at once
                with self.transaction() as env:
                    body(env)

        threads = [threading.Thread(target=run) for _index in range(2)]
        # The database's refusals are the point: keep Odoo from logging them as errors.
        with patch.object(hold[0], hold[1], held), mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        self.assertFalse(any(thread.is_alive() for thread in threads), "a thread hangs")
        return errors

    def counts(self):
        with self.transaction() as env:
            domain = [("instance_id", "=", self.instance_id)]
            orders = env["mirakl.order"].search(
                [*domain, ("mirakl_order_id", "=", self.sim_order.order_id)]
            )
            sales = env["sale.order"].search([("mirakl_order_id", "=", self.sim_order.order_id)])
            return len(orders), len(sales), orders.import_state

    def fetch(self, env):
        instance = env["mirakl.instance"].browse(self.instance_id)
        env["mirakl.flow.orders"]._job_fetch_updates(instance)

    def test_two_imports_store_and_process_the_order_once(self):
        # Both runs read OR11 and find no stored order, then insert it at the same time.
        errors = self.race(self.fetch, (MiraklFlowOrders, "_insert"))
        self.assertEqual(self.counts(), (1, 1, "done"))
        (error,) = errors
        # INSERT ... ON CONFLICT DO NOTHING against a row committed after the loser's
        # snapshot: PostgreSQL refuses (40001), which queue_job retries.
        self.assertIsInstance(error, psycopg2.errors.SerializationFailure)

    def test_two_processing_jobs_make_one_sale_order(self):
        with patch.object(MiraklFlowOrders, "_enqueue_processing", lambda *args: None):
            with self.transaction() as env:
                self.fetch(env)
        self.assertEqual(self.counts(), (1, 0, "pending"))

        def process(env):
            instance = env["mirakl.instance"].browse(self.instance_id)
            env["mirakl.flow.orders"]._job_process_order(instance, self.sim_order.order_id)

        errors = self.race(process, (MiraklOrderProcessor, "_process"))
        self.assertEqual(self.counts(), (1, 1, "done"))
        (error,) = errors
        self.assertIsInstance(error, RetryableJobError)  # the order's row is locked

    def test_sale_order_key_holds_without_the_lock(self):
        """The last line of defence: even two creations that skip the row lock cannot both
        create the sale order; the database's unique key refuses the second."""
        with patch.object(MiraklFlowOrders, "_enqueue_processing", lambda *args: None):
            with self.transaction() as env:
                self.fetch(env)
        with self.transaction() as env:
            processor = env["mirakl.order.processor"]
            instance = env["mirakl.instance"].browse(self.instance_id)
            order = env["mirakl.order"].search([("instance_id", "=", self.instance_id)])
            items = processor._load(order, {})
            lookups = env["mirakl.order.lookups"]._prefetch(
                instance, [payload for _order, payload in items]
            )
            processor._apply_mirror(items, lookups)
            processor._contacts(instance, items, lookups)  # the buyer exists already

        def create(env):
            processor = env["mirakl.order.processor"]
            instance = env["mirakl.instance"].browse(self.instance_id)
            order = env["mirakl.order"].search([("instance_id", "=", self.instance_id)])
            if order.sale_order_id:
                return  # the retry sees the winner's sale order
            items = processor._load(order, {})
            lookups = env["mirakl.order.lookups"]._prefetch(
                instance, [payload for _order, payload in items]
            )
            with processor._retry_on_concurrency():
                processor._create_sale_orders(instance, items, lookups)

        errors = self.race(create, (MiraklOrderProcessor, "_create_sale_orders"))
        self.assertEqual(self.counts()[:2], (1, 1))
        (error,) = errors
        self.assertIsInstance(error, RetryableJobError)
        self.assertIsInstance(error.__cause__, psycopg2.errors.UniqueViolation)
        self.assertIn("mirakl_order_uniq", str(error.__cause__))
