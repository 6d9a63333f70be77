"""Asynchronous file imports (STO01, PRI01, OF01): the WAITING -> RUNNING -> COMPLETE / FAILED
state machine, the once-a-minute limit, and the status bodies (STO02, PRI02, OF02, OF04).

A file is parsed when uploaded (tests read ``rows`` at once) but checked and applied only when
its import completes, like Mirakl's background job: OF21 and the offer export show the changes
from then on. ``ImportSettings`` decide how many status polls (or how much simulated time) an
import stays WAITING then RUNNING, whether the next one FAILS, and whether a second upload of
the same kind within a minute is answered 429 with ``Retry-After``.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..clock import format_datetime
from ..errors import ApiError
from .files import FileRejected

WAITING, RUNNING, COMPLETE, FAILED = "WAITING", "RUNNING", "COMPLETE", "FAILED"
FINAL = frozenset({COMPLETE, FAILED})
STOCK, PRICES, OFFERS = "STO01", "PRI01", "OF01"  # an import's kind is its upload's op
REASONS = {
    WAITING: "The import is waiting to be processed",
    RUNNING: "The import is being processed",
    COMPLETE: "The import is complete",
}


@dataclass
class ImportSettings:
    """How the next imports behave; tests edit ``sim.import_settings`` in place.

    ``pending_polls``: status calls answered before the final state (the first WAITING, the
    others RUNNING); ``pending_seconds``: when set, simulated time decides instead (WAITING for
    the first half, RUNNING for the second); ``fail_next``: reason the next import ends FAILED
    with (consumed by it); ``rate_limit``: refuse a second upload of the same kind for the same
    shop within ``rate_limit_seconds`` (Mirakl's "once per minute") with a 429;
    ``stock_api``: False makes STO01-STO03 answer 404, as on operators without the stock API
    (sellers then send stock in OF01 offer files).
    """

    pending_polls: int = 2
    pending_seconds: float = None
    fail_next: str = None
    rate_limit: bool = False
    rate_limit_seconds: float = 60
    stock_api: bool = True


@dataclass
class Outcome:
    """What processing did: rejected rows with their message, the counters of the status
    body, and the error report (None without rejected rows)."""

    failures: list = field(default_factory=list)
    counters: dict = field(default_factory=dict)
    report: bytes = None


@dataclass
class ImportJob:
    """One uploaded file and its import. ``process(job, now)`` checks and applies the rows and
    returns an ``Outcome``, or raises ``FileRejected`` (then the import is FAILED)."""

    kind: str
    import_id: object  # UUID string for STO01/PRI01, integer for OF01
    shop_id: int
    created_at: datetime
    file_name: str
    content: bytes
    columns: tuple
    rows: list
    process: object = field(repr=False)
    mode: str = None  # OF01 import_mode
    pending_polls: int = 0
    pending_seconds: float = None
    reason: str = None  # why it FAILED (a file error found at upload, or fail_next)
    status: str = WAITING
    polls: int = 0
    last_updated: datetime = None
    outcome: Outcome = None
    listing: dict = None  # OF01: its OF04 row, kept in step

    @property
    def final(self):
        return self.status in FINAL

    @property
    def failures(self):
        return self.outcome.failures if self.outcome else []

    @property
    def report(self):
        return self.outcome.report if self.outcome else None

    def poll(self, now):
        """One status call."""
        self.polls += 1
        self.advance(now)

    def advance(self, now):
        """Move on as polls or simulated time dictate."""
        if self.final:
            return
        if self.pending_seconds is not None:
            elapsed = (now - self.created_at).total_seconds()
            due = elapsed >= self.pending_seconds
            running = elapsed >= self.pending_seconds / 2
        else:
            due = self.polls > self.pending_polls
            running = self.polls > 1
        if due:
            self.finish(now)
        elif running and self.status == WAITING:
            self._set(RUNNING, now)

    def finish(self, now):
        """Process the file now: COMPLETE (maybe with rejected rows) or FAILED."""
        if self.final:
            return
        if self.reason is None:
            try:
                self.outcome = self.process(self, now)
            except FileRejected as error:
                self.reason = error.reason
        self._set(FAILED if self.reason else COMPLETE, now)

    def _set(self, status, now):
        self.status, self.last_updated = status, now
        if self.listing is not None:
            self.listing.update(self.of04_row())

    def _counter(self, name):
        return (self.outcome.counters if self.outcome else {}).get(name, 0)

    @property
    def reason_status(self):
        if self.status == FAILED:
            return self.reason
        if self.status == COMPLETE and self.failures:
            return f"The import is complete with {len(self.failures)} line(s) in error"
        return REASONS[self.status]

    def sto02_body(self):
        return {
            "import_id": self.import_id,
            "shop_id": self.shop_id,
            "date_created": format_datetime(self.created_at),
            "status": self.status,
            "has_error_report": self.report is not None,
            "lines_in_success": self._counter("lines_in_success"),
            "lines_in_error": self._counter("lines_in_error"),
        }

    def pri02_body(self):
        return {
            **self.sto02_body(),
            "reason_status": self.reason_status,
            "origin": "API",
            "offers_updated": self._counter("offers_updated"),
            "offers_in_error": self._counter("offers_in_error"),
        }

    def of02_body(self):
        body = {
            "import_id": self.import_id,
            "date_created": format_datetime(self.created_at),
            "status": self.status,
            "reason_status": self.reason_status,
            "mode": self.mode,
            "type": "AUTO",  # deprecated, still required by the spec
            "has_error_report": self.report is not None,
        }
        for name in (
            "lines_read",
            "lines_in_success",
            "lines_in_error",
            "lines_in_pending",
            "offer_inserted",
            "offer_updated",
            "offer_deleted",
        ):
            body[name] = self._counter(name)
        return body

    def of04_row(self):
        row = {**self.of02_body(), "origin": "API", "shop_id": self.shop_id}
        del row["type"]
        return row


class ImportBook:
    """Every import of the operator, by kind then id, with the settings and the rate limit."""

    def __init__(self):
        self.settings = ImportSettings()
        self.jobs = {STOCK: {}, PRICES: {}, OFFERS: {}}
        self._last_upload = {}  # (shop_id, kind) -> when the last accepted upload came

    def check_rate(self, kind, shop_id, now):
        """429 with ``Retry-After`` when ``rate_limit`` is on and the last upload of this kind
        for this shop was less than ``rate_limit_seconds`` ago."""
        last = self._last_upload.get((shop_id, kind))
        window = timedelta(seconds=self.settings.rate_limit_seconds)
        if self.settings.rate_limit and last is not None and now - last < window:
            wait = math.ceil((last + window - now).total_seconds())
            raise ApiError(
                429,
                f"Too many requests: {kind} may be called once every "
                f"{self.settings.rate_limit_seconds:g} seconds",
                {"Retry-After": str(max(wait, 1))},
            )

    def add(self, job, now):
        """Register a new import, with the current settings."""
        settings = self.settings
        job.pending_polls = settings.pending_polls
        job.pending_seconds = settings.pending_seconds
        if settings.fail_next and job.reason is None:
            job.reason = settings.fail_next
        settings.fail_next = None
        job.last_updated = now
        self._last_upload[(job.shop_id, job.kind)] = now
        self.jobs[job.kind][job.import_id] = job
        if job.listing is not None:
            job.listing.update(job.of04_row())
        return job

    def get(self, kind, import_id, shop_id):
        """The import ``import_id`` of ``shop_id``; another shop's is as unknown as none."""
        job = self.jobs[kind].get(import_id)
        return job if job is not None and job.shop_id == shop_id else None

    def of_shop(self, kind, shop_id):
        return [job for job in self.jobs[kind].values() if job.shop_id == shop_id]

    def tick(self, now):
        """Advance the imports driven by simulated time."""
        for jobs in self.jobs.values():
            for job in jobs.values():
                if job.pending_seconds is not None:
                    job.advance(now)

    def finish_all(self, now):
        for jobs in self.jobs.values():
            for job in jobs.values():
                job.finish(now)
