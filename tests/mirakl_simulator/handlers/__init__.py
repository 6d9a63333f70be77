"""Endpoint modules, one per Mirakl domain; importing them registers their routes."""

from . import (
    account,
    accounting,
    documents,
    imports,
    messages,
    offer_exports,
    offers,
    orders,
    reference,
    refunds,
    returns,
    shipping,
)
