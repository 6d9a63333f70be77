"""Create or update the demo Marketplace and test its connection.

Run by scripts/demo.sh through `odoo shell` (which provides `env`), with the simulator's
URL and API key in MIRAKL_DEMO_URL and MIRAKL_DEMO_API_KEY.
"""

import os

from odoo import Command
from odoo.exceptions import UserError

NAME = "Demo Marketplace (simulator)"

env = globals()["env"]  # injected by `odoo shell`
values = {
    "name": NAME,
    "active": True,
    "operator_url": os.environ["MIRAKL_DEMO_URL"],
    "api_key": os.environ["MIRAKL_DEMO_API_KEY"],
}
# The simulator's demo shop sells in EUR: its orders need an EUR pricelist, and its stock comes
# from the company's warehouse. A seller sets both the same way on the Marketplace form.
eur = env.ref("base.EUR")
eur.active = True
company = env.company
pricelist = env["product.pricelist"].search(
    [("currency_id", "=", eur.id), ("company_id", "in", (company.id, False))], limit=1
) or env["product.pricelist"].create({"name": "Mirakl (EUR)", "currency_id": eur.id})
values["pricelist_id"] = pricelist.id
warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
values["warehouse_id"] = warehouse.id
# Orders whose Mirakl carrier is not mapped ship with the Marketplace's default delivery method.
carrier = env["delivery.carrier"].search([("company_id", "in", (company.id, False))], limit=1)
values["default_carrier_id"] = carrier.id
# The demo shop has a paid payout: post its journal entry (journal and accounts default to the
# company's chart). Returns, messages and order documents are imported with the defaults.
values["payout_create_entries"] = True
Marketplace = env["mirakl.instance"].with_context(active_test=False)
marketplace = Marketplace.search([("name", "=", NAME)], limit=1)
if marketplace:
    marketplace.write(values)
else:
    marketplace = Marketplace.create(values)
env.cr.commit()

try:
    action = marketplace.action_test_connection()
except UserError as error:
    print(f"Test Connection of {NAME!r} FAILED: {error}")
else:
    env.cr.commit()
    params = action["params"]
    print(f"Test Connection of {NAME!r}: {params['title']}. {params['message']}")
    # The demo seller's catalogue is already in Odoo: one product per offer, with the offer's
    # SKU as internal reference, so listings link and orders become sale orders.
    Product = env["product.product"].with_context(active_test=False)
    offers = {offer.shop_sku: offer for offer in marketplace._get_client().iter_offers()}
    known = set(Product.search([("default_code", "in", list(offers))]).mapped("default_code"))
    Product.create(
        [
            {
                "name": offer.product_title or sku,
                "default_code": sku,
                "is_storable": True,
                "list_price": float(offer.price or 0),
            }
            for sku, offer in offers.items()
            if sku not in known
        ]
    )
    # The demo orders carry 20 % VAT (TAXDEFAULT) and a fixed eco tax (ECO_TAX): map both to
    # Odoo taxes that include or exclude the price as the platform's tax mode says.
    override = "tax_included" if marketplace.order_tax_mode == "TAX_INCLUDED" else "tax_excluded"
    Tax = env["account.tax"]
    for code, tax_values in (
        ("TAXDEFAULT", {"name": "VAT 20% (Mirakl demo)", "amount": 20.0}),
        ("ECO_TAX", {"name": "Eco tax (Mirakl demo)", "amount": 0.5, "amount_type": "fixed"}),
    ):
        tax = Tax.search(
            [("name", "=", tax_values["name"]), ("company_id", "=", company.id)], limit=1
        ) or Tax.create({**tax_values, "type_tax_use": "sale", "price_include_override": override})
        if not marketplace.tax_mapping_ids.filtered(lambda m, c=code: m.tax_code == c):
            marketplace.tax_mapping_ids = [
                Command.create(
                    {
                        "tax_code": code,
                        "rate": tax_values["amount"],
                        "any_rate": code == "ECO_TAX",
                        "tax_id": tax.id,
                    }
                )
            ]
    env.cr.commit()
    print(f"Demo catalogue: {len(offers) - len(known)} products created for the shop's offers.")
