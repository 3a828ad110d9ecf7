"""Export rows for every format (trees.core.export_rows)."""

from __future__ import annotations

import json
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.core.test_derive import FEW, PEN_PROBLEM, make_tree, random_trees
from trees.core.derive import TreeView, children
from trees.core.export_contract import dpo_row_problems, prm_row_problems
from trees.core.export_rows import (
    STEINER_LIMITS,
    dpo_solution_rows,
    dpo_step_rows,
    prm800k_rows,
    prm_stepwise_rows,
    root_to_leaf_paths,
    sft_row,
    solution_text,
    spread_pairs,
    state_answer_once,
    steiner_row,
    within_limits,
)
from trees.core.imports import LineError, ProblemRecord, parse_lines


def round_trips(row: dict[str, Any]) -> bool:
    line = json.dumps(row, ensure_ascii=False)
    return json.loads(line) == row and "\n" not in line


def labelled_tree() -> TreeView:
    """The pen problem with FORMATS.md's step-level pair: 4 * 2 = 8 (+1) against 4 * 3 (-1)."""
    return make_tree(
        [
            (1, None, PEN_PROBLEM, {}),
            (2, 1, "12 / 3 = 4", {"rating": 1}),
            (3, 2, "4 * 2 = 8", {"rating": 1}),
            (4, 3, "A: 8", {"is_terminal": True, "correctness": "correct", "rating": 1}),
            (5, 2, "4 * 3 = 12", {"rating": -1}),
            (6, 5, "A: 12", {"is_terminal": True, "correctness": "incorrect", "rating": -1}),
            (7, 2, "4 + 4 = 8", {"rating": 0}),
            (8, 7, "A: 8", {"is_terminal": True, "correctness": "correct", "rating": 1}),
        ]
    )


def test_an_sft_row_is_a_trl_conversation_ending_with_the_answer() -> None:
    row = sft_row("What is 1 + 1?", "1 + 1 = 2\n", "2")
    assert row == {
        "messages": [
            {"role": "user", "content": "What is 1 + 1?"},
            {"role": "assistant", "content": "1 + 1 = 2\n\nAnswer: 2"},
        ]
    }
    assert sft_row("q", "", "2")["messages"][1]["content"] == "Answer: 2"
    assert sft_row("q", "t", None)["messages"][1]["content"] == "t"


def test_an_approved_thought_from_before_the_contract_states_its_answer_once() -> None:
    assert state_answer_once("12 / 3 = 4\n4 * 2 = 8\nA: 8\n\nAnswer: 8") == (
        "12 / 3 = 4\n4 * 2 = 8\n\nAnswer: 8"
    )
    assert state_answer_once("I checked every step.\n\nAnswer: 8") == (
        "I checked every step.\n\nAnswer: 8"
    )
    assert state_answer_once("4 * 2 = 8\nA: 8") == "4 * 2 = 8\n\nAnswer: 8"
    assert state_answer_once("My own words.") == "My own words."


def test_a_steiner_row_has_the_same_conversational_shape() -> None:
    row = steiner_row("q", "<|reasoning_start|>…<|reasoning_end|>Answer: 8")
    assert list(row) == ["messages"]
    assert [m["role"] for m in row["messages"]] == ["user", "assistant"]
    assert row["messages"][1]["content"].endswith("Answer: 8")


def test_limits_are_strict_and_an_unmeasured_length_is_an_error() -> None:
    assert within_limits({"reasoning": 4095, "total": 8191}, STEINER_LIMITS)
    assert not within_limits({"reasoning": 4096, "total": 5000}, STEINER_LIMITS)
    assert within_limits({"reasoning": 1}, {})
    with pytest.raises(ValueError, match="total"):
        within_limits({"reasoning": 1}, STEINER_LIMITS)


def test_root_to_leaf_paths_list_steps_below_the_root_in_order() -> None:
    assert list(root_to_leaf_paths(labelled_tree())) == [[2, 3, 4], [2, 5, 6], [2, 7, 8]]
    assert list(root_to_leaf_paths(make_tree([(1, None, "q", {})]))) == []


def test_stepwise_rows_are_cut_after_the_first_false_step() -> None:
    rows = list(prm_stepwise_rows(labelled_tree()))
    assert rows == [
        {
            "prompt": PEN_PROBLEM + "\n",
            "completions": ["12 / 3 = 4", "4 * 2 = 8", "A: 8"],
            "labels": [True, True, True],
            "ratings": [1, 1, 1],
        },
        {
            "prompt": PEN_PROBLEM + "\n",
            "completions": ["12 / 3 = 4", "4 * 3 = 12"],
            "labels": [True, False],
            "ratings": [1, -1],
        },
        {
            "prompt": PEN_PROBLEM + "\n",
            "completions": ["12 / 3 = 4", "4 + 4 = 8"],
            "labels": [True, False],
            "ratings": [1, 0],
        },
    ]


def test_zero_is_true_lets_a_neutral_step_continue_the_row() -> None:
    rows = list(prm_stepwise_rows(labelled_tree(), zero_is_true=True))
    assert rows[2] == {
        "prompt": PEN_PROBLEM + "\n",
        "completions": ["12 / 3 = 4", "4 + 4 = 8", "A: 8"],
        "labels": [True, True, True],
        "ratings": [1, 0, 1],
    }


def test_stepwise_rows_stop_before_an_unlabelled_step_and_merge_shared_prefixes() -> None:
    tree = make_tree(
        [
            (1, None, "q", {}),
            (2, 1, "a", {"rating": 1}),
            (3, 2, "b", {}),
            (4, 3, "c", {"rating": 1}),
            (5, 2, "d", {}),
            (6, 1, "e", {}),
            (7, 6, "f", {"rating": 1}),
        ]
    )
    assert list(prm_stepwise_rows(tree)) == [
        {"prompt": "q\n", "completions": ["a"], "labels": [True], "ratings": [1]}
    ]


def brute_force_stepwise(tree: TreeView, zero_is_true: bool) -> set[tuple[int, ...]]:
    """Each path cut at its first unlabelled step and after its first false one; empty,
    repeated and strict-prefix rows dropped."""
    cut = set()
    for path in root_to_leaf_paths(tree):
        kept: list[int] = []
        for node in path:
            rating = tree.steps[node].rating
            if rating is None:
                break
            kept.append(node)
            if not (rating == 1 or (rating == 0 and zero_is_true)):
                break
        if kept:
            cut.add(tuple(kept))
    return {row for row in cut if not any(o[: len(row)] == row and o != row for o in cut)}


@FEW
@given(random_trees(), st.booleans())
def test_stepwise_rows_are_the_maximal_labelled_prefixes_of_every_path(
    tree: TreeView, zero_is_true: bool
) -> None:
    rows = list(prm_stepwise_rows(tree, zero_is_true=zero_is_true))
    expected = brute_force_stepwise(tree, zero_is_true)
    texts = {tuple(tree.steps[n].text for n in row) for row in expected}
    assert len(rows) == len(expected)
    assert {tuple(row["completions"]) for row in rows} <= texts
    for row in rows:
        assert round_trips(row)
        assert list(row) == ["prompt", "completions", "labels", "ratings"]
        assert len(row["completions"]) == len(row["labels"]) == len(row["ratings"])
        assert all(row["labels"][:-1])


def test_a_plus_one_and_a_minus_one_sibling_make_a_step_pair() -> None:
    assert list(dpo_step_rows(labelled_tree())) == [
        {
            "prompt": f"{PEN_PROBLEM}\n12 / 3 = 4\n",
            "chosen": "4 * 2 = 8",
            "rejected": "4 * 3 = 12",
        }
    ]


def test_step_pairs_at_the_root_use_the_problem_alone_spread_out_and_capped() -> None:
    tree = make_tree(
        [
            (1, None, "q", {}),
            (2, 1, "good 1", {"rating": 1}),
            (3, 1, "bad 1", {"rating": -1}),
            (4, 1, "good 2", {"rating": 1}),
            (5, 1, "bad 2", {"rating": -1}),
            (6, 1, "good  1", {"rating": -1}),
        ]
    )
    rows = list(dpo_step_rows(tree))
    assert [(r["prompt"], r["chosen"], r["rejected"]) for r in rows] == [
        ("q\n", "good 1", "bad 1"),
        ("q\n", "good 2", "bad 2"),
        ("q\n", "good 1", "bad 2"),
        ("q\n", "good 2", "good  1"),
        ("q\n", "good 2", "bad 1"),
    ]
    capped = list(dpo_step_rows(tree, max_pairs_per_parent=2))
    assert [(r["chosen"], r["rejected"]) for r in capped] == [
        ("good 1", "bad 1"),
        ("good 2", "bad 2"),
    ]


def test_solution_pairs_put_a_correct_path_against_an_incorrect_one() -> None:
    rows = list(dpo_solution_rows(labelled_tree(), max_pairs=10))
    assert rows == [
        {
            "prompt": PEN_PROBLEM + "\n",
            "chosen": "12 / 3 = 4\n4 * 2 = 8\n\nAnswer: 8",
            "rejected": "12 / 3 = 4\n4 * 3 = 12\n\nAnswer: 12",
        },
        {
            "prompt": PEN_PROBLEM + "\n",
            "chosen": "12 / 3 = 4\n4 + 4 = 8\n\nAnswer: 8",
            "rejected": "12 / 3 = 4\n4 * 3 = 12\n\nAnswer: 12",
        },
    ]
    assert list(dpo_solution_rows(labelled_tree(), max_pairs=0)) == []


@FEW
@given(st.integers(0, 5), st.integers(0, 5))
def test_spread_pairs_gives_every_pair_once(n_chosen: int, n_rejected: int) -> None:
    pairs = list(spread_pairs(n_chosen, n_rejected))
    assert sorted(pairs) == [(i, j) for i in range(n_chosen) for j in range(n_rejected)]
    first = pairs[: min(n_chosen, n_rejected)]
    assert len({i for i, _ in first}) == len({j for _, j in first}) == len(first)


@FEW
@given(random_trees(), st.integers(1, 6))
def test_solution_pairs_are_capped_distinct_and_deterministic(
    tree: TreeView, max_pairs: int
) -> None:
    rows = list(dpo_solution_rows(tree, max_pairs=max_pairs))
    assert rows == list(dpo_solution_rows(tree, max_pairs=max_pairs))
    assert len(rows) <= max_pairs
    terminals = [s for s in tree.steps.values() if s.is_terminal and s.id != tree.root]
    correct = [solution_text(tree, s.id) for s in terminals if s.correctness == "correct"]
    incorrect = [solution_text(tree, s.id) for s in terminals if s.correctness == "incorrect"]
    differ = sum(" ".join(a.split()) != " ".join(b.split()) for a in correct for b in incorrect)
    assert len(rows) == min(max_pairs, differ)
    assert all(round_trips(row) for row in rows)
    assert all(dpo_row_problems(row) == [] for row in rows)


def test_a_solution_pair_whose_sides_read_the_same_is_never_emitted() -> None:
    tree = make_tree(
        [
            (1, None, "q", {}),
            (2, 1, "A: 8", {"is_terminal": True, "correctness": "correct"}),
            (3, 1, "A:  8", {"is_terminal": True, "correctness": "incorrect"}),
            (4, 1, "A: 9", {"is_terminal": True, "correctness": "incorrect"}),
        ]
    )
    rows = list(dpo_solution_rows(tree, max_pairs=5))
    assert rows == [{"prompt": "q\n", "chosen": "Answer: 8", "rejected": "Answer: 9"}]


def test_a_dpo_prompt_ends_where_its_completion_begins() -> None:
    """TRL joins prompt + completion verbatim: without a separator the step ran into the
    question ("…cost?12 / 3 = 4")."""
    for row in [*dpo_step_rows(labelled_tree()), *dpo_solution_rows(labelled_tree(), max_pairs=3)]:
        joined = row["prompt"] + row["chosen"]
        assert "?12" not in joined and joined.startswith(PEN_PROBLEM + "\n12 / 3 = 4\n")
        assert dpo_row_problems(row) == []


def test_soft_labels_are_current_monte_carlo_values_beside_the_booleans() -> None:
    tree = make_tree(
        [
            (1, None, "q", {}),
            (2, 1, "a", {"rating": 1, "value": 0.75}),
            (3, 2, "b", {"rating": 1, "value": 0.5, "value_stale": True}),
            (4, 3, "c", {"rating": -1}),
        ]
    )
    (row,) = prm_stepwise_rows(tree, soft_labels=True)
    assert row["labels"] == [True, True, False]
    assert row["values"] == [0.75, None, None]  # stale, then never estimated
    assert prm_row_problems(row) == []
    assert "values" not in next(iter(prm_stepwise_rows(tree)))


def parse_prm800k(rows: list[dict[str, Any]]) -> list[ProblemRecord]:
    records = list(parse_lines("prm800k", [json.dumps(row) for row in rows]))
    errors = [r for r in records if isinstance(r, LineError)]
    assert errors == []
    return [r for r in records if isinstance(r, ProblemRecord)]


def test_prm800k_rows_parse_back_through_the_importer() -> None:
    tree = labelled_tree()
    rows = list(prm800k_rows(tree, labeler="expert-1"))
    assert [row["label"]["finish_reason"] for row in rows] == [
        "solution",
        "found_error",
        "solution",
    ]
    assert rows[1]["label"]["steps"][1] == {
        "completions": [
            {"text": "4 * 2 = 8", "rating": 1, "flagged": None},
            {"text": "4 * 3 = 12", "rating": -1, "flagged": None},
            {"text": "4 + 4 = 8", "rating": 0, "flagged": None},
        ],
        "human_completion": None,
        "chosen_completion": 1,
    }
    records = parse_prm800k(rows)
    assert [r.reference_answer for r in records] == ["8", "8", "8"]
    first = records[0].paths[0]
    assert [(s.text, s.rating) for s in first.steps] == [
        ("12 / 3 = 4", 1),
        ("4 * 2 = 8", 1),
        ("A: 8", 1),
    ]
    assert first.labeler == "expert-1"
    assert first.terminal and first.correct is True
    assert records[1].paths[0].terminal is False


def test_prm800k_rows_skip_paths_without_any_rating_and_give_up_at_unfinished_leaves() -> None:
    tree = make_tree(
        [
            (1, None, "q", {}),
            (2, 1, "a", {}),
            (3, 1, "b", {"rating": 1}),
            (4, 3, "c", {}),
        ]
    )
    rows = list(prm800k_rows(tree))
    assert len(rows) == 1
    assert rows[0]["label"]["finish_reason"] == "give_up"
    assert [s["chosen_completion"] for s in rows[0]["label"]["steps"]] == [1, 0]


@FEW
@given(random_trees())
def test_prm800k_rows_of_any_tree_reimport_with_their_paths_and_ratings(tree: TreeView) -> None:
    rows = list(prm800k_rows(tree))
    assert all(round_trips(row) for row in rows)
    kids = children(tree)
    for row, record in zip(rows, parse_prm800k(rows), strict=True):
        chosen = record.paths[0]
        parent = tree.root
        for step, labelled in zip(row["label"]["steps"], chosen.steps, strict=True):
            node = kids[parent][step["chosen_completion"]]
            assert labelled.text == tree.steps[node].text
            assert labelled.rating == tree.steps[node].rating
            parent = node
        assert any(s.rating is not None for s in chosen.steps)
        # Every sibling not chosen comes back as an alternative path.
        alternatives = sum(len(s["completions"]) - 1 for s in row["label"]["steps"])
        assert len(record.paths) == 1 + alternatives


@FEW
@given(random_trees())
def test_every_row_of_every_format_survives_json(tree: TreeView) -> None:
    rows = [
        *prm_stepwise_rows(tree),
        *dpo_step_rows(tree),
        *dpo_solution_rows(tree, max_pairs=3),
        *prm800k_rows(tree),
    ]
    assert all(round_trips(row) for row in rows)
    paths = list(root_to_leaf_paths(tree))
    kids = children(tree)
    assert len(paths) == sum(1 for n in tree.steps if n != tree.root and not kids[n])
    for path in paths:
        assert tree.steps[path[0]].parent == tree.root
        assert all(tree.steps[b].parent == a for a, b in pairwise(path))
