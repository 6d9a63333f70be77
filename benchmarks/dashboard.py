#!/usr/bin/env python3
"""Benchmark of the dashboard's data call (issue 7): ``mirakl.dashboard.get_dashboard_data``.

    .venv/bin/python benchmarks/dashboard.py [--sizes 1000,100000] [--calls 9] [--keep-db]

Odoo runs in this process on a database the script creates (and drops) with mirakl_connector.
Two Marketplaces of one company (one selling in EUR, converted at daily rates, one in the
company's USD) get Mirakl orders, each with its sale order, spread over the last 400 days and
over every Mirakl state; plus listings, sync logs and queue jobs that do not change between
sizes. For each size N (the orders are added to reach it), it prints, per dashboard period:

- the SQL queries of one call (the same for every N is the point);
- the median time of ``--calls`` calls, after one warm-up call, with caches invalidated
  before each call as a new request would.

The call runs as a Mirakl user (not the superuser), so record rules apply as in production.
Orders are written with SQL, in one ``INSERT ... SELECT FROM generate_series`` per table and
size (100,000 orders with their sale orders take seconds, not the hour the ORM would), then
``ANALYZE`` gives the planner fresh statistics. Settings: ``--addons-path`` (default: the
repository and $ODOO_SRC/addons, else the cache folder used by scripts/), PostgreSQL through
the standard PG* variables.
"""

import argparse
import statistics
import time
from datetime import date, timedelta

import _harness as harness

PERIODS = ("today", "30d", "year")
STATES = [
    "CLOSED",
    "SHIPPED",
    "RECEIVED",
    "SHIPPING",
    "CLOSED",
    "WAITING_DEBIT_PAYMENT",
    "TO_COLLECT",
    "REFUSED",
    "CANCELED",
    "WAITING_ACCEPTANCE",
    "CLOSED",
]
DAYS = 400
CUSTOMERS = 20000

ORDERS_SQL = """
WITH rows AS (
    SELECT g,
           CASE WHEN g %% 3 = 0 THEN %(usd_instance)s ELSE %(eur_instance)s END AS instance_id,
           CASE WHEN g %% 3 = 0 THEN %(usd)s ELSE %(eur)s END AS currency_id,
           (%(states)s::varchar[])[1 + g %% %(state_count)s] AS state,
           (now() AT TIME ZONE 'UTC') - (g %% %(days)s) * interval '1 day'
               - (g * 7 %% 1440) * interval '1 minute' AS created,
           10 + (g * 37 %% 29000) / 100.0 AS amount
      FROM generate_series(%(first)s, %(last)s) AS g
), sales AS (
    INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id,
                            company_id, currency_id, date_order, state, picking_policy,
                            amount_untaxed, amount_total, mirakl_instance_id, mirakl_order_id,
                            create_uid, write_uid, create_date, write_date)
    SELECT 'BENCH/' || g, %(partner)s, %(partner)s, %(partner)s, %(company)s, currency_id,
           created, 'sale', 'direct', amount, amount, instance_id, 'BENCH-' || g,
           1, 1, created, created
      FROM rows
    RETURNING id, mirakl_instance_id, mirakl_order_id
)
INSERT INTO mirakl_order (instance_id, company_id, currency_id, mirakl_order_id, mirakl_state,
                          created_date, acceptance_deadline, customer_id, customer_name,
                          price, shipping_price, total_price, sale_order_id, import_state,
                          create_uid, write_uid, create_date, write_date)
SELECT r.instance_id, %(company)s, r.currency_id, 'BENCH-' || r.g, r.state, r.created,
       r.created + interval '48 hours', 'C' || (r.g %% %(customers)s),
       'Customer ' || (r.g %% %(customers)s), r.amount - 5, 5, r.amount, s.id, 'done',
       1, 1, r.created, r.created
  FROM rows r
  JOIN sales s ON s.mirakl_instance_id = r.instance_id AND s.mirakl_order_id = 'BENCH-' || r.g
"""


def _prepare(registry):
    """Company in USD, EUR daily rates, two Marketplaces, a user; listings, logs and jobs."""
    env = harness.env(registry)
    with env.cr:
        company = env.company
        usd, eur = env.ref("base.USD"), env.ref("base.EUR")
        eur.active = True
        company.currency_id = usd
        today = date.today()
        env["res.currency.rate"].create(
            [
                {
                    "currency_id": eur.id,
                    "company_id": company.id,
                    "name": today - timedelta(days=day),
                    "rate": 0.85 + (day % 30) / 1000,
                }
                for day in range(DAYS + 1)
            ]
        )
        instances = env["mirakl.instance"].create(
            [
                {
                    "name": name,
                    "currency_id": currency.id,
                    "operator_url": "https://benchmark.example.com",
                }
                for name, currency in (("Benchmark EUR", eur), ("Benchmark USD", usd))
            ]
        )
        for instance in instances:
            env["mirakl.listing"].create(
                [
                    {"instance_id": instance.id, "offer_id": str(i), "quantity": i % 7}
                    for i in range(5000)
                ]
            )
            env["mirakl.sync.log"].create(
                [
                    {
                        "instance_id": instance.id,
                        "operation": "orders",
                        "direction": "import",
                        "state": ("done", "done", "partial", "failed")[i % 4],
                        "date_start": f"{today - timedelta(days=i % DAYS)} 08:00:00",
                    }
                    for i in range(1000)
                ]
            )
            env["queue.job"].create(
                [
                    {
                        "uuid": f"benchmark-{instance.id}-{i}",
                        "name": "Benchmark job",
                        "state": ("pending", "failed", "done")[i % 3],
                        "mirakl_instance_id": instance.id,
                    }
                    for i in range(300)
                ]
            )
        partner = env["res.partner"].create({"name": "Benchmark buyer"})
        user = env["res.users"].create(
            {
                "name": "Benchmark user",
                "login": "benchmark_dashboard",
                "groups_id": [(6, 0, env.ref("mirakl_connector.group_mirakl_user").ids)],
            }
        )
        env.cr.commit()
        return {
            "company": company.id,
            "eur_instance": instances[0].id,
            "usd_instance": instances[1].id,
            "eur": eur.id,
            "usd": usd.id,
            "partner": partner.id,
            "user": user.id,
        }


def _add_orders(registry, setup, first, last):
    """Orders ``first``..``last`` (and their sale orders), in one statement; then ANALYZE."""
    env = harness.env(registry)
    with env.cr:
        started = time.perf_counter()
        env.cr.execute(
            ORDERS_SQL,
            {
                **setup,
                "first": first,
                "last": last,
                "states": STATES,
                "state_count": len(STATES),
                "days": DAYS,
                "customers": CUSTOMERS,
            },
        )
        env.cr.execute("ANALYZE sale_order")
        env.cr.execute("ANALYZE mirakl_order")
        env.cr.commit()
        env.cr.execute("SELECT count(*) FROM mirakl_order")
        return env.cr.fetchone()[0], time.perf_counter() - started


def _measure(registry, user_id, period, calls):
    """Queries of one call, and the median seconds of ``calls`` calls."""
    env = harness.env(registry, user_id)
    with env.cr:
        dashboard = env["mirakl.dashboard"]
        dashboard.get_dashboard_data(period=period)  # warm-up: registry and ormcache
        env.invalidate_all()
        with harness.measure() as counted:
            dashboard.get_dashboard_data(period=period)
        durations = []
        for _call in range(calls):
            env.invalidate_all()
            started = time.perf_counter()
            data = dashboard.get_dashboard_data(period=period)
            durations.append(time.perf_counter() - started)
        env.cr.rollback()
    return counted.queries, statistics.median(durations), data["kpis"]["orders"]["value"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="order counts, comma-separated")
    parser.add_argument("--calls", type=int, default=9, help="timed calls per measure")
    args = harness.parse_args(parser, argv, db="mirakl_benchmark_dashboard")
    sizes = sorted(int(size) for size in args.sizes.split(","))

    results = []
    with harness.database(args) as registry:
        setup = _prepare(registry)
        count = 0
        for size in sizes:
            count, seconds = _add_orders(registry, setup, count + 1, size)
            print(
                f"{count:,} Mirakl orders and sale orders ({seconds:.1f} s to insert)", flush=True
            )
            for period in PERIODS:
                results.append(
                    (count, period, *_measure(registry, setup["user"], period, args.calls))
                )
    print()
    print(f"Dashboard data call, as a Mirakl user (median of {args.calls} calls)")
    print(
        f"{'orders in DB':>14} {'period':>7} {'in period':>10} {'SQL queries':>12} {'median':>10}"
    )
    for count, period, queries, seconds, in_period in results:
        print(f"{count:>14,} {period:>7} {in_period:>10,} {queries:>12} {seconds * 1000:>8.1f} ms")
    by_period = {}
    for _count, period, queries, _seconds, _in_period in results:
        by_period.setdefault(period, set()).add(queries)
    same = all(len(counts) == 1 for counts in by_period.values())
    print("Query count independent of the number of orders:", "yes" if same else "NO")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
