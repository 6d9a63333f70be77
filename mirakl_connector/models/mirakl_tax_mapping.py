# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

# Mirakl rates are percentages with a few decimals.
RATE_DIGITS = 4


class MiraklTaxMapping(models.Model):
    """Which Odoo tax stands for a Mirakl tax code (and rate) on a Marketplace's orders.

    Mirakl sends each tax of a line with its code, rate and amount. The sale order line gets
    the mapped Odoo tax, whose "included in price" must follow the Marketplace's tax mode so
    that Odoo's totals come out as Mirakl's.
    """

    _name = "mirakl.tax.mapping"
    _description = "Mirakl Tax Mapping"
    _order = "instance_id, tax_code, any_rate, rate, id"
    _check_company_auto = True

    instance_id = fields.Many2one(
        "mirakl.instance", string="Marketplace", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="instance_id.company_id", store=True)
    tax_code = fields.Char(
        string="Mirakl Tax Code", required=True, help="As Mirakl sends it (OR75), e.g. TAXDEFAULT."
    )
    any_rate = fields.Boolean(
        help="Use this tax whatever rate Mirakl sends with the code (also for fixed amounts)."
    )
    rate = fields.Float(
        string="Mirakl Rate (%)", digits=(16, RATE_DIGITS), help="Rate Mirakl sends, e.g. 20."
    )
    tax_id = fields.Many2one(
        "account.tax",
        string="Odoo Tax",
        required=True,
        check_company=True,
        domain="[('type_tax_use', '=', 'sale')]",
    )

    _sql_constraints = [
        (
            "instance_code_rate_uniq",
            "UNIQUE(instance_id, tax_code, any_rate, rate)",
            "A Mirakl tax code and rate is mapped once per Marketplace.",
        ),
    ]

    @api.constrains("tax_id", "instance_id")
    def _check_price_include(self):
        for mapping in self:
            mode = mapping.instance_id.order_tax_mode
            if mode and mapping.tax_id.price_include != (mode == "TAX_INCLUDED"):
                raise ValidationError(
                    self.env._(
                        "The orders of %(marketplace)s come with prices %(mode)s: map %(code)s "
                        "to a tax whose price is %(mode)s too.",
                        marketplace=mapping.instance_id.name,
                        mode=self.env._("tax included")
                        if mode == "TAX_INCLUDED"
                        else self.env._("tax excluded"),
                        code=mapping.tax_code,
                    )
                )

    @api.model
    def _mirakl_lookup(self, instance, price_include):
        """``{(code, rate): tax id}`` resolver for ``instance``: the mappings first, then the
        Odoo sale tax of the same percentage and price-included setting (one query each)."""
        mappings = self.search([("instance_id", "=", instance.id)])
        taxes = self.env["account.tax"].search(
            [
                ("type_tax_use", "=", "sale"),
                ("amount_type", "=", "percent"),
                ("company_id", "=", instance.company_id.id),
            ],
            order="sequence, id",
        )
        taxes = taxes.filtered(lambda tax: tax.price_include == price_include)

        def resolve(code, rate):
            for mapping in mappings:
                if mapping.tax_code != code:
                    continue
                if mapping.any_rate or (
                    rate is not None
                    and not float_compare(mapping.rate, float(rate), precision_digits=RATE_DIGITS)
                ):
                    return mapping.tax_id.id
            if rate is None:
                return False
            return next(
                (
                    tax.id
                    for tax in taxes
                    if not float_compare(tax.amount, float(rate), precision_digits=RATE_DIGITS)
                ),
                False,
            )

        return resolve
