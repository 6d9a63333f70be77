# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import Counter

from odoo import api, fields, models


class MiraklCategory(models.Model):
    """H11: the operator's catalogue categories, as a tree."""

    _name = "mirakl.category"
    _inherit = "mirakl.master.data.mixin"
    _description = "Mirakl Category"
    _parent_store = True
    _order = "instance_id, complete_name, id"

    parent_id = fields.Many2one(
        "mirakl.category", index=True, ondelete="set null", readonly=True, check_company=True
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("mirakl.category", "parent_id", string="Subcategories")
    level = fields.Integer(readonly=True, help="Depth in the tree; the roots are level 1.")
    complete_name = fields.Char(compute="_compute_complete_name", recursive=True, store=True)

    @api.depends("label", "code", "parent_id.complete_name")
    def _compute_complete_name(self):
        for category in self:
            name = category.label or category.code
            if category.parent_id:
                name = f"{category.parent_id.complete_name} / {name}"
            category.complete_name = name

    @api.depends("complete_name")
    def _compute_display_name(self):
        for category in self:
            category.display_name = category.complete_name

    @api.model
    def _mirakl_prepare_vals(self, item):
        # parent_id holds the parent's code until _mirakl_apply resolves it
        return {
            **super()._mirakl_prepare_vals(item),
            "level": item.level or 0,
            "parent_id": item.parent_code or False,
        }

    def _mirakl_apply(self, instance, vals_list, records_by_code):
        """Apply the tree top-down, so each parent exists before its children point at it.

        A parent the operator did not send leaves its child at the root.
        """
        counts = Counter()
        incoming = {vals["code"] for vals in vals_list}
        done = set()
        pending = vals_list
        while pending:
            wave = [
                vals
                for vals in pending
                if vals["parent_id"] not in incoming or vals["parent_id"] in done
            ]
            if not wave:  # a cycle in the operator's data: break it rather than loop forever
                wave = pending
            for vals in wave:
                parent = (
                    records_by_code.get(vals["parent_id"]) if vals["parent_id"] in done else None
                )
                vals["parent_id"] = parent.id if parent else False
            counts.update(super()._mirakl_apply(instance, wave, records_by_code))
            done.update(vals["code"] for vals in wave)
            pending = [vals for vals in pending if vals["code"] not in done]
        return dict(counts)
