"""Rendering derivation plans as long-thought text: plain prose, or Steiner's token format.

A plan (`trees.core.derive.Visit` list) says which steps a thought visits and where it turns
back; a renderer only decides the words. Each result keeps character spans from passages back
to their nodes, so the UI can link the text to the tree. Also here: the reflection-word counts
O1-Journey used to characterise long thoughts.

Pure: no Django.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from trees.core.answers import extract_answer
from trees.core.derive import TreeView, Visit, snippet

TRANSITIONS = ("Wait,", "Hmm,", "Let me check that again:", "Alternatively,")


@dataclass
class RenderedThought:
    """A rendered long thought.

    text: the thought followed by its final answer; `thought_end` is where the reasoning stops
    and the answer part begins, so `thought` is the text without it. spans: (node_id, start,
    end) for each step's passage, in text order, with text[start:end] the step's own text.
    """

    text: str
    spans: list[tuple[int, int, int]] = field(default_factory=list)
    backtracks: int = 0
    answer: str | None = None
    thought_end: int = 0

    @property
    def thought(self) -> str:
        return self.text[: self.thought_end]


@dataclass(frozen=True)
class SteinerTokens:
    """The fourteen special tokens of Steiner's format; a target tokenizer may rename them."""

    reasoning_start: str = "<|reasoning_start|>"
    reasoning_end: str = "<|reasoning_end|>"
    step_start: str = "<|reasoning_step_start|>"
    step_end: str = "<|reasoning_step_end|>"
    name_start: str = "<|reasoning_step_name_start|>"
    name_end: str = "<|reasoning_step_name_end|>"
    thought_start: str = "<|reasoning_step_thought_start|>"
    thought_end: str = "<|reasoning_step_thought_end|>"
    summary_start: str = "<|reasoning_step_summary_start|>"
    summary_end: str = "<|reasoning_step_summary_end|>"
    reflection_start: str = "<|reasoning_step_reflection_start|>"
    reflection_end: str = "<|reasoning_step_reflection_end|>"
    proceed: str = "<|reasoning_proceed|>"
    backtrack: str = "<|reasoning_backtrack|>"


DEFAULT_TOKENS = SteinerTokens()


def _step_text(tree: TreeView, node: int) -> str:
    step = tree.steps.get(node)
    if step is None:
        raise ValueError(f"plan visits node {node}, which is not in the tree")
    return step.text.strip()


def final_answer(tree: TreeView, plan: Sequence[Visit]) -> str | None:
    """The answer a plan ends with: extracted from its "end" step, else the reference answer
    (the verifier or an expert judged that step correct). None when the plan does not end."""
    if not plan or plan[-1].action != "end":
        return None
    answer = extract_answer(_step_text(tree, plan[-1].node))
    return answer or tree.reference_answer.strip() or None


def transition_sentence(tree: TreeView, visit: Visit, transition: str) -> str:
    """The sentence that leaves a wrong branch: what went wrong and where reasoning resumes."""
    reason = (visit.reason or "this does not work").strip().rstrip(".")
    target = visit.returns_to
    if target is None or target == tree.root:
        where = "Going back to the start."
    else:
        where = f"Going back to: {snippet(_step_text(tree, target))}"
    return f"{transition} {reason}. {where}"


def render_prose(
    tree: TreeView, plan: Sequence[Visit], *, transitions: Sequence[str] | None = None
) -> RenderedThought:
    """The plan as plain prose: one line per step, a transition sentence after each backtrack
    (cycling deterministically through `transitions`), then a blank line and "Answer: x"."""
    choices = tuple(transitions) if transitions else TRANSITIONS
    pieces: list[str] = []
    spans: list[tuple[int, int, int]] = []
    position = 0
    backtracks = 0
    # Built as a list of pieces with a running offset: repeated string concatenation would be
    # quadratic on a long journey.
    for visit in plan:
        text = _step_text(tree, visit.node)
        if pieces:
            pieces.append("\n")
            position += 1
        spans.append((visit.node, position, position + len(text)))
        pieces.append(text)
        position += len(text)
        if visit.action == "backtrack":
            sentence = transition_sentence(tree, visit, choices[backtracks % len(choices)])
            backtracks += 1
            pieces.append("\n" + sentence)
            position += 1 + len(sentence)
    thought_end = position
    answer = final_answer(tree, plan)
    if answer is not None:
        pieces.append(f"\n\nAnswer: {answer}" if pieces else f"Answer: {answer}")
    return RenderedThought(
        text="".join(pieces),
        spans=spans,
        backtracks=backtracks,
        answer=answer,
        thought_end=thought_end,
    )


def render_steiner(
    tree: TreeView,
    plan: Sequence[Visit],
    *,
    tokens: SteinerTokens = DEFAULT_TOKENS,
    reason_as_reflection: bool = True,
) -> RenderedThought:
    """The plan in Steiner's format: each step wrapped in step tokens with its name, thought,
    summary and reflection parts (those it has), then proceed or backtrack; the final step is
    followed by the end of reasoning and "Answer: x".

    A backtracking step without a reflection of its own gets the backtrack reason as its
    reflection (unless `reason_as_reflection` is false): the reflection is where Steiner's
    format says why the reasoning turns back. Spans cover each step's thought text.
    """
    pieces: list[str] = [tokens.reasoning_start]
    position = len(tokens.reasoning_start)
    spans: list[tuple[int, int, int]] = []
    backtracks = 0

    def emit(piece: str) -> None:
        nonlocal position
        pieces.append(piece)
        position += len(piece)

    for number, visit in enumerate(plan):
        step = tree.steps.get(visit.node)
        text = _step_text(tree, visit.node)
        parts: dict[str, Any] = step.parts if step is not None else {}
        emit(tokens.step_start)
        title = str(parts.get("title") or "").strip()
        if title:
            emit(tokens.name_start + title + tokens.name_end)
        emit(tokens.thought_start)
        spans.append((visit.node, position, position + len(text)))
        emit(text + tokens.thought_end)
        summary = str(parts.get("summary") or "").strip()
        if summary:
            emit(tokens.summary_start + summary + tokens.summary_end)
        reflection = str(parts.get("reflection") or "").strip()
        if not reflection and reason_as_reflection and visit.action == "backtrack":
            reflection = f"{visit.reason or 'This does not work'}".strip().rstrip(".") + "."
            reflection = reflection[0].upper() + reflection[1:]
        if reflection:
            emit(tokens.reflection_start + reflection + tokens.reflection_end)
        emit(tokens.step_end)
        if visit.action == "backtrack":
            backtracks += 1
            emit(tokens.backtrack)
        elif visit.action == "proceed" and number < len(plan) - 1:
            emit(tokens.proceed)
    emit(tokens.reasoning_end)
    thought_end = position
    answer = final_answer(tree, plan)
    if answer is not None:
        emit(f"Answer: {answer}")
    return RenderedThought(
        text="".join(pieces),
        spans=spans,
        backtracks=backtracks,
        answer=answer,
        thought_end=thought_end,
    )


# Reflection words O1-Journey counted in o1's thoughts. Word boundaries keep "await" and
# "waiting" out; "hmm" takes any number of m's ("Hmmm").
_REFLECTION_PATTERNS = {
    "wait": re.compile(r"\bwait\b", re.IGNORECASE),
    "alternatively": re.compile(r"\balternatively\b", re.IGNORECASE),
    "hmm": re.compile(r"\bhmm+\b", re.IGNORECASE),
    "let me check": re.compile(r"\blet\s+me\s+check\b", re.IGNORECASE),
}


def reflection_counts(text: str) -> dict[str, int]:
    """How often each reflection phrase occurs (case-insensitive, whole words)."""
    return {name: len(pattern.findall(text)) for name, pattern in _REFLECTION_PATTERNS.items()}


def thought_stats(text: str, *, tokens: SteinerTokens | None = None) -> dict[str, int]:
    """Size and shape of a thought: characters, non-blank lines, words, reflection phrases
    (each and in total) and, for Steiner text, the backtrack tokens."""
    counts = reflection_counts(text)
    backtrack_token = (tokens or DEFAULT_TOKENS).backtrack
    return {
        "chars": len(text),
        "lines": sum(1 for line in text.splitlines() if line.strip()),
        "words": len(text.split()),
        **counts,
        "reflections": sum(counts.values()),
        "backtrack_tokens": text.count(backtrack_token),
    }
