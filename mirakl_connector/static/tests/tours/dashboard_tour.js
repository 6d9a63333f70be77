import { registry } from "@web/core/registry";

/**
 * Opens the dashboard from the Mirakl menu, changes the period and the Marketplace, then
 * follows the Orders quick action (the test creates Marketplaces "Tour Marketplace A" and
 * "Tour Marketplace B", with orders on both).
 */
registry.category("web_tour.tours").add("mirakl_connector_dashboard", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Mirakl app: its menu opens the dashboard",
            trigger: ".o_app[data-menu-xmlid='mirakl_connector.menu_mirakl_root']",
            run: "click",
        },
        {
            content: "Orders of both Marketplaces count over 30 days",
            trigger: ".o_mirakl_kpi_orders .o_mirakl_kpi_value:contains(3)",
        },
        {
            content: "Show the last 7 days",
            trigger: ".o_mirakl_periods button[data-period='7d']",
            run: "click",
        },
        {
            content: "Only the order of the last 7 days counts",
            trigger: ".o_mirakl_periods button.active[data-period='7d']",
        },
        {
            trigger: ".o_mirakl_kpi_orders .o_mirakl_kpi_value:contains(2)",
        },
        {
            content: "Choose Marketplace B",
            trigger: "select.o_mirakl_instance_filter",
            run: "selectByLabel Tour Marketplace B",
        },
        {
            content: "Only Marketplace B's order counts",
            trigger: ".o_mirakl_kpi_orders .o_mirakl_kpi_value:contains(1)",
        },
        {
            content: "Open its orders",
            trigger: ".o_mirakl_quick_actions button[data-action='orders']",
            run: "click",
        },
        {
            content: "The order list is filtered on Marketplace B",
            trigger: ".o_searchview .o_facet_value:contains(Tour Marketplace B)",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(TOUR-B-1)",
            run: () => {
                if (document.querySelectorAll(".o_list_view .o_data_row").length !== 1) {
                    throw new Error("The order list shows the orders of other Marketplaces.");
                }
            },
        },
    ],
});
