"""Asynchronous order exports (OR13 -> OR14 -> OR15): jobs that complete after a few polls.

An export snapshots the ids of the matching orders when it is created and renders them into
chunks of ``items_per_chunk`` orders when it completes, like Mirakl writing its files. Mirakl
allows one export at a time per shop: a second one while the first is PENDING is refused.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from ..errors import bad_request

PENDING, COMPLETED, FAILED = "PENDING", "COMPLETED", "FAILED"


@dataclass
class OrderExport:
    tracking_id: str
    shop_id: int
    order_ids: list
    tax_mode: str
    items_per_chunk: int
    last_updated: datetime
    status: str = PENDING
    polls: int = 0
    chunks: list = field(default_factory=list)  # OR15 bodies, once COMPLETED


class OrderExports:
    """The export jobs of every shop. ``settings.export_pending_polls`` OR14 answers stay
    PENDING, then the job ends ``settings.export_outcome`` (COMPLETED, or FAILED)."""

    def __init__(self, settings):
        self.settings = settings
        self._jobs = {}

    def create(self, shop_id, order_ids, tax_mode, items_per_chunk, now):
        if any(job.shop_id == shop_id and job.status == PENDING for job in self._jobs.values()):
            raise bad_request("An order export is already in progress for this shop")
        job = OrderExport(str(uuid.uuid4()), shop_id, order_ids, tax_mode, items_per_chunk, now)
        self._jobs[job.tracking_id] = job
        return job

    def get(self, tracking_id, shop_id):
        job = self._jobs.get(tracking_id)
        return job if job is not None and job.shop_id == shop_id else None

    def poll(self, job, now, render):
        """Count one OR14 call; end the job once it was PENDING ``export_pending_polls`` times.

        ``render(order_ids, tax_mode)`` returns the order bodies of a chunk.
        """
        job.polls += 1
        if job.status == PENDING and job.polls > self.settings.export_pending_polls:
            self.finish(job, now, render, self.settings.export_outcome)
        return job

    def finish(self, job, now, render, outcome=COMPLETED):
        """End ``job`` now (tests call it through ``sim.finish_order_exports``)."""
        if outcome == COMPLETED:
            size = job.items_per_chunk
            job.chunks = [
                {"orders": render(job.order_ids[start : start + size], job.tax_mode)}
                for start in range(0, len(job.order_ids), size)
            ] or [{"orders": []}]
        job.status = outcome
        job.last_updated = now

    def pending(self):
        return [job for job in self._jobs.values() if job.status == PENDING]
