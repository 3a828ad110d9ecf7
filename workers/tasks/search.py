"""Automated tree building and propose-critique loop tasks. No business logic here: the job
bodies in workers.jobs do the work."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from workers.jobs.beam_search import run_beam_search
from workers.jobs.cluster import run_cluster
from workers.jobs.critique_loop import run_critique_loop
from workers.jobs.fan_out import run_fan_out
from workers.jobs.mcts import run_mcts
from workers.jobs.recomplete import run_recomplete
from workers.runner import run_job, run_run_child

TASK_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": 3,
}


@shared_task(name="arbor.gpu.beam_search", **TASK_OPTIONS)
def beam_search(self, job_id: int) -> None:
    run_run_child(self, job_id, run_beam_search)


@shared_task(name="arbor.gpu.mcts", **TASK_OPTIONS)
def mcts(self, job_id: int) -> None:
    run_run_child(self, job_id, run_mcts)


@shared_task(name="arbor.gpu.recomplete", **TASK_OPTIONS)
def recomplete(self, job_id: int) -> None:
    run_run_child(self, job_id, run_recomplete)


@shared_task(name="arbor.gpu.critique_loop", **TASK_OPTIONS)
def critique_loop(self, job_id: int) -> None:
    run_job(self, job_id, lambda job: run_critique_loop(job, self.request.id))


@shared_task(name="arbor.cpu.cluster_steps", **TASK_OPTIONS)
def cluster_steps(self, job_id: int) -> None:
    run_job(self, job_id, run_cluster)


@shared_task(name="arbor.cpu.fan_out_run", **TASK_OPTIONS)
def fan_out_run(self, job_id: int) -> None:
    run_job(self, job_id, run_fan_out)
