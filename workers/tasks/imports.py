"""Import tasks (cpu queue). No business logic here: trees.services.imports does the work."""

from __future__ import annotations

from celery import shared_task

from trees.services.imports import do_run_import_job
from workers.runner import run_job


@shared_task(
    name="arbor.cpu.import_problems",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
)
def import_problems(self, job_id: int) -> None:
    run_job(self, job_id, do_run_import_job)
