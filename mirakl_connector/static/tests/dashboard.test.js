import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { after, beforeEach, describe, expect, test } from "@odoo/hoot";
import { queryAll, queryAllTexts, queryOne } from "@odoo/hoot-dom";
import { advanceTime, animationFrame, mockDate } from "@odoo/hoot-mock";
import {
    contains,
    getService,
    mountWithCleanup,
    onRpc,
    patchWithCleanup,
    preloadBundle,
} from "@web/../tests/web_test_helpers";
import { WebClient } from "@web/webclient/webclient";
import { REFRESH_INTERVAL } from "@mirakl_connector/dashboard/dashboard";

describe.current.tags("desktop");
defineMailModels();
preloadBundle("web.chartjs_lib");

/** What ``mirakl.dashboard.get_dashboard_data`` answers, for two Marketplaces. */
function dashboardData() {
    const kpi = (value, previous, delta, deltaPercent) => ({
        value,
        previous,
        delta,
        delta_percent: deltaPercent,
    });
    return {
        period: {
            code: "30d",
            date_from: "2025-06-01",
            date_to: "2025-06-30",
            previous_from: "2025-05-02",
            previous_to: "2025-05-31",
            bucket: "day",
        },
        currency_id: 1,
        instances: [
            { id: 1, name: "Marketplace A" },
            { id: 2, name: "Marketplace B" },
        ],
        kpis: {
            revenue: kpi(305.1, 100, 205.1, 205.1),
            orders: kpi(5, 3, 2, 66.7),
            customers: kpi(4, 3, 1, 33.3),
            listings: { ...kpi(3, 2, 1, 50), out_of_stock: 1 },
            average_order_value: kpi(101.7, 50, 51.7, 103.4),
            sync_health: { ...kpi(60, 70, -10, -14.3), failed_jobs: 2 },
        },
        trend: {
            bucket: "day",
            labels: ["2025-06-28", "2025-06-29", "2025-06-30"],
            series: [
                {
                    instance_id: 1,
                    name: "Marketplace A",
                    revenue: [0, 125, 100],
                    orders: [0, 1, 1],
                },
                { instance_id: 2, name: "Marketplace B", revenue: [80.1, 0, 0], orders: [1, 0, 0] },
            ],
        },
        order_states: [
            { state: "WAITING_ACCEPTANCE", label: "Awaiting Acceptance", count: 2 },
            { state: "SHIPPING", label: "To Ship", count: 3 },
        ],
        to_accept: {
            count: 3,
            orders: [
                {
                    id: 11,
                    reference: "ORDER-URGENT",
                    instance: "Marketplace A",
                    customer: "Jane Doe",
                    amount: 30,
                    currency_id: 1,
                    deadline: "2025-06-30 12:30:00",
                },
                {
                    id: 12,
                    reference: "ORDER-LATER",
                    instance: "Marketplace B",
                    customer: "",
                    amount: 12.5,
                    currency_id: 1,
                    deadline: "2025-07-02 10:00:00",
                },
            ],
        },
        activity: [
            {
                id: 21,
                operation: "Orders",
                direction: "import",
                state: "done",
                state_label: "Done",
                instance: "Marketplace A",
                date: "2025-06-30 09:00:00",
                processed: 5,
                failed: 0,
            },
            {
                id: 22,
                operation: "Stock",
                direction: "export",
                state: "failed",
                state_label: "Failed",
                instance: "Marketplace B",
                date: "2025-06-30 08:00:00",
                processed: 3,
                failed: 3,
            },
        ],
        footer: { queued_jobs: 4, failed_jobs: 2, errors: 1, out_of_stock: 1, sync_rate: 60 },
        can: { queue_jobs: true },
    };
}

let answer;

/** Mount the web client on the dashboard; every data call is a step with its arguments. */
async function openDashboard() {
    onRpc("mirakl.dashboard", "get_dashboard_data", ({ kwargs }) => {
        const { period, date_from, date_to, instance_ids } = kwargs;
        expect.step(`${period} ${date_from} ${date_to} [${instance_ids}]`);
        return answer;
    });
    await mountWithCleanup(WebClient);
    await getService("action").doAction("mirakl_connector.dashboard");
    await animationFrame();
}

/** Record the actions the dashboard opens instead of running them. */
function watchActions() {
    const action = getService("action");
    patchWithCleanup(action, {
        doAction(request, options) {
            if (request === "mirakl_connector.dashboard") {
                return super.doAction(...arguments);
            }
            const target =
                typeof request === "string"
                    ? request
                    : `${request.res_model},${request.res_id || ""}`;
            expect.step(`open ${target} ${JSON.stringify(options?.additionalContext || {})}`);
        },
    });
}

beforeEach(() => {
    mockDate("2025-06-30 10:00:00", 0);
    answer = dashboardData();
});

test("shows the KPIs, charts, lists and footer", async () => {
    await openDashboard();
    expect.verifySteps(["30d null null []"]);
    expect(".o_mirakl_kpi").toHaveCount(6);
    expect(".o_mirakl_kpi_revenue .o_mirakl_kpi_value").toHaveText("$ 305.10");
    expect(".o_mirakl_kpi_revenue .o_mirakl_kpi_delta").toHaveText("205.1 %");
    expect(".o_mirakl_kpi_revenue .o_mirakl_kpi_delta").toHaveClass("text-success");
    expect(".o_mirakl_kpi_orders .o_mirakl_kpi_value").toHaveText("5");
    expect(".o_mirakl_kpi_customers .o_mirakl_kpi_value").toHaveText("4");
    expect(".o_mirakl_kpi_listings .o_mirakl_kpi_detail").toHaveText("Out of stock: 1");
    expect(".o_mirakl_kpi_aov .o_mirakl_kpi_value").toHaveText("$ 101.70");
    expect(".o_mirakl_kpi_sync .o_mirakl_kpi_value").toHaveText("60.0 %");
    expect(".o_mirakl_kpi_sync .o_mirakl_kpi_delta").toHaveText("10.0 pts");
    expect(".o_mirakl_kpi_sync .o_mirakl_kpi_delta").toHaveClass("text-danger");
    expect(".o_mirakl_kpi_sync .o_mirakl_kpi_detail").toHaveText("Failed jobs: 2");
    expect(".o_mirakl_trend canvas").toHaveCount(1);
    expect(".o_mirakl_states canvas").toHaveCount(1);
    expect(".o_mirakl_period_label").toHaveText("06/01/2025 – 06/30/2025");

    expect(".o_mirakl_to_accept_count").toHaveText("3");
    expect(queryAllTexts(".o_mirakl_to_accept_order .fw-bold")).toEqual([
        "ORDER-URGENT",
        "ORDER-LATER",
    ]);
    const [urgent, later] = queryAll(".o_mirakl_countdown");
    expect(urgent).toHaveText("2h 30min left");
    expect(urgent).toHaveClass("text-danger");
    expect(later).toHaveText("2d 0h left");
    expect(later).toHaveClass("text-success");

    expect(".o_mirakl_activity_item").toHaveCount(2);
    expect(".o_mirakl_activity_item:eq(1) .badge").toHaveClass("text-bg-danger");
    expect(".o_mirakl_activity_item:eq(1) .fa-upload").toHaveCount(1);
    expect(".o_mirakl_footer_queued").toHaveText("Queued jobs: 4");
    expect(".o_mirakl_footer_failed").toHaveClass("text-danger");
    expect(".o_mirakl_footer_rate").toHaveText("Sync rate: 60.0 %");
    expect(queryAllTexts(".o_mirakl_quick_actions button")).toEqual([
        "Listings",
        "Orders",
        "Customers",
        "Queue Jobs",
        "Logs",
        "Marketplaces",
    ]);
});

test("the sales trend can be split by Marketplace", async () => {
    await openDashboard();
    expect.verifySteps(["30d null null []"]);
    const chart = () => Chart.getChart(queryOne(".o_mirakl_trend canvas"));
    expect(chart().data.datasets.map((dataset) => dataset.data)).toEqual([[80.1, 125, 100]]);
    await contains(".o_mirakl_split").click();
    expect(chart().data.datasets.map((dataset) => dataset.label)).toEqual([
        "Marketplace A",
        "Marketplace B",
    ]);
    expect(Chart.getChart(queryOne(".o_mirakl_states canvas")).data.labels).toEqual([
        "Awaiting Acceptance",
        "To Ship",
    ]);
});

test("period filters reload the data", async () => {
    await openDashboard();
    expect.verifySteps(["30d null null []"]);
    await contains(".o_mirakl_periods [data-period='7d']").click();
    expect.verifySteps(["7d null null []"]);
    expect(".o_mirakl_periods [data-period='7d']").toHaveClass("active");
    for (const code of ["today", "90d", "year"]) {
        await contains(`.o_mirakl_periods [data-period='${code}']`).click();
    }
    expect.verifySteps(["today null null []", "90d null null []", "year null null []"]);

    await contains(".o_mirakl_periods [data-period='custom']").click();
    expect.verifySteps(["custom 2025-06-01 2025-06-30 []"]);
    await contains(".o_mirakl_date_from input").edit("06/10/2025");
    expect.verifySteps(["custom 2025-06-10 2025-06-30 []"]);
    // A start after the end is not sent: the dashboard says what is wrong.
    await contains(".o_mirakl_date_to input").edit("06/05/2025");
    expect.verifySteps([]);
    expect(".o_mirakl_custom_range .text-danger").toHaveCount(1);
});

test("the Marketplace filter reloads the data for that Marketplace", async () => {
    await openDashboard();
    expect.verifySteps(["30d null null []"]);
    expect(queryAllTexts(".o_mirakl_instance_filter option")).toEqual([
        "All Marketplaces",
        "Marketplace A",
        "Marketplace B",
    ]);
    await contains(".o_mirakl_instance_filter").select("2");
    expect.verifySteps(["30d null null [2]"]);
    // A single Marketplace: no split switch.
    expect(".o_mirakl_split").toHaveCount(0);
    await contains(".o_mirakl_instance_filter").select("");
    expect.verifySteps(["30d null null []"]);
});

test("refreshes every minute, not while the tab is hidden", async () => {
    await openDashboard();
    expect.verifySteps(["30d null null []"]);
    answer = dashboardData();
    answer.kpis.orders.value = 6;
    await advanceTime(REFRESH_INTERVAL);
    await animationFrame();
    expect.verifySteps(["30d null null []"]);
    expect(".o_mirakl_kpi_orders .o_mirakl_kpi_value").toHaveText("6");

    Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
    after(() => delete document.visibilityState);
    await advanceTime(3 * REFRESH_INTERVAL);
    expect.verifySteps([]);

    delete document.visibilityState;
    document.dispatchEvent(new Event("visibilitychange"));
    await animationFrame();
    expect.verifySteps(["30d null null []"]);
});

test("without Marketplace, invites to configure one", async () => {
    answer.instances = [];
    await openDashboard();
    watchActions();
    expect(".o_mirakl_empty").toHaveCount(1);
    expect(".o_mirakl_kpi").toHaveCount(0);
    await contains(".o_mirakl_configure").click();
    expect.verifySteps(["30d null null []", "open mirakl_connector.mirakl_instance_action {}"]);
});

test("a period without data shows empty charts and lists", async () => {
    Object.assign(answer, { order_states: [], activity: [] });
    answer.trend.series = [];
    answer.to_accept = { count: 0, orders: [] };
    answer.kpis.sync_health = {
        value: null,
        previous: null,
        delta: null,
        delta_percent: null,
        failed_jobs: 0,
    };
    await openDashboard();
    expect.verifySteps(["30d null null []"]);
    expect("canvas").toHaveCount(0);
    expect(".o_mirakl_no_data").toHaveCount(4);
    expect(".o_mirakl_kpi_sync .o_mirakl_kpi_value").toHaveText("—");
    expect(".o_mirakl_kpi_sync .o_mirakl_kpi_delta").toHaveText("—");
});

test("lists, KPIs and quick actions open their records", async () => {
    answer.can.queue_jobs = false;
    await openDashboard();
    watchActions();
    expect("[data-action='jobs']").toHaveCount(0);
    await contains(".o_mirakl_activity_item:eq(1)").click();
    await contains(".o_mirakl_to_accept_order:eq(0)").click();
    await contains(".o_mirakl_kpi_listings").click();
    await contains(".o_mirakl_instance_filter").select("1");
    await contains("[data-action='orders']").click();
    await contains("[data-action='customers']").click();
    expect.verifySteps([
        "30d null null []",
        "open mirakl.sync.log,22 {}",
        "open mirakl.order,11 {}",
        "open mirakl_connector.mirakl_listing_action {}",
        "30d null null [1]",
        'open mirakl_connector.mirakl_order_action {"search_default_instance_id":1}',
        "open res.partner, {}",
    ]);
});
