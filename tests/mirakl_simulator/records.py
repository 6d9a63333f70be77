"""Request / response journal, so tests can assert what the client really sent and received."""

import json
import threading
from dataclasses import dataclass, field

MAX_JOURNAL_BODY = 1 << 20  # bytes


@dataclass(frozen=True)
class RecordedRequest:
    """One request as received; ``op`` is None for paths that match no route."""

    op: str
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes

    def as_dict(self):
        return {
            "op": self.op,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "body": self.body.decode("utf-8", "replace"),
        }


@dataclass(frozen=True)
class RecordedResponse:
    """One response as sent, with ``headers`` (e.g. ``Retry-After``); ``injected`` is True when
    a fault produced it instead of the endpoint. Bodies over ``MAX_JOURNAL_BODY`` (big export
    chunks) are kept empty with ``omitted`` set, so a benchmark's journal does not grow by the
    catalogue size."""

    op: str
    method: str
    path: str
    status: int
    content_type: str
    body: bytes
    headers: dict = field(default_factory=dict)
    injected: bool = False
    omitted: bool = False

    def json(self):
        return json.loads(self.body)

    def as_dict(self):
        return {
            "op": self.op,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "content_type": self.content_type,
            "headers": self.headers,
            "body": self.body.decode("utf-8", "replace"),
            "injected": self.injected,
            "omitted": self.omitted,
        }


class Journal:
    """Append-only, thread-safe logs of requests and responses."""

    def __init__(self):
        self._lock = threading.Lock()
        self._requests = []
        self._responses = []

    def add_request(self, request):
        """Logged on arrival, so a call the client gave up on (timeout) is visible at once."""
        with self._lock:
            self._requests.append(request)

    def add_response(self, response):
        with self._lock:
            self._responses.append(response)

    @property
    def requests(self):
        with self._lock:
            return list(self._requests)

    @property
    def responses(self):
        with self._lock:
            return list(self._responses)

    def reset(self):
        with self._lock:
            self._requests.clear()
            self._responses.clear()
