# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common_dashboard import DashboardDataMixin


def hoot_job_id(name):
    """Hoot's id of a suite or test, from its full name (as web's HOOTCommon computes it)."""
    value = 0
    for char in name:
        value = ((value << 5) - value + ord(char)) & 0xFFFFFFFF
    return f"{value:08x}"


@tagged("post_install", "-at_install")
class TestMiraklDashboardBrowser(DashboardDataMixin, HttpCase):
    """The dashboard in headless Chromium: the Hoot suite of its components, and a tour."""

    def test_hoot_suite(self):
        """Every Hoot test of the addon (``static/tests/**/*.test.js``)."""
        self.browser_js(
            "/web/tests?headless&loglevel=2&preset=desktop&timeout=15000"
            f"&id={hoot_job_id('@mirakl_connector')}",
            "",
            "",
            login="admin",
            timeout=600,
            success_signal="[HOOT] Test suite succeeded",
            error_checker=lambda message: "[HOOT]" not in message,
        )

    def test_tour(self):
        company = self.env.company
        currency = company.currency_id
        now = fields.Datetime.now()
        market_a = self._make_instance("Tour Marketplace A", company, currency)
        market_b = self._make_instance("Tour Marketplace B", company, currency)
        self._make_order(market_a, now - timedelta(days=3), "SHIPPING", 20.0, "x")
        self._make_order(market_a, now - timedelta(days=20), "SHIPPED", 30.0, "y")
        self._make_order(
            market_b, now - timedelta(days=2), "SHIPPING", 40.0, "z", mirakl_order_id="TOUR-B-1"
        )
        self.start_tour("/odoo", "mirakl_connector_dashboard", login="admin")
