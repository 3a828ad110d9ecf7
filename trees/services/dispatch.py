"""One code path for background work in both modes.

`dispatch(task, job_id)` sends the Celery task to the broker when one is configured
(services mode) and otherwise runs the very same task with `task.apply()` on a small thread
pool inside the web process (embedded mode), so retries and progress behave alike.
"""

from __future__ import annotations

import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections, transaction

log = logging.getLogger(__name__)
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                max_workers=settings.JOBS_THREADS, thread_name_prefix="arbor-job"
            )
        return _pool


def _run_in_thread(task: Any, args: tuple[Any, ...], task_id: str) -> None:
    close_old_connections()
    try:
        task.apply(args=args, task_id=task_id)
    except Exception:  # the task records its own failure on the Job; this is the last guard
        log.exception("background task %s failed", task.name)
    finally:
        connections.close_all()


def dispatch(task: Any, *args: Any, queue: str | None = None, task_id: str | None = None) -> str:
    """Queue `task(*args)` after the current transaction commits; returns the task id.

    `queue` overrides the task's route (a ModelProfile names the queue its workers listen on);
    `task_id` is for callers that record the id before sending (campaign-wide runs).
    """
    task_id = task_id or str(uuid.uuid4())
    mode = settings.JOBS_MODE

    def send() -> None:
        if mode == "celery":
            task.apply_async(args=args, task_id=task_id, queue=queue)
        elif mode == "inline":
            task.apply(args=args, task_id=task_id)
        else:
            _executor().submit(_run_in_thread, task, args, task_id)

    transaction.on_commit(send)
    return task_id
