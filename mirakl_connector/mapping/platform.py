"""Mirakl account (A01) and platform configuration (PC01) -> ``mirakl.instance`` values, and
the advice given to the seller when a call fails."""

import logging
import math

from ..mirakl import errors
from ..mirakl.schemas.platform import (
    OrderWorkflows,
    PlatformFeatures,
    PricingFeatures,
    ReturnsFeatures,
    ShipmentFeatures,
)

# Mirakl's values of the learned selection fields, with their labels.
SHOP_STATES = [
    ("OPEN", "Open"),
    ("CLOSE", "Closed"),
    ("SUSPENDED", "Suspended"),
    ("TERMINATED", "Terminated"),
]
TAX_MODES = [("TAX_INCLUDED", "Tax included"), ("TAX_EXCLUDED", "Tax excluded")]
ORDER_ACCEPTANCE_MODES = [
    ("AUTOMATIC", "Automatic"),
    ("NOT_AUTOMATIC", "By the seller"),
    ("BOTH", "Automatic or by the seller"),
]
CHANNEL_PRICING_MODES = [
    ("DISABLED", "Disabled"),
    ("SINGLE", "Single channel"),
    ("MULTI", "Multiple channels"),
]
CSV_DELIMITERS = [("COMMA", "Comma"), ("SEMICOLON", "Semicolon")]

_logger = logging.getLogger(__name__)

# Waiting time announced when a 429 comes without a Retry-After header.
DEFAULT_RATE_LIMIT_WAIT = 60


def connection_values(account, configuration):
    """Values learned from the A01 ``account`` and the PC01 platform ``configuration``.

    The currency is left to the caller (``account.currency_iso_code``).
    """
    # Every block of PC01 is optional: a missing one reads as "feature not enabled".
    features = configuration.features or PlatformFeatures()
    workflows = features.order_workflows or OrderWorkflows()
    shipment = features.shipment or ShipmentFeatures()
    pricing = features.pricing or PricingFeatures()
    returns = features.returns or ReturnsFeatures()
    decimals = features.offer_prices_decimals or ""
    return {
        "mirakl_shop_id": str(account.shop_id),
        "mirakl_shop_name": account.shop_name,
        "shop_state": known("shop_state", account.shop_state, SHOP_STATES),
        "platform_name": configuration.platform_name or configuration.tenant_name,
        "platform_timezone": configuration.timezone,
        "order_tax_mode": known("order_tax_mode", features.order_tax_mode, TAX_MODES),
        "order_acceptance_mode": known(
            "order_acceptance_mode", workflows.order_acceptance, ORDER_ACCEPTANCE_MODES
        ),
        "details_before_acceptance": bool(workflows.shipping_and_billing_details_before_acceptance),
        "multi_shipment": bool(shipment.multi_shipment),
        "returns_enabled": bool(returns.marketplace or returns.drop_ship or returns.one_creditor),
        "channel_pricing": known("channel_pricing", pricing.channel_pricing, CHANNEL_PRICING_MODES),
        "offer_prices_decimals": int(decimals) if decimals.isdigit() else 0,
        "operator_csv_delimiter": known(
            "operator_csv_delimiter", features.operator_csv_delimiter, CSV_DELIMITERS
        ),
    }


def known(name, value, selection):
    """``value`` if ``selection`` has it, else False: Mirakl may add values at any time."""
    if any(value == key for key, _label in selection):
        return value
    if value:
        _logger.info("Mirakl sent an unknown %s %r: ignored", name, value)
    return False


def connection_error_advice(error, env):
    """Tell the seller, in one sentence or two, what to do about the client ``error``.

    ``env`` only gives the user's language (``env._``); nothing is read from the database.
    The advice is looked up along the error's class hierarchy, most specific class first, so
    a new subclass of the client's errors falls back on its parent's advice.
    """
    advice = {
        errors.MiraklAuthenticationError: env._(
            "Mirakl refused the API key (HTTP 401): it is wrong or has been revoked. "
            "Generate a new key in the operator's back office (your user settings, API key) "
            "and paste it here."
        ),
        errors.MiraklPermissionError: env._(
            "Mirakl accepted the API key but refused the call (HTTP 403): the key lacks the "
            "rights this connector needs, or the Shop ID is not a shop this key can reach. "
            "Leave the Shop ID empty to use the key's default shop, or ask the operator to "
            "grant the key access."
        ),
        errors.MiraklNotFoundError: env._(
            "The operator URL does not point to a Mirakl API (HTTP 404). Use the operator's "
            "base URL, such as https://acme.mirakl.net, without any path."
        ),
        errors.MiraklConfigError: env._(
            "The operator URL must start with https://, for example https://acme.mirakl.net."
        ),
        errors.MiraklTimeoutError: env._(
            "Mirakl did not answer in time. Check the operator URL and this server's network "
            "access, then test again; if it keeps happening, the operator may be overloaded."
        ),
        errors.MiraklConnectionError: env._(
            "Odoo could not reach the operator (DNS, TLS or connection refused). Check the "
            "operator URL and that this server can open HTTPS connections to it."
        ),
        errors.MiraklServerError: env._(
            "The operator's platform is failing (HTTP 5xx). This is on Mirakl's side: try "
            "again later."
        ),
        errors.MiraklRateLimitError: env._(
            "Mirakl is limiting the calls made with this key (HTTP 429). Wait %(seconds)s "
            "seconds, then test again.",
            seconds=math.ceil(error.retry_after or DEFAULT_RATE_LIMIT_WAIT),
        ),
        errors.MiraklResponseError: env._(
            "The operator answered something that is not a Mirakl API response. Check the "
            "operator URL; if it is right, the operator may be under maintenance."
        ),
        errors.MiraklError: env._("Mirakl refused the call: %(details)s", details=error.message),
    }
    return next(advice[cls] for cls in type(error).__mro__ if cls in advice)
