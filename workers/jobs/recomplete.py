"""A Steiner re-completion job: truncate a correct path at a random step, re-complete it m
times without the answer (rollout template; the wrong completions become new branches), then
once with the reference answer revealed (recomplete template), which gives backtracking
material."""

from __future__ import annotations

import random

from trees.core.jobresults import RecompleteResult
from trees.models import Job, Node
from trees.queries import get_path
from trees.queries.jobs import list_correct_answers_below
from trees.services.jobs import do_fail_job, do_report_progress
from trees.services.search import do_store_branches, finish_search
from workers.client import ModelClient
from workers.jobs.context import node_context
from workers.jobs.search_common import job_budget


def correct_path(start: Node, path: list[Node], rng: random.Random) -> list[Node] | None:
    """A path from the root through `start` to a correct answer (random among them)."""
    if start.is_terminal:
        return path if start.correctness == Node.Correctness.CORRECT else None
    answers = list_correct_answers_below(start)
    rng.shuffle(answers)
    for answer in answers:
        candidate = get_path(answer)
        if len(candidate) > start.depth and candidate[start.depth].pk == start.pk:
            return candidate
    return None


def run_recomplete(job: Job) -> None:
    ctx = node_context(job)
    start, profile = ctx.node, ctx.profile
    rng = random.Random(job.seed)
    source = correct_path(start, ctx.path, rng)
    if source is None:
        do_fail_job(job, "No correct path to an answer passes through this step yet.")
        return
    # Cut at this step or below it; from a final answer itself, anywhere above it.
    low = 0 if start.is_terminal else start.depth
    cut_index = rng.randrange(low, len(source) - 1)
    prefix = source[: cut_index + 1]
    m = int(job.params["m"])
    client = ModelClient(job, ctx.problem, profile, job_budget(job))
    do_report_progress(job, 0, m + 1)
    rollouts = client.rollouts(prefix, m)
    ends: list[Node] = []
    if rollouts is not None:
        ends = do_store_branches(job, prefix[-1], rollouts, profile)
    do_report_progress(job, m)
    revealed = client.rollouts(prefix, 1, action="recomplete")
    revealed_ends: list[Node] = []
    if revealed is not None:
        revealed_ends = do_store_branches(
            job, prefix[-1], revealed, profile, sampling={"answer_revealed": True}
        )
    graded = list(zip(ends, rollouts or [], strict=False))
    result = RecompleteResult(
        source_path=[node.pk for node in source],
        truncated_at=prefix[-1].pk,
        completions=len(rollouts or []),
        correct=sum(1 for r in rollouts or [] if r.correct),
        wrong_branches=sorted({end.pk for end, r in graded if not r.correct}),
        revealed=[node.pk for node in revealed_ends],
        found=next((end.pk for end, r in graded if r.correct), None),
        budget=client.budget.to_data(),
        stop="budget" if rollouts is None or revealed is None else "done",
    )
    finish_search(job, result.to_data())
