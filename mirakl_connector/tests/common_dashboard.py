# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import datetime
from itertools import count

from odoo.tests import TransactionCase, new_test_user

_sequence = count(1)


class DashboardDataMixin:
    """Builders of the records the dashboard counts, at the dates a test chooses."""

    @classmethod
    def _make_company(cls, name, currency):
        return cls.env["res.company"].create({"name": name, "currency_id": currency.id})

    @classmethod
    def _make_user(cls, login, companies, tz="UTC"):
        return new_test_user(
            cls.env,
            login=login,
            groups="mirakl_connector.group_mirakl_user",
            company_id=companies[0].id,
            company_ids=[(6, 0, companies.ids)],
            tz=tz,
        )

    @classmethod
    def _make_instance(cls, name, company, currency):
        return cls.env["mirakl.instance"].create(
            {
                "name": name,
                "company_id": company.id,
                "currency_id": currency.id,
                "operator_url": "https://marketplace.example.com",
            }
        )

    @classmethod
    def _make_order(cls, instance, when, state, amount, customer="", **values):
        return cls.env["mirakl.order"].create(
            {
                "instance_id": instance.id,
                "mirakl_order_id": f"ORDER-{next(_sequence)}",
                "currency_id": instance.currency_id.id,
                "created_date": when,
                "mirakl_state": state,
                "total_price": amount,
                "customer_id": customer or False,
                **values,
            }
        )

    @classmethod
    def _make_listing(cls, instance, created, quantity, active=True):
        listing = cls.env["mirakl.listing"].create(
            {
                "instance_id": instance.id,
                "offer_id": f"OFFER-{next(_sequence)}",
                "quantity": quantity,
                "active": active,
            }
        )
        # The creation date is the ORM's to set: backdate it like an older listing.
        cls.env.cr.execute(
            "UPDATE mirakl_listing SET create_date = %s WHERE id = %s", (created, listing.id)
        )
        listing.invalidate_recordset(["create_date"])
        return listing

    @classmethod
    def _make_log(cls, instance, when, state, operation="orders"):
        return cls.env["mirakl.sync.log"].create(
            {
                "instance_id": instance.id,
                "operation": operation,
                "direction": "import",
                "state": state,
                "date_start": when,
            }
        )

    @classmethod
    def _make_job(cls, instance, state):
        return (
            cls.env["queue.job"]
            .sudo()
            .create(
                {
                    "uuid": f"dashboard-job-{next(_sequence)}",
                    "name": "Mirakl job",
                    "model_name": "mirakl.instance",
                    "method_name": "_run_flow",
                    "state": state,
                    "date_created": datetime(2025, 6, 29),
                    "mirakl_instance_id": instance.id,
                }
            )
        )


class DashboardCase(DashboardDataMixin, TransactionCase):
    """A company in USD with Marketplace A selling in EUR and Marketplace B in USD.

    EUR is worth 1.25 USD from 1 June 2025 (rate 0.8), 2 USD from 27 June (rate 0.5): the
    company's own rates, so no shared rate of the database plays a part.
    """

    freeze_time = "2025-06-30 10:00:00"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.usd = cls.env.ref("base.USD")
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.company = cls._make_company("Dashboard Seller", cls.usd)
        cls.env["res.currency.rate"].create(
            [
                {
                    "currency_id": currency.id,
                    "name": day,
                    "rate": rate,
                    "company_id": cls.company.id,
                }
                for currency, day, rate in (
                    (cls.usd, "2025-01-01", 1.0),
                    (cls.eur, "2025-06-01", 0.8),
                    (cls.eur, "2025-06-27", 0.5),
                )
            ]
        )
        cls.user = cls._make_user("dashboard_user", cls.company)
        cls.instance_a = cls._make_instance("Marketplace A", cls.company, cls.eur)
        cls.instance_b = cls._make_instance("Marketplace B", cls.company, cls.usd)

    def get_data(self, user=None, **kwargs):
        dashboard = self.env["mirakl.dashboard"].with_user(user or self.user)
        return dashboard.get_dashboard_data(**kwargs)
