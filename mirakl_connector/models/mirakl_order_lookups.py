# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models

from ..mapping import order as order_mapping


class _Lookups(dict):
    """A dict whose values are read on first use: ``loaders`` maps a tuple of keys to the
    function that returns their values (in that order)."""

    def __init__(self, loaders):
        super().__init__()
        self._loaders = {key: (keys, loader) for keys, loader in loaders.items() for key in keys}

    def __missing__(self, key):
        keys, loader = self._loaders[key]
        values = loader()
        self.update(zip(keys, values if len(keys) > 1 else [values], strict=True))
        return self[key]


class MiraklOrderLookups(models.AbstractModel):
    """What processing orders looks up (listings, products, places, carriers...), read once
    for a page of orders, and only when a step first needs it."""

    _name = "mirakl.order.lookups"
    _description = "Mirakl Order Lookups"

    @api.model
    def _prefetch(self, instance, payloads):
        """Everything the steps look up, each read once for all ``payloads`` when a step first
        needs it (an order's own job, say, needs no countries)."""
        lines = [line for payload in payloads for line in payload["order_lines"]]
        currencies = {payload.get("currency_iso_code") for payload in payloads} - {None}
        lookups = _Lookups(
            {
                ("listings", "listing_prices"): lambda: self._prefetch_listings(instance, lines),
                ("countries", "states"): lambda: self._prefetch_places(payloads),
                ("products",): lambda: self.env["mirakl.listing"]._mirakl_products_by(
                    instance.company_id,
                    "default_code",
                    {line.get("offer_sku") for line in lines} - {None, ""},
                ),
                ("currencies",): lambda: self._ids_by(
                    "res.currency", "name", [("name", "in", list(currencies))]
                ),
                ("channels",): lambda: self._ids_by(
                    "mirakl.channel", "code", [("instance_id", "=", instance.id)]
                ),
                ("carriers",): lambda: self._ids_by(
                    "mirakl.carrier",
                    "code",
                    [("instance_id", "=", instance.id), ("carrier_id", "!=", False)],
                    "carrier_id",
                ),
                ("warehouses",): lambda: self._ids_by(
                    "stock.warehouse",
                    "mirakl_fulfillment_center_code",
                    [
                        ("company_id", "=", instance.company_id.id),
                        ("mirakl_fulfillment_center_code", "!=", False),
                    ],
                ),
            }
        )
        lookups.update(
            taxes={},  # tax mode -> resolver, read when first needed
            pricelists={},  # currency id -> pricelist, read when first needed
            payments={},  # (payment workflow, type) -> (auto invoice, journal)
        )
        return lookups

    @api.model
    def _prefetch_listings(self, instance, lines):
        """``({offer id: (listing id, product id)}, {listing id: price})`` of the offers of
        ``lines``."""
        offer_ids = {str(line["offer_id"]) for line in lines if line.get("offer_id") is not None}
        listings = (
            self.env["mirakl.listing"]
            .with_context(active_test=False)
            .search_fetch(
                [("instance_id", "=", instance.id), ("offer_id", "in", list(offer_ids))],
                ["offer_id", "product_id", "price"],
            )
        )
        return (
            {rec.offer_id: (rec.id, rec.product_id.id) for rec in listings},
            {rec.id: rec.price for rec in listings},
        )

    @api.model
    def _prefetch_places(self, payloads):
        """``({alpha-2: country id}, {(country id, state code or name): state id})`` of the
        countries in the addresses of ``payloads``."""
        codes = set()
        for payload in payloads:
            customer = payload.get("customer") or {}
            for key in ("billing_address", "shipping_address"):
                codes.add(order_mapping.alpha2((customer.get(key) or {}).get("country_iso_code")))
        countries = self._ids_by("res.country", "code", [("code", "in", list(codes - {None}))])
        states = {}
        for state in self.env["res.country.state"].search_fetch(
            [("country_id", "in", list(countries.values()))], ["country_id", "code", "name"]
        ):
            states[(state.country_id.id, state.code.lower())] = state.id
            states[(state.country_id.id, state.name.lower())] = state.id
        return countries, states

    @api.model
    def _ids_by(self, model, key, domain, target=None):
        records = self._records_by(model, key, domain, target)
        return {value: record.id for value, record in records.items()}

    @api.model
    def _records_by(self, model, key, domain, target=None):
        """``{record[key]: record (or its ``target`` field)}``, archived records included."""
        records = (
            self.env[model]
            .with_context(active_test=False)
            .search_fetch(domain, [key, target] if target else [key])
        )
        return {record[key]: (record[target] if target else record) for record in records}
