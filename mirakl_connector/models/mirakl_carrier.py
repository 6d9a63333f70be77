# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class MiraklCarrier(models.Model):
    """SH21: carriers the operator knows. Shipments sent with a mapped Odoo delivery method
    name the carrier by its code, so Mirakl builds the tracking link itself."""

    _name = "mirakl.carrier"
    _inherit = "mirakl.master.data.mixin"
    _description = "Mirakl Carrier"

    standard_code = fields.Char(readonly=True)
    tracking_url = fields.Char(
        readonly=True, help="Tracking page pattern; Mirakl replaces {trackingId} by the number."
    )
    carrier_id = fields.Many2one(
        "delivery.carrier",
        string="Odoo Delivery Method",
        check_company=True,
        help="Shipments made with this delivery method are sent to Mirakl with this carrier. "
        "Filled on import when a delivery method has the carrier's code or name; a method "
        "chosen here is never replaced by the import.",
    )

    @api.model
    def _mirakl_prepare_vals(self, item):
        return {
            **super()._mirakl_prepare_vals(item),
            "standard_code": item.standard_code or False,
            "tracking_url": item.tracking_url or False,
        }

    @api.model
    def _mirakl_upsert(self, instance, items):
        counts = super()._mirakl_upsert(instance, items)
        self.search(
            [("instance_id", "=", instance.id), ("carrier_id", "=", False)]
        )._match_delivery_carriers()
        return counts

    def _match_delivery_carriers(self):
        """Map carriers to the Odoo delivery method named like their code, label or standard
        code (case-insensitive), preferring the Marketplace company's own methods."""
        for company in self.company_id:
            methods = self._delivery_carriers_by_name(company)
            for carrier in self.filtered(lambda record, c=company: record.company_id == c):
                keys = (carrier.code, carrier.label, carrier.standard_code)
                keys = [key.strip().lower() for key in keys if key]
                match = next((methods[key] for key in keys if key in methods), False)
                if match:
                    carrier.carrier_id = match

    @api.model
    def _delivery_carriers_by_name(self, company):
        """``{lowercase name: delivery.carrier id}`` of ``company`` and shared methods."""
        methods = (
            self.env["delivery.carrier"]
            .sudo()
            .search_fetch(
                [("company_id", "in", [company.id, False])],
                ["name"],
                order="company_id, id",  # the company's own first, shared (empty) last
            )
        )
        by_name = {}
        for method in methods:
            by_name.setdefault(method.name.strip().lower(), method.id)
        return by_name
