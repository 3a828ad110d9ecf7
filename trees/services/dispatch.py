"""One code path for background work in both modes, by task name.

`dispatch(task_name, job_id)` sends the named Celery task to the broker when one is configured
(services mode) and otherwise looks the very same task up in the Celery app's registry and runs
it with `task.apply()` on a small thread pool inside the web process (embedded mode), so retries
and progress behave alike. Tasks are named, never imported: trees/ does not depend on workers/.
"""

from __future__ import annotations

import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections, transaction

from annotator.celery import app

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


def registered_task(name: str) -> Any:
    """The task registered under `name` in this process's Celery app. The first lookup loads
    the task modules (the app's autodiscovery), which a web process has not done yet."""
    if name not in app.tasks:
        app.loader.import_default_modules()
    try:
        return app.tasks[name]
    except KeyError:
        raise LookupError(f"No Celery task named {name!r} is registered.") from None


def _run_in_thread(name: str, args: tuple[Any, ...], task_id: str) -> None:
    close_old_connections()
    try:
        registered_task(name).apply(args=args, task_id=task_id)
    except Exception:  # the task records its own failure on the Job; this is the last guard
        log.exception("background task %s failed", name)
    finally:
        connections.close_all()


def dispatch(name: str, *args: Any, queue: str | None = None, task_id: str | None = None) -> str:
    """Queue the task called `name` with `args` after the current transaction commits; returns
    the task id.

    `queue` overrides the task's route (a Job's pinned queue); `task_id` is for callers that
    record the id before sending (campaign-wide runs, resumed loops).
    """
    task_id = task_id or str(uuid.uuid4())
    mode = settings.JOBS_MODE
    if mode != "celery":
        registered_task(name)  # an unknown name fails here, in the caller, not in a thread

    def send() -> None:
        if mode == "celery":
            # No queue: the route by task name (CELERY_TASK_ROUTES) decides.
            app.send_task(name, args=args, task_id=task_id, queue=queue or None)
        elif mode == "inline":
            registered_task(name).apply(args=args, task_id=task_id)
        else:
            _executor().submit(_run_in_thread, name, args, task_id)

    transaction.on_commit(send)
    return task_id
