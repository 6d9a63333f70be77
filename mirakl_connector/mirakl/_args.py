"""Checks and encodings of call arguments, shared by the domain mixins."""

from collections.abc import Mapping
from urllib.parse import quote


def csv_value(values):
    """Mirakl's comma-separated list parameters, from a string or any iterable of strings."""
    if values is None or isinstance(values, str):
        return values or None
    return ",".join(str(value) for value in values) or None


def path_id(value, what):
    """``value`` as one segment of a path (an order, import or thread id...), quoted;
    ValueError when it is empty."""
    if not str(value or "").strip():
        raise ValueError(f"{what} is empty")
    return quote(str(value).strip(), safe="")


def check_keys(mapping, allowed, what, hints=None):
    """ValueError unless ``mapping`` is a mapping with only ``allowed`` keys; ``hints``:
    ``{unknown key: advice}`` added to the message."""
    if not isinstance(mapping, Mapping):
        raise ValueError(f"{what} must be a mapping, not {type(mapping).__name__}")
    unknown = set(mapping) - allowed
    if unknown:
        advice = "".join(f" ({hints[key]})" for key in sorted(unknown & set(hints or ())))
        raise ValueError(f"unknown {what} key(s) {sorted(unknown)}{advice}")
