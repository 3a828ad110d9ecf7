"""Model tasks on one node or long thought (gpu queue). No business logic here: the job bodies
in workers.jobs do the work."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from workers.jobs.expand import run_expand
from workers.jobs.first_error import run_first_error
from workers.jobs.rollout import run_rollouts
from workers.jobs.smooth import run_smooth
from workers.runner import run_job

TASK_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": 3,
}


@shared_task(name="arbor.gpu.expand_node", **TASK_OPTIONS)
def expand_node(self, job_id: int) -> None:
    run_job(self, job_id, run_expand)


@shared_task(name="arbor.gpu.rollout_node", **TASK_OPTIONS)
def rollout_node(self, job_id: int) -> None:
    run_job(self, job_id, run_rollouts)


@shared_task(name="arbor.gpu.find_first_error", **TASK_OPTIONS)
def find_first_error(self, job_id: int) -> None:
    run_job(self, job_id, run_first_error)


@shared_task(name="arbor.gpu.smooth_long_thought", **TASK_OPTIONS)
def smooth_long_thought(self, job_id: int) -> None:
    run_job(self, job_id, run_smooth)
