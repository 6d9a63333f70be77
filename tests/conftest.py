"""Repository-level pytest setup (runs without Odoo).

sys.path: ``<repo>/mirakl_connector`` (so ``import mirakl`` loads the client without the addon's
``__init__``, which imports odoo) and ``<repo>/tests`` (so ``import mirakl_simulator`` and
``import spec`` work).

Shared fixtures:

``sim``
    A fresh, started ``OperatorSimulator`` per test, on a free port of 127.0.0.1. Shops 2001
    ("Demo Outdoor Shop", EUR) and 2002 ("Second Shop", EUR); API keys ``"key-2001"`` (shop 2001),
    ``"multi-key"`` (shops 2001 then 2002, default 2001) and ``"no-rights-key"`` (shop 2001, no
    roles: every call is 403). Empty offer/import lists, default platform settings and reference
    data. Faults default to ``times=None`` (every matching call until ``clear_faults()``).
``demo_sim``
    ``OperatorSimulator.demo()``, started once per test module: keys ``"demo-shop-key"`` (shop
    2001) and ``"demo-multi-key"`` (2001 + 2002), ~250 offers, offer imports, full reference data.
    Shared by the module's tests: do not mutate its data. An autouse fixture clears its faults
    and resets its logs around each test that uses it.
``fresh_demo_sim``
    A demo operator of its own per test, for tests that change offers or export settings.
"""

import sys
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
REPO_DIR = TESTS_DIR.parent
for _path in (REPO_DIR / "mirakl_connector", TESTS_DIR):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

SHOP_ID = 2001
SECOND_SHOP_ID = 2002
SHOP_KEY = "key-2001"
MULTI_KEY = "multi-key"
NO_RIGHTS_KEY = "no-rights-key"


@pytest.fixture
def sim():
    """Fresh started simulator with shops 2001/2002 and the keys described above."""
    from mirakl_simulator import OperatorSimulator  # importable once sys.path is set above

    simulator = OperatorSimulator()
    simulator.add_shop(SHOP_ID, "Demo Outdoor Shop", currency_iso_code="EUR")
    simulator.add_shop(SECOND_SHOP_ID, "Second Shop", currency_iso_code="EUR")
    simulator.add_api_key(SHOP_KEY, shop_ids=[SHOP_ID])
    simulator.add_api_key(MULTI_KEY, shop_ids=[SHOP_ID, SECOND_SHOP_ID])
    simulator.add_api_key(NO_RIGHTS_KEY, shop_ids=[SHOP_ID], roles=())
    simulator.start()
    yield simulator
    simulator.stop()


@pytest.fixture(scope="module")
def demo_sim():
    """The demo operator (``OperatorSimulator.demo()``), started once per test module."""
    from mirakl_simulator import OperatorSimulator

    simulator = OperatorSimulator.demo()
    yield simulator
    simulator.stop()


@pytest.fixture
def fresh_demo_sim():
    """A started demo operator for one test (offers, clock and settings may be changed)."""
    from mirakl_simulator import OperatorSimulator

    simulator = OperatorSimulator.demo()
    yield simulator
    simulator.stop()


@pytest.fixture(autouse=True)
def _fresh_demo_sim(request):
    """Give each test using the shared ``demo_sim`` no leftover faults and empty logs."""
    if "demo_sim" not in request.fixturenames:
        yield
        return
    simulator = request.getfixturevalue("demo_sim")
    simulator.clear_faults()
    simulator.reset_logs()
    yield
    simulator.clear_faults()
