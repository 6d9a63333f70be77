import { Component, onWillStart, onWillUnmount, useEffect, useRef } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { cookie } from "@web/core/browser/cookie";
import { getColor, hexToRGBA } from "@web/core/colors/colors";

/** Palette color ``index`` of ``count``, in the user's color scheme. */
function chartColor(index, count) {
    return getColor(index, cookie.get("color_scheme"), count);
}

/** ``rgb(r, g, b)`` as ``rgba(r, g, b, alpha)``. */
function withAlpha(color, alpha) {
    const [r, g, b] = color.match(/\d+(\.\d+)?/g);
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** The color actually painted behind ``el``: its first ancestor's opaque background. */
function backgroundColor(el) {
    for (let node = el; node; node = node.parentElement) {
        const color = getComputedStyle(node).backgroundColor;
        if (!color.startsWith("rgba") || !color.endsWith(", 0)")) {
            return color;
        }
    }
    return "transparent";
}

/**
 * A Chart.js chart, from Odoo's own Chart.js bundle. Ticks, legend and grid take the color of the
 * surrounding text, the doughnut's separators that of the background: the chart reads in the
 * light and the dark color schemes alike.
 */
export class DashboardChart extends Component {
    static template = "mirakl_connector.DashboardChart";
    static props = {
        type: { type: String, validate: (type) => ["line", "doughnut"].includes(type) },
        labels: Array,
        datasets: Array,
        formatValue: { type: Function, optional: true },
    };

    setup() {
        this.canvasRef = useRef("canvas");
        this.chart = null;
        onWillStart(() => loadBundle("web.chartjs_lib"));
        useEffect(
            () => this.renderChart(),
            () => [this.props.type, this.props.labels, this.props.datasets]
        );
        onWillUnmount(() => this.chart?.destroy());
    }

    renderChart() {
        // Odoo's backend has no Bootstrap CSS variables: read the colors the theme gave.
        const textColor = getComputedStyle(this.canvasRef.el).color;
        const gridColor = withAlpha(textColor, 0.15);
        const format = this.props.formatValue || String;
        const tooltip = {
            callbacks: {
                label: (item) => `${item.dataset.label || item.label}: ${format(item.raw)}`,
            },
        };
        const options = {
            maintainAspectRatio: false,
            plugins: { legend: { labels: { color: textColor } }, tooltip },
        };
        if (this.props.type === "line") {
            Object.assign(options, {
                interaction: { mode: "index", intersect: false },
                scales: {
                    x: { ticks: { color: textColor }, grid: { color: gridColor } },
                    y: {
                        beginAtZero: true,
                        ticks: { color: textColor, callback: format },
                        grid: { color: gridColor },
                    },
                },
            });
            options.plugins.legend.display = this.props.datasets.length > 1;
        } else {
            options.plugins.legend.position = "right";
        }
        const data = { labels: this.props.labels, datasets: this.datasets() };
        if (this.chart) {
            // New figures (a refresh, a filter): redraw in place rather than from scratch.
            Object.assign(this.chart, { data, options });
            this.chart.update();
        } else {
            this.chart = new Chart(this.canvasRef.el, { type: this.props.type, data, options });
        }
    }

    /** The datasets with the palette's colors (per point for a doughnut). */
    datasets() {
        const { datasets, labels, type } = this.props;
        if (type === "doughnut") {
            const colors = labels.map((_label, index) => chartColor(index, labels.length));
            return datasets.map((dataset) => ({
                ...dataset,
                backgroundColor: colors,
                borderColor: backgroundColor(this.canvasRef.el),
            }));
        }
        return datasets.map((dataset, index) => {
            const color = chartColor(index, datasets.length);
            return {
                ...dataset,
                borderColor: color,
                backgroundColor: hexToRGBA(color, 0.15),
                fill: datasets.length === 1,
                cubicInterpolationMode: "monotone",
                pointRadius: labels.length > 31 ? 0 : 3,
            };
        });
    }
}
