"""The demo problems: deterministic, exactly solved step by step, in the one text format."""

from __future__ import annotations

import random
import re

from workers.demo.problems import (
    DemoProblem,
    format_example,
    generate_problem,
    generate_problems,
    prompt_for,
)

EXPRESSION = re.compile(r"(\d+) ([-+*/]) (\d+) = (\d+)")


def _evaluate(left: int, operator: str, right: int) -> int | None:
    if operator == "+":
        return left + right
    if operator == "-":
        return left - right
    if operator == "*":
        return left * right
    # Divisions must be exact; anything else is a broken problem.
    return left // right if right and left % right == 0 else None


def test_same_seed_gives_same_problems_and_other_seeds_differ() -> None:
    assert generate_problems(50, seed=7) == generate_problems(50, seed=7)
    assert generate_problems(50, seed=7) != generate_problems(50, seed=8)


def test_generate_problem_draws_from_the_given_rng() -> None:
    first = [generate_problem(random.Random(3)) for _ in range(2)]
    assert first[0] == first[1]


def test_every_step_computes_exactly_and_the_last_line_names_the_answer() -> None:
    for problem in generate_problems(3_000, seed=1):
        *work, last = problem.steps
        assert last == f"The answer is {problem.answer}"
        assert 2 <= len(work) <= 4, problem
        result = None
        for step in work:
            expressions = EXPRESSION.findall(step)
            assert len(expressions) == 1, step
            left, operator, right, stated = expressions[0]
            result = _evaluate(int(left), operator, int(right))
            assert result == int(stated), step
            assert result >= 0, step
        assert result == problem.answer, problem


def test_problems_use_all_four_operations_and_many_templates() -> None:
    problems = generate_problems(500, seed=2)
    operators = {
        op for p in problems for step in p.steps for _, op, _, _ in EXPRESSION.findall(step)
    }
    assert operators == {"+", "-", "*", "/"}
    openings = {" ".join(p.question.split()[1:3]) for p in problems}
    assert len(openings) >= 8


def test_numbers_stay_small_enough_for_a_tiny_model() -> None:
    for problem in generate_problems(2_000, seed=3):
        numbers = [int(n) for step in problem.steps for n in re.findall(r"\d+", step)]
        assert max(numbers) < 1_000, problem


def test_prompt_is_the_question_line_then_one_line_per_step() -> None:
    assert prompt_for("How many?") == "Q: How many?\n"
    assert prompt_for("How many?", ["2 + 3 = 5 apples.", "The answer is 5"]) == (
        "Q: How many?\n2 + 3 = 5 apples.\nThe answer is 5\n"
    )


def test_format_example_round_trips_into_question_and_steps() -> None:
    for problem in generate_problems(200, seed=4):
        text = format_example(problem)
        assert text == prompt_for(problem.question, problem.steps)
        assert text.endswith("\n")
        first, *rest = text.removesuffix("\n").split("\n")
        assert first == f"Q: {problem.question}"
        assert DemoProblem(first.removeprefix("Q: "), tuple(rest), problem.answer) == problem


def test_each_prefix_of_steps_is_a_prompt_for_the_next_step() -> None:
    problem = generate_problems(1, seed=5)[0]
    text = format_example(problem)
    for taken in range(len(problem.steps)):
        prompt = prompt_for(problem.question, problem.steps[:taken])
        assert text.startswith(prompt)
        assert text[len(prompt) :].split("\n", 1)[0] == problem.steps[taken]
