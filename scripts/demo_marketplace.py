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
# The simulator's demo shop sells in EUR; a seller would activate the currency the same way.
env.ref("base.EUR").active = True
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
