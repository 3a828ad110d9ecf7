"""A propose-critique loop job: the proposer writes a next step, the critic judges it, on
revise the proposer rewrites it given the critique, up to R rounds or until accepted.

Every step of the loop reads its state from the database (trees.services.critique) and stores
one thing (a proposal or a critique), so a pause, an expert's critique or edit, a kill or a
re-delivery all continue from what is stored.
"""

from __future__ import annotations

from collections.abc import Sequence

from trees.core.critique import revise_prompt
from trees.core.generation import Candidate
from trees.core.jobresults import CritiqueLoopResult
from trees.core.search import Budget
from trees.models import Job, ModelProfile, Node
from trees.queries.jobs import find_model_profile, get_job_status
from trees.services.critique import (
    do_add_critique,
    do_add_proposal,
    do_finish_loop,
    get_loop_state,
)
from trees.services.search import claim_job
from workers.client import ModelClient
from workers.critic import judge
from workers.jobs.context import node_context
from workers.profiles import template

# Empty samples in a row before the loop gives up on a round.
MAX_EMPTY = 3


def propose(
    client: ModelClient, path: Sequence[Node], revising: Node | None, critique: str
) -> Candidate | None:
    """One next step below the path's last node; a rewrite of `revising` given `critique`
    when the proposer can read one (a demo proposer samples the step afresh instead)."""
    profile = client.profile
    if revising is not None and profile.backend != ModelProfile.Backend.DEMO:
        prompt = revise_prompt(
            template(profile, "revise"),
            client.problem.statement,
            [step.text for step in path[1:]],
            revising.text,
            critique,
            profile.delimiter,
        )
        completions = client.generate(prompt, 1, client.step_tokens(), client.stop_sequences())
        return None if completions is None else client.candidate(completions[0])
    candidates = client.expand(path, 1)
    return candidates[0] if candidates else None


def _status(job: Job) -> str:
    return get_job_status(job.pk)


def run_critique_loop(job: Job, task_id: str | None = None) -> None:
    """The loop, round by round, until the critic accepts, the rounds or the budget run out,
    or an expert pauses or accepts. `task_id` is this delivery's: after a resume, only the
    delivery the loop is stamped with goes on."""
    ctx = node_context(job)
    start, path, profile = ctx.node, ctx.path, ctx.profile
    critic_pk = job.params.get("critic_profile")
    critic = find_model_profile(critic_pk) if critic_pk else profile
    rounds = int(job.params.get("rounds", 3))
    budget = Budget.from_params(job.params.get("budget"))
    spent = CritiqueLoopResult.from_data(job.result).budget
    budget.calls, budget.tokens = int(spent.get("calls", 0)), int(spent.get("tokens", 0))
    client = ModelClient(job, ctx.problem, profile, budget)
    empty = 0

    def finish(accepted: Node | None, reason: str) -> None:
        do_finish_loop(job, accepted, reason, budget=budget.to_data())

    while True:
        status = _status(job)
        if status == Job.Status.PAUSED or status in Job.FINISHED:
            return
        if not claim_job(job.pk, task_id):
            return  # resumed meanwhile under another delivery: that one runs the loop
        state = get_loop_state(job)
        current, critique = state.current, state.critique
        if current is not None and critique is None:
            verdict, text = judge(client, critic or profile, [*path, current])
            if verdict is None:
                return finish(None, "budget")
            do_add_critique(
                job, current, verdict.verdict, text, profile=critic, budget=budget.to_data()
            )
            continue
        if critique is not None and critique.verdict == "accept":
            return finish(current, "accepted by the critic")
        if state.round >= rounds:
            return finish(None, "rounds")
        revising = current if critique is not None and critique.verdict == "revise" else None
        candidate = propose(client, path, revising, critique.text if critique else "")
        if candidate is None:
            return finish(None, "budget")
        if not candidate.text.strip():
            empty += 1
            if empty >= MAX_EMPTY:
                return finish(None, "the proposer wrote nothing")
            continue
        empty = 0
        do_add_proposal(
            job,
            start,
            candidate,
            profile,
            state.round + 1,
            revises=critique if revising is not None else None,
            budget=budget.to_data(),
        )
