# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from ..mapping import order as order_mapping


class ResPartner(models.Model):
    _inherit = "res.partner"

    mirakl_instance_id = fields.Many2one(
        "mirakl.instance",
        string="Mirakl Marketplace",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        copy=False,
    )
    mirakl_customer_id = fields.Char(
        string="Mirakl Customer ID",
        readonly=True,
        copy=False,
        help="The buyer's id on the Marketplace: one partner per buyer and Marketplace.",
    )
    mirakl_address_hash = fields.Char(
        readonly=True, copy=False, help="Fingerprint of the Mirakl address of this contact."
    )
    mirakl_block_email = fields.Boolean(
        string="No E-mails (Marketplace Buyer)",
        copy=False,
        help="A Marketplace buyer is only reachable through the operator: Odoo sends no "
        "e-mail to this contact.",
    )

    _sql_constraints = [
        (
            "mirakl_customer_uniq",
            "UNIQUE(mirakl_instance_id, mirakl_customer_id)",
            "A Marketplace buyer has one partner per Marketplace.",
        ),
        (
            "mirakl_address_uniq",
            "UNIQUE(parent_id, mirakl_address_hash)",
            "A Marketplace address is one contact of its buyer.",
        ),
    ]

    @api.model
    def _mirakl_contacts(self, instance, payloads, countries, states):
        """The ``(customer, invoice contact, delivery contact)`` of each order payload.

        One partner per Marketplace customer (and, if the Marketplace says so, per buyer's
        company), one child contact per distinct address; everything missing is created in
        batch. Partners being created by a concurrent import break the unique keys: the
        caller's job is then retried and finds them.
        """
        customers = self._mirakl_customers(instance, payloads, countries, states)
        wanted = {}  # (customer id, address hash) -> values
        keys = []
        for payload in payloads:
            customer = customers[payload["customer"]["customer_id"]]
            order_keys = []
            for kind in ("billing_address", "shipping_address"):
                address = payload["customer"].get(kind)
                if not address:
                    order_keys.append(None)
                    continue
                values = order_mapping.address_values(address, countries, states)
                key = (customer.id, order_mapping.address_key(values))
                contact_type = "invoice" if kind == "billing_address" else "delivery"
                if key in wanted and contact_type == "delivery":
                    wanted[key]["type"] = "delivery"
                wanted.setdefault(key, {**values, "type": contact_type})
                order_keys.append(key)
            keys.append((customer, *order_keys))
        contacts = self._mirakl_address_contacts(instance, wanted)
        return [
            (
                customer,
                contacts[billing] if billing else customer,
                contacts[shipping] if shipping else customer,
            )
            for customer, billing, shipping in keys
        ]

    @api.model
    def _mirakl_customers(self, instance, payloads, countries, states):
        """``{Mirakl customer id: partner}`` for the buyers of ``payloads``."""
        by_id = {}
        for payload in payloads:
            by_id.setdefault(payload["customer"]["customer_id"], payload["customer"])
        found = self._mirakl_find(instance, list(by_id))
        companies = {}
        if instance.create_company_partner:
            companies = self._mirakl_companies(
                instance, [c for key, c in by_id.items() if key not in found], countries, states
            )
        to_create = []
        for key, customer in by_id.items():
            if key in found:
                continue
            values = order_mapping.customer_values(customer)
            if customer.get("billing_address"):
                address = order_mapping.address_values(
                    customer["billing_address"], countries, states
                )
                values.update({k: v for k, v in address.items() if k not in ("name", "comment")})
            company_key = order_mapping.company_key(customer)[0]
            to_create.append(
                {
                    **values,
                    **self._mirakl_common_values(instance),
                    "mirakl_customer_id": key,
                    "parent_id": companies.get(company_key, self).id,
                }
            )
        found.update((p.mirakl_customer_id, p) for p in self.create(to_create))
        return found

    @api.model
    def _mirakl_companies(self, instance, customers, countries, states):
        """``{company key: company partner}`` of the B2B buyers among ``customers``, at their
        billing address (their contacts share their company's address)."""
        wanted = {}
        for customer in customers:
            key, name, vat = order_mapping.company_key(customer)
            if key and key not in wanted:
                address = order_mapping.address_values(
                    customer.get("billing_address") or {}, countries, states
                )
                wanted[key] = {
                    **{k: v for k, v in address.items() if k not in ("name", "comment")},
                    "name": name,
                    "vat": vat or False,
                }
        found = self._mirakl_find(instance, list(wanted))
        to_create = [
            {
                **values,
                **self._mirakl_common_values(instance),
                "is_company": True,
                "mirakl_customer_id": key,
            }
            for key, values in wanted.items()
            if key not in found
        ]
        found.update((p.mirakl_customer_id, p) for p in self.create(to_create))
        return found

    @api.model
    def _mirakl_address_contacts(self, instance, wanted):
        """``{(customer id, address hash): contact}``, creating the missing contacts."""
        if not wanted:
            return {}
        existing = self.with_context(active_test=False).search_fetch(
            [
                ("parent_id", "in", list({parent for parent, _hash in wanted})),
                ("mirakl_address_hash", "in", list({h for _parent, h in wanted})),
            ],
            ["parent_id", "mirakl_address_hash"],
        )
        found = {(p.parent_id.id, p.mirakl_address_hash): p for p in existing}
        missing = [key for key in wanted if key not in found]
        created = self.create(
            [
                {
                    **wanted[key],
                    **self._mirakl_common_values(instance),
                    "parent_id": key[0],
                    "mirakl_address_hash": key[1],
                }
                for key in missing
            ]
        )
        found.update(zip(missing, created, strict=True))
        return found

    @api.model
    def _mirakl_find(self, instance, keys):
        if not keys:
            return {}
        partners = self.with_context(active_test=False).search_fetch(
            [("mirakl_instance_id", "=", instance.id), ("mirakl_customer_id", "in", keys)],
            ["mirakl_customer_id"],
        )
        return {partner.mirakl_customer_id: partner for partner in partners}

    @api.model
    def _mirakl_common_values(self, instance):
        return {
            "mirakl_instance_id": instance.id,
            "mirakl_block_email": True,
            "company_id": instance.company_id.id,
            "customer_rank": 1,
        }
