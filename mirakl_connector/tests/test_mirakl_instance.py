# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import socket

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..models.mirakl_instance import INTERACTIVE_CLIENT_OPTIONS
from .common import MiraklSimulatorCase

CLIENT_LOGGER = "odoo.addons.mirakl_connector.mirakl.client"


@tagged("post_install", "-at_install")
class TestMiraklInstance(MiraklSimulatorCase):
    def assertConnectionFails(self, marketplace, *fragments):
        """Test Connection raises a UserError holding ``fragments`` and no API key."""
        state = marketplace.connection_state
        with self.assertRaises(UserError) as caught:
            marketplace.action_test_connection()
        message = str(caught.exception)
        for fragment in fragments:
            self.assertIn(fragment, message)
        for key in filter(None, (self.API_KEY, self.NO_RIGHTS_KEY, marketplace.api_key)):
            self.assertNotIn(key, message)
        self.assertEqual(marketplace.connection_state, state, "nothing learned from a failure")

    # -- Test Connection: success -------------------------------------------------------------

    def test_test_connection_stores_learned_values(self):
        self.env.ref("base.EUR").active = True
        features = self.simulator.platform_configuration["features"]
        features["order_tax_mode"] = "TAX_INCLUDED"
        features["shipment"]["multi_shipment"] = True
        features["order_workflows"]["order_acceptance"] = "AUTOMATIC"
        features["pricing"]["channel_pricing"] = "MULTI"
        features["offer_prices_decimals"] = "3"
        features["operator_csv_delimiter"] = "COMMA"

        action = self.marketplace.action_test_connection()

        self.assertRecordValues(
            self.marketplace,
            [
                {
                    "mirakl_shop_id": "2001",
                    "mirakl_shop_name": "Test Shop",
                    "shop_state": "OPEN",
                    "currency_id": self.env.ref("base.EUR").id,
                    "platform_name": "Simulated Marketplace",
                    "platform_timezone": "Europe/Paris",
                    "order_tax_mode": "TAX_INCLUDED",
                    "order_acceptance_mode": "AUTOMATIC",
                    "details_before_acceptance": False,
                    "multi_shipment": True,
                    "channel_pricing": "MULTI",
                    "offer_prices_decimals": 3,
                    "operator_csv_delimiter": "COMMA",
                    "connection_state": "ok",
                }
            ],
        )
        self.assertTrue(self.marketplace.last_connection_date)
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("Test Shop", action["params"]["message"])
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload")
        calls = [(call.op, call.headers.get("Authorization")) for call in self.simulator.requests]
        self.assertEqual(calls, [("A01", self.API_KEY), ("PC01", self.API_KEY)])
        self.assertEqual(self.simulator.requests[0].query.get("shop_id"), ["2001"])

    def test_test_connection_warns_about_inactive_currency(self):
        self.env.ref("base.EUR").active = False
        action = self.marketplace.action_test_connection()
        self.assertEqual(self.marketplace.currency_id, self.env.ref("base.EUR"))
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("Activate the currency EUR", action["params"]["message"])

    def test_test_connection_tolerates_new_and_missing_settings(self):
        """Mirakl may add enum values and omit blocks: unknown means not set, never a crash."""
        shop = self.simulator.shop(self.SHOP_ID)
        shop.state = "ON_HOLIDAY"
        self.addCleanup(setattr, shop, "state", "OPEN")
        configuration = self.simulator.platform_configuration
        configuration["features"]["order_tax_mode"] = "TAX_SOMETIMES"
        for block in ("order_workflows", "shipment", "pricing", "offer_prices_decimals"):
            del configuration["features"][block]

        self.marketplace.action_test_connection()

        self.assertRecordValues(
            self.marketplace,
            [
                {
                    "mirakl_shop_name": "Test Shop",
                    "shop_state": False,
                    "order_tax_mode": False,
                    "order_acceptance_mode": False,
                    "multi_shipment": False,
                    "channel_pricing": False,
                    "offer_prices_decimals": 0,
                    "connection_state": "ok",
                }
            ],
        )

    # -- Test Connection: every failure tells the seller what to do -----------------------------

    def test_test_connection_wrong_key(self):
        self.marketplace.api_key = "not-the-right-key"
        self.assertConnectionFails(self.marketplace, "HTTP 401", "paste it here")

    def test_test_connection_revoked_key(self):
        self.simulator.add_api_key("revoked-key-secret", shop_ids=[self.SHOP_ID])
        self.marketplace.api_key = "revoked-key-secret"
        self.marketplace.action_test_connection()
        with self.simulator.store.lock:
            del self.simulator.store.api_keys["revoked-key-secret"]
        self.assertConnectionFails(self.marketplace, "HTTP 401", "revoked")

    def test_test_connection_shop_not_reachable_with_key(self):
        self.marketplace.shop_id = "2002"
        self.assertConnectionFails(self.marketplace, "HTTP 403", "Shop ID")

    def test_test_connection_key_without_rights(self):
        self.marketplace.api_key = self.NO_RIGHTS_KEY
        self.assertConnectionFails(self.marketplace, "HTTP 403", "lacks the rights")

    def test_test_connection_url_not_mirakl(self):
        self.marketplace.operator_url = self.simulator.url + "/not-mirakl"
        self.assertConnectionFails(
            self.marketplace, "not point to a Mirakl API", "https://acme.mirakl.net"
        )

    def test_test_connection_refused(self):
        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))
            port = closed.getsockname()[1]
        self.marketplace.operator_url = f"http://127.0.0.1:{port}"
        with self.assertLogs(CLIENT_LOGGER, "WARNING") as logs:
            self.assertConnectionFails(self.marketplace, "could not reach the operator")
        self.assertEqual(len(logs.records), 1, "retried once within the interactive budget")

    def test_test_connection_server_error(self):
        self.simulator.inject_fault(
            op="*", status=503, times=INTERACTIVE_CLIENT_OPTIONS["max_attempts"]
        )
        with self.assertLogs(CLIENT_LOGGER, "WARNING") as logs:
            self.assertConnectionFails(self.marketplace, "HTTP 5xx", "try again later")
        self.assertEqual(len(logs.records), 1, "retried once within the interactive budget")

    def test_test_connection_rate_limited(self):
        retry_after = INTERACTIVE_CLIENT_OPTIONS["max_retry_seconds"] + 20
        self.simulator.inject_fault(op="A01", status=429, retry_after=retry_after, times=1)
        self.assertConnectionFails(self.marketplace, "HTTP 429", f"Wait {retry_after:.0f} seconds")
        self.assertEqual(len(self.simulator.requests), 1, "a long Retry-After is not waited for")

    def test_test_connection_malformed_answer(self):
        self.simulator.inject_fault(
            op="A01", status=200, body="<html>oops</html>", content_type="text/html", times=1
        )
        self.assertConnectionFails(self.marketplace, "not a Mirakl API response")

    def test_test_connection_other_refusal_shows_mirakl_message(self):
        self.simulator.inject_fault(op="A01", status=400, times=1)
        self.assertConnectionFails(self.marketplace, "Mirakl refused the call: Simulated fault")

    def test_test_connection_timeout(self):
        # The only slow test: Odoo raises request timeouts below 10 s to 10 s during tests.
        delay = INTERACTIVE_CLIENT_OPTIONS["timeout"] + 1
        self.simulator.inject_fault(
            op="A01", delay=delay, times=INTERACTIVE_CLIENT_OPTIONS["max_attempts"]
        )
        self.assertConnectionFails(self.marketplace, "did not answer in time")

    def test_test_connection_without_key(self):
        self.marketplace.api_key = False
        self.assertConnectionFails(self.marketplace, "Paste the shop's API key")
        self.assertFalse(self.simulator.requests)

    # -- Settings ------------------------------------------------------------------------------

    def test_operator_url_is_normalised(self):
        marketplace = self.env["mirakl.instance"].create(
            {"name": "Acme", "operator_url": "  https://acme.mirakl.net/api/  "}
        )
        self.assertEqual(marketplace.operator_url, "https://acme.mirakl.net")
        marketplace.operator_url = "https://acme-prod.mirakl.net///"
        self.assertEqual(marketplace.operator_url, "https://acme-prod.mirakl.net")

    def test_operator_url_needs_a_scheme(self):
        with self.assertRaisesRegex(ValidationError, "must start with https://"):
            self.env["mirakl.instance"].create({"name": "Acme", "operator_url": "acme.mirakl.net"})
        with self.assertRaisesRegex(ValidationError, "must start with https://"):
            self.marketplace.operator_url = "ftp://acme.mirakl.net"

    def test_shop_id_digits_only(self):
        with self.assertRaisesRegex(ValidationError, "digits only"):
            self.marketplace.shop_id = "20O1"
        self.marketplace.shop_id = " 2001 "
        self.assertEqual(self.marketplace.shop_id, "2001")

    def test_changing_connection_settings_resets_state(self):
        self.marketplace.action_test_connection()
        self.marketplace.name = "Renamed"
        self.assertEqual(self.marketplace.connection_state, "ok")
        self.marketplace.shop_id = "2002"
        self.assertEqual(self.marketplace.connection_state, "not_tested")

    def test_get_client_uses_the_record_settings(self):
        client = self.marketplace._get_client()
        account = client.get_account()
        self.assertEqual(account.shop_id, self.SHOP_ID)
        self.assertNotIn(self.API_KEY, repr(client))
