"""Create or update the demo Marketplace and test its connection.

Run by scripts/demo.sh through `odoo shell` (which provides `env`), with the simulator's
URL and API key in MIRAKL_DEMO_URL and MIRAKL_DEMO_API_KEY.
"""

import os

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
    env.cr.commit()
    print(f"Demo catalogue: {len(offers) - len(known)} products created for the shop's offers.")
