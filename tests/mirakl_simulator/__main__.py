"""``python -m mirakl_simulator [--host H] [--port P] [--demo] [--generated-offers N]``: serve
until SIGINT/SIGTERM.

Without ``--demo`` the operator has one shop (2001) reachable with ``--api-key``.
``--generated-offers N`` adds N offers computed on the fly to shop 2001 (offer export only), so a
benchmark can import a large catalogue from a simulator in another process.
"""

import argparse
import signal
import sys
import threading

from .demo import DEMO_MULTI_KEY, DEMO_SHOP_KEY
from .simulator import OperatorSimulator


def _parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m mirakl_simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8900, help="0 picks a free port")
    parser.add_argument("--demo", action="store_true", help="seed the demo operator")
    parser.add_argument(
        "--api-key", default="simulator-key", help="key of shop 2001 without --demo"
    )
    parser.add_argument("--generated-offers", type=int, default=0, metavar="N")
    parser.add_argument("--generated-seed", type=int, default=0, metavar="SEED")
    parser.add_argument(
        "--export-pending-polls", type=int, default=None, metavar="N", help="OF53 PENDING answers"
    )
    return parser.parse_args(argv)


def _build(args):
    if args.demo:
        return OperatorSimulator.demo(start=False), {
            DEMO_SHOP_KEY: "shop 2001",
            DEMO_MULTI_KEY: "shops 2001 (default) and 2002",
        }
    sim = OperatorSimulator()
    sim.add_shop(2001, "Simulated Shop")
    sim.add_api_key(args.api_key, [2001])
    return sim, {args.api_key: "shop 2001"}


def main(argv=None):
    args = _parse_args(argv)
    sim, keys = _build(args)
    if args.generated_offers:
        sim.add_generated_offers(2001, args.generated_offers, seed=args.generated_seed)
    if args.export_pending_polls is not None:
        sim.offer_export_settings.pending_polls = args.export_pending_polls
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    sim.start(host=args.host, port=args.port)
    try:
        print(f"Mirakl simulator listening on {sim.url}", flush=True)
        for key, shops in keys.items():
            print(f"  API key {key!r}: {shops}", flush=True)
        print("Control plane: POST/DELETE /_simulator/faults, GET /_simulator/requests", flush=True)
        stop.wait()
    finally:
        sim.stop()
        print("Mirakl simulator stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
