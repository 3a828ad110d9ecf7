"""The optional smoothing pass over a rendered long thought: a model rewrites each step's
passage so the thought reads as one voice, and the rewrite is taken only if it keeps the
mathematics. The transitions, the answer and the links from passages to nodes stay.

Pure: no Django, no model. The worker asks the model; this module builds the prompts, judges
the rewrites and splices the accepted ones in.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SMOOTH_TEMPLATE = (
    "Rewrite one step of a worked solution as a person thinking aloud. Keep every number and "
    "every result exactly; add no new numbers.\n"
    "Problem: {question}\n"
    "Step: {passage}\n"
    "Rewritten step:"
)
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)*(?:/\d+)?")


def smooth_prompt(template: str, question: str, passage: str) -> str:
    """Fill a smoothing template ({question}, {passage}); a bad template is a ValueError."""
    try:
        return template.format(question=question, passage=passage)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(
            f"The smoothing template {template!r} is invalid ({exc}); use the fields "
            "{question} and {passage}, and double other braces."
        ) from exc


def numbers_in(text: str) -> Counter[str]:
    """The numbers a text states, as a multiset ("1,200" and "1200" count as the same)."""
    return Counter(match.replace(",", "") for match in _NUMBER.findall(text))


def accept_rewrite(original: str, rewrite: str) -> bool:
    """A rewrite is kept only if it says the same mathematics: one line, not empty, not wildly
    longer or shorter, and exactly the original's numbers (none lost, none added)."""
    candidate = rewrite.strip()
    if not candidate or "\n" in candidate:
        return False
    if not 0.5 * len(original) - 20 <= len(candidate) <= 2 * len(original) + 40:
        return False
    return numbers_in(candidate) == numbers_in(original)


@dataclass
class Smoothed:
    text: str
    spans: list[tuple[int, int, int]]
    thought_end: int
    rewritten: int
    kept: int


def splice(
    text: str,
    spans: Sequence[Sequence[int]],
    thought_end: int,
    rewrites: Mapping[int, str],
) -> Smoothed:
    """Replace the passage of span i by `rewrites[i]` where the rewrite is accepted, shifting
    every later offset; spans keep pointing at their node's (new) passage."""
    pieces: list[str] = []
    new_spans: list[tuple[int, int, int]] = []
    cursor = 0
    shift = 0
    rewritten = 0
    for i, (node_id, start, end) in enumerate(spans):
        original = text[start:end]
        candidate = rewrites.get(i, "").strip()
        accepted = bool(candidate) and accept_rewrite(original, candidate)
        passage = candidate if accepted else original
        rewritten += accepted
        pieces.append(text[cursor:start])
        pieces.append(passage)
        new_spans.append((node_id, start + shift, start + shift + len(passage)))
        shift += len(passage) - (end - start)
        cursor = end
    pieces.append(text[cursor:])
    return Smoothed(
        text="".join(pieces),
        spans=new_spans,
        thought_end=thought_end + shift,
        rewritten=rewritten,
        kept=len(spans) - rewritten,
    )
