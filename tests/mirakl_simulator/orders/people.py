"""Made-up marketplace customers: names, alpha-3 countries, billing and shipping addresses.

Derived from a seed string (the order id), so the same order always gets the same customer and
generated benchmarks are reproducible without storing anything.
"""

import random

FIRSTNAMES = ["Camille", "Lucas", "Léa", "Hugo", "Emma", "Jonas", "Sofia", "Mateo", "Anna", "Tom"]
LASTNAMES = ["Martin", "Bernard", "Dubois", "Schmidt", "Peeters", "García", "Rossi", "Lefèvre"]
# alpha-3 code, country label, locale, city, zip code, state
PLACES = [
    ("FRA", "France", "fr_FR", "Lyon", "69002", None),
    ("FRA", "France", "fr_FR", "Bordeaux", "33000", None),
    ("DEU", "Germany", "de_DE", "München", "80331", "Bayern"),
    ("BEL", "Belgium", "fr_FR", "Liège", "4000", None),
    ("ESP", "Spain", "en_US", "Valencia", "46001", "Valencia"),
    ("ITA", "Italy", "en_US", "Torino", "10121", "TO"),
]
STREETS = ["rue des Alpes", "Hauptstraße", "avenue du Lac", "Calle Mayor", "Via Roma"]


def _address(rng, firstname, lastname, civility, place, company=None):
    country_code, country, _locale, city, zip_code, state = place
    address = {
        "civility": civility,
        "firstname": firstname,
        "lastname": lastname,
        "street_1": f"{rng.randint(1, 150)} {rng.choice(STREETS)}",
        "zip_code": zip_code,
        "city": city,
        "country": country,
        "country_iso_code": country_code,
        "phone": f"+33 6 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} 00",
    }
    if state:
        address["state"] = state
    if company:
        address["company"] = company
    return address


def make_customer(seed, overrides=None):
    """A customer dict (ids, names, locale, both addresses); ``overrides`` replace its keys."""
    rng = random.Random(seed)
    firstname, lastname = rng.choice(FIRSTNAMES), rng.choice(LASTNAMES)
    civility = rng.choice(["M", "Mme"])
    place = rng.choice(PLACES)
    company = f"{lastname} SARL" if rng.random() < 0.15 else None
    billing = _address(rng, firstname, lastname, civility, place, company)
    if rng.random() < 0.2:  # a gift: shipped to someone else, elsewhere
        other = rng.choice(FIRSTNAMES)
        shipping = _address(rng, other, lastname, civility, rng.choice(PLACES))
    else:
        shipping = dict(billing)
    shipping["additional_info"] = rng.choice(["", "Digicode 1234", "Leave at the door"])
    customer = {
        "customer_id": f"CUST-{seed}",
        "firstname": firstname,
        "lastname": lastname,
        "civility": civility,
        "locale": place[2],
        "billing_address": billing,
        "shipping_address": shipping,
    }
    customer.update(overrides or {})
    return customer
