"""The body of a propose-critique loop job: the proposer writes a next step, the critic judges
it, on revise the proposer rewrites it given the critique, up to R rounds or until accepted.

Every step of the loop reads its state from the database (trees.services.critique) and stores
one thing (a proposal or a critique), so a pause, an expert's critique or edit, a kill or a
re-delivery all continue from what is stored. The critic of a demo profile is the
verifier-backed critic (trees.core.critique.verifier_critic): the demo reasoner was never
trained to critique.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trees.core.critique import (
    CRITIC_TEMPLATE,
    REVISE_TEMPLATE,
    Verdict,
    critic_prompt,
    parse_verdict,
    revise_prompt,
    verifier_critic,
)
from trees.core.generation import Candidate, stop_sequences
from trees.core.search import Budget
from trees.models import Job, ModelProfile, Node
from trees.services.critique import (
    do_add_critique,
    do_add_proposal,
    do_finish_loop,
    get_loop_state,
)
from trees.services.search import JobStopped, claim_job
from workers.generation import _candidate, _context
from workers.search import ModelCalls

CRITIC_MAX_TOKENS = 256
# Empty samples in a row before the loop gives up on a round.
MAX_EMPTY = 3
VERIFIER_CRITIC = "verifier-backed critic"


def judge(calls: ModelCalls, critic: Any, path: Sequence[Node]) -> tuple[Verdict | None, str]:
    """The critic's verdict on the path's last step and the critique text, or (None, "")
    when the budget does not allow the critic's call. A demo critic is the verifier."""
    node = path[-1]
    if critic.backend == ModelProfile.Backend.DEMO:
        verdict = verifier_critic(
            node.text,
            terminal=node.is_terminal,
            reference_answer=calls.problem.reference_answer,
            answer_type=calls.problem.answer_type,
            confidence=node.confidence,
        )
        return verdict, f"[{VERIFIER_CRITIC}] {verdict.reasons}"
    template = (critic.prompt_templates or {}).get("critique") or CRITIC_TEMPLATE
    prompt = critic_prompt(
        template,
        calls.problem.statement,
        [step.text for step in path[1:-1]],
        node.text,
        critic.delimiter,
    )
    critic_calls = calls if critic.pk == calls.profile.pk else _sharing(calls, critic)
    completions = critic_calls.generate(prompt, 1, CRITIC_MAX_TOKENS)
    if completions is None:
        return None, ""
    text = completions[0].text.strip()
    return parse_verdict(text), text or "(the critic wrote nothing)"


def _sharing(calls: ModelCalls, profile: Any) -> ModelCalls:
    """Calls to another profile that count against the same budget."""
    return ModelCalls(calls.job, calls.problem, profile, calls.budget)


def _propose(
    calls: ModelCalls, path: Sequence[Node], revising: Node | None, critique: str
) -> Candidate | None:
    """One next step below the path's last node; a rewrite of `revising` given `critique`
    when the proposer can read one (a demo proposer samples the step afresh instead)."""
    profile = calls.profile
    if revising is not None and profile.backend != ModelProfile.Backend.DEMO:
        template = (profile.prompt_templates or {}).get("revise") or REVISE_TEMPLATE
        prompt = revise_prompt(
            template,
            calls.problem.statement,
            [step.text for step in path[1:]],
            revising.text,
            critique,
            profile.delimiter,
        )
        completions = calls.generate(
            prompt, 1, int(calls.settings["step_max_tokens"]), stop_sequences(profile.delimiter)
        )
        if completions is None:
            return None
        return _candidate(completions[0], calls.problem, calls.settings)
    candidates = calls.expand(path, 1)
    return candidates[0] if candidates else None


def _status(job: Job) -> str:
    return Job.objects.values_list("status", flat=True).get(pk=job.pk)


def run_critique_loop(job: Job, task_id: str | None = None) -> None:
    """The loop, round by round, until the critic accepts, the rounds or the budget run out,
    or an expert pauses or accepts. `task_id` is this delivery's: after a resume, only the
    delivery the loop is stamped with goes on."""
    start, path, problem, profile = _context(job)
    critic_pk = job.params.get("critic_profile")
    critic = ModelProfile.objects.filter(pk=critic_pk).first() if critic_pk else profile
    rounds = int(job.params.get("rounds", 3))
    budget = Budget.from_params(job.params.get("budget"))
    spent = (job.result or {}).get("budget") or {}
    budget.calls, budget.tokens = int(spent.get("calls", 0)), int(spent.get("tokens", 0))
    calls = ModelCalls(job, problem, profile, budget)
    empty = 0
    try:
        while True:
            status = _status(job)
            if status == Job.Status.PAUSED or status in Job.FINISHED:
                return
            if not claim_job(job.pk, task_id):
                return  # resumed meanwhile under another delivery: that one runs the loop
            state = get_loop_state(job)
            current, critique = state.current, state.critique
            if current is not None and critique is None:
                verdict, text = judge(calls, critic or profile, [*path, current])
                if verdict is None:
                    do_finish_loop(job, None, "budget", budget=budget.to_data())
                    return
                do_add_critique(
                    job, current, verdict.verdict, text, profile=critic, budget=budget.to_data()
                )
                continue
            if critique is not None and critique.verdict == "accept":
                do_finish_loop(job, current, "accepted by the critic", budget=budget.to_data())
                return
            if state.round >= rounds:
                do_finish_loop(job, None, "rounds", budget=budget.to_data())
                return
            revising = current if critique is not None and critique.verdict == "revise" else None
            candidate = _propose(calls, path, revising, critique.text if critique else "")
            if candidate is None:
                do_finish_loop(job, None, "budget", budget=budget.to_data())
                return
            if not candidate.text.strip():
                empty += 1
                if empty >= MAX_EMPTY:
                    do_finish_loop(job, None, "the proposer wrote nothing", budget=budget.to_data())
                    return
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
    except JobStopped:
        return
