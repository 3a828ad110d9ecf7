"""Import-file parsers (trees.core.imports)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.shared_data import gsm8k_test_file
from trees.core.imports import (
    FORMATS,
    ImportLimits,
    LineError,
    ProblemRecord,
    content_external_id,
    group_records,
    parse_lines,
)

# The example lines of shared/FORMATS.md, one JSON object per line.
GSM8K_LINE = (
    '{"question": "A shop sells 3 pens for $2. How much do 12 pens cost?", '
    '"answer": "12 / 3 = <<12/3=4>>4 groups\\n4 * 2 = <<4*2=8>>8\\n#### 8"}'
)
MATH_LINE = (
    '{"problem": "What is $\\\\frac{3}{4}$ of 20?", "solution": "$\\\\frac{3}{4}\\\\cdot 20 = 15$, '
    'so the answer is $\\\\boxed{15}$.", "level": "Level 1", "type": "Prealgebra"}'
)
SOLUTIONS_LINE = json.dumps(
    {
        "id": "shop-17",
        "question": "A shop sells 3 pens for $2. How much do 12 pens cost?",
        "answer": "8",
        "solutions": [
            {"text": "12 / 3 = 4\n4 * 2 = 8\nA: 8", "model": "policy-7b"},
            {"steps": ["12 * 2 = 24", "24 / 3 = 8", "The answer is 8"], "model": "policy-7b"},
            {"text": "12 / 2 = 6\n6 * 3 = 18\nA: 18", "model": "policy-7b", "is_correct": False},
        ],
    }
)
PRM800K_LINE = (
    '{"labeler": "3f2a…", "timestamp": "2023-01-22T04:34:27.052924", "generation": 1, '
    '"is_quality_control_question": false, "is_initial_screening_question": false, '
    '"question": {"problem": "…", "ground_truth_answer": "15"}, '
    '"label": {"steps": [{"completions": [{"text": "First, …", "rating": 1, "flagged": null}], '
    '"human_completion": null, "chosen_completion": 0}, '
    '{"completions": [{"text": "So it is 16.", "rating": -1, "flagged": null}, '
    '{"text": "So it is 15.", "rating": 1, "flagged": null}], '
    '"human_completion": null, "chosen_completion": 1}], '
    '"total_time": 61234, "finish_reason": "solution"}}'
)

EXAMPLES = [
    ("gsm8k", GSM8K_LINE),
    ("math", MATH_LINE),
    ("solutions", SOLUTIONS_LINE),
    ("prm800k", PRM800K_LINE),
]


def parse_one(fmt: str, line: str, limits: ImportLimits | None = None) -> ProblemRecord:
    results = list(parse_lines(fmt, [line], limits or ImportLimits()))
    assert len(results) == 1
    assert isinstance(results[0], ProblemRecord), results[0]
    return results[0]


def error_of(fmt: str, line: str | bytes, limits: ImportLimits | None = None) -> LineError:
    results = list(parse_lines(fmt, ["", line], limits or ImportLimits()))
    assert len(results) == 1
    assert isinstance(results[0], LineError), results[0]
    assert results[0].line == 2
    return results[0]


def test_the_formats_gsm8k_example_parses() -> None:
    record = parse_one("gsm8k", GSM8K_LINE)
    assert record.line == 1
    assert record.statement == "A shop sells 3 pens for $2. How much do 12 pens cost?"
    assert record.reference_answer == "8"
    assert record.reference_solution == "12 / 3 = <<12/3=4>>4 groups\n4 * 2 = <<4*2=8>>8"
    assert record.answer_type == "numeric"
    assert record.source == "gsm8k"
    assert record.paths == []
    assert record.external_id == content_external_id("gsm8k", record.statement)
    assert record.external_id.startswith("gsm8k-")
    assert len(record.external_id) == len("gsm8k-") + 16


def test_gsm8k_ids_depend_only_on_the_normalised_question() -> None:
    spaced = GSM8K_LINE.replace("How much", "How  much").replace("#### 8", "#### 8 ")
    assert parse_one("gsm8k", spaced).external_id == parse_one("gsm8k", GSM8K_LINE).external_id


def test_a_gsm8k_id_field_is_used_when_given() -> None:
    line = json.dumps({**json.loads(GSM8K_LINE), "id": "test-7"})
    assert parse_one("gsm8k", line).external_id == "test-7"


def test_the_formats_math_example_parses() -> None:
    record = parse_one("math", MATH_LINE)
    assert record.reference_answer == "15"
    assert record.answer_type == "expression"
    assert record.difficulty == "Level 1"
    assert record.subject == "Prealgebra"
    assert record.source == "math"
    assert record.external_id.startswith("math-")


def test_a_math_500_line_uses_its_answer_unique_id_and_integer_level() -> None:
    line = json.dumps(
        {
            "problem": "p",
            "solution": "so \\boxed{\\frac12}",
            "answer": "\\frac{1}{2}",
            "subject": "Algebra",
            "level": 3,
            "unique_id": "test/algebra/1.json",
        }
    )
    record = parse_one("math", line)
    assert record.reference_answer == "\\frac{1}{2}"
    assert (record.external_id, record.subject, record.difficulty) == (
        "test/algebra/1.json",
        "Algebra",
        "Level 3",
    )


def test_the_formats_solutions_example_parses_into_graded_paths() -> None:
    record = parse_one("solutions", SOLUTIONS_LINE)
    assert record.external_id == "shop-17"
    assert record.reference_answer == "8"
    assert record.answer_type == "numeric"
    assert [[s.text for s in p.steps] for p in record.paths] == [
        ["12 / 3 = 4", "4 * 2 = 8", "A: 8"],
        ["12 * 2 = 24", "24 / 3 = 8", "The answer is 8"],
        ["12 / 2 = 6", "6 * 3 = 18", "A: 18"],
    ]
    assert [(p.extracted_answer, p.correct) for p in record.paths] == [
        ("8", True),
        ("8", True),
        ("18", False),
    ]
    assert [p.claimed_correct for p in record.paths] == [None, None, False]
    assert {p.source for p in record.paths} == {"policy-7b"}
    assert all(p.terminal for p in record.paths)


def test_a_claimed_verdict_never_replaces_the_verifiers() -> None:
    line = json.dumps(
        {"id": 7, "question": "q", "answer": 8, "solutions": [{"text": "A: 9", "is_correct": True}]}
    )
    record = parse_one("solutions", line)
    assert record.external_id == "7"
    assert record.reference_answer == "8"
    (path,) = record.paths
    assert (path.claimed_correct, path.correct) == (True, False)


def test_a_non_numeric_solutions_reference_is_graded_as_an_expression() -> None:
    line = json.dumps(
        {
            "id": "h",
            "question": "q",
            "answer": "2\\sqrt{2}",
            "solutions": [{"text": "A: \\sqrt{8}"}],
        }
    )
    record = parse_one("solutions", line)
    assert record.answer_type == "expression"
    assert record.paths[0].correct is True


def test_the_formats_prm800k_example_parses_into_a_chosen_path_and_an_alternative() -> None:
    record = parse_one("prm800k", PRM800K_LINE)
    assert record.statement == "…"
    assert record.reference_answer == "15"
    assert record.source == "prm800k"
    assert record.external_id == content_external_id("prm800k", "…")
    chosen, alternative = record.paths
    assert [(s.text, s.rating) for s in chosen.steps] == [("First, …", 1), ("So it is 15.", 1)]
    assert (chosen.terminal, chosen.extracted_answer, chosen.correct) == (True, "15", True)
    assert [(s.text, s.rating) for s in alternative.steps] == [
        ("First, …", 1),
        ("So it is 16.", -1),
    ]
    assert (alternative.terminal, alternative.correct) == (False, None)
    assert {p.labeler for p in record.paths} == {"3f2a…"}
    assert record.metadata == {
        "generation": 1,
        "timestamp": "2023-01-22T04:34:27.052924",
        "is_quality_control_question": False,
        "is_initial_screening_question": False,
        "finish_reason": "solution",
        "labeler": "3f2a…",
    }


def prm800k_line(steps: list[dict], finish_reason: str = "found_error") -> str:
    return json.dumps(
        {
            "labeler": "L",
            "question": {"problem": "p", "ground_truth_answer": "4"},
            "label": {"steps": steps, "finish_reason": finish_reason},
        }
    )


def test_a_prm800k_human_completion_continues_the_chosen_path() -> None:
    steps = [
        {
            "completions": [{"text": "2 + 2 = 5", "rating": -1, "flagged": False}],
            "chosen_completion": None,
            "human_completion": {"text": "2 + 2 = 4", "rating": None},
        },
        {"completions": [{"text": "# Answer\n\n4", "rating": 1}], "chosen_completion": 0},
    ]
    record = parse_one("prm800k", prm800k_line(steps, "solution"))
    chosen, alternative = record.paths
    assert [s.text for s in chosen.steps] == ["2 + 2 = 4", "# Answer\n\n4"]
    assert chosen.correct is True
    assert [(s.text, s.rating) for s in alternative.steps] == [("2 + 2 = 5", -1)]


def test_a_prm800k_path_with_no_chosen_step_stops_there_and_is_not_terminal() -> None:
    steps = [
        {"completions": [{"text": "a", "rating": 1}], "chosen_completion": 0},
        {"completions": [{"text": "b", "rating": -1, "flagged": True}], "chosen_completion": None},
        {"completions": [{"text": "never reached", "rating": 1}], "chosen_completion": 0},
    ]
    chosen, wrong = parse_one("prm800k", prm800k_line(steps, "solution")).paths
    assert [s.text for s in chosen.steps] == ["a"]
    assert chosen.terminal is False
    assert [(s.text, s.flagged) for s in wrong.steps] == [("a", False), ("b", True)]


def test_prm800k_lines_about_one_problem_group_into_one_record() -> None:
    other = json.loads(PRM800K_LINE)
    other["labeler"] = "second"
    results = list(parse_lines("prm800k", [PRM800K_LINE, json.dumps(other), GSM8K_LINE]))
    records = [r for r in results if isinstance(r, ProblemRecord)]
    grouped = group_records(records)
    assert len(grouped) == 1
    assert grouped[0].line == 1
    assert [p.labeler for p in grouped[0].paths] == ["3f2a…", "3f2a…", "second", "second"]
    assert len(records[0].paths) == 2  # The inputs are left as they were.
    assert isinstance(results[2], LineError)


@pytest.mark.parametrize("fmt", FORMATS)
def test_invalid_json_is_reported_against_its_line(fmt: str) -> None:
    assert error_of(fmt, '{"question": ').message.startswith("invalid JSON: ")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("line", "kind"), [("[1, 2]", "array"), ('"text"', "string")])
def test_a_line_that_is_not_an_object_is_reported(fmt: str, line: str, kind: str) -> None:
    assert error_of(fmt, line).message == f"expected a JSON object, got {kind}"


def test_undecodable_bytes_are_reported_against_their_line() -> None:
    assert error_of("gsm8k", b'{"question": "\xff"}').message.startswith("invalid UTF-8")


def test_byte_lines_are_decoded() -> None:
    assert parse_one("gsm8k", GSM8K_LINE.encode()).reference_answer == "8"


def without(line: str, *path: str) -> str:
    obj = json.loads(line)
    target = obj
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return json.dumps(obj)


def with_value(line: str, value: object, *path: str | int) -> str:
    obj = json.loads(line)
    target = obj
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return json.dumps(obj)


@pytest.mark.parametrize(
    ("fmt", "line", "message"),
    [
        ("gsm8k", without(GSM8K_LINE, "question"), 'field "question" is missing'),
        ("gsm8k", without(GSM8K_LINE, "answer"), 'field "answer" is missing'),
        ("math", without(MATH_LINE, "solution"), 'field "solution" is missing'),
        ("solutions", without(SOLUTIONS_LINE, "id"), 'field "id" is missing'),
        ("solutions", without(SOLUTIONS_LINE, "solutions"), 'field "solutions" is missing'),
        (
            "solutions",
            without(SOLUTIONS_LINE, "solutions", 0, "text"),
            'field "solutions[0]" has neither "text" nor "steps"',
        ),
        ("prm800k", without(PRM800K_LINE, "label"), 'field "label" is missing'),
        (
            "prm800k",
            without(PRM800K_LINE, "question", "problem"),
            'field "question.problem" is missing',
        ),
        (
            "prm800k",
            without(PRM800K_LINE, "label", "steps", 1, "completions", 0, "text"),
            'field "label.steps[1].completions[0].text" is missing',
        ),
    ],
)
def test_a_missing_field_is_named(fmt: str, line: str, message: str) -> None:
    assert error_of(fmt, line).message == message


@pytest.mark.parametrize(
    ("fmt", "line", "message"),
    [
        (
            "gsm8k",
            with_value(GSM8K_LINE, 7, "question"),
            'field "question" must be a string, got number',
        ),
        ("gsm8k", with_value(GSM8K_LINE, "  ", "question"), 'field "question" is empty'),
        (
            "gsm8k",
            with_value(GSM8K_LINE, True, "id"),
            'field "id" must be a string or an integer, got boolean',
        ),
        (
            "math",
            with_value(MATH_LINE, ["Level 1"], "level"),
            'field "level" must be a string, got array',
        ),
        (
            "solutions",
            with_value(SOLUTIONS_LINE, {}, "solutions"),
            'field "solutions" must be an array, got object',
        ),
        (
            "solutions",
            with_value(SOLUTIONS_LINE, "x", "solutions", 1),
            'field "solutions[1]" must be an object, got string',
        ),
        (
            "solutions",
            with_value(SOLUTIONS_LINE, ["a", ""], "solutions", 1, "steps"),
            'field "solutions[1].steps[1]" is empty',
        ),
        (
            "solutions",
            with_value(SOLUTIONS_LINE, "\n \n", "solutions", 0, "text"),
            'field "solutions[0].text" is empty',
        ),
        (
            "solutions",
            with_value(SOLUTIONS_LINE, "no", "solutions", 2, "is_correct"),
            'field "solutions[2].is_correct" must be true, false or null, got string',
        ),
        (
            "prm800k",
            with_value(PRM800K_LINE, 2, "label", "steps", 1, "completions", 0, "rating"),
            'field "label.steps[1].completions[0].rating" must be -1, 0, 1 or null, got 2',
        ),
        (
            "prm800k",
            with_value(PRM800K_LINE, 2, "label", "steps", 1, "chosen_completion"),
            'field "label.steps[1].chosen_completion" must be null or an index into '
            "2 completions, got 2",
        ),
    ],
)
def test_a_wrongly_typed_field_is_named(fmt: str, line: str, message: str) -> None:
    assert error_of(fmt, line).message == message


def test_a_gsm8k_answer_without_a_final_answer_is_reported() -> None:
    line = with_value(GSM8K_LINE, "4 * 2 = 8", "answer")
    assert error_of("gsm8k", line).message == 'field "answer" has no "#### " final answer'


def test_a_math_solution_without_a_box_is_reported() -> None:
    line = with_value(MATH_LINE, "It is 15.", "solution")
    assert error_of("math", line).message == 'field "solution" has no \\boxed{} final answer'


def test_oversize_fields_name_the_field_and_the_limit() -> None:
    small = ImportLimits(max_statement_chars=10, max_step_chars=12, max_steps_per_path=2)
    assert error_of("gsm8k", GSM8K_LINE, small).message == (
        'field "question" has 53 characters, more than the limit of 10 (max_statement_chars)'
    )
    roomy = ImportLimits(max_step_chars=12, max_steps_per_path=2)
    assert error_of("solutions", SOLUTIONS_LINE, roomy).message == (
        'field "solutions[0].text" has 3 steps, more than the limit of 2 (max_steps_per_path)'
    )
    long_step = with_value(SOLUTIONS_LINE, ["a" * 13], "solutions", 1, "steps")
    assert error_of("solutions", long_step, ImportLimits(max_step_chars=12)).message == (
        'field "solutions[1].steps[0]" has 13 characters, more than the limit of 12 '
        "(max_step_chars)"
    )
    assert error_of("solutions", SOLUTIONS_LINE, ImportLimits(max_paths_per_problem=2)).message == (
        'field "solutions" has 3 solutions, more than the limit of 2 (max_paths_per_problem)'
    )


def test_an_oversize_line_is_refused_before_parsing() -> None:
    message = error_of("gsm8k", GSM8K_LINE, ImportLimits(max_line_chars=50)).message
    assert message.startswith("line has ")
    assert message.endswith("(max_line_chars)")


def test_blank_lines_are_skipped_but_counted() -> None:
    results = list(parse_lines("gsm8k", ["\n", GSM8K_LINE, "   \n", "{}", ""]))
    assert [(type(r).__name__, r.line) for r in results] == [
        ("ProblemRecord", 2),
        ("LineError", 4),
    ]


def test_an_unknown_format_fails_at_once() -> None:
    with pytest.raises(ValueError, match="unknown import format"):
        parse_lines("csv", [])


def test_the_real_gsm8k_test_split_parses_without_errors() -> None:
    with gsm8k_test_file().open("rb") as lines:
        results = list(parse_lines("gsm8k", lines))
    errors = [r for r in results if isinstance(r, LineError)]
    assert errors == []
    assert len(results) == 1319
    assert all(r.reference_answer and r.reference_solution for r in results)
    assert len({r.external_id for r in results}) == 1319


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)


def locations(value: object, here: tuple = ()) -> list[tuple]:
    """Every key/index path inside a JSON value."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return []
    found = []
    for key, child in items:
        found.append((*here, key))
        found.extend(locations(child, (*here, key)))
    return found


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(EXAMPLES), st.data())
def test_no_mutation_of_an_example_makes_the_parser_raise(
    example: tuple[str, str], data: st.DataObject
) -> None:
    fmt, line = example
    where = data.draw(st.sampled_from(locations(json.loads(line))))
    mutated = with_value(line, data.draw(json_values), *where)
    (result,) = parse_lines(fmt, [mutated])
    assert isinstance(result, ProblemRecord | LineError)


def test_prm800k_alternatives_beyond_the_path_limit_are_refused() -> None:
    steps = [{"completions": [{"text": f"s{j}"} for j in range(3)], "chosen_completion": 0}]
    message = error_of("prm800k", prm800k_line(steps), ImportLimits(max_paths_per_problem=2))
    assert message.message == (
        'field "label.steps" has 3 paths, more than the limit of 2 (max_paths_per_problem)'
    )
