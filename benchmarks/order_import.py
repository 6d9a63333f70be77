#!/usr/bin/env python3
"""Benchmark of the order import (issue 4): N SHIPPING orders of 3 lines, all new customers.

    .venv/bin/python benchmarks/order_import.py [--orders 2000] [--mode batch|jobs] [--keep-db]

A simulator in a child process serves a shop of N generated SHIPPING orders (3 lines each, a
new customer each, 20 % VAT, shipping on most). Odoo runs in this process on a database the
script creates (and drops), and imports them end to end: OR11 pages, stored orders and their
lines, each order's processing, contacts, sale orders with Mirakl's amounts, confirmation
with deliveries, totals check. Then, in the same run, the baseline creates the same partners
and sale orders directly with the ORM in batch and confirms them (rolled back afterwards). It
prints both times, their ratio (target <= 1.5) and the OR11 calls (target <= ceil(N/100) + 2).

Modes of the processing jobs (the fetch job always runs as the job runner would run it):
- ``batch`` (default): the processing (``mirakl.order.processor._process``), then the making
  of the sale orders (``_complete_sale_orders``), run inline on a page of 100 stored orders
  per transaction;
- ``jobs``: each queued job runs on its own, one transaction each, as in production, with
  ``--workers`` jobs at a time (default 1; the orders channel's documented capacity is 2):
  one processing job per order, then the Marketplace's completion jobs, which create and
  confirm the sale orders 100 orders at a time.
  Workers are threads of this process: they share Python's GIL, so ``--workers 2`` shows the
  jobs running side by side without errors, not the speed of two Odoo worker processes.

Settings: ``--addons-path`` (default: the repository and $ODOO_SRC/addons, else the cache folder
used by scripts/), PostgreSQL through the standard PG* variables.
"""

import argparse
import math
import sys
import threading
import time

import _harness as harness

SHOP_ID = 4001
OFFERS = 60
PAGE = 100


def _offers():
    return [
        {
            "offer_id": 50000 + index,
            "shop_sku": f"BENCH-{index:03d}",
            "product_sku": f"MKP-BENCH-{index:03d}",
            "product_title": f"Benchmark product {index}",
            "price": f"{10 + index % 40}.{index % 10}0",
            "quantity": 1000,
            "state_code": "11",
            "active": True,
        }
        for index in range(OFFERS)
    ]


def _simulator(count):
    """A shop of ``count`` SHIPPING orders of 3 lines, taxes excluded (child process)."""
    from mirakl_simulator import OperatorSimulator

    sim = OperatorSimulator()
    sim.platform_configuration["features"]["order_tax_mode"] = "TAX_EXCLUDED"
    sim.add_shop(SHOP_ID, "Benchmark shop", currency_iso_code="EUR")
    sim.shop(SHOP_ID).offers[:] = _offers()
    sim.add_api_key(harness.API_KEY, [SHOP_ID])
    sim.add_generated_orders(SHOP_ID, count, lines_per_order=3, state="SHIPPING", seed=4)
    return sim


def _prepare(registry, url):
    """The Marketplace, its tax mapping and default carrier, and the offers' products."""
    env = harness.env(registry)
    with env.cr:
        env.ref("base.EUR").active = True
        company = env.company
        tax = env["account.tax"].create(
            {
                "name": "VAT 20 %",
                "amount": 20,
                "type_tax_use": "sale",
                "price_include_override": "tax_excluded",
                "company_id": company.id,
            }
        )
        shipping = env["product.product"].create({"name": "Shipping", "type": "service"})
        carrier = env["delivery.carrier"].create(
            {"name": "Standard", "delivery_type": "fixed", "product_id": shipping.id}
        )
        warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        products = env["product.product"].create(
            [
                {
                    "name": offer["product_title"],
                    "default_code": offer["shop_sku"],
                    "is_storable": True,
                    "invoice_policy": "order",
                }
                for offer in _offers()
            ]
        )
        for product in products:  # enough for the import and the baseline
            env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 100000)
        instance = env["mirakl.instance"].create(
            {
                "name": "Benchmark",
                "operator_url": url,
                "api_key": harness.API_KEY,
                "shop_id": str(SHOP_ID),
                "connection_state": "ok",
                "order_tax_mode": "TAX_EXCLUDED",
                "currency_id": env.ref("base.EUR").id,
                "pricelist_id": env["product.pricelist"]
                .create({"name": "EUR", "currency_id": env.ref("base.EUR").id})
                .id,
                "warehouse_id": warehouse.id,
                "default_carrier_id": carrier.id,
                "tax_mapping_ids": [(0, 0, {"tax_code": "VAT", "rate": 20, "tax_id": tax.id})],
            }
        )
        env.cr.commit()
        return instance.id


def _count_calls(registry):
    """Patch the client to count the calls by Mirakl code; returns the live counter."""
    from collections import Counter
    from unittest.mock import patch

    from odoo.addons.mirakl_connector.mirakl.client import MiraklClient

    counts = Counter()
    original = MiraklClient.request

    def counting(client, op, *args, **kwargs):
        counts[op] += 1
        return original(client, op, *args, **kwargs)

    patch.object(MiraklClient, "request", counting).start()
    return counts


def _fetch(registry, instance_id):
    """The incremental import's fetch job, as the job runner runs it (one transaction)."""
    env = harness.env(registry)
    with env.cr:
        env["mirakl.flow.orders"]._job_fetch_updates(env["mirakl.instance"].browse(instance_id))
        env.cr.commit()


def _process_batch(registry, instance_id):
    """The processing, then the making of the sale orders, on pages of stored orders, one
    transaction per page; the queued jobs are then marked done."""
    while True:
        env = harness.env(registry)
        with env.cr:
            orders = env["mirakl.order"].search(
                [("instance_id", "=", instance_id), ("import_state", "=", "pending")],
                limit=PAGE,
                order="id",
            )
            if not orders:
                env["queue.job"].search([("state", "=", "pending")]).write({"state": "done"})
                env.cr.commit()
                return
            instance = env["mirakl.instance"].browse(instance_id)
            env["mirakl.order.processor"]._process(instance, orders)
            flow = env["mirakl.flow.orders"]
            flow._complete(instance, flow._waiting_for_completion(instance, orders))
            env.cr.commit()


def _process_jobs(registry, workers=1):
    """Every queued job on its own, one transaction each, as the job runner runs them:
    ``workers`` at a time (the capacity of the orders' queue channel), oldest first. A job
    that asks to be retried (RetryableJobError, a concurrent update) waits for its turn
    again, as the runner would postpone it; the benchmark ignores the jobs' start dates."""
    idle = threading.Barrier(workers)

    def work():
        while True:
            uuid = _claim(registry)
            if uuid:
                _perform(registry, uuid)
                continue
            try:  # nothing pending: done once every worker is idle with nothing pending
                idle.wait(timeout=1)
            except threading.BrokenBarrierError:
                idle.reset()
                continue
            if not _claim(registry, peek=True):
                return

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _claim(registry, peek=False):
    """The uuid of the oldest pending job, marked enqueued so no other worker takes it."""
    import psycopg2

    while True:
        env = harness.env(registry)
        with env.cr:
            try:
                env.cr.execute(
                    "SELECT id, uuid FROM queue_job WHERE state = 'pending' ORDER BY id LIMIT 1"
                    + ("" if peek else " FOR UPDATE SKIP LOCKED"),
                    log_exceptions=False,
                )
            except psycopg2.errors.SerializationFailure:
                continue  # the other worker just took or finished that job: look again
            row = env.cr.fetchone()
            if row and not peek:
                env.cr.execute("UPDATE queue_job SET state = 'enqueued' WHERE id = %s", [row[0]])
            return row and row[1]


def _perform(registry, uuid):
    import psycopg2

    from odoo.addons.queue_job.exception import RetryableJobError
    from odoo.addons.queue_job.job import Job

    env = harness.env(registry)
    with env.cr:
        job = Job.load(env, uuid)
        job.set_started()
        job.store()
        env.cr.commit()
        try:
            job.perform()
        except (RetryableJobError, psycopg2.errors.SerializationFailure):
            env.cr.rollback()
            job.set_pending(reset_retry=False)
            job.store()
            env.cr.commit()
            return
        job.set_done()
        job.store()
        env.cr.commit()


def _import(registry, instance_id, mode, workers=1):
    """Fetch, then process; returns (fetch seconds, processing seconds, SQL queries of both)."""
    with harness.measure() as total:
        with harness.measure() as fetch:
            _fetch(registry, instance_id)
        with harness.measure() as process:
            if mode == "batch":
                _process_batch(registry, instance_id)
            else:
                _process_jobs(registry, workers)
    return fetch.seconds, process.seconds, total.queries


def _check(registry, instance_id, count):
    env = harness.env(registry)
    with env.cr:
        orders = env["mirakl.order"].search([("instance_id", "=", instance_id)])
        sales = orders.sale_order_id
        return {
            "orders": len(orders),
            "errors": len(orders.filtered(lambda o: o.import_state != "done")),
            "sale orders": len(sales),
            "confirmed": len(sales.filtered(lambda s: s.state == "sale")),
            "deliveries": len(sales.picking_ids),
            "partners": env["res.partner"].search_count([("mirakl_instance_id", "=", instance_id)]),
            "totals differ": len(orders.filtered("amount_mismatch")),
            "expected": count,
        }


def _baseline(registry, instance_id):
    """Create and confirm the same partners and sale orders with the ORM in batch, with
    everything a commit would write and run (``cr.flush()``: pending writes and the pre-commit
    hooks, such as the chatter's tracking of the new state); rolled back. Returns (partner
    and order creation seconds, confirmation seconds)."""
    env = harness.env(registry)
    with env.cr:
        sales = env["sale.order"].search([("mirakl_instance_id", "=", instance_id)], order="id")
        address = ["name", "street", "street2", "zip", "city", "state_id", "country_id", "phone"]
        customers = sales.partner_id
        contacts = (sales.partner_invoice_id | sales.partner_shipping_id) - customers
        customer_vals = [
            {**_values(partner, address), "company_id": partner.company_id.id}
            for partner in customers
        ]
        contact_vals = [_values(partner, [*address, "type"]) for partner in contacts]
        order_vals = [
            {
                **_values(
                    sale,
                    ["pricelist_id", "warehouse_id", "team_id", "date_order", "carrier_id"],
                ),
                "company_id": sale.company_id.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            **_values(
                                line, ["product_id", "name", "product_uom_qty", "price_unit"]
                            ),
                            "tax_id": [(6, 0, line.tax_id.ids)],
                            "is_delivery": line.is_delivery,
                        },
                    )
                    for line in sale.order_line
                ],
            }
            for sale in sales
        ]
        partner_refs = [
            (sale.partner_id, sale.partner_invoice_id, sale.partner_shipping_id) for sale in sales
        ]
        env.invalidate_all()

        started = time.perf_counter()
        new_customers = dict(zip(customers, env["res.partner"].create(customer_vals), strict=True))
        for vals, contact in zip(contact_vals, contacts, strict=True):
            vals["parent_id"] = new_customers[contact.parent_id].id
        new_contacts = dict(zip(contacts, env["res.partner"].create(contact_vals), strict=True))
        mapped = {**new_customers, **new_contacts}
        for vals, refs in zip(order_vals, partner_refs, strict=True):
            vals["partner_id"], vals["partner_invoice_id"], vals["partner_shipping_id"] = (
                mapped[partner].id for partner in refs
            )
        new_sales = env["sale.order"].create(order_vals)
        env.cr.flush()  # what a commit would write and run (chatter tracking), rolled back below
        created = time.perf_counter()
        new_sales.action_confirm()
        env.cr.flush()
        confirmed = time.perf_counter()
        assert len(new_sales.picking_ids) == len(new_sales)
        env.cr.rollback()
    return created - started, confirmed - created


def _values(record, names):
    values = {}
    for name in names:
        value = record[name]
        values[name] = value.id if hasattr(value, "_name") else value
    return values


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--mode", choices=("batch", "jobs"), default="batch")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="jobs mode: jobs run at once (the orders channel's capacity, 2 as documented)",
    )
    args = harness.parse_args(parser, argv, db="mirakl_benchmark_orders")

    with harness.simulator(_simulator, args.orders) as url, harness.database(args) as registry:
        instance_id = _prepare(registry, url)
        calls = _count_calls(registry)
        print(f"Importing {args.orders:,} orders ({args.mode})...", flush=True)
        fetch, process, queries = _import(registry, instance_id, args.mode, args.workers)
        result = _check(registry, instance_id, args.orders)
        print("Baseline: the same partners and orders with the ORM in batch...", flush=True)
        create, confirm = _baseline(registry, instance_id)

    total, baseline = fetch + process, create + confirm
    or11_budget = math.ceil(args.orders / 100) + 2
    print()
    print(f"Order import benchmark: {args.orders:,} SHIPPING orders x 3 lines, new customers")
    print(f"  fetch (OR11 pages, store, enqueue)   {fetch:8.1f} s")
    label = f"{args.mode}, {args.workers} worker(s)" if args.mode == "jobs" else args.mode
    print(f"  processing ({label})".ljust(39) + f"{process:8.1f} s")
    print(f"  import, end to end                   {total:8.1f} s")
    print(f"  baseline: create partners + orders   {create:8.1f} s")
    print(f"  baseline: confirm (deliveries)       {confirm:8.1f} s")
    print(f"  baseline, total                      {baseline:8.1f} s")
    print(f"  ratio import / baseline              {total / baseline:8.2f}   (target <= 1.5)")
    print(f"  OR11 calls                           {calls['OR11']:8d}   (budget {or11_budget})")
    print(f"  SQL queries per order                {queries / args.orders:8.1f}")
    print("  " + ", ".join(f"{key}: {value}" for key, value in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
