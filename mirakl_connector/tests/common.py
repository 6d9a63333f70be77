# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import copy
import sys
import unittest
from pathlib import Path

import odoo.tests.common
from odoo.tests import TransactionCase

# queue_job's test helpers register themselves in odoo.tests.common.SETATTR_SOURCES, which
# Odoo 18.0 trees older than queue_job lack: give them one, so that trap_jobs imports everywhere.
odoo.tests.common.SETATTR_SOURCES = getattr(odoo.tests.common, "SETATTR_SOURCES", {})

from odoo.addons.queue_job.tests.common import trap_jobs  # noqa: E402, F401 (re-exported)

# The operator simulator lives in the repository's top-level tests/ folder, next to the addon.
REPOSITORY_TESTS_DIR = Path(__file__).resolve().parents[2] / "tests"


def import_simulator():
    """Import the ``mirakl_simulator`` package from the repository, or skip the tests."""
    if not (REPOSITORY_TESTS_DIR / "mirakl_simulator").is_dir():
        raise unittest.SkipTest(
            "operator simulator not found: run tests from a clone of the repository"
        )
    # Appended, not prepended: the folder also holds packages with generic names (client, spec)
    # that must not shadow anything else importable.
    if str(REPOSITORY_TESTS_DIR) not in sys.path:
        sys.path.append(str(REPOSITORY_TESTS_DIR))
    import mirakl_simulator

    return mirakl_simulator


class MiraklSimulatorCase(TransactionCase):
    """Runs a Mirakl operator simulator on 127.0.0.1 and a Marketplace pointing at it.

    The simulator holds shop 2001 "Test Shop" (EUR) reachable with ``API_KEY``, a shop 2002 that
    key cannot reach, and ``NO_RIGHTS_KEY``, a valid key without any role. Faults, the request
    journal and the platform configuration are reset after each test.
    """

    SHOP_ID = 2001
    API_KEY = "key-2001-secret"
    NO_RIGHTS_KEY = "no-rights-key-secret"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Sync logs are written on a cursor of their own (registry.cursor()). In test mode that
        # cursor works inside the test's transaction: tests see the logs, and roll them back.
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        simulator = import_simulator()
        cls.simulator = simulator.OperatorSimulator()
        cls.simulator.add_shop(shop_id=cls.SHOP_ID, name="Test Shop", currency_iso_code="EUR")
        cls.simulator.add_shop(shop_id=2002, name="Other Shop", currency_iso_code="EUR")
        cls.simulator.add_api_key(cls.API_KEY, shop_ids=[cls.SHOP_ID])
        cls.simulator.add_api_key(cls.NO_RIGHTS_KEY, shop_ids=[cls.SHOP_ID], roles=())
        cls.simulator.start(host="127.0.0.1", port=0)
        cls.addClassCleanup(cls.simulator.stop)
        cls.marketplace = cls.env["mirakl.instance"].create(
            {
                "name": "Test Marketplace",
                "operator_url": cls.simulator.url,
                "api_key": cls.API_KEY,
                "shop_id": str(cls.SHOP_ID),
            }
        )

    def setUp(self):
        super().setUp()
        configuration = copy.deepcopy(self.simulator.platform_configuration)
        self.addCleanup(self._restore_simulator, configuration)

    def assertRaisesKeepingLogs(self, exception):
        """``assertRaises`` without Odoo's savepoint, whose rollback would take the sync logs
        written meanwhile (in production they are on a transaction of their own)."""
        return unittest.TestCase.assertRaises(self, exception)

    def _restore_simulator(self, configuration):
        self.simulator.clear_faults()
        self.simulator.reset_logs()
        self.simulator.platform_configuration.clear()
        self.simulator.platform_configuration.update(configuration)
