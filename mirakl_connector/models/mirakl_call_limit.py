# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import math
from datetime import timedelta

import psycopg2

from odoo import api, fields, models

# Mirakl's published "maximum usage" of the seller API calls (Call Frequency blocks), as the
# least number of seconds between two calls for one shop. Calling more often gets HTTP 429.
# Flows may count variants under their own keys (e.g. a full OF52 export, once a day).
CALL_LIMITS = {
    # Orders
    "OR11": 60,  # list orders (polling)
    "OR13": 5 * 60,  # differential order export
    "OR14": 2,  # order export status, per export
    "OR04": 60,
    "OR07": 60,  # 60 per hour
    "OR32": 60,
    # Offers, stock, prices
    "OF01": 60,  # offers only; with products: "OF01+products"
    "OF01+products": 15 * 60,
    "OF02": 60,
    "OF03": 60,
    "OF04": 60,
    "OF24": 60,
    "OF52": 60,  # differential export; full export: "OF52+full"
    "OF52+full": 24 * 3600,
    "OF53": 10,
    "STO01": 60,
    "STO02": 15,
    "PRI01": 60,
    "PRI02": 60,
    "PRI03": 60,
    "P41": 15 * 60,
    "P42": 60,
    "P51": 60,
    # Shipments and returns
    "ST12": 5 * 60,
    "RT11": 5 * 60,
    "SH42": 3600,
    "SH52": 3600,
    # Accounting: IV01 once a day (its pages are the same call), TL02 20/min and 60/h
    "IV01": 24 * 3600,
    "TL02": 60,
    # Reference data: once a day
    "AF01": 24 * 3600,
    "CH11": 24 * 3600,
    "CUR01": 24 * 3600,
    "DO01": 24 * 3600,
    "L01": 24 * 3600,
    "OF61": 24 * 3600,
    "OR75": 24 * 3600,
    "SH11": 24 * 3600,
    "SH12": 24 * 3600,
    "SH21": 24 * 3600,
    "SH31": 24 * 3600,
    "H11": 3600,
    "PM11": 3600,
    "VL11": 3600,
}


class MiraklCallLimit(models.Model):
    """When each Marketplace last made each rate-limited Mirakl call."""

    _name = "mirakl.call.limit"
    _description = "Mirakl Call Limit"
    _log_access = False

    instance_id = fields.Many2one(
        "mirakl.instance", string="Marketplace", required=True, ondelete="cascade"
    )
    operation = fields.Char(required=True, help="Mirakl's code of the call, e.g. STO01.")
    last_call = fields.Datetime(required=True)

    _sql_constraints = [
        (
            "instance_operation_uniq",
            "UNIQUE(instance_id, operation)",
            "One last call per Marketplace and operation.",
        ),
    ]

    @api.model
    def _reserve(self, instance, operation):
        """Record a call of ``operation`` now, if its limit allows; else the seconds to wait.

        The check and the record are one statement on a transaction of their own, committed
        at once: two jobs cannot both get the slot, and a job rolled back after its call still
        used it.
        """
        interval = CALL_LIMITS.get(operation)
        if not interval:
            return 0
        now = fields.Datetime.now()
        try:
            with self.env.registry.cursor() as cr:
                cr.execute(
                    """
                    INSERT INTO mirakl_call_limit (instance_id, operation, last_call)
                    VALUES (%(instance)s, %(operation)s, %(now)s)
                    ON CONFLICT (instance_id, operation) DO UPDATE SET last_call = %(now)s
                    WHERE mirakl_call_limit.last_call <= %(earliest)s
                    RETURNING id
                    """,
                    {
                        "instance": instance.id,
                        "operation": operation,
                        "now": now,
                        "earliest": now - timedelta(seconds=interval),
                    },
                )
                if cr.fetchone():
                    return 0
                cr.execute(
                    "SELECT last_call FROM mirakl_call_limit "
                    "WHERE instance_id = %s AND operation = %s",
                    [instance.id, operation],
                )
                last_call = cr.fetchone()[0]
        except psycopg2.errors.SerializationFailure:
            return interval  # another job took the slot this very moment
        return max(1, math.ceil((last_call + timedelta(seconds=interval) - now).total_seconds()))
