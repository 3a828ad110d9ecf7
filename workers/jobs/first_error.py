"""A first-error job: binary search along the path to a node for the first step whose
rollouts never succeed (OmegaPRM), O(log n) value estimates; suggests -1 there for an expert
to confirm."""

from __future__ import annotations

from trees.core.values import first_error
from trees.models import Job, Node
from trees.services.generation import do_store_probe, do_suggest_first_error
from trees.services.jobs import do_report_progress
from workers.client import ModelClient
from workers.jobs.context import node_context


def run_first_error(job: Job) -> None:
    ctx = node_context(job)
    path = ctx.path
    client = ModelClient(job, ctx.problem, ctx.profile)
    per_step = int(job.params["rollouts_per_step"])
    steps = path[1:]
    probes = max(1, len(steps).bit_length())
    do_report_progress(job, 0, probes * per_step)
    values: dict[int, float] = {}

    def value_of(index: int) -> float:
        step = steps[index - 1]
        if step.is_terminal:
            # A final answer needs no rollouts: the verifier has already graded it.
            return 1.0 if step.correctness == Node.Correctness.CORRECT else 0.0
        base = len(values) * per_step
        rollouts = client.rollouts(
            path[: index + 1], per_step, on_batch=lambda done: do_report_progress(job, base + done)
        )
        stored = do_store_probe(step, [rollout.correct for rollout in rollouts or []])
        values[step.pk] = stored.mc_soft or 0.0
        return values[step.pk]

    found, probed = first_error(len(steps), value_of)
    do_suggest_first_error(
        job,
        steps[found - 1] if found else None,
        {"probed_steps": [steps[i - 1].pk for i in probed], "values": values},
    )
