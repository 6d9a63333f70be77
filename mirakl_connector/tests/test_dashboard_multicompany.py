# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import datetime

from .common_dashboard import DashboardCase


class TestMiraklDashboardMultiCompany(DashboardCase):
    """Company A (the case's company) and company B each sell on a Marketplace: a user of A
    never sees a figure of B, whatever Marketplace ids they send."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls._make_company("Other Seller", cls.usd)
        cls.instance_other = cls._make_instance("Marketplace of B", cls.company_b, cls.usd)
        when = datetime(2025, 6, 29, 12)
        cls._make_order(cls.instance_b, when, "SHIPPED", 10.0, "a1")
        cls._make_order(cls.instance_b, when, "WAITING_ACCEPTANCE", 1.0, "a1")
        for customer in ("b1", "b2"):
            cls._make_order(cls.instance_other, when, "SHIPPED", 500.0, customer)
        cls._make_order(cls.instance_other, when, "WAITING_ACCEPTANCE", 7.0, "b3")
        cls._make_listing(cls.instance_other, datetime(2025, 6, 1), 0)
        cls._make_log(cls.instance_other, when, "failed")
        cls._make_job(cls.instance_other, "failed")
        cls._make_job(cls.instance_other, "pending")
        cls.user_both = cls._make_user("dashboard_both", cls.company + cls.company_b)

    def assertOnlyCompanyA(self, data):
        self.assertEqual(
            [instance["name"] for instance in data["instances"]],
            ["Marketplace A", "Marketplace B"],
        )
        kpis = data["kpis"]
        self.assertEqual(kpis["revenue"]["value"], 10.0)
        self.assertEqual(kpis["orders"]["value"], 2)
        self.assertEqual(kpis["customers"]["value"], 1)
        self.assertEqual(kpis["listings"]["value"], 0)
        self.assertEqual(kpis["sync_health"]["value"], None)
        self.assertEqual(data["to_accept"]["count"], 1)
        self.assertEqual(data["activity"], [])
        self.assertEqual(
            data["footer"],
            {"queued_jobs": 0, "failed_jobs": 0, "errors": 0, "out_of_stock": 0, "sync_rate": None},
        )
        self.assertEqual(
            {state["state"] for state in data["order_states"]}, {"SHIPPED", "WAITING_ACCEPTANCE"}
        )

    def test_user_of_company_a(self):
        self.assertOnlyCompanyA(self.get_data(period="7d"))

    def test_user_of_company_a_asking_for_company_b(self):
        data = self.get_data(period="7d", instance_ids=[self.instance_other.id])
        self.assertEqual(data["instances"], [])
        self.assertEqual(data["kpis"]["orders"]["value"], 0)
        self.assertEqual(data["kpis"]["revenue"]["value"], 0.0)
        self.assertEqual(data["to_accept"]["count"], 0)
        self.assertEqual(data["footer"]["failed_jobs"], 0)
        self.assertEqual(data["footer"]["queued_jobs"], 0)

    def test_user_of_both_companies_working_in_a(self):
        dashboard = self.env["mirakl.dashboard"].with_user(self.user_both)
        data = dashboard.with_context(allowed_company_ids=[self.company.id]).get_dashboard_data(
            period="7d"
        )
        self.assertOnlyCompanyA(data)
        both = dashboard.with_context(
            allowed_company_ids=[self.company.id, self.company_b.id]
        ).get_dashboard_data(period="7d")
        self.assertEqual(both["kpis"]["revenue"]["value"], 1010.0)
        # a1 on A; b1, b2 and b3 (awaiting acceptance) on B.
        self.assertEqual(both["kpis"]["customers"]["value"], 4)
        self.assertEqual(both["footer"]["failed_jobs"], 1)
