import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { formatFloat } from "@web/core/utils/numbers";

/** One KPI: its value, and how it moved since the previous period of the same length. */
export class KpiCard extends Component {
    static template = "mirakl_connector.KpiCard";
    static props = {
        name: String,
        title: String,
        icon: String,
        value: String,
        // Relative change in percent, or a change in points when ``deltaUnit`` is "points".
        delta: { type: [Number, { value: null }], optional: true },
        deltaUnit: { type: String, optional: true },
        detail: { type: String, optional: true },
        onClick: { type: Function, optional: true },
    };
    static defaultProps = { deltaUnit: "percent" };

    get hasDelta() {
        return typeof this.props.delta === "number";
    }

    get deltaClass() {
        const { delta } = this.props;
        return delta > 0 ? "text-success" : delta < 0 ? "text-danger" : "text-muted";
    }

    get deltaIcon() {
        const { delta } = this.props;
        return delta > 0 ? "fa-caret-up" : delta < 0 ? "fa-caret-down" : "fa-minus";
    }

    get deltaText() {
        const { delta, deltaUnit } = this.props;
        const number = formatFloat(Math.abs(delta), { digits: [false, 1] });
        return deltaUnit === "points" ? _t("%s pts", number) : `${number} %`;
    }
}
