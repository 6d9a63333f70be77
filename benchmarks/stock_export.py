#!/usr/bin/env python3
"""Benchmark of the stock export (issue 5): free stock of N listings -> one STO01 file.

    .venv/bin/python benchmarks/stock_export.py [--sizes 10000,100000] [--keep-db]

A simulator in a child process serves a shop of generated offers (SKUs ``BENCH-0000000``...).
Odoo runs in this process on a database the script creates (and drops): max(N) storable products
with stock in the warehouse (a tenth with some reserved), and one Marketplace per size whose N
listings are linked to the first N products. It prints, per N:

- the full export job (``mirakl.flow.stock._job_export``: free quantities, CSV file, upload,
  import tracking): its time, SQL queries, uploads and the process' peak memory;
- the baseline, in the same run: one ``read(['free_qty'])`` of the same N products in the
  Marketplace's warehouse, caches emptied before each measure;
- the ratio export / baseline (target: at most 2), and whether the query count depends on N.

Settings: ``--addons-path`` (default: the repository and $ODOO_SRC/addons, else the cache folder
used by scripts/), PostgreSQL through the standard PG* variables.
"""

import argparse
import json
import sys
import time
import urllib.request

import _harness as harness

SHOP_ID = 3001
SKU_PREFIX = "BENCH"
BATCH = 10000  # products created per transaction


def _simulator(count):
    """A shop of ``count`` generated offers (child process)."""
    from mirakl_simulator import OperatorSimulator

    sim = OperatorSimulator()
    sim.add_shop(SHOP_ID, "Benchmark shop")
    sim.add_generated_offers(SHOP_ID, count, seed=5, sku_prefix=SKU_PREFIX)
    sim.add_api_key(harness.API_KEY, [SHOP_ID])
    return sim


def _uploads(url):
    """STO01 calls the simulator received since the last call, which forgets them."""
    with urllib.request.urlopen(f"{url}/_simulator/requests") as response:
        requests = json.load(response)
    urllib.request.urlopen(urllib.request.Request(f"{url}/_simulator/requests", method="DELETE"))
    return sum(1 for request in requests if request["op"] == "STO01")


def _prepare(registry, url, sizes):
    """Products with stock, and one Marketplace per size with its listings; returns
    ``{size: marketplace id}``."""
    from odoo.tools import SQL

    count = max(sizes)
    env = harness.env(registry)
    with env.cr:
        warehouse = env["stock.warehouse"].search([], limit=1)
        for start in range(0, count, BATCH):
            env["product.product"].create(
                [
                    {
                        "name": f"Product {index}",
                        "default_code": f"P{index:07d}",
                        "is_storable": True,
                    }
                    for index in range(start, min(start + BATCH, count))
                ]
            )
            env.cr.commit()
            env.invalidate_all()
        # Stock: index % 50 units, a tenth with 1 reserved (the reservations are not real
        # moves: only free_qty = on hand - reserved matters here).
        env.cr.execute(
            SQL(
                """INSERT INTO stock_quant (product_id, company_id, location_id, quantity,
                                            reserved_quantity, in_date, create_uid, create_date,
                                            write_uid, write_date)
                   SELECT p.id, %(company)s, %(location)s, mod(p.id, 50),
                          CASE WHEN mod(p.id, 10) = 0 AND mod(p.id, 50) > 0 THEN 1 ELSE 0 END,
                          now(), 1, now(), 1, now()
                     FROM product_product p
                    WHERE p.default_code LIKE %(codes)s""",
                company=warehouse.company_id.id,
                location=warehouse.lot_stock_id.id,
                codes="P%",
            )
        )
        marketplaces = {}
        for size in sizes:
            instance = env["mirakl.instance"].create(
                {
                    "name": f"Benchmark {size}",
                    "operator_url": url,
                    "api_key": harness.API_KEY,
                    "shop_id": str(SHOP_ID),
                    "warehouse_id": warehouse.id,
                    "stock_buffer": 1,
                }
            )
            env.flush_all()
            env.cr.execute(
                SQL(
                    """INSERT INTO mirakl_listing (instance_id, company_id, offer_id, shop_sku,
                                                   product_id, active, link_mode, create_uid,
                                                   create_date, write_uid, write_date)
                       SELECT %(instance)s, %(company)s, (100000 + n)::varchar,
                              %(prefix)s || '-' || lpad(n::varchar, 7, '0'), p.id, true, 'auto',
                              1, now(), 1, now()
                         FROM product_product p
                         JOIN LATERAL (SELECT substr(p.default_code, 2)::int AS n) i ON true
                        WHERE p.default_code LIKE %(codes)s AND n < %(size)s""",
                    codes="P%",
                    instance=instance.id,
                    company=instance.company_id.id,
                    prefix=SKU_PREFIX,
                    size=size,
                )
            )
            marketplaces[size] = instance.id
        env.cr.commit()
        env.cr.execute("ANALYZE")  # plans as on a live database, not on fresh bulk inserts
    return marketplaces


def _baseline(registry, marketplace_id):
    """Seconds of one batched read of free_qty of the Marketplace's listed products."""
    env = harness.env(registry)
    with env.cr:
        instance = env["mirakl.instance"].browse(marketplace_id)
        listings = env["mirakl.listing"].search([("instance_id", "=", marketplace_id)])
        product_ids = listings.product_id.ids
        env.invalidate_all()
        products = (
            env["product.product"]
            .browse(product_ids)
            .with_context(warehouse_id=instance.warehouse_id.id)
        )
        started = time.perf_counter()
        products.read(["free_qty"])
        seconds = time.perf_counter() - started
        env.cr.rollback()
    return seconds


def _export(registry, url, marketplace_id):
    """Run one full stock export job; returns (seconds, queries, uploads, peak MB, rows)."""
    _uploads(url)
    env = harness.env(registry)
    with env.cr:
        env["mirakl.call.limit"].search([]).unlink()
        instance = env["mirakl.instance"].browse(marketplace_id)
        env.cr.commit()
        env.invalidate_all()
        harness.reset_peak_memory()
        with harness.measure() as export:
            env["mirakl.flow.stock"]._job_export(instance, True)
            env.flush_all()
        memory = harness.peak_memory_mb()
        file_import = env["mirakl.file.import"].search(
            [("instance_id", "=", marketplace_id)], limit=1
        )
        rows = file_import.line_count
        env.cr.rollback()
    return export.seconds, export.queries, _uploads(url), memory, rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="listing counts, comma-separated")
    args = harness.parse_args(parser, argv, db="mirakl_benchmark_stock")
    sizes = sorted(int(size) for size in args.sizes.split(","))

    results = []
    with harness.simulator(_simulator, max(sizes)) as url, harness.database(args) as registry:
        print(f"Creating {max(sizes):,} products with stock and the listings...", flush=True)
        marketplaces = _prepare(registry, url, sizes)
        for size in sizes:
            print(f"N = {size:,}: exporting...", flush=True)
            _export(registry, url, marketplaces[size])  # warm-up: caches, imports, sockets
            baseline = _baseline(registry, marketplaces[size])
            results.append((size, baseline, *_export(registry, url, marketplaces[size])))
    print()
    print("Stock export benchmark (Odoo in-process, simulator in a child process)")
    for size, baseline, seconds, queries, uploads, memory, rows in results:
        print(f"N = {size:,} listings -> {rows:,} STO01 lines")
        print(f"  full export job (read, CSV, STO01, tracking) {seconds:8.2f} s")
        print(f"  baseline: read(['free_qty']) of N products  {baseline:8.2f} s")
        print(f"  ratio export / baseline                     {seconds / baseline:8.2f}")
        print(f"  SQL queries                                 {queries:8d}")
        print(f"  uploads                                     {uploads:8d}")
        print(f"  peak memory of the process (RSS)            {memory:8.0f} MB")
    counts = {queries for _size, _b, _s, queries, *_rest in results}
    print(f"SQL queries independent of N: {'yes' if len(counts) == 1 else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
