"""Step segmentation: a solution's text to its steps and back.

A step is what the policy writes before its step delimiter. The strategies here are the
text-level ones (one step per line, per paragraph, or per `Step k:` marker); token-level ones
(mini-steps of N tokens) need a tokenizer and live with the backends.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise

STRATEGIES = ("line", "blank_line", "step_marker")

_NEWLINES_RE = re.compile(r"\r\n?")
_BLANK_LINES_RE = re.compile(r"\n(?:[ \t]*\n)+")
_LEADING_BLANK_LINES_RE = re.compile(r"^(?:[ \t]*\n)+")
# A marker opens a line: "Step 3:", "Step 3.", "**Step 3:**", "## Step 3:".
_STEP_MARKER_RE = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]+)?(?:\*\*)?step[ \t]+\d+[ \t]*(?:\*\*)?[:.)]",
    re.IGNORECASE | re.MULTILINE,
)


def _check_strategy(strategy: str) -> None:
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown step strategy {strategy!r}; expected one of {STRATEGIES}")


def _trim(block: str) -> str:
    """Drop leading blank lines and trailing whitespace; keep the first line's indentation."""
    return _LEADING_BLANK_LINES_RE.sub("", block).rstrip()


def split_steps(text: str, strategy: str = "line") -> list[str]:
    """Split a solution into its non-empty steps.

    line: each non-blank line, right-stripped. blank_line: paragraphs separated by one or more
    blank lines (a paragraph may span lines). step_marker: a new step starts at each line that
    opens with a `Step k:` marker, and the marker stays in the step; any text before the first
    marker is a step of its own. Steps never end in whitespace.
    """
    _check_strategy(strategy)
    text = _NEWLINES_RE.sub("\n", text)
    if strategy == "line":
        blocks = text.split("\n")
    elif strategy == "blank_line":
        blocks = _BLANK_LINES_RE.split(text)
    else:
        starts = [0, *(m.start() for m in _STEP_MARKER_RE.finditer(text)), len(text)]
        blocks = [text[a:b] for a, b in pairwise(starts)]
    return [step for step in (_trim(block) for block in blocks) if step.strip()]


def has_step_marker(step: str) -> bool:
    """Whether `step` opens with a `Step k:` marker."""
    return _STEP_MARKER_RE.match(step) is not None


def join_steps(steps: Iterable[str], strategy: str = "line") -> str:
    """Join steps into one text that `split_steps(..., strategy)` splits back into them.

    line: one step per line. blank_line: steps separated by a blank line. step_marker: one step
    per line, each opening with `Step k:` (added to steps that do not already have one).
    """
    _check_strategy(strategy)
    steps = list(steps)
    if strategy == "line":
        return "\n".join(steps)
    if strategy == "blank_line":
        return "\n\n".join(steps)
    return "\n".join(
        step if has_step_marker(step) else f"Step {number}: {step}"
        for number, step in enumerate(steps, 1)
    )


def normalize_step(text: str) -> str:
    """The key under which steps merge: runs of whitespace collapsed to one space, stripped."""
    return " ".join(text.split())
