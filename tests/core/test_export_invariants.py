"""Every row of every format keeps the export contract, over generated trees.

`word_problem_tree` is a small pure generator of labelled arithmetic trees that look like the
ones Arbor builds: steps that compute numbers (the reference answer among them), terminals
that state their answer in the forms real solutions use (`A: x`, "so the answer is x",
`\\boxed{x}`), wrong branches graded incorrect, -1 labels whose notes sometimes give the answer
away, Monte-Carlo values, some of them stale. The contract's own checks
(`trees.core.export_contract.row_problems`) then run over every row `tree_rows` makes.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from trees.core.derive import StepView, TreeView
from trees.core.export_contract import (
    answer_statements,
    mentions_answer,
    row_problems,
    strip_answer_statements,
)
from trees.exporting.rows import tree_rows
from trees.exporting.spec import FORMATS, ExportSpec

FEW = settings(max_examples=80, deadline=None)

ANSWER_FORMS = (
    "A: {x}",
    "The answer is {x}.",
    "{y} + 0 = {x}, so the answer is {x}.",
    r"\boxed{{{x}}}",
)
NOTES = ("", "", "Wrong operation here.", "It should be {ref}.", "The total is not {w}.")


def word_problem_tree(seed: int, size: int = 14) -> TreeView:
    """A labelled tree for "what is a * b?" with right and wrong branches (pure, seeded)."""
    rng = random.Random(seed)
    a, b = rng.randint(2, 9), rng.randint(2, 9)
    reference = a * b
    steps = {0: StepView(0, None, f"What is {a} times {b}?", 0)}
    frontier = [0]
    next_id = 1
    orders: dict[int, int] = {}

    def add(parent: int, text: str, **fields: object) -> int:
        nonlocal next_id
        node = next_id
        next_id += 1
        order = orders.get(parent, 0)
        orders[parent] = order + 1
        steps[node] = StepView(node, parent, text, order, **fields)
        return node

    while next_id < size and frontier:
        parent = rng.choice(frontier)
        right = rng.random() < 0.5
        value = reference if right else reference + rng.choice([-2, -1, 1, a, b])
        rating = rng.choice([1, 1, 0, None]) if right else rng.choice([-1, -1, 0, None])
        note = rng.choice(NOTES).format(ref=reference, w=value) if rating == -1 else ""
        mc = rng.choice([None, rng.random()])
        kind = rng.random()
        if kind < 0.35:  # a terminal stating its answer
            form = rng.choice(ANSWER_FORMS).format(x=value, y=value)
            add(
                parent,
                form,
                is_terminal=True,
                correctness="correct" if right else "incorrect",
                rating=rating,
                note=note,
                value=mc,
                value_stale=rng.random() < 0.3,
            )
        else:  # a computing step, which may quote the reference answer as a number
            text = rng.choice(
                [
                    f"{a} * {b} = {value}",
                    f"First, {a} groups of {b}. That makes {value}.",
                    f"{b} * {a}",
                ]
            )
            node = add(
                parent,
                text,
                rating=rating,
                note=note,
                value=mc,
                value_stale=rng.random() < 0.3,
            )
            frontier.append(node)
    return TreeView(problem=steps[0].text, reference_answer=str(reference), steps=steps, root=0)


def check_tree(tree: TreeView, spec: ExportSpec) -> int:
    rows, _ = tree_rows(spec, tree)
    for row in rows:
        problems = row_problems(
            spec.format, row, reference=tree.reference_answer, zero_is_true=spec.zero_is_true
        )
        assert problems == [], (spec.format, row, problems)
    return len(rows)


@FEW
@given(
    st.integers(0, 10**9),
    st.integers(4, 24),
    st.integers(0, 3),
    st.integers(1, 3),
    st.booleans(),
    st.booleans(),
)
def test_every_row_of_every_format_keeps_the_contract(
    seed: int, size: int, max_wrong: int, depth: int, zero_is_true: bool, soft: bool
) -> None:
    tree = word_problem_tree(seed, size)
    for fmt in FORMATS:
        spec = ExportSpec(
            format=fmt,
            max_wrong=max_wrong,
            max_depth_wrong=depth,
            zero_is_true=zero_is_true,
            soft_labels=soft,
        )
        check_tree(tree, spec)


def test_the_generator_makes_trees_the_checks_can_fail_on() -> None:
    """The property above is not vacuous: across seeds there are journeys with backtracks,
    wrong answers, notes giving the reference away, DPO pairs and PRM rows."""
    made = {fmt: 0 for fmt in FORMATS}
    leaky_notes = 0
    backtracks = 0
    for seed in range(60):
        tree = word_problem_tree(seed, 20)
        leaky_notes += sum(
            bool(step.note) and mentions_answer(step.note, tree.reference_answer)
            for step in tree.steps.values()
        )
        for fmt in FORMATS:
            made[fmt] += check_tree(tree, ExportSpec(format=fmt, soft_labels=True))
        rows, _ = tree_rows(ExportSpec(format="sft-journey"), tree)
        backtracks += sum(row["messages"][1]["content"].count("Going back") for row in rows)
    assert all(count > 0 for count in made.values()), made
    assert leaky_notes > 0 and backtracks > 0


def test_the_checks_catch_what_the_issue_reported() -> None:
    """The rows the issue quoted break the contract, as the checks say."""
    old_sft = {
        "messages": [
            {"role": "user", "content": "q"},
            {
                "role": "assistant",
                "content": "12 / 2 = 6\nWait, this leads to 18, not 8. Going back to: A third "
                "of 24 is 24 / 3…\n4 * 2 = 8\nA: 8\n\nAnswer: 8",
            },
        ]
    }
    problems = row_problems("sft-journey", old_sft, reference="8")
    assert any("stated 2 times" in p for p in problems)
    assert any("reference answer" in p for p in problems)
    assert any("ellipsis" in p for p in problems)
    old_dpo = {"prompt": "How much?", "chosen": "Janet eats 3.", "rejected": "Janet eats  3."}
    assert len(row_problems("dpo", old_dpo)) == 2  # no separator; the sides read the same
    misaligned = {"prompt": "q\n", "completions": ["a", "b"], "labels": [False, True]}
    assert row_problems("prm-stepwise", {**misaligned, "ratings": [-1, 1]}) == [
        "a step follows the first false label"
    ]
    assert "labels do not align with completions" in row_problems(
        "prm-stepwise", {"prompt": "q\n", "completions": ["a"], "labels": [], "ratings": []}
    )


def test_answer_statements_are_stripped_in_every_form() -> None:
    assert strip_answer_statements("4 * 2 = 8\nA: 8") == "4 * 2 = 8"
    assert strip_answer_statements("4 * 2 = 8, so the answer is 8.") == "4 * 2 = 8."
    assert strip_answer_statements("So $4 \\cdot 2 = \\boxed{8}$") == "So $4 \\cdot 2 = 8$"
    assert strip_answer_statements("#### 8") == ""
    assert strip_answer_statements("4 * 2 = 8\n$\\boxed{8}$") == "4 * 2 = 8"
    assert strip_answer_statements("It is 8.\n# Answer\n\n8") == "It is 8."
    assert answer_statements("12 / 3 = 4\nA third of 12 is 4") == 0


def test_a_steiner_reflection_is_checked_only_where_the_step_turns_back() -> None:
    def row(reflection: str, ending: str) -> dict[str, object]:
        content = (
            "<|reasoning_start|><|reasoning_step_start|><|reasoning_step_thought_start|>"
            "4 * 2<|reasoning_step_thought_end|><|reasoning_step_reflection_start|>"
            f"{reflection}<|reasoning_step_reflection_end|><|reasoning_step_end|>{ending}"
            "<|reasoning_step_start|><|reasoning_step_thought_start|>4 * 2 = 8"
            "<|reasoning_step_thought_end|><|reasoning_step_end|><|reasoning_end|>Answer: 8"
        )
        return {
            "messages": [
                {"role": "user", "content": "q"},
                {"role": "assistant", "content": content},
            ]
        }

    assert (
        row_problems("steiner", row("That makes 8.", "<|reasoning_proceed|>"), reference="8") == []
    )
    leaky = row_problems("steiner", row("Not 8.", "<|reasoning_backtrack|>"), reference="8")
    assert leaky and "reference answer" in leaky[0]
