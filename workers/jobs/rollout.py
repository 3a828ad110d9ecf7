"""A rollout job: N completions from a node to a final answer, graded: the node's Monte-Carlo
values, and the rollouts kept as branches if asked (Math-Shepherd)."""

from __future__ import annotations

from trees.models import Job
from trees.services.generation import do_store_rollouts
from trees.services.jobs import do_report_progress
from workers.client import ModelClient
from workers.jobs.context import node_context


def run_rollouts(job: Job) -> None:
    ctx = node_context(job)
    n = int(job.params["n"])
    do_report_progress(job, 0, n)
    client = ModelClient(job, ctx.problem, ctx.profile)
    rollouts = client.rollouts(ctx.path, n, on_batch=lambda done: do_report_progress(job, done))
    do_store_rollouts(
        job, ctx.node, rollouts or [], ctx.profile, bool(job.params.get("keep_branches"))
    )
