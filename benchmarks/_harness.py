"""What every benchmark of benchmarks/ shares, so that each script holds only its workload.

- ``parse_args``: the options common to all (database, addons path, log level);
- ``simulator``: the operator simulator in a child process, for as long as a ``with`` block;
- ``database``: Odoo in this process, on a fresh database with mirakl_connector, dropped after;
- ``env``: an environment on a new cursor; ``measure``: time and SQL queries of a block;
- ``reset_peak_memory`` / ``peak_memory_mb``: the process' peak RSS.

Odoo is imported lazily, never at import time: the simulator's child process is forked before
Odoo is loaded, so that it carries none of Odoo's state.
"""

import multiprocessing
import os
import resource
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parents[1]
ODOO_SRC = Path(
    os.environ.get("ODOO_SRC")
    or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "mirakl_connector/odoo-18.0"
)
API_KEY = "benchmark-key"


def parse_args(parser, argv, db):
    """Add the options every benchmark has, after the script's own ones, and parse ``argv``.

    ``db`` is the script's default database name: each script has its own, so that two
    benchmarks never drop each other's database.
    """
    parser.add_argument("--db", default=db)
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--addons-path", default=f"{REPO},{ODOO_SRC / 'addons'}")
    parser.add_argument("--log-level", default="warn")
    return parser.parse_args(argv)


# -- simulator (child process) -----------------------------------------------------------------


def import_simulator():
    """Make ``mirakl_simulator`` importable: it lives in the repository's tests/ folder."""
    if str(REPO / "tests") not in sys.path:
        sys.path.insert(0, str(REPO / "tests"))


def _serve(build, args, pipe):
    """Child process: serve ``build(*args)`` until the parent closes ``pipe``."""
    import_simulator()
    sim = build(*args)
    sim.start(host="127.0.0.1", port=0)
    pipe.send(sim.url)
    try:
        pipe.recv()
    except EOFError:
        pass
    sim.stop()


@contextmanager
def simulator(build, *args):
    """Run the simulator ``build(*args)`` returns in a child process; yield its URL.

    A separate process, so that the simulator's threads and memory do not count in the time and
    peak memory measured here. Enter it before ``database()``, so the child forks before Odoo loads.
    """
    parent_end, child_end = multiprocessing.Pipe()
    process = multiprocessing.get_context("fork").Process(
        target=_serve, args=(build, args, child_end), daemon=True
    )
    process.start()
    try:
        yield parent_end.recv()
    finally:
        parent_end.close()
        process.join(timeout=10)


# -- Odoo (this process) -----------------------------------------------------------------------


def _setup_odoo(args):
    """Configure Odoo in this process as a server would be, without cron threads."""
    import odoo
    from odoo.tools import config

    config.parse_config(
        [
            f"--addons-path={args.addons_path}",
            f"--database={args.db}",
            "--without-demo=all",
            f"--log-level={args.log_level}",
            "--max-cron-threads=0",
        ]
    )
    odoo.service.server.load_server_wide_modules()


def _create_database(db):
    """A new database (an existing one is dropped first) with mirakl_connector installed."""
    from odoo.modules.registry import Registry
    from odoo.service import db as db_service
    from odoo.tools import config

    if db_service.exp_db_exist(db):
        db_service.exp_drop(db)
    db_service._create_empty_database(db)
    config["init"] = {"mirakl_connector": 1}
    registry = Registry.new(db, update_module=True)
    config["init"] = {}
    return registry


def _drop_database(db):
    from odoo.modules.registry import Registry
    from odoo.service import db as db_service

    Registry.delete(db)
    db_service.exp_drop(db)


@contextmanager
def database(args):
    """Odoo in this process on a new database ``args.db``; yield its registry.

    The database is dropped on the way out, also after a failure, unless ``--keep-db``.
    """
    _setup_odoo(args)
    try:
        print(f"Creating database {args.db} with mirakl_connector...", flush=True)
        yield _create_database(args.db)
    finally:
        if not args.keep_db:
            _drop_database(args.db)


def env(registry, uid=None):
    """An environment (superuser unless ``uid``) on a new cursor: use it as ``with env.cr:``.

    One cursor per step, as one request or one job would have; nothing is committed unless
    the step commits.
    """
    from odoo import SUPERUSER_ID, api

    return api.Environment(registry.cursor(), uid or SUPERUSER_ID, {})


@contextmanager
def measure():
    """Yield an object whose ``seconds`` and ``queries`` (SQL) are set when the block ends."""
    from odoo import sql_db

    result = SimpleNamespace(seconds=None, queries=None)
    queries = sql_db.sql_counter
    started = time.perf_counter()
    yield result
    result.seconds = time.perf_counter() - started
    result.queries = sql_db.sql_counter - queries


# -- memory ------------------------------------------------------------------------------------


def reset_peak_memory():
    """Start measuring the peak RSS afresh (Linux: clear_refs 5 resets VmHWM)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass  # then the peak covers the whole run so far: an upper bound


def peak_memory_mb():
    """Peak resident memory since the last reset, in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
