"""The propose-critique loop's pure parts: critic and reviser prompts, reading a verdict out of a
critic's free text, and the verifier-backed critic the demo profile uses.

Pure: no Django, no model calls.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from trees.core.answers import grade
from trees.core.generation import join_path

VERDICTS = ("accept", "revise", "reject")

CRITIC_TEMPLATE = (
    "You check one step of a solution.\n"
    "Problem: {question}\n"
    "Steps so far:\n{steps}\n"
    "Proposed next step: {proposal}\n"
    "Is the proposed step correct and useful? Answer with one line 'VERDICT: accept', "
    "'VERDICT: revise' or 'VERDICT: reject', then your reasons.\n"
)
REVISE_TEMPLATE = (
    "Problem: {question}\n"
    "Steps so far:\n{steps}\n"
    "A proposed next step was: {proposal}\n"
    "A reviewer said: {critique}\n"
    "Write the corrected next step only, on one line.\n"
)

# Read in this order: an explicit "verdict: x" line wins over any word in the prose.
_VERDICT_LINE = re.compile(r"\bverdict\s*[:=\-]\s*\**\s*(accept|revise|reject)", re.IGNORECASE)
_WORDS = {
    "reject": re.compile(r"\b(reject(?:ed)?|wrong|incorrect|invalid|false)\b", re.IGNORECASE),
    "revise": re.compile(
        r"\b(revis(?:e|ed|ion)|fix|should be|mistake|error|unclear|almost)\b", re.IGNORECASE
    ),
    "accept": re.compile(
        r"\b(accept(?:ed)?|correct|looks good|lgtm|valid|right|fine)\b", re.IGNORECASE
    ),
}
_NEGATED_ACCEPT = re.compile(r"\b(not|isn't|is not|no longer)\s+(correct|valid|right|fine)\b", re.I)
DEFAULT_VERDICT = "revise"


@dataclass(frozen=True)
class Verdict:
    verdict: str  # accept | revise | reject
    reasons: str
    score: float  # accept 1.0, revise 0.5, reject 0.0 (a beam-search "critic" score)
    parsed: bool = True  # False when the text gave no verdict and the default was used


SCORE_OF = {"accept": 1.0, "revise": 0.5, "reject": 0.0}


def make_verdict(verdict: str, reasons: str, *, parsed: bool = True) -> Verdict:
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}; use one of {VERDICTS}")
    return Verdict(verdict, reasons.strip(), SCORE_OF[verdict], parsed)


def parse_verdict(text: str) -> Verdict:
    """Map a critic's free text to accept / revise / reject.

    An explicit "VERDICT: x" wins; otherwise the first strong word decides, rejection words
    before revision words before acceptance ones ("not correct" counts as a rejection).
    Text with no verdict at all is a *revise*: the loop then rewrites the step rather than
    keeping an unchecked one or throwing it away, and the round limit bounds it.
    """
    text = text or ""
    explicit = _VERDICT_LINE.search(text)
    reasons = _VERDICT_LINE.sub("", text).strip(" \n:.-") or text.strip()
    if explicit:
        return make_verdict(explicit.group(1).lower(), reasons)
    if _NEGATED_ACCEPT.search(text):
        return make_verdict("reject", reasons)
    for verdict in ("reject", "revise", "accept"):
        if _WORDS[verdict].search(text):
            return make_verdict(verdict, reasons)
    reasons = reasons or "The critic gave no clear verdict."
    return make_verdict(DEFAULT_VERDICT, reasons, parsed=False)


def critic_prompt(
    template: str, question: str, steps: Sequence[str], proposal: str, strategy: str = "line"
) -> str:
    return _fill(template, question=question, steps=join_path(steps, strategy), proposal=proposal)


def revise_prompt(
    template: str,
    question: str,
    steps: Sequence[str],
    proposal: str,
    critique: str,
    strategy: str = "line",
) -> str:
    return _fill(
        template,
        question=question,
        steps=join_path(steps, strategy),
        proposal=proposal,
        critique=critique,
    )


def _fill(template: str, **fields: str) -> str:
    try:
        return template.format(**fields)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(
            f"The prompt template {template!r} is invalid ({exc}); use the fields "
            f"{sorted('{' + name + '}' for name in fields)} and double other braces."
        ) from exc


# --- The verifier-backed critic (demo profile) ----------------------------------------------

_ARITHMETIC = re.compile(
    r"(?<![\w.])(-?\d+(?:\.\d+)?)\s*([-+*/x\u00d7\u00f7])\s*(-?\d+(?:\.\d+)?)\s*=\s*(-?\d+(?:\.\d+)?)(?![\d.])"
)
LOW_CONFIDENCE = 0.5


def _apply(left: Fraction, op: str, right: Fraction) -> Fraction | None:
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op in ("*", "x", "\u00d7"):
        return left * right
    if right == 0:
        return None
    return left / right


def arithmetic_errors(step: str) -> list[str]:
    """Each "a op b = c" in the step whose arithmetic is wrong, as "a op b is r, not c"."""
    errors = []
    for match in _ARITHMETIC.finditer(step):
        left, op, right, claimed = match.groups()
        result = _apply(Fraction(left), op, Fraction(right))
        if result is not None and result != Fraction(claimed):
            shown = str(result.numerator) if result.denominator == 1 else str(float(result))
            errors.append(f"{left} {op} {right} is {shown}, not {claimed}")
    return errors


def verifier_critic(
    step: str,
    *,
    terminal: bool,
    reference_answer: str,
    answer_type: str = "numeric",
    confidence: float | None = None,
    low_confidence: float = LOW_CONFIDENCE,
) -> Verdict:
    """VERIFIER-BACKED CRITIC, not a language model: what the loop uses when the critic's
    profile is the demo reasoner, which was never trained to critique.

    It rejects a final answer the answer verifier grades wrong (it knows the reference answer,
    as the verifier does in rollouts and beam search), asks for a revision when the step's
    arithmetic is wrong or the proposer's own confidence is below `low_confidence`, and
    accepts otherwise. Deterministic.
    """
    if terminal:
        answer, correct = grade(step, reference_answer, answer_type)
        if correct:
            return make_verdict("accept", f"The final answer {answer} checks out.")
        return make_verdict(
            "reject", f"The final answer {answer or '(none found)'} does not check out."
        )
    errors = arithmetic_errors(step)
    if errors:
        return make_verdict("revise", "Arithmetic: " + "; ".join(errors) + ".")
    if confidence is not None and confidence < low_confidence:
        return make_verdict(
            "revise",
            f"The proposer was unsure of this step (confidence {confidence:.2f}); "
            "write it again more carefully.",
        )
    return make_verdict("accept", "The arithmetic in this step checks out.")
