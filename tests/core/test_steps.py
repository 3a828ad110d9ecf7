"""Step segmentation (trees.core.steps)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trees.core.steps import STRATEGIES, join_steps, normalize_step, split_steps

# Step text without line breaks of any kind (splitting only ever looks at \n and \r).
single_line = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
    max_size=40,
)
non_blank_line = single_line.filter(lambda s: s.strip() != "")


def test_line_strategy_keeps_non_empty_lines_right_stripped() -> None:
    text = "12 / 3 = 4  \n\n   \n  4 * 2 = 8\r\nA: 8\n"
    assert split_steps(text, "line") == ["12 / 3 = 4", "  4 * 2 = 8", "A: 8"]


def test_blank_line_strategy_keeps_paragraphs_together() -> None:
    text = "First, 12 / 3 = 4.\nSo four groups.\n\n  \nThen 4 * 2 = 8.\n\n\nAnswer: 8\n"
    assert split_steps(text, "blank_line") == [
        "First, 12 / 3 = 4.\nSo four groups.",
        "Then 4 * 2 = 8.",
        "Answer: 8",
    ]


def test_step_marker_strategy_splits_before_markers_and_keeps_them() -> None:
    text = "Let us think.\nStep 1: 12 / 3 = 4\nso 4 groups\n**Step 2:** 4 * 2 = 8\nstep 3. A: 8"
    assert split_steps(text, "step_marker") == [
        "Let us think.",
        "Step 1: 12 / 3 = 4\nso 4 groups",
        "**Step 2:** 4 * 2 = 8",
        "step 3. A: 8",
    ]


def test_step_marker_mid_line_is_not_a_boundary() -> None:
    assert split_steps("Step 1: as in Step 2: no", "step_marker") == ["Step 1: as in Step 2: no"]


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_empty_text_has_no_steps(strategy: str) -> None:
    assert split_steps("", strategy) == []
    assert split_steps(" \n\n \t\n", strategy) == []


def test_an_unknown_strategy_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown step strategy"):
        split_steps("a", "tokens")
    with pytest.raises(ValueError, match="unknown step strategy"):
        join_steps(["a"], "tokens")


def test_join_steps_numbers_unmarked_steps() -> None:
    assert join_steps(["a", "Step 2: b"], "step_marker") == "Step 1: a\nStep 2: b"


def test_normalize_step_collapses_whitespace() -> None:
    assert normalize_step("  12 /  3\n= 4\t") == "12 / 3 = 4"


@given(st.lists(non_blank_line, max_size=8))
def test_line_split_inverts_line_join(steps: list[str]) -> None:
    assert split_steps(join_steps(steps, "line"), "line") == [s.rstrip() for s in steps]


@given(st.lists(st.lists(non_blank_line, min_size=1, max_size=3), max_size=6))
def test_blank_line_split_inverts_blank_line_join(paragraphs: list[list[str]]) -> None:
    # A paragraph's lines are all non-blank, so it holds no blank line of its own.
    steps = ["\n".join(line.rstrip() for line in lines) for lines in paragraphs]
    assert split_steps(join_steps(steps, "blank_line"), "blank_line") == steps


@given(st.lists(non_blank_line, max_size=8))
def test_step_marker_split_inverts_step_marker_join(steps: list[str]) -> None:
    text = join_steps(steps, "step_marker")
    split = split_steps(text, "step_marker")
    assert len(split) == len(steps)
    assert split_steps(join_steps(split, "step_marker"), "step_marker") == split


@given(st.text(max_size=200), st.sampled_from(STRATEGIES))
def test_steps_are_never_blank_and_never_end_in_whitespace(text: str, strategy: str) -> None:
    for step in split_steps(text, strategy):
        assert step.strip()
        assert step == step.rstrip()


@given(st.text(max_size=100))
def test_normalize_step_is_idempotent(text: str) -> None:
    assert normalize_step(normalize_step(text)) == normalize_step(text)
