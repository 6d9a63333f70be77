# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class QueueJob(models.Model):
    _inherit = "queue.job"

    mirakl_instance_id = fields.Many2one(
        "mirakl.instance",
        string="Mirakl Marketplace",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
        help="Marketplace a Mirakl flow's job works for (its first argument).",
    )
