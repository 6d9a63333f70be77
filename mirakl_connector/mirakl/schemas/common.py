"""Building blocks shared by every Mirakl schema.

Mirakl adds fields and enum values without notice (seller API "backward compatibility" notes), so
models keep unknown fields, enums are plain `str`, and only identity fields are required.
"""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

T = TypeVar("T")


def _as_utc(value):
    """Mirakl sends UTC with a trailing Z; treat a missing offset as UTC too, never as local."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


# Accepts `2019-04-02T14:56:01Z` and `2019-04-02T14:58:22.460Z`; always tz-aware UTC.
UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]
# Money is a JSON number parsed as Decimal by the client; never a float.
Money = Decimal
# A list Mirakl may send as null or omit: always a list for the caller ([] by default).
NullableList = Annotated[
    list[T],
    BeforeValidator(lambda value: [] if value is None else value),
    Field(default_factory=list),
]


class MiraklModel(BaseModel):
    """Tolerant base: unknown fields kept, numbers accepted where Mirakl documents strings."""

    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)


class CodeLabel(MiraklModel):
    """The `{code, label, description}` shape of most reference data."""

    code: str
    label: str | None = None
    description: str | None = None


class AdditionalFieldValue(MiraklModel):
    """A custom field value on a shop, offer or order (`{code, type, value}`)."""

    code: str
    type: str | None = None
    value: Any = None
