"""The frame every job task runs in: begin the Job, run its body, record a failure; and the
frame of a job that may be one problem of a campaign-wide run."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError

from trees.errors import JobStopped
from trees.models import Job
from trees.queries.jobs import get_job_parent_id
from trees.services.jobs import do_begin_job, do_fail_job
from trees.services.search import claim_job, do_roll_up
from workers.backends.base import BackendError

log = logging.getLogger(__name__)

# Errors worth another attempt: the database or broker went away for a moment.
TRANSIENT_ERRORS = (InterfaceError, OperationalError, ConnectionError, TimeoutError)


def run_job(task: Any, job_id: int, body: Callable[[Job], Any]) -> None:
    """Run `body(job)` for a queued job; a finished or cancelled job is left alone, so a
    re-delivered task is harmless. A body that meets JobStopped (cancelled, paused) just
    stops. Transient errors retry (bounded by the task's max_retries); any other error fails
    the job with a readable message."""
    job = do_begin_job(job_id)
    if job is None:
        return
    try:
        body(job)
    except JobStopped:
        return
    except TRANSIENT_ERRORS as exc:
        if task.request.retries >= task.max_retries:
            do_fail_job(job, f"gave up after {task.request.retries} retries: {exc}")
            return
        raise task.retry(exc=exc, countdown=2**task.request.retries) from exc
    except BackendError as exc:
        do_fail_job(job, str(exc))
    except Exception as exc:  # a job failure must be visible on the Job, never lost
        log.exception("job %s failed", job_id)
        do_fail_job(job, f"{type(exc).__name__}: {exc}")


def run_run_child(task: Any, job_id: int, body: Callable[[Job], Any]) -> None:
    """`run_job` for a job that may be one problem of a campaign-wide run: only the delivery
    the job was stamped with runs it, and its end rolls up into the run's progress."""
    if not claim_job(job_id, getattr(task.request, "id", None)):
        return
    try:
        run_job(task, job_id, body)
    finally:
        parent = get_job_parent_id(job_id)
        if parent is not None:
            do_roll_up(parent)
