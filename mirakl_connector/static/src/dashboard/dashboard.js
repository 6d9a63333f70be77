import {
    Component,
    onMounted,
    onWillStart,
    onWillUnmount,
    useExternalListener,
    useState,
    useSubEnv,
} from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { formatCurrency } from "@web/core/currency";
import { DateTimeInput } from "@web/core/datetime/datetime_input";
import { _t } from "@web/core/l10n/translation";
import {
    deserializeDate,
    deserializeDateTime,
    formatDate,
    formatDateTime,
    serializeDate,
    today,
} from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";
import { KeepLast } from "@web/core/utils/concurrency";
import { useService } from "@web/core/utils/hooks";
import { formatFloat } from "@web/core/utils/numbers";
import { Layout } from "@web/search/layout";
import { getDefaultConfig } from "@web/views/view";
import { formatInteger } from "@web/views/fields/formatters";
import { DashboardChart } from "./dashboard_chart";
import { KpiCard } from "./kpi_card";

export const REFRESH_INTERVAL = 60000;
// An order awaiting acceptance is urgent below this many hours before its deadline.
const URGENT_HOURS = 6;
const SOON_HOURS = 24;

const STATE_BADGES = {
    pending: "text-bg-secondary",
    running: "text-bg-info",
    done: "text-bg-success",
    partial: "text-bg-warning",
    failed: "text-bg-danger",
};

/**
 * The Mirakl dashboard: what a seller opens every morning. Every figure comes from one call
 * to ``mirakl.dashboard.get_dashboard_data``, made again when a filter changes and every
 * minute while the browser tab is visible.
 */
export class MiraklDashboard extends Component {
    static template = "mirakl_connector.Dashboard";
    static components = { Layout, KpiCard, DashboardChart, DateTimeInput };
    static props = ["*"];

    setup() {
        useSubEnv({ config: { ...getDefaultConfig(), ...this.env.config } });
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.keepLast = new KeepLast();
        this.periods = [
            { code: "today", label: _t("Today") },
            { code: "7d", label: _t("7 days") },
            { code: "30d", label: _t("30 days") },
            { code: "90d", label: _t("90 days") },
            { code: "year", label: _t("Year") },
            { code: "custom", label: _t("Custom") },
        ];
        this.state = useState({
            period: "30d",
            dateFrom: today().minus({ days: 29 }),
            dateTo: today(),
            instanceId: false,
            split: false,
            data: null,
        });
        // A refresh was skipped while the tab was hidden: catch up when it shows again.
        this.missedRefresh = false;
        onWillStart(() => this.load());
        onMounted(() => {
            this.interval = browser.setInterval(() => this.onTick(), REFRESH_INTERVAL);
        });
        onWillUnmount(() => browser.clearInterval(this.interval));
        useExternalListener(document, "visibilitychange", () => {
            if (document.visibilityState !== "hidden" && this.missedRefresh) {
                this.load(true);
            }
        });
    }

    get data() {
        return this.state.data;
    }

    /** Fetch the figures; a background refresh (``silent``) shows no loading indicator. */
    async load(silent = false) {
        this.missedRefresh = false;
        const { period, dateFrom, dateTo, instanceId } = this.state;
        const custom = period === "custom";
        const orm = silent ? this.orm.silent : this.orm;
        this.state.data = await this.keepLast.add(
            orm.call("mirakl.dashboard", "get_dashboard_data", [], {
                period,
                date_from: custom ? serializeDate(dateFrom) : null,
                date_to: custom ? serializeDate(dateTo) : null,
                instance_ids: instanceId ? [instanceId] : [],
            })
        );
    }

    onTick() {
        if (document.visibilityState === "hidden") {
            this.missedRefresh = true;
        } else {
            this.load(true);
        }
    }

    // -- filters ------------------------------------------------------------------------------

    setPeriod(code) {
        this.state.period = code;
        return this.load();
    }

    setCustomDate(bound, value) {
        if (!value) {
            return;
        }
        this.state[bound] = value;
        if (this.state.dateFrom <= this.state.dateTo) {
            return this.load();
        }
    }

    onInstanceChange(ev) {
        this.state.instanceId = parseInt(ev.target.value) || false;
        return this.load();
    }

    // -- formatting ---------------------------------------------------------------------------

    money(amount) {
        return formatCurrency(amount, this.data.currency_id);
    }

    orderAmount(order) {
        return formatCurrency(order.amount, order.currency_id);
    }

    percent(value) {
        return value === null ? "—" : `${formatFloat(value, { digits: [false, 1] })} %`;
    }

    get periodLabel() {
        const { date_from, date_to } = this.data.period;
        const [first, last] = [date_from, date_to].map((day) => formatDate(deserializeDate(day)));
        return first === last ? first : `${first} – ${last}`;
    }

    get kpiCards() {
        const { kpis } = this.data;
        const count = (kpi) => formatInteger(kpi.value);
        return [
            {
                name: "revenue",
                title: _t("Revenue"),
                icon: "fa-money",
                value: this.money(kpis.revenue.value),
                delta: kpis.revenue.delta_percent,
            },
            {
                name: "orders",
                title: _t("Orders"),
                icon: "fa-shopping-cart",
                value: count(kpis.orders),
                delta: kpis.orders.delta_percent,
                onClick: () => this.openAction("orders"),
            },
            {
                name: "customers",
                title: _t("Customers"),
                icon: "fa-users",
                value: count(kpis.customers),
                delta: kpis.customers.delta_percent,
            },
            {
                name: "listings",
                title: _t("Listings"),
                icon: "fa-tags",
                value: count(kpis.listings),
                delta: kpis.listings.delta_percent,
                detail: _t("Out of stock: %s", formatInteger(kpis.listings.out_of_stock)),
                onClick: () => this.openAction("listings"),
            },
            {
                name: "aov",
                title: _t("Average Order"),
                icon: "fa-calculator",
                value: this.money(kpis.average_order_value.value),
                delta: kpis.average_order_value.delta_percent,
            },
            {
                name: "sync",
                title: _t("Sync Health"),
                icon: "fa-heartbeat",
                value: this.percent(kpis.sync_health.value),
                delta: kpis.sync_health.delta,
                deltaUnit: "points",
                detail: _t("Failed jobs: %s", formatInteger(kpis.sync_health.failed_jobs)),
                onClick: () => this.openAction("logs"),
            },
        ];
    }

    // -- charts -------------------------------------------------------------------------------

    get trendLabels() {
        return this.data.trend.labels.map((day) => formatDate(deserializeDate(day)));
    }

    get trendDatasets() {
        const { series } = this.data.trend;
        if (this.state.split) {
            return series.map((line) => ({ label: line.name, data: line.revenue }));
        }
        const total = this.data.trend.labels.map((_label, index) =>
            series.reduce((sum, line) => sum + line.revenue[index], 0)
        );
        return [{ label: _t("Revenue"), data: total }];
    }

    get stateLabels() {
        return this.data.order_states.map((state) => state.label);
    }

    get stateDatasets() {
        return [{ label: _t("Orders"), data: this.data.order_states.map((s) => s.count) }];
    }

    // -- lists --------------------------------------------------------------------------------

    /** Time left before Mirakl refuses the order by itself, and how urgent it is. */
    countdown(order) {
        if (!order.deadline) {
            return { text: _t("No deadline"), className: "text-muted" };
        }
        const minutes = Math.round(
            deserializeDateTime(order.deadline).diffNow("minutes").minutes
        );
        const span = Math.abs(minutes);
        const days = Math.floor(span / 1440);
        const hours = Math.floor((span % 1440) / 60);
        const duration = days
            ? _t("%(days)sd %(hours)sh", { days, hours })
            : _t("%(hours)sh %(minutes)smin", { hours, minutes: span % 60 });
        if (minutes <= 0) {
            return { text: _t("Overdue by %s", duration), className: "text-danger fw-bold" };
        }
        const className =
            minutes < URGENT_HOURS * 60
                ? "text-danger"
                : minutes < SOON_HOURS * 60
                ? "text-warning"
                : "text-success";
        return { text: _t("%s left", duration), className };
    }

    stateBadge(log) {
        return STATE_BADGES[log.state] || "text-bg-secondary";
    }

    formatLogDate(log) {
        return log.date ? formatDateTime(deserializeDateTime(log.date)) : "";
    }

    // -- navigation ---------------------------------------------------------------------------

    get quickActions() {
        const actions = [
            { key: "listings", label: _t("Listings"), icon: "fa-tags" },
            { key: "orders", label: _t("Orders"), icon: "fa-shopping-cart" },
            { key: "customers", label: _t("Customers"), icon: "fa-users" },
            { key: "jobs", label: _t("Queue Jobs"), icon: "fa-tasks" },
            { key: "logs", label: _t("Logs"), icon: "fa-list-alt" },
            { key: "instances", label: _t("Marketplaces"), icon: "fa-cogs" },
        ];
        return actions.filter((action) => action.key !== "jobs" || this.data.can.queue_jobs);
    }

    openAction(key) {
        const { instanceId } = this.state;
        const context = instanceId ? { search_default_instance_id: instanceId } : {};
        const xmlIds = {
            listings: "mirakl_connector.mirakl_listing_action",
            orders: "mirakl_connector.mirakl_order_action",
            logs: "mirakl_connector.mirakl_sync_log_action",
            instances: "mirakl_connector.mirakl_instance_action",
        };
        if (key in xmlIds) {
            return this.actionService.doAction(xmlIds[key], {
                additionalContext: key === "instances" ? {} : context,
            });
        }
        const domainField = key === "customers" ? "mirakl_customer_id" : "mirakl_instance_id";
        const domain = [[domainField, "!=", false]];
        if (instanceId) {
            domain.push(["mirakl_instance_id", "=", instanceId]);
        }
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            name: key === "customers" ? _t("Marketplace Customers") : _t("Mirakl Jobs"),
            res_model: key === "customers" ? "res.partner" : "queue.job",
            views: [
                [false, "list"],
                [false, "form"],
            ],
            domain,
        });
    }

    openRecord(resModel, resId) {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: resModel,
            res_id: resId,
            views: [[false, "form"]],
        });
    }
}

registry.category("actions").add("mirakl_connector.dashboard", MiraklDashboard);
