# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import MiraklSimulatorCase


@tagged("post_install", "-at_install")
class TestMiraklSecurity(MiraklSimulatorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env, login="mirakl_user", groups="mirakl_connector.group_mirakl_user"
        )
        cls.manager = new_test_user(
            cls.env, login="mirakl_manager", groups="mirakl_connector.group_mirakl_manager"
        )

    def test_user_reads_marketplaces_but_not_the_key(self):
        marketplace = self.marketplace.with_user(self.user)
        self.assertEqual(marketplace.name, "Test Marketplace")
        self.assertEqual(marketplace.operator_url, self.simulator.url)
        with self.assertRaises(AccessError):
            marketplace.read(["api_key"])
        self.assertNotIn("api_key", marketplace.fields_get())

    def test_form_shows_the_key_to_managers_only(self):
        for user, shown in ((self.user, False), (self.manager, True)):
            views = self.env["mirakl.instance"].with_user(user).get_views([(False, "form")])
            arch = views["views"]["form"]["arch"]
            self.assertEqual('name="api_key"' in arch, shown, user.login)
            self.assertEqual('name="action_test_connection"' in arch, shown, user.login)

    def test_user_cannot_change_marketplaces(self):
        Marketplace = self.env["mirakl.instance"].with_user(self.user)
        marketplace = self.marketplace.with_user(self.user)
        with self.assertRaises(AccessError):
            marketplace.name = "Renamed"
        with self.assertRaises(AccessError):
            Marketplace.create({"name": "Mine", "operator_url": "https://acme.mirakl.net"})
        with self.assertRaises(AccessError):
            marketplace.unlink()
        with self.assertRaises(AccessError):
            marketplace.action_test_connection()
        self.assertFalse(self.simulator.requests)

    def test_manager_configures_marketplaces(self):
        Marketplace = self.env["mirakl.instance"].with_user(self.manager)
        marketplace = Marketplace.create(
            {
                "name": "Acme",
                "operator_url": self.simulator.url,
                "api_key": self.API_KEY,
            }
        )
        self.assertEqual(marketplace.api_key, self.API_KEY)
        marketplace.api_key = "another-key"
        self.assertEqual(marketplace.read(["api_key"])[0]["api_key"], "another-key")
        marketplace.api_key = self.API_KEY
        marketplace.action_test_connection()
        self.assertEqual(marketplace.connection_state, "ok")
        marketplace.unlink()

    def test_admin_is_mirakl_manager(self):
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("mirakl_connector.group_mirakl_manager"))

    def test_marketplaces_are_isolated_per_company(self):
        other_company = self.env["res.company"].create({"name": "Company B"})
        other_user = new_test_user(
            self.env,
            login="mirakl_user_b",
            groups="mirakl_connector.group_mirakl_user",
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        other_marketplace = self.env["mirakl.instance"].create(
            {
                "name": "Marketplace B",
                "operator_url": "https://b.mirakl.net",
                "company_id": other_company.id,
            }
        )
        visible = self.env["mirakl.instance"].with_user(other_user).search([])
        self.assertEqual(visible, other_marketplace)
        with self.assertRaises(AccessError):
            self.marketplace.with_user(other_user).read(["name"])

    def test_warehouse_must_belong_to_the_marketplace_company(self):
        other_company = self.env["res.company"].create({"name": "Company B"})
        other_warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", other_company.id)], limit=1
        )
        with self.assertRaises(UserError):
            self.marketplace.warehouse_id = other_warehouse

    def test_api_key_is_not_tracked(self):
        marketplace = self.marketplace.with_user(self.manager)
        marketplace.write({"api_key": "a-brand-new-secret", "operator_url": "https://x.mirakl.net"})
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = marketplace.message_ids.sudo().tracking_value_ids
        self.assertEqual(tracked.field_id.mapped("name"), ["operator_url"])
        for value in tracked:
            self.assertNotIn("a-brand-new-secret", f"{value.old_value_char} {value.new_value_char}")
        self.assertNotIn("a-brand-new-secret", str(marketplace.message_ids.mapped("body")))
