"""Job bodies for model actions: expand, rollouts, first error. They load rows, build prompts
(pure core), call the backend, and store through services."""

from __future__ import annotations

from typing import Any

from trees.core.answers import grade
from trees.core.generation import (
    Candidate,
    build_prompt,
    make_candidate,
    step_confidence,
    stop_sequences,
)
from trees.core.steps import split_steps
from trees.core.values import first_error
from trees.models import Job, Node
from trees.queries import get_path
from trees.services.generation import (
    Rollout,
    do_store_candidates,
    do_store_probe,
    do_store_rollouts,
    do_suggest_first_error,
)
from trees.services.jobs import do_report_progress, is_cancelled
from workers.backends.base import Completion, GenerationRequest
from workers.profiles import backend_for, sampling, template

ROLLOUT_BATCH = 8


def pinned_profile(job: Job) -> Any:
    """The model profile the job was started on; never the campaign's current default."""
    if job.profile_id is None:
        raise ValueError(f"Job {job.pk} has no pinned model profile.")
    return job.profile


class Cancelled(Exception):
    """The job was cancelled: stop generating, store nothing more."""


def _context(job: Job) -> tuple[Node, list[Node], Any, Any]:
    node = Node.objects.select_related("tree__problem__campaign").get(pk=job.node_id)
    path = get_path(node)
    problem = node.tree.problem
    return node, path, problem, pinned_profile(job)


def _prompt(profile: Any, action: str, problem: Any, path: list[Node]) -> str:
    steps = [node.text for node in path[1:]]
    return build_prompt(
        template(profile, action),
        problem.statement,
        steps,
        profile.delimiter,
        problem.reference_answer,
    )


def _candidate(completion: Completion, problem: Any, settings: dict[str, Any]) -> Candidate:
    confidence = step_confidence(
        (token.logprob, token.top) for token in (completion.logprobs or [])
    )
    return make_candidate(
        completion.text,
        reference_answer=problem.reference_answer,
        answer_type=problem.answer_type,
        finish_reason=completion.finish_reason,
        token_count=completion.token_count,
        confidence=confidence,
        sampling={key: settings.get(key) for key in ("temperature", "top_p", "seed")},
        ended=completion.finish_reason == "stop" and completion.stop_reason is None,
    )


def run_expand(job: Job) -> None:
    """k candidate next steps in one backend call (n=k)."""
    node, path, problem, profile = _context(job)
    settings = sampling(
        profile, temperature=job.params.get("temperature"), seed=job.seed
    )
    k = int(job.params["k"])
    do_report_progress(job, 0, k)
    request = GenerationRequest(
        prompt=_prompt(profile, "expand", problem, path),
        n=k,
        max_tokens=profile.mini_step_tokens
        if profile.delimiter == "mini_step"
        else int(settings["step_max_tokens"]),
        temperature=float(settings["temperature"]),
        top_p=float(settings["top_p"]),
        stop=stop_sequences(profile.delimiter),
        seed=settings.get("seed"),
    )
    completions = backend_for(profile).generate(request)
    if is_cancelled(job.pk):
        return
    do_store_candidates(job, node, [_candidate(c, problem, settings) for c in completions], profile)


def _rollouts(
    job: Job,
    node: Node,
    path: list[Node],
    problem: Any,
    profile: Any,
    n: int,
    settings: dict[str, Any],
    progress_base: int = 0,
) -> list[Rollout]:
    """n completions from `node` to a final answer, in batches, each graded."""
    prompt = _prompt(profile, "rollout", problem, path)
    backend = backend_for(profile)
    rollouts: list[Rollout] = []
    seed = settings.get("seed")
    while len(rollouts) < n:
        if is_cancelled(job.pk):
            raise Cancelled
        batch = min(ROLLOUT_BATCH, n - len(rollouts))
        request = GenerationRequest(
            prompt=prompt,
            n=batch,
            max_tokens=int(settings["rollout_max_tokens"]),
            temperature=float(settings["temperature"]),
            top_p=float(settings["top_p"]),
            seed=None if seed is None else int(seed) + len(rollouts),
        )
        for completion in backend.generate(request):
            answer, correct = grade(completion.text, problem.reference_answer, problem.answer_type)
            texts = split_steps(completion.text, _split_strategy(profile.delimiter))
            steps = [
                make_candidate(
                    text,
                    reference_answer=problem.reference_answer,
                    answer_type=problem.answer_type,
                    sampling={key: settings.get(key) for key in ("temperature", "top_p")},
                    ended=index == len(texts) - 1 and completion.finish_reason == "stop",
                )
                for index, text in enumerate(texts)
            ]
            rollouts.append(Rollout(steps=steps, correct=bool(correct), answer=answer))
        do_report_progress(job, progress_base + len(rollouts))
    return rollouts


def _split_strategy(delimiter: str) -> str:
    return delimiter if delimiter in ("line", "blank_line", "step_marker") else "line"


def run_rollouts(job: Job) -> None:
    """N rollouts from a node: Monte-Carlo values, and the rollouts as branches if asked."""
    node, path, problem, profile = _context(job)
    settings = sampling(
        profile, temperature=job.params.get("temperature"), seed=job.seed
    )
    n = int(job.params["n"])
    do_report_progress(job, 0, n)
    try:
        rollouts = _rollouts(job, node, path, problem, profile, n, settings)
    except Cancelled:
        return
    do_store_rollouts(job, node, rollouts, profile, bool(job.params.get("keep_branches")))


def run_first_error(job: Job) -> None:
    """Binary search along the path to this node for the first step whose rollouts never
    succeed (OmegaPRM); suggests -1 there for an expert to confirm."""
    _node, path, problem, profile = _context(job)
    settings = sampling(
        profile, temperature=job.params.get("temperature"), seed=job.seed
    )
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
        rollouts = _rollouts(
            job,
            step,
            path[: index + 1],
            problem,
            profile,
            per_step,
            settings,
            progress_base=len(values) * per_step,
        )
        stored = do_store_probe(step, [rollout.correct for rollout in rollouts])
        values[step.pk] = stored.mc_soft or 0.0
        return values[step.pk]

    try:
        found, probed = first_error(len(steps), value_of)
    except Cancelled:
        return
    do_suggest_first_error(
        job,
        steps[found - 1] if found else None,
        {"probed_steps": [steps[i - 1].pk for i in probed], "values": values},
    )
