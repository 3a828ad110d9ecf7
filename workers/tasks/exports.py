"""Long-thought and export tasks (cpu queue). No business logic here: trees.services.longthoughts
and trees.services.exports do the work."""

from __future__ import annotations

import uuid
from typing import Any

from celery import shared_task

from trees.queries.jobs import find_export_schedule
from trees.services.exports import do_run_export_job, do_start_scheduled_export
from trees.services.longthoughts import do_run_derive_job
from workers.runner import run_job

TASK_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": 3,
}


@shared_task(name="arbor.cpu.derive_long_thought", **TASK_OPTIONS)
def derive_long_thought(self, job_id: int) -> None:
    run_job(self, job_id, do_run_derive_job)


@shared_task(name="arbor.cpu.export_dataset", **TASK_OPTIONS)
def export_dataset(self, job_id: int) -> None:
    run_job(self, job_id, do_run_export_job)


@shared_task(name="arbor.cpu.run_export_schedule", **TASK_OPTIONS)
def run_export_schedule(self, schedule_id: int) -> None:
    """One run of an export schedule: a new Export version, written here and now. The run is
    keyed by the Celery task id, so a re-delivered run resumes its own export."""
    schedule = find_export_schedule(schedule_id)
    if schedule is None or not schedule.enabled:
        return
    _, job = do_start_scheduled_export(schedule, run_key=self.request.id or uuid.uuid4().hex)
    run_job(self, job.pk, do_run_export_job)
