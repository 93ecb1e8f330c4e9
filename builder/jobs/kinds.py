"""What each kind of job does. A kind is a function ``(job, progress) -> result``; domains register
theirs here (ingestion, evaluation, fine-tuning arrive with their issues)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any

from builder.jobs.models import Job

Progress = Callable[[float, str], None]
JobKind = Callable[[Job, Progress], dict[str, Any]]

JOB_KINDS: dict[str, JobKind] = {}
#: Kinds whose jobs a worker that starts takes up again when the worker running them died.
RESUMABLE_KINDS: set[str] = set()
#: Kinds that run on a queue of their own (a dedicated worker), by kind.
KIND_QUEUES: dict[str, str] = {}


def job_kind(name: str, *, resumable: bool = False, queue: str | None = None) -> Callable[[JobKind], JobKind]:
    """Register a kind. ``resumable``: running it again after a crash finishes the work without
    doing any of it twice (the kind keeps its own progress). ``queue``: the Celery queue its jobs
    go to (a worker of their own, e.g. fine-tuning, so that long work never blocks the rest);
    default: the platform's queue."""

    def register(func: JobKind) -> JobKind:
        JOB_KINDS[name] = func
        if resumable:
            RESUMABLE_KINDS.add(name)
        if queue:
            KIND_QUEUES[name] = queue
        return func

    return register


@job_kind("ping")
def ping(job: Job, progress: Progress) -> dict[str, Any]:
    """Round trip through the worker: proves enqueue -> worker -> events -> browser."""
    steps = max(1, min(int(job.input.get("steps", 3)), 20))
    for step in range(1, steps + 1):
        time.sleep(float(job.input.get("delay", 0.05)))
        progress(step / steps, f"step {step} of {steps}")
    return {"pong": True, "worker": socket.gethostname(), "steps": steps}
