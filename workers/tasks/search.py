"""Automated tree building and propose-critique loop tasks. No business logic here:
workers.search and workers.critique do the work."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from workers.critique import run_critique_loop
from workers.jobs import run_job
from workers.search import (
    run_beam_search,
    run_cluster,
    run_fan_out,
    run_mcts,
    run_recomplete,
    run_search_task,
)

TASK_OPTIONS = {"bind": True, "acks_late": True, "reject_on_worker_lost": True, "max_retries": 3}


@shared_task(name="arbor.gpu.beam_search", **TASK_OPTIONS)
def beam_search(self, job_id: int) -> None:
    run_search_task(self, job_id, run_beam_search)


@shared_task(name="arbor.gpu.mcts", **TASK_OPTIONS)
def mcts(self, job_id: int) -> None:
    run_search_task(self, job_id, run_mcts)


@shared_task(name="arbor.gpu.recomplete", **TASK_OPTIONS)
def recomplete(self, job_id: int) -> None:
    run_search_task(self, job_id, run_recomplete)


@shared_task(name="arbor.gpu.critique_loop", **TASK_OPTIONS)
def critique_loop(self, job_id: int) -> None:
    run_job(self, job_id, lambda job: run_critique_loop(job, self.request.id))


@shared_task(name="arbor.cpu.cluster_steps", **TASK_OPTIONS)
def cluster_steps(self, job_id: int) -> None:
    run_job(self, job_id, run_cluster)


@shared_task(name="arbor.cpu.fan_out_run", **TASK_OPTIONS)
def fan_out_run(self, job_id: int) -> None:
    run_job(self, job_id, run_fan_out)


# The task that runs one problem of a campaign-wide run of each kind.
TASKS: dict[str, Any] = {"beam_search": beam_search, "mcts": mcts, "recomplete": recomplete}
