"""Mirakl operator simulator: the seller REST API over real HTTP, for connector tests.

Only the standard library is used, so Odoo tests and CI can import it anywhere.
"""

from .clock import Clock
from .faults import Fault
from .generated_offers import GeneratedOffers
from .records import RecordedRequest, RecordedResponse
from .simulator import OperatorSimulator
from .state import ApiKey, Shop

__all__ = [
    "ApiKey",
    "Clock",
    "Fault",
    "GeneratedOffers",
    "OperatorSimulator",
    "RecordedRequest",
    "RecordedResponse",
    "Shop",
]
