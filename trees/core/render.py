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
from trees.core.derive import TreeView, Visit, quote_step, quoted
from trees.core.export_contract import (
    ANSWER_BREAK,
    CLOSE_QUOTE,
    OPEN_QUOTE,
    TRANSITIONS,
    answer_line,
    mentions_answer,
    strip_answer_statements,
)

# Said when a stored plan's reason would break the contract (an older derivation's reason
# naming the reference answer or quoting a cut step).
FALLBACK_REASON = "this does not work"


@dataclass
class RenderedThought:
    """A rendered long thought.

    text: the thought followed by its final answer, stated once; `thought_end` is where the
    reasoning stops and the answer part begins, so `thought` is the text without it. spans:
    (node_id, start, end) for each step's passage, in text order, with text[start:end] the
    step's text as shown (`shown_text`: its own answer statement left out). A step that only
    states the answer (an "A: 8" terminal) shows nothing and has no span.
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


def shown_text(tree: TreeView, node: int) -> str:
    """A visited step's text as a long thought shows it: without its own answer statement
    (`A: 18`, "so the answer is 18"), since the thought states its final answer once, at
    the end, and a wrong branch's answer is named by the backtrack instead."""
    return strip_answer_statements(_step_text(tree, node))


def final_answer(tree: TreeView, plan: Sequence[Visit]) -> str | None:
    """The answer a plan ends with: extracted from its "end" step, else the reference answer
    (the verifier or an expert judged that step correct). None when the plan does not end."""
    if not plan or plan[-1].action != "end":
        return None
    answer = extract_answer(_step_text(tree, plan[-1].node))
    return answer or tree.reference_answer.strip() or None


def safe_reason(tree: TreeView, reason: str) -> str:
    """The backtrack reason a renderer may show: the plan's own, unless it states the
    reference answer outside a quoted step or quotes cut text (plans stored by an older
    derivation did both), in which case a neutral clause."""
    text = " ".join((reason or "").split()).strip().rstrip(".")
    if not text or "…" in text:
        return FALLBACK_REASON
    bare = text
    while OPEN_QUOTE in bare and CLOSE_QUOTE in bare:
        start = bare.index(OPEN_QUOTE)
        end = bare.find(CLOSE_QUOTE, start)
        if end < 0:
            break
        bare = bare[:start] + bare[end + 1 :]
    reference = tree.reference_answer.strip()
    if reference and mentions_answer(bare, reference):
        return FALLBACK_REASON
    return text


def transition_sentence(
    tree: TreeView, visit: Visit, transition: str, reasons: dict[str, str] | None = None
) -> str:
    """The sentence that leaves a wrong branch: why it is wrong (from the tree, never the
    reference answer) and the step the reasoning resumes after, quoted whole. `reasons`
    caches `safe_reason` across one rendering (a long journey repeats a few reasons)."""
    if reasons is None:
        reason = safe_reason(tree, visit.reason)
    else:
        reason = reasons.get(visit.reason) or reasons.setdefault(
            visit.reason, safe_reason(tree, visit.reason)
        )
    target = visit.returns_to
    if target is None or target == tree.root:
        where = "Going back to the start."
    else:
        quote = quote_step(_step_text(tree, target))
        where = f"Going back to {quoted(quote)}." if quote else "Going back to the step before."
    return f"{transition} {reason}. {where}"


def render_prose(
    tree: TreeView, plan: Sequence[Visit], *, transitions: Sequence[str] | None = None
) -> RenderedThought:
    """The plan as plain prose: one line per step (as `shown_text` shows it), a transition
    line after each backtrack (cycling deterministically through `transitions`), then a
    blank line and "Answer: x", the only place the answer is stated."""
    choices = tuple(transitions) if transitions else TRANSITIONS
    reasons: dict[str, str] = {}
    pieces: list[str] = []
    spans: list[tuple[int, int, int]] = []
    position = 0
    backtracks = 0

    def line(text: str) -> int:
        nonlocal position
        if pieces:
            pieces.append("\n")
            position += 1
        start = position
        pieces.append(text)
        position += len(text)
        return start

    # Built as a list of pieces with a running offset: repeated string concatenation would be
    # quadratic on a long journey.
    for visit in plan:
        text = shown_text(tree, visit.node)
        if text:
            start = line(text)
            spans.append((visit.node, start, start + len(text)))
        if visit.action == "backtrack":
            transition = choices[backtracks % len(choices)]
            line(transition_sentence(tree, visit, transition, reasons))
            backtracks += 1
    thought_end = position
    answer = final_answer(tree, plan)
    if answer is not None:
        pieces.append(ANSWER_BREAK + answer_line(answer) if pieces else answer_line(answer))
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
    followed by the end of reasoning and "Answer: x", the only place the answer is stated.

    Steps show `shown_text` (their own answer statements left out); one that then shows
    nothing is left out, unless it is where a branch turns back. A backtracking step without a
    reflection of its own gets the backtrack reason as its reflection (unless
    `reason_as_reflection` is false): the reflection is where Steiner's format says why the
    reasoning turns back. Spans cover each step's thought text.
    """
    pieces: list[str] = [tokens.reasoning_start]
    position = len(tokens.reasoning_start)
    spans: list[tuple[int, int, int]] = []
    backtracks = 0

    def emit(piece: str) -> None:
        nonlocal position
        pieces.append(piece)
        position += len(piece)

    reasons: dict[str, str] = {}  # safe_reason per reason: a long journey repeats a few
    shown = [(visit, shown_text(tree, visit.node)) for visit in plan]
    shown = [(visit, text) for visit, text in shown if text or visit.action == "backtrack"]
    for number, (visit, text) in enumerate(shown):
        step = tree.steps.get(visit.node)
        parts: dict[str, Any] = step.parts if step is not None else {}
        emit(tokens.step_start)
        title = str(parts.get("title") or "").strip()
        if title:
            emit(tokens.name_start + title + tokens.name_end)
        emit(tokens.thought_start)
        if text:
            spans.append((visit.node, position, position + len(text)))
        emit(text + tokens.thought_end)
        summary = str(parts.get("summary") or "").strip()
        if summary:
            emit(tokens.summary_start + summary + tokens.summary_end)
        reflection = str(parts.get("reflection") or "").strip()
        if not reflection and reason_as_reflection and visit.action == "backtrack":
            if visit.reason not in reasons:
                reasons[visit.reason] = safe_reason(tree, visit.reason)
            reflection = reasons[visit.reason] + "."
            reflection = reflection[0].upper() + reflection[1:]
        if reflection:
            emit(tokens.reflection_start + reflection + tokens.reflection_end)
        emit(tokens.step_end)
        if visit.action == "backtrack":
            backtracks += 1
            emit(tokens.backtrack)
        elif number < len(shown) - 1:
            emit(tokens.proceed)
    emit(tokens.reasoning_end)
    thought_end = position
    answer = final_answer(tree, plan)
    if answer is not None:
        emit(answer_line(answer))
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
