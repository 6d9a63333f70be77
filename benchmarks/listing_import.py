#!/usr/bin/env python3
"""Benchmark of the listing import (issue 3): Mirakl offers -> ``mirakl.listing``.

    .venv/bin/python benchmarks/listing_import.py [--sizes 10000,100000] [--keep-db]

For each size N, a simulator in a child process serves a shop of N generated offers through the
asynchronous offer export (OF52 -> OF53 -> OF54, 10,000 offers per file). Odoo runs in this
process on a database the script creates (and drops), and executes the import's queue jobs one
by one, each in its own transaction, as the job runner would. It prints, per N:

- the import's time, SQL queries per 1,000 offers, and the process' peak memory;
- the baseline: one ``create()`` of the same N listing values, in the same run;
- the second, unchanged import: its time and how many listings it wrote (0 expected).

A tenth of the offers have a matching product (half by internal reference, half by barcode).
Settings: ``--addons-path`` (default: the repository and $ODOO_SRC/addons, else the cache folder
used by scripts/), PostgreSQL through the standard PG* variables.
"""

import argparse
import sys
import time

import _harness as harness

FIRST_SHOP_ID = 3001
CHANNELS = ["WEB_FR", "WEB_DE", "WEB_BE", "APP"]
PRODUCT_RATIO = 10  # one offer in PRODUCT_RATIO has a matching product


def _catalogue_args(sizes):
    """Shop id, offer count and seed of each size's catalogue: the same in both processes."""
    return [(FIRST_SHOP_ID + i, size, 1000 + i) for i, size in enumerate(sizes)]


def _simulator(sizes):
    """One shop per size with its generated offers, behind one key (child process)."""
    from mirakl_simulator import OperatorSimulator, demo

    sim = OperatorSimulator()
    sim.store.reference = demo._reference_data()
    for shop_id, size, seed in _catalogue_args(sizes):
        sim.add_shop(shop_id, f"Benchmark shop {size}", channels=CHANNELS)
        sim.add_generated_offers(shop_id, size, seed=seed, sku_prefix=f"B{size}")
    sim.add_api_key(harness.API_KEY, [shop_id for shop_id, _size, _seed in _catalogue_args(sizes)])
    sim.offer_export_settings.pending_polls = 0
    return sim


def _run_jobs(registry, durations=None):
    """Run the queued jobs until none is left: one transaction per job, dependents after.

    ``durations`` (a dict) receives the seconds spent per job method.
    """
    from odoo.addons.queue_job.job import Job

    while True:
        env = harness.env(registry)
        with env.cr:
            record = env["queue.job"].search(
                [("state", "in", ("pending", "enqueued"))], order="id", limit=1
            )
            if not record:
                return
            job = Job.load(env, record.uuid)
            started = time.perf_counter()
            job.set_started()
            job.store()
            job.perform()
            env.flush_all()
            job.set_done()
            job.store()
            env.flush_all()
            job.enqueue_waiting()
            env.cr.commit()
            if durations is not None:
                name = job.method_name
                durations[name] = durations.get(name, 0.0) + time.perf_counter() - started


def _prepare(registry, url, sizes):
    """One Marketplace per size (plus one for the baselines), master data, products."""
    harness.import_simulator()
    from mirakl_simulator.generated_offers import GeneratedOffers

    env = harness.env(registry)
    with env.cr:
        env.ref("base.EUR").active = True
        marketplaces = {}
        for shop_id, size, seed in _catalogue_args(sizes):
            vals = {"operator_url": url, "api_key": harness.API_KEY, "shop_id": str(shop_id)}
            marketplaces[size] = (
                env["mirakl.instance"].create({**vals, "name": f"Benchmark {size}"}).id,
                env["mirakl.instance"].create({**vals, "name": f"Baseline {size}"}).id,
            )
            catalogue = GeneratedOffers(
                shop_id, "", "EUR", 0, size, seed, None, sku_prefix=f"B{size}"
            )
            products = []
            for index, values in enumerate(catalogue.products()):
                if index % PRODUCT_RATIO:
                    continue
                if index // PRODUCT_RATIO % 2 and values["barcode"]:
                    values["default_code"] = False  # found by barcode
                else:
                    values["barcode"] = False  # found by internal reference
                products.append(values)
            env["product.product"].create(products)
        env.cr.commit()
        for marketplace_id, _baseline_id in marketplaces.values():
            env["mirakl.instance"].browse(marketplace_id)._run_flow("master_data", force=True)
        env.cr.commit()
    _run_jobs(registry)
    return marketplaces


def _import(registry, marketplace_id):
    """Run a full listing import; return (seconds, queries, listings written, seconds by job)."""
    from unittest.mock import patch

    env = harness.env(registry)
    with env.cr:
        env["mirakl.call.limit"].search([]).unlink()  # the full export is allowed once a day
        env["mirakl.instance"].browse(marketplace_id)._run_flow("listings", full=True)
        env.cr.commit()
    listing_class = registry["mirakl.listing"]
    written = []

    def counting_write(records, vals, _write=listing_class.write):
        written.append(len(records))
        return _write(records, vals)

    durations = {}
    with harness.measure() as run, patch.object(listing_class, "write", counting_write):
        _run_jobs(registry, durations)
    return run.seconds, run.queries, sum(written), durations


def _baseline(registry, marketplace_id, baseline_id):
    """Seconds of one create() of the imported listings' values, rolled back after."""
    env = harness.env(registry)
    with env.cr:
        Listing = env["mirakl.listing"].with_context(active_test=False)
        names = [
            name
            for name, field in Listing._fields.items()
            if field.store and not field.compute and not field.related and not field.automatic
        ]
        names = [name for name in names if name not in ("instance_id", "company_id")]
        rows = Listing.search_read([("instance_id", "=", marketplace_id)], names, load=None)
        vals_list = []
        for row in rows:
            row.pop("id")
            row["channel_ids"] = [(6, 0, row["channel_ids"])]
            vals_list.append({**row, "instance_id": baseline_id})
        del rows
        env.invalidate_all()
        started = time.perf_counter()
        Listing.create(vals_list)
        env.flush_all()
        seconds = time.perf_counter() - started
        env.cr.rollback()
    return seconds, len(vals_list)


def _count(registry, marketplace_id):
    env = harness.env(registry)
    with env.cr:
        return (
            env["mirakl.listing"]
            .with_context(active_test=False)
            .search_count([("instance_id", "=", marketplace_id)])
        )


def _measure(registry, size, marketplace_id, baseline_id):
    """Import, baseline and unchanged import of one size."""
    print(f"N = {size:,}: importing...", flush=True)
    harness.reset_peak_memory()
    seconds, queries, _written, durations = _import(registry, marketplace_id)
    result = {
        "size": size,
        "seconds": seconds,
        "queries": queries,
        "durations": durations,
        "memory": harness.peak_memory_mb(),
        "count": _count(registry, marketplace_id),
    }
    result["baseline"], result["baseline_count"] = _baseline(registry, marketplace_id, baseline_id)
    again, again_queries, written, _durations = _import(registry, marketplace_id)
    result.update(again=again, again_queries=again_queries, written=written)
    return result


def _report(r):
    size = r["size"]
    jobs = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in r["durations"].items())
    print(f"N = {size:,} offers -> {r['count']:,} listings")
    print(f"  import (OF52 -> OF53 -> OF54, jobs)  {r['seconds']:8.1f} s   ({jobs})")
    baseline = f"baseline: one create() of {r['baseline_count']:,} listings"
    print(f"  {baseline:<37}{r['baseline']:8.1f} s")
    print(f"  ratio import / baseline              {r['seconds'] / r['baseline']:8.2f}")
    print(f"  SQL queries per 1,000 offers         {r['queries'] * 1000 / size:8.1f}")
    print(f"  peak memory of the process (RSS)     {r['memory']:8.0f} MB")
    print(
        f"  second, unchanged import             {r['again']:8.1f} s, "
        f"{r['again_queries'] * 1000 / size:.1f} queries per 1,000 offers, "
        f"{r['written']} listings written"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="offer counts, comma-separated")
    args = harness.parse_args(parser, argv, db="mirakl_benchmark_listings")
    sizes = [int(size) for size in args.sizes.split(",")]

    with harness.simulator(_simulator, sizes) as url, harness.database(args) as registry:
        print("Preparing marketplaces, master data and products...", flush=True)
        marketplaces = _prepare(registry, url, sizes)
        results = [_measure(registry, size, *marketplaces[size]) for size in sizes]
    print()
    print("Listing import benchmark (Odoo in-process, simulator in a child process)")
    for result in results:
        _report(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
