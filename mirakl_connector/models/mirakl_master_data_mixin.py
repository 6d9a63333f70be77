# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict

from odoo import api, fields, models


class MiraklMasterDataMixin(models.AbstractModel):
    """Reference data a Mirakl operator defines (carriers, channels, conditions...).

    Each model holds one Mirakl list per Marketplace, keyed by the operator's ``code``. The
    master-data flow replaces a whole list at once with ``_mirakl_upsert``: rows the operator
    removed are archived rather than deleted, so orders and listings that point at them keep
    their link, and they come back to life if the operator restores them.
    """

    _name = "mirakl.master.data.mixin"
    _description = "Mirakl master data"
    _order = "instance_id, label, id"
    _rec_name = "label"
    _rec_names_search = ["label", "code"]
    _check_company_auto = True

    instance_id = fields.Many2one(
        "mirakl.instance",
        string="Marketplace",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(related="instance_id.company_id", store=True, index=True)
    code = fields.Char(required=True, readonly=True, help="The operator's code: the key in API.")
    label = fields.Char(readonly=True, help="The operator's name for it.")
    description = fields.Text(readonly=True)
    active = fields.Boolean(
        default=True,
        readonly=True,
        help="Archived when the operator no longer sends it; restored if it comes back.",
    )

    _sql_constraints = [
        (
            "instance_code_uniq",
            "UNIQUE(instance_id, code)",
            "A code is unique per Marketplace.",
        ),
    ]

    @api.depends("label", "code")
    def _compute_display_name(self):
        for record in self:
            record.display_name = record.label or record.code

    @api.model
    def _mirakl_prepare_vals(self, item):
        """Odoo values of one item of the Mirakl list (a pydantic model); ``code`` included."""
        return {
            "code": item.code,
            "label": item.label or item.code,
            "description": getattr(item, "description", None) or False,
        }

    @api.model
    def _mirakl_upsert(self, instance, items):
        """Make this model's list for ``instance`` equal to the Mirakl ``items``.

        Creates the new codes in one batch, writes only the rows whose values changed (archived
        rows the operator sends again are reactivated), archives the codes no longer sent.
        Returns the counts ``{"created", "updated", "archived", "unchanged"}``.
        """
        vals_by_code = {}
        for item in items:
            vals = self._mirakl_prepare_vals(item)
            vals_by_code[vals["code"]] = vals  # a code sent twice: the last one wins
        existing = self.with_context(active_test=False).search([("instance_id", "=", instance.id)])
        records_by_code = {record.code: record for record in existing}
        counts = self._mirakl_apply(instance, list(vals_by_code.values()), records_by_code)
        removed = existing.filtered(
            lambda record: record.active and record.code not in vals_by_code
        )
        removed.write({"active": False})
        counts["archived"] = len(removed)
        return counts

    def _mirakl_apply(self, instance, vals_list, records_by_code):
        """Create or update the rows of ``vals_list``; new records are added to
        ``records_by_code``. Returns the created/updated/unchanged counts."""
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        to_create = []
        changes = defaultdict(lambda: self.browse())  # frozen changed values -> records
        for vals in vals_list:
            record = records_by_code.get(vals["code"])
            if not record:
                to_create.append({**vals, "instance_id": instance.id, "active": True})
                continue
            changed = record._mirakl_changed_values({**vals, "active": True})
            if changed:
                changes[tuple(sorted(changed.items()))] |= record
            else:
                counts["unchanged"] += 1
        for frozen, records in changes.items():
            records.write(dict(frozen))
            counts["updated"] += len(records)
        created = self.create(self._mirakl_prepare_create_vals(instance, to_create))
        records_by_code.update((record.code, record) for record in created)
        counts["created"] = len(created)
        return counts

    @api.model
    def _mirakl_prepare_create_vals(self, instance, vals_list):
        """Hook to complete the values of the records about to be created."""
        return vals_list

    def _mirakl_changed_values(self, vals):
        """The subset of ``vals`` that differs from this record (empty values compare equal)."""
        self.ensure_one()
        changed = {}
        for name, value in vals.items():
            field = self._fields[name]
            current = field.convert_to_write(self[name], self)
            if (current or False) != (value or False):
                changed[name] = value
        return changed
