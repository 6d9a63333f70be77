"""Fixtures for the simulator's own tests.

Every response a ``sim`` / ``demo_sim`` / ``fresh_demo_sim`` served during a test is validated
after the test against the OpenAPI spec (success bodies) or Mirakl's error body (4xx/5xx), so any
new endpoint or field is spec-checked just by being exercised. The check is skipped when the spec
is absent outside CI; ``test_simulator_endpoints.py`` then skips (or fails under CI) through
``spec.load_spec()``.
"""

import os

import pytest
import requests

import spec

SIM_FIXTURES = ("sim", "demo_sim", "fresh_demo_sim")


@pytest.fixture(autouse=True)
def _validate_served_responses(request, _fresh_demo_sim):
    simulators = [request.getfixturevalue(n) for n in SIM_FIXTURES if n in request.fixturenames]
    if not simulators or not (spec.spec_available() or os.environ.get("CI")):
        yield
        return
    openapi = spec.load_spec()
    already_seen = [len(simulator.responses) for simulator in simulators]
    yield
    for simulator, start in zip(simulators, already_seen, strict=True):
        for response in simulator.responses[start:]:
            openapi.validate_recorded(response)


@pytest.fixture(scope="session")
def http():
    """A ``requests`` session (keep-alive, like the real client) for talking to simulators."""
    with requests.Session() as session:
        yield session


@pytest.fixture
def call(http):
    """``call(simulator, path, key=..., method="GET", **query)`` -> ``requests.Response``.

    ``key=None`` sends no Authorization header.
    """

    def _call(simulator, path, key="key-2001", method="GET", **query):
        headers = {"Accept": "application/json"}
        if key is not None:
            headers["Authorization"] = key
        return http.request(method, simulator.url + path, params=query, headers=headers, timeout=10)

    return _call


@pytest.fixture
def upload(http):
    """``upload(simulator, path, content, key="key-2001", filename="file.csv", **fields)`` ->
    ``requests.Response`` of a multipart import upload (``content`` in part ``file``, other
    ``fields`` as form fields, e.g. ``import_mode="NORMAL"``)."""

    def _upload(simulator, path, content, key="key-2001", filename="file.csv", **fields):
        headers = {"Authorization": key, "Accept": "application/json"}
        if isinstance(content, str):
            content = content.encode("utf-8")
        files = {"file": (filename, content, "text/csv")}
        return http.post(simulator.url + path, files=files, data=fields, headers=headers)

    return _upload
