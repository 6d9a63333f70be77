# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from bisect import bisect_right
from collections import defaultdict
from datetime import date, datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..mapping import order as order_mapping
from .mirakl_instance import PENDING_JOB_STATES
from .mirakl_sync_log import FINISHED_STATES

# Preset periods, in days ending today (the user's today).
PERIOD_DAYS = {"today": 1, "7d": 7, "30d": 30, "90d": 90, "year": 365}
# Longer periods draw the sales trend by week.
DAILY_BUCKETS_MAX_DAYS = 92
# Accepted orders not cancelled: the sales the seller makes (a refused, cancelled or not yet
# accepted order earns nothing).
REVENUE_STATES = order_mapping.ACCEPTED_STATES
LIST_SIZE = 10


class MiraklDashboard(models.AbstractModel):
    """The data of the Mirakl dashboard (client action ``mirakl_connector.dashboard``).

    Everything comes from aggregate queries whose number does not depend on the number of
    orders, listings or logs; each goes through the ORM's ``_read_group``/``_search``, so
    record rules apply: a user only counts the records of the companies they work in.
    """

    _name = "mirakl.dashboard"
    _description = "Mirakl Dashboard"

    @api.model
    def get_dashboard_data(self, period="30d", date_from=None, date_to=None, instance_ids=None):
        """Everything the dashboard shows for ``period`` and the Marketplaces ``instance_ids``.

        :param period: a key of ``PERIOD_DAYS``, or ``"custom"`` with ``date_from`` and
            ``date_to`` (``YYYY-MM-DD``, inclusive)
        :param instance_ids: Marketplace ids to restrict to; none means every Marketplace
        :return: a dict (amounts in the company's currency, ``currency_id``; what each figure
            counts is explained in ``readme/USAGE.md``, *Dashboard*):

            - ``period``: ``code``, ``date_from``, ``date_to``, ``previous_from``,
              ``previous_to`` (ISO dates), ``bucket`` (``day`` or ``week``);
            - ``instances``: ``[{id, name}]``, the Marketplaces of the filter;
            - ``kpis``: ``revenue``, ``orders``, ``customers``, ``average_order_value``,
              ``listings`` (+ ``out_of_stock``), ``sync_health`` (percent, + ``failed_jobs``),
              each ``{value, previous, delta, delta_percent}``;
            - ``trend``: ``bucket``, ``labels`` (first day of each bucket) and ``series``:
              ``[{instance_id, name, revenue: [...], orders: [...]}]``;
            - ``order_states``: ``[{state, label, count}]`` of the period's orders;
            - ``to_accept``: ``count`` and the first ``orders`` ``[{id, reference, instance,
              customer, amount, currency_id, deadline}]``, closest deadline first;
            - ``activity``: the latest sync logs ``[{id, operation, direction, state,
              state_label, instance, date, processed, failed}]``;
            - ``footer``: ``queued_jobs``, ``failed_jobs``, ``errors``, ``out_of_stock``,
              ``sync_rate``; ``can``: ``queue_jobs`` (the user may open the job queue).
        """
        tz_name = self.env.context.get("tz") or self.env.user.tz or "UTC"
        if tz_name not in pytz.all_timezones_set:
            tz_name = "UTC"
        self = self.with_context(tz=tz_name)
        dates = self._dashboard_period(period, date_from, date_to, pytz.timezone(tz_name))
        instance_domain = [("instance_id", "in", instance_ids)] if instance_ids else []
        instances = self.env["mirakl.instance"].search_fetch(
            [("id", "in", instance_ids)] if instance_ids else [], ["name"]
        )
        orders = self._dashboard_orders(dates, instance_domain)
        listings = self._dashboard_listings(dates, instance_domain)
        logs = self._dashboard_sync_logs(dates, instance_domain)
        jobs = self._dashboard_jobs(instance_ids)
        sync_health = self._kpi(logs["rate"], logs["previous_rate"], 1)
        sync_health["failed_jobs"] = jobs["failed"]
        return {
            "period": {
                key: value.isoformat() if isinstance(value, date) else value
                for key, value in dates.items()
                if not key.endswith("_utc")
            },
            "currency_id": self.env.company.currency_id.id,
            "instances": [{"id": i.id, "name": i.name} for i in instances],
            "kpis": {**orders["kpis"], "listings": listings, "sync_health": sync_health},
            "trend": orders["trend"],
            "order_states": orders["states"],
            "to_accept": self._dashboard_to_accept(instance_domain),
            "activity": self._dashboard_activity(instance_domain),
            "footer": {
                "queued_jobs": jobs["queued"],
                "failed_jobs": jobs["failed"],
                "errors": logs["errors"],
                "out_of_stock": listings["out_of_stock"],
                "sync_rate": logs["rate"],
            },
            "can": {
                "queue_jobs": self.env.user.has_group("queue_job.group_queue_job_manager"),
            },
        }

    # -- period ------------------------------------------------------------------------------

    @api.model
    def _dashboard_period(self, period, date_from, date_to, tz):
        """The period's first and last days, those of the previous period of the same length,
        the trend's bucket, and the UTC bounds of both periods (previous start, end)."""
        if period == "custom":
            try:
                first, last = fields.Date.to_date(date_from), fields.Date.to_date(date_to)
            except ValueError:
                first = last = None
            if not first or not last or first > last:
                raise UserError(self.env._("Choose a start date on or before the end date."))
        elif period in PERIOD_DAYS:
            last = datetime.now(tz).date()
            first = last - timedelta(days=PERIOD_DAYS[period] - 1)
        else:
            raise UserError(self.env._("Unknown dashboard period %(period)s.", period=period))
        length = (last - first).days + 1
        previous_from = first - timedelta(days=length)

        def utc(day):
            local = tz.localize(datetime.combine(day, time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        return {
            "code": period,
            "date_from": first,
            "date_to": last,
            "previous_from": previous_from,
            "previous_to": first - timedelta(days=1),
            "bucket": "day" if length <= DAILY_BUCKETS_MAX_DAYS else "week",
            "start_utc": utc(previous_from),
            "middle_utc": utc(first),
            "end_utc": utc(last + timedelta(days=1)),
        }

    @api.model
    def _kpi(self, value, previous, digits):
        """A KPI card: its value, the previous period's, and the change (``delta_percent`` is
        ``None`` when there is nothing to compare with)."""
        if value is None or previous is None:
            return {"value": value, "previous": previous, "delta": None, "delta_percent": None}
        delta = round(value - previous, digits)
        return {
            "value": value,
            "previous": previous,
            "delta": delta,
            "delta_percent": round(100.0 * delta / previous, 1) if previous else None,
        }

    # -- orders ------------------------------------------------------------------------------

    @api.model
    def _dashboard_orders(self, dates, instance_domain):
        """Revenue, order and customer KPIs, the sales trend and the states of the orders
        placed in the period, from one grouped query per day (plus customers and rates)."""
        Order = self.env["mirakl.order"]
        domain = [
            *instance_domain,
            ("created_date", ">=", dates["start_utc"]),
            ("created_date", "<", dates["end_utc"]),
        ]
        groups = Order._read_group(
            domain,
            ["instance_id", "currency_id", "created_date:day", "mirakl_state"],
            ["__count", "total_price:sum"],
        )
        company_currency = self.env.company.currency_id
        factors = self._conversion_factors(
            {
                (currency, day.date())
                for _instance, currency, day, state, _count, _amount in groups
                if state in REVENUE_STATES
            }
        )
        first = dates["date_from"]
        buckets = self._trend_buckets(dates)
        totals = {
            period: {"revenue": 0.0, "sold": 0, "orders": 0} for period in ("current", "previous")
        }
        states = defaultdict(int)
        series = {}
        for instance, currency, day, state, count, amount in groups:
            day = day.date()
            period = "current" if day >= first else "previous"
            revenue = 0.0
            if state in REVENUE_STATES:
                revenue = amount * factors.get((currency, day), 1.0)
                totals[period]["revenue"] += revenue
                totals[period]["sold"] += count
            totals[period]["orders"] += count
            if period == "current":
                states[state] += count
                line = series.setdefault(
                    instance.id,
                    {
                        "instance_id": instance.id,
                        "name": instance.name,
                        "revenue": [0.0] * len(buckets),
                        "orders": [0] * len(buckets),
                    },
                )
                index = self._bucket_index(dates, day)
                line["revenue"][index] += revenue
                line["orders"][index] += count
        for line in series.values():
            line["revenue"] = [company_currency.round(amount) for amount in line["revenue"]]
        customers = self._dashboard_customers(dates, domain)
        return {
            "kpis": self._order_kpis(totals, customers, company_currency),
            "trend": {
                "bucket": dates["bucket"],
                "labels": [bucket.isoformat() for bucket in buckets],
                "series": sorted(series.values(), key=lambda line: line["name"]),
            },
            "states": [
                {"state": code, "label": label, "count": states[code]}
                for code, label in self.env["mirakl.order"]
                ._fields["mirakl_state"]
                ._description_selection(self.env)
                if states.get(code)
            ],
        }

    @api.model
    def _order_kpis(self, totals, customers, currency):
        """Revenue and average order value in ``currency``, rounded once after conversion."""
        digits = currency.decimal_places
        revenue = {period: currency.round(total["revenue"]) for period, total in totals.items()}
        average = {
            period: currency.round(revenue[period] / total["sold"]) if total["sold"] else 0.0
            for period, total in totals.items()
        }
        return {
            "revenue": self._kpi(revenue["current"], revenue["previous"], digits),
            "orders": self._kpi(
                totals["current"]["orders"], totals["previous"]["orders"], digits=0
            ),
            "customers": self._kpi(customers["current"], customers["previous"], digits=0),
            "average_order_value": self._kpi(average["current"], average["previous"], digits),
        }

    @api.model
    def _dashboard_customers(self, dates, domain):
        """Distinct buyers of each period. Mirakl customer ids are the operator's: the same id
        on two Marketplaces is two customers."""
        Order = self.env["mirakl.order"]
        result = {}
        for period, start, end in (
            ("previous", "start_utc", "middle_utc"),
            ("current", "middle_utc", "end_utc"),
        ):
            groups = Order._read_group(
                [
                    *domain,
                    ("created_date", ">=", dates[start]),
                    ("created_date", "<", dates[end]),
                ],
                ["instance_id"],
                ["customer_id:count_distinct"],
            )
            result[period] = sum(count for _instance, count in groups)
        return result

    @api.model
    def _conversion_factors(self, pairs):
        """``{(currency, day): factor}`` turning amounts of ``currency`` into the company's
        currency at the rate of ``day``, the way ``res.currency._convert`` picks rates: the
        company's latest rate of that day or before, else the shared one; without any, the
        first rate. One query for all the pairs: their number does not change the queries.
        """
        company = self.env.company
        target = company.currency_id
        pairs = {(currency, day) for currency, day in pairs if currency and currency != target}
        if not pairs:
            return {}
        rows = self.env.execute_query(
            SQL(
                """SELECT currency_id, company_id IS NOT NULL, name, rate
                     FROM res_currency_rate
                    WHERE currency_id IN %s AND (company_id IS NULL OR company_id = %s)
                    ORDER BY name""",
                tuple({currency.id for currency, _day in pairs} | {target.id}),
                company.root_id.id,
            )
        )
        # Per currency, the company's rates then the shared ones: [(days, rates)], by date.
        history = defaultdict(lambda: ([[], []], [[], []]))
        for currency_id, own, day, rate in rows:
            days, rates = history[currency_id][0 if own else 1]
            days.append(day)
            rates.append(rate)

        def rate_at(currency, day):
            sources = [source for source in history[currency.id] if source[0]]
            for days, rates in sources:
                index = bisect_right(days, day)
                if index:
                    return rates[index - 1]
            return sources[0][1][0] if sources else 1.0

        return {
            (currency, day): rate_at(target, day) / rate_at(currency, day)
            for currency, day in pairs
        }

    @api.model
    def _trend_buckets(self, dates):
        """First day of each bucket of the trend: every day, or every 7 days from the start."""
        step = 1 if dates["bucket"] == "day" else 7
        length = (dates["date_to"] - dates["date_from"]).days + 1
        return [dates["date_from"] + timedelta(days=day) for day in range(0, length, step)]

    @api.model
    def _bucket_index(self, dates, day):
        return (day - dates["date_from"]).days // (1 if dates["bucket"] == "day" else 7)

    # -- listings, logs, jobs ----------------------------------------------------------------

    @api.model
    def _dashboard_listings(self, dates, instance_domain):
        """Active listings at the end of each period (those archived since are not known any
        more), and those Mirakl shows out of stock now."""
        Listing = self.env["mirakl.listing"]
        value = Listing.search_count([*instance_domain, ("create_date", "<", dates["end_utc"])])
        previous = Listing.search_count(
            [*instance_domain, ("create_date", "<", dates["middle_utc"])]
        )
        kpi = self._kpi(value, previous, 0)
        kpi["out_of_stock"] = Listing.search_count([*instance_domain, ("quantity", "<=", 0)])
        return kpi

    @api.model
    def _dashboard_sync_logs(self, dates, instance_domain):
        """Share of the finished runs of each period that succeeded (percent, ``None`` without
        any run), and the runs of the period that failed, fully or partly."""
        groups = self.env["mirakl.sync.log"]._read_group(
            [
                *instance_domain,
                ("state", "in", FINISHED_STATES),
                ("date_start", ">=", dates["start_utc"]),
                ("date_start", "<", dates["end_utc"]),
            ],
            ["state", "date_start:day"],
            ["__count"],
        )
        counts = {period: defaultdict(int) for period in ("current", "previous")}
        for state, day, count in groups:
            counts["current" if day.date() >= dates["date_from"] else "previous"][state] += count

        def rate(period):
            finished = sum(counts[period].values())
            return round(100.0 * counts[period]["done"] / finished, 1) if finished else None

        return {
            "rate": rate("current"),
            "previous_rate": rate("previous"),
            "errors": counts["current"]["failed"] + counts["current"]["partial"],
        }

    @api.model
    def _dashboard_jobs(self, instance_ids):
        """Jobs of the Marketplaces the user sees waiting to run, and failed ones. Read as
        superuser (only queue managers read jobs), restricted to those Marketplaces."""
        instances = self.env["mirakl.instance"].with_context(active_test=False)
        visible = instances._search([("id", "in", instance_ids)] if instance_ids else [])
        groups = dict(
            self.env["queue.job"]
            .sudo()
            ._read_group(
                [
                    ("mirakl_instance_id", "in", visible),
                    ("state", "in", (*PENDING_JOB_STATES, "failed")),
                ],
                ["state"],
                ["__count"],
            )
        )
        return {
            "queued": sum(groups.get(state, 0) for state in PENDING_JOB_STATES),
            "failed": groups.get("failed", 0),
        }

    @api.model
    def _dashboard_to_accept(self, instance_domain):
        """Orders awaiting the seller's decision, the closest deadline first."""
        Order = self.env["mirakl.order"]
        domain = [
            *instance_domain,
            ("mirakl_state", "=", "WAITING_ACCEPTANCE"),
            ("acceptance_sent_date", "=", False),
        ]
        orders = Order.search_fetch(
            domain,
            [
                "mirakl_order_id",
                "instance_id",
                "customer_name",
                "total_price",
                "currency_id",
                "acceptance_deadline",
            ],
            order="acceptance_deadline ASC NULLS LAST, id",
            limit=LIST_SIZE,
        )
        return {
            "count": Order.search_count(domain),
            "orders": [
                {
                    "id": order.id,
                    "reference": order.mirakl_order_id,
                    "instance": order.instance_id.name,
                    "customer": order.customer_name or "",
                    "amount": order.total_price,
                    "currency_id": order.currency_id.id,
                    "deadline": fields.Datetime.to_string(order.acceptance_deadline),
                }
                for order in orders
            ],
        }

    @api.model
    def _dashboard_activity(self, instance_domain):
        """The latest sync logs, newest first."""
        Log = self.env["mirakl.sync.log"]
        logs = Log.search_fetch(
            instance_domain,
            [
                "operation",
                "direction",
                "state",
                "date_start",
                "instance_id",
                "processed_count",
                "failed_count",
            ],
            limit=LIST_SIZE,
        )
        operations = dict(Log._fields["operation"]._description_selection(self.env))
        states = dict(Log._fields["state"]._description_selection(self.env))
        return [
            {
                "id": log.id,
                "operation": operations.get(log.operation, log.operation),
                "direction": log.direction,
                "state": log.state,
                "state_label": states[log.state],
                "instance": log.instance_id.name,
                "date": fields.Datetime.to_string(log.date_start),
                "processed": log.processed_count,
                "failed": log.failed_count,
            }
            for log in logs
        ]


class MiraklOrder(models.Model):
    _inherit = "mirakl.order"

    # The dashboard selects the orders of a period: an index keeps "Today" fast among years of
    # orders. (Could move to the field's definition in mirakl_order.py.)
    created_date = fields.Datetime(index=True)
