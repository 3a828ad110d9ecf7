"""The one model-call client every job body uses: prompts from the profile's template per
action, sampling settings and seeds, the job's budget, grading of what comes back, sampling
metadata on each step, and cancellation. Below it are only the backends.

Seeds: the job's pinned seed plus the index of the call, so a re-delivered job makes the same
calls with the same seeds and regenerates the same samples (the services' deduplication then
stores nothing twice).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from trees.core.answers import grade
from trees.core.generation import Candidate, build_prompt, make_candidate, step_confidence
from trees.core.generation import stop_sequences as delimiter_stops
from trees.core.search import Budget
from trees.core.steps import split_steps
from trees.errors import JobStopped
from trees.models import Job, ModelProfile, Node
from trees.services.generation import Rollout
from trees.services.jobs import is_cancelled
from workers.backends.base import Completion, GenerationRequest
from workers.profiles import backend_for, sampling, template

# A call that may not generate at least this many tokens per sample is not worth making.
MIN_CALL_TOKENS = 8
# Rollouts are asked for in calls of at most this many samples.
ROLLOUT_BATCH = 8


def split_strategy(delimiter: str) -> str:
    """How a completion is cut into steps (mini-steps and Steiner tokens split by line)."""
    return delimiter if delimiter in ("line", "blank_line", "step_marker") else "line"


class ModelClient:
    """The model calls of one job on one model profile, each allowed by the budget before it
    is made and charged after (calls and generated tokens). Every call first checks the job
    was not cancelled (JobStopped)."""

    def __init__(
        self, job: Job, problem: Any, profile: ModelProfile, budget: Budget | None = None
    ) -> None:
        self.job = job
        self.problem = problem
        self.profile = profile
        self.budget = budget or Budget()
        self.settings = sampling(profile, temperature=job.params.get("temperature"), seed=job.seed)
        self.backend = backend_for(profile)

    def sharing(self, profile: ModelProfile) -> ModelClient:
        """Calls to another profile (a critic) that count against the same budget and seeds."""
        if profile.pk == self.profile.pk:
            return self
        return ModelClient(self.job, self.problem, profile, self.budget)

    # --- The call itself ------------------------------------------------------------------

    def stop_if_cancelled(self) -> None:
        if is_cancelled(self.job.pk):
            raise JobStopped

    def generate(
        self,
        prompt: str,
        n: int,
        max_tokens: int,
        stop: Sequence[str] = (),
        *,
        logprobs: int = 5,
    ) -> list[Completion] | None:
        """n samples in one call, or None when the budget does not allow the call."""
        self.stop_if_cancelled()
        wanted = max_tokens
        max_tokens = self.budget.fit_max_tokens(n, wanted)
        if max_tokens < min(MIN_CALL_TOKENS, wanted) or not self.budget.allows(n, max_tokens):
            return None
        seed = self.settings.get("seed")
        completions = self.backend.generate(
            GenerationRequest(
                prompt=prompt,
                n=n,
                max_tokens=max_tokens,
                temperature=float(self.settings["temperature"]),
                top_p=float(self.settings["top_p"]),
                stop=tuple(stop),
                seed=None if seed is None else int(seed) + self.budget.calls,
                logprobs=logprobs,
            )
        )
        self.budget.charge(tokens=sum(c.token_count for c in completions))
        return completions

    # --- Prompts --------------------------------------------------------------------------

    def prompt(self, action: str, path: Sequence[Node]) -> str:
        """The prompt for `action` (expand, rollout, recomplete) below the path's last node."""
        return build_prompt(
            template(self.profile, action),
            self.problem.statement,
            [node.text for node in path[1:]],
            self.profile.delimiter,
            self.problem.reference_answer,
        )

    def stop_sequences(self) -> tuple[str, ...]:
        return delimiter_stops(self.profile.delimiter)

    def step_tokens(self) -> int:
        if self.profile.delimiter == "mini_step":
            return int(self.profile.mini_step_tokens)
        return int(self.settings["step_max_tokens"])

    # --- What comes back ------------------------------------------------------------------

    def grade(self, text: str) -> tuple[str | None, bool | None]:
        """The answer a completion states and whether it matches the reference; the last
        number counts as the answer only where the campaign says so."""
        return grade(
            text,
            self.problem.reference_answer,
            self.problem.answer_type,
            last_number=bool(self.problem.campaign.last_number_answers),
        )

    def sampling_metadata(self) -> dict[str, Any]:
        return {key: self.settings.get(key) for key in ("temperature", "top_p", "seed")}

    def candidate(self, completion: Completion) -> Candidate:
        """A generated next step, with its confidence and sampling metadata."""
        confidence = step_confidence(
            (token.logprob, token.top) for token in (completion.logprobs or [])
        )
        return make_candidate(
            completion.text,
            reference_answer=self.problem.reference_answer,
            answer_type=self.problem.answer_type,
            finish_reason=completion.finish_reason,
            token_count=completion.token_count,
            confidence=confidence,
            sampling=self.sampling_metadata(),
            ended=completion.finish_reason == "stop" and completion.stop_reason is None,
        )

    def rollout(self, completion: Completion) -> Rollout:
        """A completion to a final answer, graded, split into steps."""
        answer, correct = self.grade(completion.text)
        texts = split_steps(completion.text, split_strategy(self.profile.delimiter))
        steps = [
            make_candidate(
                text,
                reference_answer=self.problem.reference_answer,
                answer_type=self.problem.answer_type,
                sampling=self.sampling_metadata(),
                ended=index == len(texts) - 1 and completion.finish_reason == "stop",
            )
            for index, text in enumerate(texts)
        ]
        return Rollout(steps=steps, correct=bool(correct), answer=answer)

    # --- Actions --------------------------------------------------------------------------

    def expand(self, path: Sequence[Node], k: int) -> list[Candidate] | None:
        """k candidate next steps below the path's last node, in one call (n=k); None when
        the budget does not allow it."""
        completions = self.generate(
            self.prompt("expand", path), k, self.step_tokens(), self.stop_sequences()
        )
        if completions is None:
            return None
        return [self.candidate(c) for c in completions]

    def rollouts(
        self,
        path: Sequence[Node],
        n: int,
        *,
        action: str = "rollout",
        on_batch: Callable[[int], None] | None = None,
    ) -> list[Rollout] | None:
        """n completions from the path's last node to a final answer, each graded, in calls of
        at most ROLLOUT_BATCH samples; `on_batch(done)` after each. With the rollout template
        (or `action`'s, e.g. recomplete). None when the budget allows no call at all; fewer
        than n when it runs out part-way."""
        prompt = self.prompt(action, path)
        rollouts: list[Rollout] = []
        while len(rollouts) < n:
            batch = min(ROLLOUT_BATCH, n - len(rollouts))
            completions = self.generate(prompt, batch, int(self.settings["rollout_max_tokens"]))
            if completions is None:
                break
            rollouts.extend(self.rollout(completion) for completion in completions)
            if on_batch is not None:
                on_batch(len(rollouts))
        return rollouts or None
