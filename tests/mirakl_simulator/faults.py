"""Fault injection: make the next N calls of an operation fail, stall or answer garbage."""

import threading
from dataclasses import asdict, dataclass

DEFAULT_RETRY_AFTER = 1


@dataclass
class Fault:
    """What to do instead of (or before) the real handler.

    ``op`` is a Mirakl code or ``"*"``. ``status`` None means "answer normally after ``delay``".
    ``times`` None means every matching call until cleared. A 429 always carries ``Retry-After``
    (``retry_after`` or 1 second). Without ``body`` an error status gets Mirakl's JSON error body.
    """

    op: str = "*"
    status: int = None
    retry_after: float = None
    delay: float = 0.0
    body: str = None
    content_type: str = None
    times: int = None

    def __post_init__(self):
        if self.status == 429 and self.retry_after is None:
            self.retry_after = DEFAULT_RETRY_AFTER
        if self.times is not None and self.times < 1:
            raise ValueError("times must be >= 1 (or None for unlimited)")

    def matches(self, op):
        return self.op in ("*", op)

    def as_dict(self):
        return asdict(self)


class FaultBook:
    """Thread-safe list of pending faults; the first matching one is consumed per request."""

    def __init__(self):
        self._lock = threading.Lock()
        self._faults = []

    def add(self, fault):
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self):
        with self._lock:
            self._faults.clear()

    def pending(self):
        with self._lock:
            return list(self._faults)

    def take(self, op):
        """Consume one use of the first fault matching ``op``; None when no fault applies."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(op):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times == 0:
                            self._faults.remove(fault)
                    return fault
        return None
