"""Mirakl seller OpenAPI spec: load it and validate simulator responses against it.

The spec is read from ``$MIRAKL_OPENAPI_SPEC`` or ``<repo>/../shared/mirakl-openapi/``; it is
never copied into the repo. Missing spec: tests skip, except under CI (``CI`` set) where they fail.

Spec quirks handled here (the spec is OpenAPI 3.1, i.e. JSON Schema 2020-12, but sloppy):

* ``format: "with decimals"`` (money) and ``int32``/``int64`` are not JSON Schema formats; money
  stays a plain ``number`` check, ints are range-checked.
* ``date-time`` is checked against Mirakl's wire format (``YYYY-MM-DDThh:mm:ss[.SSS]Z``, UTC with
  ``Z``, per the API's general notes) rather than full RFC 3339, which jsonschema would only
  check with an optional extra package anyway.
* ``discriminator`` (OpenAPI-only) is ignored, so polymorphic objects (additional fields,
  A01 ``payment_info``) are checked against their base schema only, not the typed subtype.
* Nothing in the spec is nullable (no ``type: [..., "null"]``), yet Mirakl's own examples send
  ``null`` (``street_2``, ``previous_page_token``, ``channel_code``...) and omit required fields
  (PC01 ``dropship``, OF21 ``min_quantity_alert``...). Examples are therefore no oracle: the
  simulator is written to the schemas (it omits absent values instead of sending ``null``), and
  ``validate(..., allow_null=True)`` exists for checking real or example payloads. The
  exceptions: properties whose description says "Null before shipping (or acceptance...)" (the
  OR11/OR15 customer's addresses and contacts) or "Null when the shop has replied" (M10/M11
  ``shop_reply_needed_since``, required) may be ``null`` (``Spec.documented_nulls``).
* Deprecated fields are still *required*: A01 ``billing_info``, ``pro_details``,
  ``shipping_types``, ``shipping_zones``; ``total_count`` of AF01, OF61 and RE01.
* V01 documents no response body at all, so its body is not validated.
* OF54 (an offer export chunk) is a JSON *array* of offers in Mirakl's examples, while its
  response schema is one offer object: each element is checked against that schema
  (``ARRAY_BODY_OPS``). Its ``text/csv`` variant is not checked here.
* The spec declares no error responses; 4xx/5xx bodies are checked against Mirakl's documented
  ``{"status": int, "message": str}`` (``ERROR_BODY_SCHEMA``).
"""

import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_ENV = "MIRAKL_OPENAPI_SPEC"
SPEC_URI = "urn:mirakl:seller-openapi"
REPO_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SPEC_PATH = REPO_DIR.parent / "shared" / "mirakl-openapi" / "mirakl-mmp-seller-openapi.json"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
ARRAY_BODY_OPS = {"OF54"}  # body = array of the documented object (see the module docstring)
# The spec's own words for values sent as null: customer data early, a reply no longer awaited.
NULL_NOTES = ("Null before shipping", "Null when the shop has replied")

_MIRAKL_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FORMAT_CHECKER = jsonschema.FormatChecker(formats=())


@FORMAT_CHECKER.checks("date-time")
def _is_mirakl_datetime(value):
    return not isinstance(value, str) or bool(_MIRAKL_DATETIME.match(value))


@FORMAT_CHECKER.checks("date")
def _is_date(value):
    return not isinstance(value, str) or bool(_DATE.match(value))


@FORMAT_CHECKER.checks("int32")
def _is_int32(value):
    return not isinstance(value, int) or -(2**31) <= value < 2**31


@FORMAT_CHECKER.checks("int64")
def _is_int64(value):
    return not isinstance(value, int) or -(2**63) <= value < 2**63


ERROR_BODY_SCHEMA = {
    "type": "object",
    "required": ["status", "message"],
    "properties": {"status": {"type": "integer"}, "message": {"type": "string"}},
}


class SpecValidationError(AssertionError):
    """A response body that does not match the spec; the message lists every violation."""


def spec_path():
    return Path(os.environ.get(SPEC_ENV) or DEFAULT_SPEC_PATH)


@dataclass(frozen=True)
class Operation:
    """One spec operation, addressed by its Mirakl code (``operationId``)."""

    op: str
    method: str
    path: str
    pointer: str
    definition: dict

    @property
    def path_pattern(self):
        regex = re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(self.path))
        return re.compile(f"^{regex}$")


def _escape_pointer(token):
    return token.replace("~", "~0").replace("/", "~1")


class Spec:
    """The loaded spec: operation lookup and response validation."""

    def __init__(self, document):
        self.document = document
        self.registry = Registry().with_resource(
            SPEC_URI, Resource.from_contents(document, default_specification=DRAFT202012)
        )
        self.operations = {}
        self._validators = {}
        self.documented_nulls = frozenset(
            name
            for schema in document.get("components", {}).get("schemas", {}).values()
            for name, prop in (schema.get("properties") or {}).items()
            if any(note in (prop.get("description") or "") for note in NULL_NOTES)
        )
        for path, item in document["paths"].items():
            for method in HTTP_METHODS:
                definition = item.get(method)
                if definition and "operationId" in definition:
                    pointer = f"/paths/{_escape_pointer(path)}/{method}"
                    operation = Operation(
                        definition["operationId"], method.upper(), path, pointer, definition
                    )
                    self.operations[operation.op] = operation

    def operation(self, op):
        return self.operations[op]

    def find(self, method, path):
        """The operation serving ``method path`` (a concrete path or the spec's template)."""
        candidates = [
            operation
            for operation in self.operations.values()
            if operation.method == method.upper()
            and (operation.path == path or operation.path_pattern.match(path))
        ]
        if not candidates:
            raise KeyError(f"{method} {path}")
        return min(candidates, key=lambda operation: operation.path.count("{"))

    def response_schema_pointer(self, operation, status, media_type="application/json"):
        """JSON pointer of the response schema, or None when the spec documents no body."""
        responses = operation.definition.get("responses", {})
        key = str(status) if str(status) in responses else "default"
        content = responses.get(key, {}).get("content", {})
        if media_type not in content or "schema" not in content[media_type]:
            return None
        return f"{operation.pointer}/responses/{key}/content/{_escape_pointer(media_type)}/schema"

    def validate(self, op, status, body, media_type="application/json", allow_null=False):
        """Check ``body`` (parsed JSON) against the response schema of Mirakl operation ``op``.

        Returns False (nothing checked) when the spec has no schema for that status/media type.
        Raises ``SpecValidationError`` listing every violation. ``allow_null`` accepts ``null``
        for any typed field, as real Mirakl (and its examples) send despite the schemas.
        """
        pointer = self.response_schema_pointer(self.operation(op), status, media_type)
        if pointer is None:
            return False
        if pointer not in self._validators:  # building one resolves $refs: cache it
            schema = {"$ref": f"{SPEC_URI}#{pointer}"}
            if op in ARRAY_BODY_OPS:
                schema = {"type": "array", "items": schema}
            self._validators[pointer] = _validator(schema, self.registry)
        _raise_errors(
            f"{op} {status}", self._validators[pointer], body, allow_null, self.documented_nulls
        )
        return True

    def validate_recorded(self, response):
        """Validate a simulator ``RecordedResponse``: 2xx JSON against the operation's schema,
        4xx/5xx JSON against Mirakl's error body. Fault-injected, non-JSON and journal-omitted
        (oversized) bodies are skipped.

        Returns True when something was checked.
        """
        if response.injected or response.omitted or response.op is None:
            return False
        if not response.content_type.startswith("application/json"):
            return False
        body = json.loads(response.body)
        if response.status >= 400:
            _raise_errors(f"{response.op} {response.status}", ERROR_BODY_VALIDATOR, body)
            return True
        return self.validate(response.op, response.status, body)


def _validator(schema, registry=None):
    return jsonschema.Draft202012Validator(
        schema, registry=registry or Registry(), format_checker=FORMAT_CHECKER
    )


ERROR_BODY_VALIDATOR = _validator(ERROR_BODY_SCHEMA)


def _raise_errors(label, validator, body, allow_null=False, nullable=frozenset()):
    """Validate and raise one ``SpecValidationError`` listing every violation (up to 25).

    ``nullable``: property names that may be ``null`` even without ``allow_null``.
    """

    def tolerated(error):
        if error.instance is not None or error.validator != "type":
            return False
        return allow_null or (bool(error.absolute_path) and error.absolute_path[-1] in nullable)

    errors = [error for error in validator.iter_errors(body) if not tolerated(error)]
    errors.sort(key=lambda error: list(map(str, error.absolute_path)))
    if errors:
        lines = [
            f"  at /{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in errors[:25]
        ]
        raise SpecValidationError(
            f"{label} response does not match the spec ({len(errors)} errors):\n" + "\n".join(lines)
        )


@cache
def _load(path):
    with open(path, encoding="utf-8") as handle:
        return Spec(json.load(handle))


def spec_available():
    """True when the spec file exists (lets optional checks run without skipping a test)."""
    return spec_path().is_file()


def load_spec():
    """The parsed spec; skips the calling test when absent, fails instead when ``CI`` is set."""
    path = spec_path()
    if not path.is_file():
        message = (
            f"Mirakl OpenAPI spec not found at {path}: spec-validation needs ../shared "
            "(present in CI)"
        )
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return _load(str(path))
