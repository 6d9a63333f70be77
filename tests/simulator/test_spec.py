"""``tests/spec.py``: the loading rules and the validator itself."""

import json
from pathlib import Path

import pytest

import spec
from mirakl_simulator.records import RecordedResponse

# Mirakl's examples that are schema-valid as published (see spec.py for the others' quirks).
CLEAN_EXAMPLES = {
    "CH11": "CH11_channels.json",
    "CUR01": "CUR01_currencies.json",
    "DO01": "DO01_document_types.json",
    "H11": "H11_hierarchies.json",
    "L01": "L01_locales.json",
    "OF61": "OF61_offer_conditions.json",
    "OR75": "OR75_order_taxes.json",
    "SH11": "SH11_shipping_zones.json",
    "SH12": "SH12_shipping_types.json",
    "SH21": "SH21_carriers.json",
    "SH31": "SH31_logistic_classes.json",
}


@pytest.fixture(scope="module")
def openapi():
    return spec.load_spec()


def _example(name):
    path = Path(spec.spec_path()).parent / "examples" / name
    if not path.is_file():
        pytest.skip(f"example {path} not available")
    return json.loads(path.read_text(encoding="utf-8"))


def test_missing_spec_skips_locally(monkeypatch, tmp_path):
    monkeypatch.setenv(spec.SPEC_ENV, str(tmp_path / "absent.json"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="present in CI"):
        spec.load_spec()
    assert not spec.spec_available()


def test_missing_spec_fails_under_ci(monkeypatch, tmp_path):
    monkeypatch.setenv(spec.SPEC_ENV, str(tmp_path / "absent.json"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="spec not found"):
        spec.load_spec()


def test_env_variable_chooses_the_file(monkeypatch, tmp_path):
    document = {"paths": {"/api/ping": {"get": {"operationId": "P0", "responses": {}}}}}
    path = tmp_path / "mini.json"
    path.write_text(json.dumps(document))
    monkeypatch.setenv(spec.SPEC_ENV, str(path))
    assert spec.load_spec().operation("P0").path == "/api/ping"


def test_find_prefers_literal_paths(openapi):
    assert openapi.find("GET", "/api/offers/imports").op == "OF04"
    assert openapi.find("GET", "/api/offers/2042").op == "OF22"
    assert openapi.find("get", "/api/offers/{offer}").op == "OF22"
    with pytest.raises(KeyError):
        openapi.find("GET", "/api/nowhere")


@pytest.mark.parametrize("op", sorted(CLEAN_EXAMPLES))
def test_mirakl_examples_validate(openapi, op):
    assert openapi.validate(op, 200, _example(CLEAN_EXAMPLES[op]))


def test_nulls_are_rejected_unless_allowed(openapi):
    body = _example("OF04_imports_list.json")  # has "previous_page_token": null
    with pytest.raises(spec.SpecValidationError, match="previous_page_token"):
        openapi.validate("OF04", 200, body)
    assert openapi.validate("OF04", 200, body, allow_null=True)


def test_violations_are_all_reported(openapi):
    body = {"shipping_zones": [{"code": 1, "label": "x"}], "extra": True}
    with pytest.raises(spec.SpecValidationError) as failure:
        openapi.validate("SH11", 200, body)
    message = str(failure.value)
    assert "2 errors" in message
    assert "'description' is a required property" in message
    assert "1 is not of type 'string'" in message


@pytest.mark.parametrize(
    "value", ["2025-01-01T10:00:00+02:00", "2025-01-01 10:00:00Z", "2025-01-01", "yesterday"]
)
def test_datetimes_must_be_mirakl_utc(openapi, value):
    body = {
        "data": [
            {
                "date_created": value,
                "has_error_report": False,
                "import_id": 1,
                "lines_in_error": 0,
                "lines_in_pending": 0,
                "lines_in_success": 0,
                "lines_read": 0,
                "mode": "NORMAL",
                "offer_deleted": 0,
                "offer_inserted": 0,
                "offer_updated": 0,
                "origin": "API",
                "shop_id": 1,
                "status": "COMPLETE",
            }
        ]
    }
    with pytest.raises(spec.SpecValidationError, match="date-time"):
        openapi.validate("OF04", 200, body)
    body["data"][0]["date_created"] = "2025-01-01T10:00:00.5Z"
    assert openapi.validate("OF04", 200, body)


def test_int32_range_is_checked(openapi):
    body = {"offer_states": [], "total_count": 2**31}
    with pytest.raises(spec.SpecValidationError, match="int32"):
        openapi.validate("OF61", 200, body)


def test_operation_without_body_schema(openapi):
    assert openapi.validate("V01", 200, {"anything": 1}) is False


def _recorded(status, body, content_type="application/json", op="A01", injected=False):
    return RecordedResponse(op, "GET", "/api/account", status, content_type, body, {}, injected)


def test_validate_recorded(openapi):
    assert openapi.validate_recorded(_recorded(401, b'{"status": 401, "message": "no"}'))
    with pytest.raises(spec.SpecValidationError):
        openapi.validate_recorded(_recorded(401, b'{"error": "no"}'))
    with pytest.raises(spec.SpecValidationError):
        openapi.validate_recorded(_recorded(200, b'{"shop_id": 1}'))
    assert not openapi.validate_recorded(_recorded(200, b"<html>", "text/html"))
    assert not openapi.validate_recorded(_recorded(200, b"{}", injected=True))
    assert not openapi.validate_recorded(_recorded(404, b"<html>", "text/html", op=None))
