# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from contextlib import contextmanager

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import SQL

from odoo.addons.queue_job.exception import RetryableJobError


@tagged("post_install", "-at_install")
class TestListingConcurrency(BaseCase):
    """An export writing listings that another job changed meanwhile tries again later.

    Listing imports, stock exports and price exports run on different channels and all write
    ``mirakl_listing`` rows. In PostgreSQL's repeatable read, the second writer of a row fails;
    the export turns that into a short postponement rather than a failed job and an ERROR
    line. Two real transactions are needed: the data is committed and removed afterwards.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        with cls.transaction() as env:
            instance = env["mirakl.instance"].create(
                {"name": "Busy listings", "operator_url": "http://127.0.0.1:9", "api_key": "k"}
            )
            cls.instance_id = instance.id
            cls.listing_id = (
                env["mirakl.listing"]
                .create({"instance_id": instance.id, "offer_id": "1", "shop_sku": "BUSY-1"})
                .id
            )
        cls.addClassCleanup(cls._delete_committed_data)

    @classmethod
    @contextmanager
    def transaction(cls):
        with cls.registry.cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {})

    @classmethod
    def _delete_committed_data(cls):
        with cls.transaction() as env:
            env["mirakl.listing"].browse(cls.listing_id).unlink()
            env["mirakl.instance"].browse(cls.instance_id).unlink()

    def test_listings_changed_by_another_job_postpone_the_export(self):
        with self.transaction() as env:
            # This job's snapshot is taken; another job then changes the listing and commits.
            env.cr.execute("SELECT id FROM mirakl_listing WHERE id = %s", [self.listing_id])
            with self.transaction() as other:
                other["mirakl.listing"].browse(self.listing_id).price = 12.5
            update = SQL(
                "UPDATE mirakl_listing SET price_export_error = 'x' WHERE id = %s",
                self.listing_id,
            )
            with self.assertRaises(RetryableJobError), self.assertNoLogs("odoo.sql_db", "ERROR"):
                env["mirakl.flow.prices"]._update_listings(update)
            env.cr.rollback()
        with self.transaction() as env:  # a new transaction, as the retried job: it goes through
            env["mirakl.flow.prices"]._update_listings(update)
            listing = env["mirakl.listing"].browse(self.listing_id)
            self.assertEqual((listing.price, listing.price_export_error), (12.5, "x"))
