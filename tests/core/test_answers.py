"""Final-answer extraction and verification (trees.core.answers)."""

from __future__ import annotations

import json
import threading
import time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.shared_data import gsm8k_test_file
from trees.core.answers import (
    MAX_VERIFY_CHARS,
    answers_match,
    extract_answer,
    grade,
    last_boxed,
    looks_truncated,
    normalize_number,
    parse_gsm8k_answer,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("so the answer is $\\boxed{\\frac{1}{2}}$.", "\\frac{1}{2}"),
        ("first \\boxed{3}, then \\boxed{\\sqrt{2}}", "\\sqrt{2}"),
        ("nested \\boxed{\\frac{\\sqrt{3}}{2}} braces", "\\frac{\\sqrt{3}}{2}"),
        ("a set \\boxed{\\{1, 2\\}}", "\\{1, 2\\}"),
        ("4 * 2 = <<4*2=8>>8\n#### 8", "8"),
        ("10 * 100 = 1000\n#### 1,000", "1,000"),
        ("12 / 3 = 4\n4 * 2 = 8\nA: 8", "8"),
        ("work\nAnswer: 42.", "42"),
        ("work\nanswer:  $7$", "7"),
        ("work\n**Answer:** 18", "18"),
        ("So the answer is 15.", "15"),
        ("The answer is $18. That is all.", "18"),
        ("Therefore, the final answer is 3.5.", "3.5"),
        ("# Answer\n\n\\frac{1}{2}", "\\frac{1}{2}"),
        ("So $x = 3$.\n\n## Final Answer\n15", "15"),
    ],
)
def test_extract_answer_finds_each_form(text: str, expected: str) -> None:
    assert extract_answer(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("She has 16 - 3 - 4 = 9 eggs, worth 1,800 cents", "1,800"),
        ("The change is -12 degrees", "-12"),
        ("It grows by 2.75 each day", "2.75"),
        ("She ate 3/4 of it", "3/4"),
    ],
)
def test_the_last_number_counts_only_when_asked(text: str, expected: str) -> None:
    assert extract_answer(text) is None
    assert extract_answer(text, last_number=True) == expected
    assert grade(text, expected) == (None, None)
    assert grade(text, expected, last_number=True) == (expected, True)


@pytest.mark.parametrize(
    "text",
    [
        "Tom buys 3 + 4 = <<3+4=7",
        "So she pays 4 * 12 = $<<41.472+8.",
        "The total is (3 + 4",
        "That makes 3 + 4 =",
        "Then 12 /",
        "She spends $",
    ],
)
def test_text_cut_off_mid_way_is_not_an_answer_even_with_the_last_number_fallback(
    text: str,
) -> None:
    assert looks_truncated(text)
    assert extract_answer(text, last_number=True) is None
    assert grade(text, "7", last_number=True) == (None, None)


def test_a_truncated_text_still_gives_the_answer_it_states() -> None:
    assert grade("#### 7\nTom buys 3 + 4 = <<3+4=7", "7", last_number=True) == ("7", True)


def test_complete_calculator_annotations_are_not_truncation() -> None:
    assert not looks_truncated("Tom buys 3 + 4 = <<3+4=7>>7 apples.")
    assert extract_answer("Tom buys 3 + 4 = <<3+4=7>>7 apples.", last_number=True) == "7"


def _cut_points(line: str) -> list[int]:
    """Where a line of real GSM8K output stops when a model's generation is cut off: inside
    each calculator annotation and right after each operator."""
    points = [i + 2 for i in range(len(line)) if line.startswith("<<", i)]
    points += [i + 1 for i, char in enumerate(line) if char in "+-*/=$"]
    return sorted({p for p in points if 0 < p < len(line)})


def test_real_gsm8k_solution_lines_cut_mid_way_are_never_answers() -> None:
    lines = gsm8k_test_file().read_text(encoding="utf-8").splitlines()
    cuts = 0
    for number, line in enumerate(lines, 1):
        _reference, solution = parse_gsm8k_answer(json.loads(line)["answer"])
        for step in solution.splitlines():
            for point in _cut_points(step):
                cut = step[:point]
                cuts += 1
                assert extract_answer(cut) is None, (number, cut)
                assert extract_answer(cut, last_number=True) is None, (number, cut)
    assert cuts > 10_000


def test_extract_answer_prefers_boxed_over_gsm8k_over_answer_line_over_phrase() -> None:
    assert extract_answer("the answer is 1\nA: 2\n#### 3\n\\boxed{4}") == "4"
    assert extract_answer("the answer is 1\nA: 2\n#### 3") == "3"
    assert extract_answer("the answer is 1\nA: 2") == "2"
    assert extract_answer("the answer is 1, then 5") == "1, then 5"


def test_extract_answer_returns_none_without_any_answer() -> None:
    assert extract_answer("no numbers here") is None
    assert extract_answer("") is None


def test_a_subtraction_is_not_read_as_a_negative_number() -> None:
    assert extract_answer("so 16-3", last_number=True) == "3"


def test_last_boxed_ignores_an_unclosed_box() -> None:
    assert last_boxed("\\boxed{1} and \\boxed{2") == "1"
    assert last_boxed("no box") is None
    assert last_boxed("\\boxed 5$") == "5"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,000", 1000.0),
        ("$18", 18.0),
        ("\\$18.50", 18.5),
        ("50%", 50.0),
        ("8 dollars", 8.0),
        ("-3/4", -0.75),
        ("\\frac{3}{4}", 0.75),
        ("10\\!000", 10000.0),
        ("1{,}000", 1000.0),
        ("\u22125", -5.0),
        ("90^\\circ", 90.0),
        ("\\text{5 cm}", 5.0),
    ],
)
def test_normalize_number_reads_numbers_in_their_usual_dress(text: str, expected: float) -> None:
    assert normalize_number(text) == expected


@pytest.mark.parametrize("text", ["1,2", "5x", "2 pi", "nan", "inf", "1/0", "", "x"])
def test_normalize_number_refuses_what_is_not_a_number(text: str) -> None:
    assert normalize_number(text) is None


def test_numeric_answers_match_within_relative_tolerance() -> None:
    assert answers_match("1000000", "1000000.5")
    assert not answers_match("1000000", "1000002")
    assert answers_match("0.5", "1/2")
    assert answers_match("1000", "1,000")
    assert answers_match("18", "$18.00")
    assert not answers_match("18", "19")
    assert answers_match("0", "0.0000000001")


def test_integer_answers_must_be_exactly_equal() -> None:
    assert not answers_match("1450000", "1450001")
    assert answers_match("1,450,000", "1450000")


def test_numeric_answers_fall_back_to_math_verify_when_not_plain_numbers() -> None:
    assert answers_match("x+1", "1+x", "numeric")


@pytest.mark.parametrize(
    ("gold", "predicted"),
    [
        ("\\frac{1}{2}", "0.5"),
        ("2\\sqrt{2}", "\\sqrt{8}"),
        ("x^2+2x+1", "(x+1)^2"),
        ("\\dfrac{3}{4}", "3/4"),
        ("10\\%", "0.1"),
        ("\\left( 3, \\frac{\\pi}{2} \\right)", "(3,\\frac{\\pi}{2})"),
        ("$\\frac12$", "0.5"),
        ("18", "\\$18"),
    ],
)
def test_math_verify_accepts_equivalent_expressions(gold: str, predicted: str) -> None:
    assert answers_match(gold, predicted, "expression")


@pytest.mark.parametrize(
    ("gold", "predicted"),
    [("\\frac{1}{2}", "0.6"), ("2\\sqrt{2}", "\\sqrt{6}"), ("\\pi", "3.14159")],
)
def test_math_verify_rejects_different_expressions(gold: str, predicted: str) -> None:
    assert not answers_match(gold, predicted, "expression")


def test_expression_too_long_to_verify_is_not_a_match_unless_identical() -> None:
    long_gold = "1+" * MAX_VERIFY_CHARS + "1"
    assert not answers_match(long_gold, long_gold.replace("1+1", "2", 1), "expression")
    assert answers_match(long_gold, long_gold, "expression")


def test_a_power_tower_is_refused_rather_than_evaluated() -> None:
    assert not answers_match("10^{10^{10}}", "1", "expression")
    assert answers_match("9^{9^9}", "9^{9^9}", "expression")


@pytest.mark.parametrize("predicted", ["B", "b", "(B)", "B)", "B.", "(b) 42", "\\text{(B)}"])
def test_choice_letters_match_in_any_usual_form(predicted: str) -> None:
    assert answers_match("B", predicted, "choice")
    assert answers_match("(B)", predicted, "choice")


def test_choice_letters_differ() -> None:
    assert not answers_match("B", "(C)", "choice")


def test_text_answers_ignore_case_and_spacing() -> None:
    assert answers_match("New  York", "new york", "text")
    assert not answers_match("New York", "York", "text")


def test_empty_answers_never_match() -> None:
    assert not answers_match("", "", "text")
    assert not answers_match("5", " ")


def test_an_unknown_answer_type_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown answer type"):
        answers_match("1", "1", "fuzzy")


def test_grade_returns_the_extracted_answer_and_the_verdict() -> None:
    assert grade("4 * 2 = 8\nA: 8", "8") == ("8", True)
    assert grade("4 * 3 = 12\nA: 12", "8") == ("12", False)
    assert grade("no answer here", "8") == (None, None)
    assert grade("A: 8", "") == ("8", None)
    assert grade("4 * 2 = 8", "8") == (None, None)


def test_parse_gsm8k_answer_splits_solution_and_reference() -> None:
    assert parse_gsm8k_answer("10 * 100 = 1000\n#### 1,000") == ("1000", "10 * 100 = 1000")


@pytest.mark.parametrize("answer", ["no marker", "work\n####   "])
def test_parse_gsm8k_answer_refuses_an_answer_without_a_final_answer(answer: str) -> None:
    with pytest.raises(ValueError):
        parse_gsm8k_answer(answer)


def test_every_real_gsm8k_reference_solution_grades_correct_against_its_own_answer() -> None:
    lines = gsm8k_test_file().read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1319
    for number, line in enumerate(lines, 1):
        answer = json.loads(line)["answer"]
        reference, solution = parse_gsm8k_answer(answer)
        assert solution, number
        assert normalize_number(reference) is not None, (number, reference)
        assert grade(answer, reference) == (answer.rpartition("#### ")[2].strip(), True), number
        wrong = str(Decimal(reference) + 1)
        assert grade(answer, wrong)[1] is False, number


def test_math_verify_works_off_the_main_thread_where_it_has_no_timeout() -> None:
    # Web requests run in worker threads, where signal.alarm is unavailable.
    results: list[bool] = []

    def compare() -> None:
        results.append(answers_match("2\\sqrt{2}", "\\sqrt{8}", "expression"))
        results.append(answers_match("10^{10^{10}}", "1", "expression"))

    worker = threading.Thread(target=compare)
    worker.start()
    worker.join(timeout=30)
    assert results == [True, False]


@given(st.text(max_size=300))
def test_extract_answer_never_fails_and_returns_stripped_text(text: str) -> None:
    answer = extract_answer(text)
    assert answer is None or (answer and answer == answer.strip())


def test_extract_answer_is_linear_on_hostile_input() -> None:
    # A quadratic scan of these 100,000-character inputs would take minutes; this bound is
    # generous (a linear one takes milliseconds) and only catches that.
    hostile = {
        "\\boxed{" * 20_000: None,
        "\\boxed $" * 20_000: None,
        "1," * 50_000: None,
        "Answer:" * 20_000: "Answer:" * 19_999,
        "# Answer\n" * 20_000 + "5": "5",
    }
    started = time.perf_counter()
    for text, expected in hostile.items():
        assert extract_answer(text) == expected
        assert extract_answer(text, last_number=True) == expected
    assert time.perf_counter() - started < 10
