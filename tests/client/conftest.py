"""Fixtures of the client tests: Mirakl's example payloads, clients with a recording sleep, and a
scripted session for what the simulator cannot produce (HTTP-date Retry-After, POST endpoints)."""

import json

import pytest
import requests

import spec
from mirakl import MiraklClient


class RecordingSleep:
    """Stands in for time.sleep: records the waits so retry tests are instant and exact."""

    def __init__(self):
        self.calls = []

    def __call__(self, seconds):
        self.calls.append(seconds)


@pytest.fixture
def sleep():
    return RecordingSleep()


@pytest.fixture
def make_client(sleep):
    """Build a client with the recording sleep; closes every client it built."""
    clients = []

    def make(base_url, api_key, shop_id=None, **options):
        options.setdefault("sleep", sleep)
        client = MiraklClient(base_url, api_key, shop_id, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def example():
    """Load a Mirakl example payload from ../shared (skip without it; fail under CI)."""
    spec.load_spec()  # applies the shared skip / fail-under-CI rule
    examples_dir = spec.spec_path().parent / "examples"

    def load(name):
        return json.loads((examples_dir / name).read_text(encoding="utf-8"))

    return load


class ScriptedSession(requests.Session):
    """A session answering from a script (responses or exceptions) that keeps what was sent."""

    def __init__(self, *outcomes):
        super().__init__()
        self.outcomes = list(outcomes)
        self.sent = []

    @staticmethod
    def reply(status, body=b"", headers=None):
        response = requests.Response()
        response.status_code = status
        response.reason = requests.status_codes._codes[status][0].upper()
        response._content = body if isinstance(body, bytes) else json.dumps(body).encode()
        response.headers.update(headers or {})
        return response

    def send(self, request, **kwargs):
        self.sent.append((request, kwargs))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        outcome.request = request
        return outcome


@pytest.fixture
def scripted_session():
    """The ScriptedSession class: `scripted_session(scripted_session.reply(503), ...)`."""
    return ScriptedSession
