"""Checks of the values of an import row, each failure a ``RowError`` with a Mirakl-like message.

Numbers use a ``.`` decimal point (``10,5`` is refused, as a locale-formatted export would be),
prices at most PC01 ``offer_prices_decimals`` decimals, dates ISO 8601 with or without offset
(Mirakl's examples use ``2017-02-20T10:45:53+01`` and ``2024-01-01T23:00:00Z``), ranges
``quantity|price,quantity|price`` and lists ``a|b``.
"""

import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


class RowError(Exception):
    """One row refused; ``message`` goes to the error report."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def required(value, column):
    if not value:
        raise RowError(f"The column '{column}' is required")
    return value


def integer(value, column, minimum=0):
    """An integer >= ``minimum``; None for an empty value."""
    if not value:
        return None
    if not re.fullmatch(r"-?\d+", value):
        raise RowError(f"The value '{value}' of '{column}' is not a valid integer")
    number = int(value)
    if number < minimum:
        raise RowError(f"The value of '{column}' must be greater than or equal to {minimum}")
    return number


def money(value, column, decimals):
    """A positive price with at most ``decimals`` decimals; None for an empty value."""
    if not value:
        return None
    if not _NUMBER.match(value):
        raise RowError(f"The value '{value}' of '{column}' is not a valid number")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise RowError(f"The value '{value}' of '{column}' is not a valid number") from None
    if amount <= 0:
        raise RowError(f"The value of '{column}' must be greater than 0")
    if -amount.normalize().as_tuple().exponent > decimals:  # 19.900 has two decimals
        raise RowError(f"The value '{value}' of '{column}' has more than {decimals} decimals")
    return amount


def date(value, column):
    """An aware UTC datetime (naive values are UTC); None for an empty value."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise RowError(f"The value '{value}' of '{column}' is not a valid date") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def boolean(value, column):
    if not value:
        return None
    if value.lower() not in ("true", "false"):
        raise RowError(f"The value '{value}' of '{column}' must be true or false")
    return value.lower() == "true"


def ranges(value, column, decimals):
    """``[(quantity threshold, price)]`` from ``1|20,10|15``, thresholds increasing from 1."""
    if not value:
        return []
    result = []
    for item in value.split(","):
        threshold, separator, price = item.partition("|")
        if not separator:
            raise RowError(f"The value '{value}' of '{column}' is not a valid range list")
        result.append(
            (integer(threshold.strip(), column, 1), money(price.strip(), column, decimals))
        )
    thresholds = [threshold for threshold, _ in result]
    if None in thresholds or thresholds[0] != 1 or thresholds != sorted(set(thresholds)):
        raise RowError(f"The ranges of '{column}' must start at 1 and increase")
    return result


def codes(value):
    """The codes of a ``|``-separated list, blanks dropped."""
    return [code.strip() for code in value.split("|") if code.strip()] if value else []


def in_period(now, start, end):
    return (start is None or start <= now) and (end is None or now < end)
