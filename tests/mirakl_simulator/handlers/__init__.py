"""Endpoint modules, one per Mirakl domain; importing them registers their routes."""

from . import account, imports, offer_exports, offers, orders, reference, shipping
