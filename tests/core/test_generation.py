from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trees.core.generation import (
    Candidate,
    build_prompt,
    dedupe,
    join_path,
    make_candidate,
    step_confidence,
    stop_sequences,
    token_confidence,
)


def test_the_demo_prompt_is_the_question_then_one_step_per_line():
    prompt = build_prompt("Q: {question}\n{steps}", "What is 2 + 3?", ["2 + 3 = 5."], "line")
    assert prompt == "Q: What is 2 + 3?\n2 + 3 = 5.\n"
    assert build_prompt("Q: {question}\n{steps}", "What?", [], "line") == "Q: What?\n"


def test_a_bad_template_names_the_allowed_fields():
    with pytest.raises(ValueError, match="question"):
        build_prompt("{problem}", "q", [], "line")


@pytest.mark.parametrize("strategy", ["line", "blank_line", "step_marker", "steiner"])
def test_each_strategy_stops_at_its_own_delimiter(strategy):
    stops = stop_sequences(strategy)
    assert stops and all(stop for stop in stops)
    assert join_path(["a", "b"], strategy).startswith("a")


def test_mini_steps_have_no_stop_sequence():
    assert stop_sequences("mini_step") == ()


def test_token_confidence_is_the_chosen_share_of_the_top_k():
    top = {"a": math.log(0.5), "b": math.log(0.3), "c": math.log(0.2)}
    assert token_confidence(math.log(0.5), top) == pytest.approx(0.5)
    assert token_confidence(math.log(0.2), {"a": math.log(0.2)}) == pytest.approx(1.0)


@given(st.lists(st.floats(min_value=-20, max_value=0), min_size=1, max_size=5))
def test_token_confidence_lies_between_zero_and_one(logprobs):
    top = {str(i): value for i, value in enumerate(logprobs)}
    assert 0 < token_confidence(logprobs[0], top) <= 1


def test_step_confidence_is_the_mean_over_tokens():
    tokens = [(math.log(0.5), {"a": math.log(0.5), "b": math.log(0.5)}), (0.0, {"x": 0.0})]
    assert step_confidence(tokens) == pytest.approx(0.75)
    assert step_confidence([]) is None


def test_a_step_that_states_the_answer_is_terminal_and_graded():
    right = make_candidate("The answer is 8", reference_answer="8", answer_type="numeric")
    wrong = make_candidate("The answer is 12", reference_answer="8", answer_type="numeric")
    middle = make_candidate("4 * 2 = 8 dollars.", reference_answer="8", answer_type="numeric")
    assert (right.terminal, right.correct, right.extracted_answer) == (True, True, "8")
    assert (wrong.terminal, wrong.correct) == (True, False)
    assert (middle.terminal, middle.correct) == (False, None)


def test_a_step_the_model_ended_on_is_graded_by_its_last_number_only_when_asked():
    plain = make_candidate("So 4 * 2 = 8", reference_answer="8", answer_type="numeric", ended=True)
    assert (plain.terminal, plain.extracted_answer, plain.correct) == (True, "", None)
    asked = make_candidate(
        "So 4 * 2 = 8", reference_answer="8", answer_type="numeric", ended=True, last_number=True
    )
    assert (asked.terminal, asked.extracted_answer, asked.correct) == (True, "8", True)
    cut = make_candidate(
        "So 4 * 2 = <<4*2=8",
        reference_answer="8",
        answer_type="numeric",
        ended=True,
        last_number=True,
    )
    assert (cut.terminal, cut.extracted_answer, cut.correct) == (True, "", None)


def test_dedupe_keeps_the_first_and_skips_existing_siblings():
    candidates = [Candidate("4 * 2 = 8"), Candidate(" 4 *  2 = 8 "), Candidate(""), Candidate("x")]
    kept = dedupe(candidates, existing=["x"])
    assert [c.text for c in kept] == ["4 * 2 = 8"]
