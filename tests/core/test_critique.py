"""Critic verdicts from free text, the prompts, and the verifier-backed critic."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trees.core.critique import (
    CRITIC_TEMPLATE,
    REVISE_TEMPLATE,
    VERDICTS,
    arithmetic_errors,
    critic_prompt,
    parse_verdict,
    revise_prompt,
    verifier_critic,
)


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("VERDICT: accept\nThe step is right.", "accept"),
        ("Verdict - REJECT. 3 * 4 is not 13.", "reject"),
        ("**Verdict:** revise — say which box.", "revise"),
        ("This looks good to me.", "accept"),
        ("The step is not correct: 3 * 4 = 12.", "reject"),
        ("Almost: the units should be dollars.", "revise"),
        ("The arithmetic is wrong.", "reject"),
        ("", "revise"),
        ("banana", "revise"),
    ],
)
def test_free_text_maps_to_a_verdict(text, verdict):
    assert parse_verdict(text).verdict == verdict


def test_an_unreadable_critique_is_a_revise_marked_unparsed():
    parsed = parse_verdict("banana")
    assert (parsed.verdict, parsed.parsed, parsed.score) == ("revise", False, 0.5)
    assert parse_verdict("VERDICT: accept").parsed


@given(st.text(max_size=300))
def test_any_text_gets_one_of_the_three_verdicts(text):
    verdict = parse_verdict(text)
    assert verdict.verdict in VERDICTS and 0 <= verdict.score <= 1


def test_prompts_fill_their_fields():
    prompt = critic_prompt(CRITIC_TEMPLATE, "What is 2+3?", ["2 + 3 = 5."], "Answer: 5")
    assert "2 + 3 = 5.\n" in prompt and "Answer: 5" in prompt
    prompt = revise_prompt(REVISE_TEMPLATE, "Q?", [], "2 + 3 = 6", "2 + 3 is 5")
    assert "2 + 3 is 5" in prompt
    with pytest.raises(ValueError, match="invalid"):
        critic_prompt("{nope}", "q", [], "p")


def test_arithmetic_errors_are_named():
    assert arithmetic_errors("12 / 3 = 4 groups, 4 * 2 = 8 dollars.") == []
    assert arithmetic_errors("6 * 7 = 43 apples.") == ["6 * 7 is 42, not 43"]
    assert arithmetic_errors("7 - 10 = -3 and 1/4 = 0.25") == []


def test_the_verifier_critic_judges_answers_arithmetic_and_confidence():
    assert verifier_critic("The answer is 8", terminal=True, reference_answer="8").verdict == (
        "accept"
    )
    assert verifier_critic("The answer is 9", terminal=True, reference_answer="8").verdict == (
        "reject"
    )
    revise = verifier_critic("6 * 7 = 43 apples.", terminal=False, reference_answer="8")
    assert revise.verdict == "revise" and "42" in revise.reasons
    unsure = verifier_critic("6 * 7 = 42.", terminal=False, reference_answer="8", confidence=0.2)
    assert unsure.verdict == "revise"
    assert verifier_critic("6 * 7 = 42.", terminal=False, reference_answer="8").verdict == "accept"
