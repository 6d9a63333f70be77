# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import datetime

from odoo.exceptions import UserError

from .common_dashboard import DashboardCase


def kpi(value, previous, delta, delta_percent):
    return {"value": value, "previous": previous, "delta": delta, "delta_percent": delta_percent}


class TestMiraklDashboardData(DashboardCase):
    """``get_dashboard_data`` against known records, on 30 June 2025 (UTC user), 7 days:
    the period is 24-30 June, the previous one 17-23 June."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        a, b = cls.instance_a, cls.instance_b
        order = cls._make_order
        # Current period. 99.99 EUR at 0.8 = 124.9875 USD; 50.01 EUR at 0.5 = 100.02 USD.
        order(a, datetime(2025, 6, 25, 12), "SHIPPING", 99.99, "c1")
        order(a, datetime(2025, 6, 28, 9), "SHIPPED", 50.01, "c2")
        order(a, datetime(2025, 6, 29, 7), "WAITING_ACCEPTANCE", 30.0, "c1")
        order(a, datetime(2025, 6, 30, 8), "REFUSED", 40.0, "c3")
        order(b, datetime(2025, 6, 26, 15), "CLOSED", 80.10, "c1")  # B's c1 is someone else
        # Previous period. 60 EUR at 0.8 = 75 USD; 20.05 EUR at 0.8 = 25.0625 USD.
        order(a, datetime(2025, 6, 20, 10), "CLOSED", 60.0, "c4")
        order(a, datetime(2025, 6, 23, 23, 30), "SHIPPING", 20.05, "c1")
        order(b, datetime(2025, 6, 18, 10), "CANCELED", 10.0, "c5")
        # Outside both periods.
        order(a, datetime(2025, 6, 16, 23, 59), "CLOSED", 1000.0, "c6")
        order(a, datetime(2025, 7, 1, 0, 0), "CLOSED", 1000.0, "c6")

        listing = cls._make_listing
        listing(a, datetime(2025, 6, 1), 5)
        listing(a, datetime(2025, 6, 25), 0)
        listing(a, datetime(2025, 6, 1), 0, active=False)
        listing(b, datetime(2025, 6, 20), 3)

        log = cls._make_log
        for state in ("done", "done", "done", "partial", "failed", "running"):
            log(a, datetime(2025, 6, 27), state)
        log(b, datetime(2025, 6, 20), "done")
        log(b, datetime(2025, 6, 21), "failed")

        for state in ("pending", "enqueued", "started", "failed", "failed", "done"):
            cls._make_job(a, state)

    def test_kpis(self):
        data = self.get_data(period="7d")
        self.assertEqual(
            data["period"],
            {
                "code": "7d",
                "date_from": "2025-06-24",
                "date_to": "2025-06-30",
                "previous_from": "2025-06-17",
                "previous_to": "2025-06-23",
                "bucket": "day",
            },
        )
        self.assertEqual(data["currency_id"], self.usd.id)
        kpis = data["kpis"]
        # 124.9875 + 100.02 + 80.10 = 305.1075; 75 + 25.0625 = 100.0625: rounded once.
        self.assertEqual(kpis["revenue"], kpi(305.11, 100.06, 205.05, 204.9))
        self.assertEqual(kpis["orders"], kpi(5, 3, 2, 66.7))
        # A: c1, c2, c3 and B: c1 / A: c4, c1 and B: c5.
        self.assertEqual(kpis["customers"], kpi(4, 3, 1, 33.3))
        # 305.11 / 3 sold orders; 100.06 / 2.
        self.assertEqual(kpis["average_order_value"], kpi(101.70, 50.03, 51.67, 103.3))
        self.assertEqual(kpis["listings"], {**kpi(3, 2, 1, 50.0), "out_of_stock": 1})
        # 3 done of 5 finished runs against 1 of 2; the running one does not count.
        self.assertEqual(kpis["sync_health"], {**kpi(60.0, 50.0, 10.0, 20.0), "failed_jobs": 2})
        self.assertEqual(
            data["footer"],
            {
                "queued_jobs": 3,
                "failed_jobs": 2,
                "errors": 2,
                "out_of_stock": 1,
                "sync_rate": 60.0,
            },
        )

    def test_trend_and_states(self):
        data = self.get_data(period="7d")
        trend = data["trend"]
        self.assertEqual(trend["bucket"], "day")
        self.assertEqual(trend["labels"], [f"2025-06-{day}" for day in range(24, 31)])
        self.assertEqual(
            trend["series"],
            [
                {
                    "instance_id": self.instance_a.id,
                    "name": "Marketplace A",
                    "revenue": [0.0, 124.99, 0.0, 0.0, 100.02, 0.0, 0.0],
                    "orders": [0, 1, 0, 0, 1, 1, 1],
                },
                {
                    "instance_id": self.instance_b.id,
                    "name": "Marketplace B",
                    "revenue": [0.0, 0.0, 80.10, 0.0, 0.0, 0.0, 0.0],
                    "orders": [0, 0, 1, 0, 0, 0, 0],
                },
            ],
        )
        self.assertEqual(
            [(state["state"], state["count"]) for state in data["order_states"]],
            [
                ("WAITING_ACCEPTANCE", 1),
                ("SHIPPING", 1),
                ("SHIPPED", 1),
                ("CLOSED", 1),
                ("REFUSED", 1),
            ],
        )

    def test_weekly_trend_for_long_periods(self):
        data = self.get_data(period="year")
        self.assertEqual(data["period"]["date_from"], "2024-07-01")
        self.assertEqual(data["period"]["previous_from"], "2023-07-02")
        trend = data["trend"]
        self.assertEqual(trend["bucket"], "week")
        self.assertEqual(len(trend["labels"]), 53)  # 52 weeks and a day
        self.assertEqual(trend["labels"][-2:], ["2025-06-23", "2025-06-30"])
        series_a = trend["series"][0]
        # Weeks from 1 July 2024: 16-22 June, 23-29 June, then 30 June alone.
        # 1000 + 60 EUR at 0.8; 20.05 + 99.99 EUR at 0.8 and 50.01 EUR at 0.5.
        self.assertEqual(series_a["orders"][-3:], [2, 4, 1])
        self.assertEqual(series_a["revenue"][-3:], [1325.0, 250.07, 0.0])

    def test_marketplace_filter(self):
        data = self.get_data(period="7d", instance_ids=[self.instance_b.id])
        self.assertEqual(data["instances"], [{"id": self.instance_b.id, "name": "Marketplace B"}])
        self.assertEqual(data["kpis"]["revenue"], kpi(80.10, 0.0, 80.10, None))
        self.assertEqual(data["kpis"]["orders"], kpi(1, 1, 0, 0.0))
        self.assertEqual(data["kpis"]["listings"]["value"], 1)
        self.assertEqual(data["kpis"]["sync_health"]["value"], None)
        self.assertEqual(data["footer"]["queued_jobs"], 0)
        self.assertEqual([line["name"] for line in data["trend"]["series"]], ["Marketplace B"])

    def test_custom_period(self):
        data = self.get_data(period="custom", date_from="2025-06-20", date_to="2025-06-23")
        self.assertEqual(data["period"]["previous_from"], "2025-06-16")
        self.assertEqual(data["period"]["previous_to"], "2025-06-19")
        # The previous period holds the 1000 EUR order of 16 June 23:59.
        self.assertEqual(data["kpis"]["revenue"], kpi(100.06, 1250.0, -1149.94, -92.0))
        self.assertEqual(data["kpis"]["orders"], kpi(2, 2, 0, 0.0))
        with self.assertRaises(UserError):
            self.get_data(period="custom", date_from="2025-06-23", date_to="2025-06-20")
        with self.assertRaises(UserError):
            self.get_data(period="custom", date_from="2025-06-23")
        with self.assertRaises(UserError):
            self.get_data(period="decade")

    def test_periods_follow_the_user_timezone(self):
        """In Brussels (UTC+2), 23 June 23:30 UTC is already 24 June: in the current week."""
        self.user.tz = "Europe/Brussels"
        data = self.get_data(period="7d")
        # 16 June 23:59 UTC moves into the previous period, 1 July 00:00 UTC stays out.
        self.assertEqual(data["kpis"]["orders"], kpi(6, 3, 3, 100.0))
        self.assertEqual(data["trend"]["series"][0]["orders"], [1, 1, 0, 0, 1, 1, 1])
        today = self.get_data(period="today")
        self.assertEqual(today["period"]["date_from"], "2025-06-30")
        self.assertEqual(today["kpis"]["orders"]["value"], 1)

    def test_orders_to_accept(self):
        a, b = self.instance_a, self.instance_b
        b.acceptance_delay_hours = 24
        late = self._make_order(b, datetime(2025, 6, 29, 6), "WAITING_ACCEPTANCE", 12.5, "c9")
        self._make_order(
            a,
            datetime(2025, 6, 28, 6),
            "WAITING_ACCEPTANCE",
            5.0,
            acceptance_sent_date=datetime(2025, 6, 28, 7),
        )
        data = self.get_data(period="today")["to_accept"]
        self.assertEqual(data["count"], 2)
        self.assertEqual(
            data["orders"][0],
            {
                "id": late.id,
                "reference": late.mirakl_order_id,
                "instance": "Marketplace B",
                "customer": "",
                "amount": 12.5,
                "currency_id": self.usd.id,
                "deadline": "2025-06-30 06:00:00",
            },
        )
        # Marketplace A's order of 29 June 07:00, 48 hours to decide.
        self.assertEqual(data["orders"][1]["deadline"], "2025-07-01 07:00:00")

    def test_activity(self):
        activity = self.get_data(period="today")["activity"]
        self.assertEqual(len(activity), 8)
        self.assertEqual(
            activity[-1],
            {
                "id": activity[-1]["id"],
                "operation": "Order Import",
                "direction": "import",
                "state": "done",
                "state_label": "Done",
                "instance": "Marketplace B",
                "date": "2025-06-20 00:00:00",
                "processed": 0,
                "failed": 0,
            },
        )
        self.assertEqual(activity[0]["date"], "2025-06-27 00:00:00")

    def test_query_count_does_not_depend_on_orders(self):
        """As many queries for a few orders as for many, spread over days and states."""
        kwargs = {"period": "30d"}
        self.get_data(**kwargs)  # caches (access rules, groups) filled once

        def queries():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.get_data(**kwargs)
            return self.env.cr.sql_log_count - before

        few = queries()
        states = ("SHIPPING", "SHIPPED", "CLOSED", "WAITING_ACCEPTANCE", "REFUSED")
        for index in range(150):
            self._make_order(
                (self.instance_a, self.instance_b)[index % 2],
                datetime(2025, 6, 1 + index % 29, index % 24),
                states[index % len(states)],
                10.0 + index,
                f"bulk-{index}",
            )
        self.env.flush_all()
        self.assertEqual(queries(), few)
