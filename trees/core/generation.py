"""Turning model samples into steps: delimiter strategies, prompts, confidence, deduplication.

Pure: no Django, no torch. Backends hand over plain completions; this decides what a step is.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from trees.core.answers import explicit_answer, grade
from trees.core.steps import normalize_step

# How each delimiter strategy separates steps: the stop sequence that ends one step when the
# model generates it, and the text that joins steps back into a prompt.
DELIMITERS: dict[str, tuple[tuple[str, ...], str]] = {
    "line": (("\n",), "\n"),
    "blank_line": (("\n\n",), "\n\n"),
    "step_marker": (("\nStep ",), "\n"),
    "steiner": (("<|reasoning_step_end|>",), "<|reasoning_step_end|>"),
    "mini_step": ((), ""),
}

DEFAULT_TEMPLATES = {
    # The demo reasoner is trained on exactly this layout; real models get their own templates
    # in their ModelProfile. Fields: {question}, {steps}, {reference_answer}.
    "expand": "Q: {question}\n{steps}",
    "rollout": "Q: {question}\n{steps}",
}


def stop_sequences(strategy: str) -> tuple[str, ...]:
    return DELIMITERS[_strategy(strategy)][0]


def join_path(steps: Sequence[str], strategy: str) -> str:
    """The steps of a path as the model wrote them, each followed by its delimiter."""
    joiner = DELIMITERS[_strategy(strategy)][1]
    if not steps:
        return ""
    return joiner.join(steps) + joiner


def build_prompt(
    template: str, question: str, steps: Sequence[str], strategy: str, reference_answer: str = ""
) -> str:
    """Fill a prompt template with the question and the path so far (root excluded)."""
    try:
        return template.format(
            question=question,
            steps=join_path(steps, strategy),
            reference_answer=reference_answer,
        )
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(
            f"The prompt template {template!r} is invalid ({exc}); use the fields "
            "{question}, {steps} and {reference_answer}, and double other braces."
        ) from exc


def token_confidence(chosen_logprob: float, top: Mapping[str, float]) -> float:
    """Marco-o1's confidence of one token: its probability renormalised over the top-k."""
    alternatives = list(top.values()) or [chosen_logprob]
    if chosen_logprob not in alternatives:
        alternatives.append(chosen_logprob)
    peak = max(alternatives)
    total = sum(math.exp(value - peak) for value in alternatives)
    return math.exp(chosen_logprob - peak) / total


def step_confidence(tokens: Iterable[tuple[float, Mapping[str, float]]]) -> float | None:
    """Mean token confidence over a step's tokens; None without logprobs."""
    values = [token_confidence(chosen, top) for chosen, top in tokens]
    return sum(values) / len(values) if values else None


@dataclass
class Candidate:
    """One proposed step, ready to store."""

    text: str
    confidence: float | None = None
    token_count: int = 0
    finish_reason: str = ""
    terminal: bool = False
    extracted_answer: str = ""
    correct: bool | None = None
    sampling: dict[str, Any] = field(default_factory=dict)


def make_candidate(
    text: str,
    *,
    reference_answer: str,
    answer_type: str,
    finish_reason: str = "",
    token_count: int = 0,
    confidence: float | None = None,
    sampling: Mapping[str, Any] | None = None,
    ended: bool = False,
    last_number: bool = False,
) -> Candidate:
    """A step from generated text. It is terminal when it states a final answer or the model
    ended the sequence there (`ended`); a terminal step is graded against the reference, by
    its last number too when `last_number` (the campaign's `last_number_answers`). A terminal
    step that states no answer stays ungraded."""
    text = text.strip()
    stated = explicit_answer(text)
    terminal = stated is not None or ended
    extracted, correct = (None, None)
    if terminal:
        extracted, correct = grade(text, reference_answer, answer_type, last_number=last_number)
    return Candidate(
        text=text,
        confidence=confidence,
        token_count=token_count,
        finish_reason=finish_reason,
        terminal=terminal,
        extracted_answer=extracted or "",
        correct=correct,
        sampling=dict(sampling or {}),
    )


def dedupe(candidates: Iterable[Candidate], existing: Iterable[str] = ()) -> list[Candidate]:
    """Drop empty candidates and those that say what an earlier one (or an existing sibling)
    says, after whitespace normalisation; the first occurrence is kept."""
    seen = {normalize_step(text) for text in existing}
    kept = []
    for candidate in candidates:
        key = normalize_step(candidate.text)
        if key and key not in seen:
            seen.add(key)
            kept.append(candidate)
    return kept


def _strategy(strategy: str) -> str:
    if strategy not in DELIMITERS:
        raise ValueError(f"unknown delimiter strategy {strategy!r}; use one of {list(DELIMITERS)}")
    return strategy
