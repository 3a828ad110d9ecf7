"""An expand job: k candidate next steps below a node in one backend call (n=k)."""

from __future__ import annotations

from trees.models import Job
from trees.services.generation import do_store_candidates
from trees.services.jobs import do_report_progress
from workers.client import ModelClient
from workers.jobs.context import node_context


def run_expand(job: Job) -> None:
    ctx = node_context(job)
    k = int(job.params["k"])
    do_report_progress(job, 0, k)
    client = ModelClient(job, ctx.problem, ctx.profile)
    candidates = client.expand(ctx.path, k) or []
    client.stop_if_cancelled()
    do_store_candidates(job, ctx.node, candidates, ctx.profile)
