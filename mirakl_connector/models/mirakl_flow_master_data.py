# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
from collections import Counter
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.queue_job.exception import RetryableJobError

from ..mirakl import errors

_logger = logging.getLogger(__name__)

# Mirakl asks for the reference lists at most once a day.
REFRESH_INTERVAL = timedelta(days=1)

# Mirakl code -> (client method, model) of each reference list, in import order.
MASTER_DATA = {
    "SH21": ("list_carriers", "mirakl.carrier"),
    "SH11": ("list_shipping_zones", "mirakl.shipping.zone"),
    "SH12": ("list_shipping_types", "mirakl.shipping.method"),
    "SH31": ("list_logistic_classes", "mirakl.logistic.class"),
    "CH11": ("list_channels", "mirakl.channel"),
    "OF61": ("list_offer_conditions", "mirakl.offer.condition"),
    "H11": ("list_hierarchies", "mirakl.category"),
    "AF01": ("list_additional_fields", "mirakl.additional.field"),
    "RE01": ("list_reasons", "mirakl.reason"),
}
# The platform settings and the shop (PC01, A01), refreshed with the lists.
PLATFORM = "PC01"
# What makes one list fail without stopping the others: Mirakl's answer (or a call limit),
# or data the operator sent that Odoo refuses.
STEP_ERRORS = (
    errors.MiraklError,
    RetryableJobError,
    UserError,
    psycopg2.DataError,
    psycopg2.IntegrityError,
)


class MiraklFlowMasterData(models.AbstractModel):
    """Import the platform settings and the reference lists sellers map (carriers, channels,
    conditions, categories...), each list on its own: one that fails does not stop the
    others."""

    _name = "mirakl.flow.master_data"
    _inherit = "mirakl.flow"
    _description = "Master Data Import"
    _flow_code = "master_data"
    _flow_direction = "import"
    _flow_channel = "root.mirakl.catalog"
    _flow_interval = (1, "days")
    _flow_initial_import = True
    _flow_sequence = 10

    @api.model
    def _run(self, instance, force=False, **options):
        """Queue the import, unless the master data were refreshed less than a day ago.

        ``force`` (the Marketplace's button) imports anyway: the seller asked for it.
        """
        fresh_since = fields.Datetime.now() - REFRESH_INTERVAL
        if not force and instance.master_data_date and instance.master_data_date > fresh_since:
            _logger.info("Mirakl master data of %s are fresh: import skipped", instance.name)
            return False
        return self._enqueue(instance, "_job_import_master_data", force, None)

    @api.model
    def _job_import_master_data(self, instance, force=False, operations=None):
        """Import the platform settings and every reference list (or only ``operations``,
        Mirakl codes, when a failure is retried).

        Each list is imported on its own savepoint: a failing call or list becomes a failure
        line, with a retry of that list alone, and the others are imported. The Marketplace's
        refresh date moves only when everything succeeded.
        """
        steps = [code for code in (PLATFORM, *MASTER_DATA) if not operations or code in operations]
        with self._sync_log(instance, total=len(steps)) as log:
            client = instance._get_client()
            totals = Counter()
            summary = []
            for done, code in enumerate(steps, start=1):
                try:
                    with self.env.cr.savepoint():
                        counts = self._import_step(instance, client, code, force)
                except STEP_ERRORS as error:
                    totals["failed"] += 1
                    log._add_failure(
                        self.env._(
                            "%(code)s could not be imported: %(error)s", code=code, error=error
                        ),
                        mirakl_ref=code,
                        retry=(self._name, "_job_import_master_data", [True, [code]]),
                    )
                else:
                    totals.update(counts)
                    if code != PLATFORM:
                        summary.append(self._summary_line(MASTER_DATA[code][1], counts))
                log._progress(done=done)
            if not totals["failed"] and not operations:
                instance._set_flow_cursor("master_data", fields.Datetime.now())
            log._finish(
                created=totals["created"],
                updated=totals["updated"] + totals["archived"],
                skipped=totals["unchanged"],
                failed=totals["failed"],
                message="\n".join(summary),
            )

    @api.model
    def _import_step(self, instance, client, code, force):
        """Import the platform settings or one list; return its counts."""
        if code == PLATFORM:
            self._import_platform(instance, client, force)
            return {"updated": 1}
        method, model = MASTER_DATA[code]
        self._check_master_data_limit(instance, code, force)
        return self.env[model].sudo()._mirakl_upsert(instance, getattr(client, method)())

    @api.model
    def _import_platform(self, instance, client, force):
        """PC01 and A01: what Test Connection learned, kept up to date (shop state, tax mode,
        decimals...)."""
        self._check_master_data_limit(instance, "A01", force)
        account = client.get_account()
        configuration = client.get_platform_configuration()
        instance.sudo().write(instance._prepare_connection_vals(account, configuration))

    @api.model
    def _check_master_data_limit(self, instance, operation, force):
        """Respect Mirakl's once-a-day limit, except when the seller asked for a refresh
        (his Import button, or Retry on a failure)."""
        if not force:
            self._check_call_limit(instance, operation)

    @api.model
    def _summary_line(self, model, counts):
        return self.env._(
            "%(list)s: %(created)s new, %(updated)s changed, %(archived)s archived, "
            "%(unchanged)s unchanged",
            list=self.env[model]._description,
            **counts,
        )
