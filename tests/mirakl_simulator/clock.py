"""A clock tests can freeze and advance, so time-driven behaviour (order timers, async jobs)
is testable."""

import threading
from datetime import UTC, datetime, timedelta


class Clock:
    """Real UTC time plus an offset, or a frozen instant; ``advance()`` moves either forward."""

    def __init__(self, frozen_at=None):
        self._lock = threading.Lock()
        self._frozen_at = frozen_at
        self._offset = timedelta()

    def now(self):
        with self._lock:
            base = self._frozen_at or datetime.now(UTC)
            return base + self._offset

    def freeze(self, at=None):
        """Stop time at ``at`` (aware UTC datetime), or at the current simulated instant."""
        at = at or self.now()
        with self._lock:
            self._frozen_at = at
            self._offset = timedelta()

    def advance(self, seconds=0.0, **kwargs):
        """Move simulated time forward; accepts ``timedelta`` keywords (minutes=, hours=, days=)."""
        with self._lock:
            self._offset += timedelta(seconds=seconds, **kwargs)


def format_datetime(value):
    """Mirakl's wire format: UTC with ``Z``, milliseconds only when non-zero."""
    value = value.astimezone(UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    millis = value.microsecond // 1000
    if millis:
        text += f".{millis:03d}"
    return text + "Z"


def parse_datetime(text):
    """Parse an ISO-8601 query value (``Z`` or offset); naive values are taken as UTC."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value
