"""Rendering plans as prose and in Steiner's token format (trees.core.render)."""

from __future__ import annotations

import re
from dataclasses import fields

from hypothesis import given
from hypothesis import strategies as st

from tests.core.test_derive import FEW, make_tree, pen_tree, random_trees
from trees.core.derive import TreeView, Visit, derive_journey, derive_shortcut
from trees.core.export_contract import sft_row_problems
from trees.core.export_rows import sft_row
from trees.core.render import (
    TRANSITIONS,
    RenderedThought,
    SteinerTokens,
    reflection_counts,
    render_prose,
    render_steiner,
    shown_text,
    thought_stats,
)


def check_spans(tree: TreeView, plan: list[Visit], rendered: RenderedThought) -> None:
    """Spans follow the plan's steps that show text, do not overlap, and slice the text to
    each step's shown text (its own answer statement left out)."""
    shown = [visit.node for visit in plan if shown_text(tree, visit.node)]
    assert [node for node, _, _ in rendered.spans] == shown
    previous_end = 0
    for node, start, end in rendered.spans:
        assert previous_end <= start <= end <= rendered.thought_end
        assert rendered.text[start:end] == shown_text(tree, node)
        previous_end = end


def steiner_endings(tree: TreeView, plan: list[Visit]) -> list[str]:
    """The step endings Steiner text should have: one per step that shows text (or turns
    back), the last one "end"."""
    shown = [v for v in plan if shown_text(tree, v.node) or v.action == "backtrack"]
    return [
        "backtrack" if v.action == "backtrack" else ("end" if i == len(shown) - 1 else "proceed")
        for i, v in enumerate(shown)
    ]


def check_steiner_grammar(text: str, tokens: SteinerTokens) -> list[str]:
    """Walk the token sequence and assert it is well nested; return the step endings."""
    names = {getattr(tokens, f.name): f.name for f in fields(tokens)}
    pattern = re.compile("|".join(re.escape(token) for token in names))
    seq = [names[m.group(0)] for m in pattern.finditer(text)]
    assert seq[0] == "reasoning_start"
    assert seq.count("reasoning_end") == 1
    i = 1
    endings = []
    while seq[i] == "step_start":
        i += 1
        for part in ("name", "thought", "summary", "reflection"):
            if seq[i] == f"{part}_start":
                assert seq[i + 1] == f"{part}_end"
                i += 2
            else:
                assert part != "thought", "every step has a thought"
        assert seq[i] == "step_end"
        i += 1
        if seq[i] in ("proceed", "backtrack"):
            endings.append(seq[i])
            i += 1
        else:
            endings.append("end")
    assert seq[i:] == ["reasoning_end"]
    return endings


def test_the_pen_journey_reads_as_prose_with_a_transition() -> None:
    tree = pen_tree()
    rendered = render_prose(tree, derive_journey(tree) or [])
    assert rendered.text == (
        "12 / 2 = 6\n"
        "6 * 3 = 18\n"
        "Wait, this leads to 18, which is wrong. Going back to the start.\n"
        "12 / 3 = 4\n"
        "4 * 2 = 8\n"
        "\n"
        "Answer: 8"
    )
    assert rendered.backtracks == 1
    assert rendered.answer == "8"
    assert rendered.thought == rendered.text.removesuffix("\n\nAnswer: 8")


def test_a_transition_names_the_step_reasoning_returns_to() -> None:
    tree = make_tree(
        [
            (1, None, "q", {}),
            (2, 1, "First we count every pen in the shop carefully today", {"rating": 1}),
            (3, 2, "4 * 3 = 12", {"rating": -1}),
            (4, 2, "A: 8", {"is_terminal": True, "correctness": "correct"}),
        ]
    )
    rendered = render_prose(tree, derive_journey(tree) or [], transitions=["Hold on,"])
    assert (
        "\nHold on, this step is wrong. Going back to "
        "\u201cFirst we count every pen in the shop carefully today\u201d.\n"
    ) in rendered.text
    assert "…" not in rendered.text


def test_the_answer_is_stated_once_even_when_steps_state_it() -> None:
    """SFT rows ended "…\\nA: 18\\n\\nAnswer: 18", and a wrong branch kept its own answer line
    before the backtrack: now the steps' answer statements are left out of the thought."""
    tree = make_tree(
        [
            (1, None, "q", {}),
            (2, 1, "12 / 2 = 6, so the answer is 6.", {"rating": -1}),
            (3, 1, "12 / 3 = 4", {"rating": 1}),
            (4, 3, "4 * 2 = 8\nA: 8", {"is_terminal": True, "correctness": "correct"}),
        ]
    )
    rendered = render_prose(tree, derive_journey(tree) or [])
    assert rendered.text == (
        "12 / 2 = 6.\n"
        "Wait, this step is wrong. Going back to the start.\n"
        "12 / 3 = 4\n"
        "4 * 2 = 8\n\n"
        "Answer: 8"
    )
    row = sft_row(tree.problem, rendered.thought, rendered.answer)
    assert sft_row_problems(row, reference="8") == []
    steiner = render_steiner(tree, derive_journey(tree) or [])
    assert steiner.text.count("8") == 2 and steiner.text.endswith("<|reasoning_end|>Answer: 8")


def test_a_stored_plan_whose_reason_names_the_reference_answer_renders_a_neutral_one() -> None:
    tree = pen_tree()
    plan = [
        Visit(2, "backtrack", returns_to=1, reason="this leads to 18, not 8"),
        Visit(5, "proceed"),
        Visit(6, "proceed"),
        Visit(7, "end"),
    ]
    rendered = render_prose(tree, plan)
    assert "Wait, this does not work. Going back to the start." in rendered.text
    assert "not 8" not in rendered.text
    assert "not 8" not in render_steiner(tree, plan).text


def test_transitions_cycle_through_the_list() -> None:
    rows: list[tuple[int, int | None, str, dict[str, object]]] = [(1, None, "q", {})]
    rows += [(10 + i, 1, f"wrong {i}", {"rating": -1}) for i in range(5)]
    rows += [(2, 1, "A: 8", {"is_terminal": True, "correctness": "correct"})]
    tree = make_tree(rows)
    rendered = render_prose(tree, derive_journey(tree, max_wrong=5) or [])
    starts = [line.split(" this")[0] for line in rendered.text.splitlines() if "this step" in line]
    assert starts == [*TRANSITIONS, TRANSITIONS[0]]


def test_the_shortcut_renders_without_transitions_and_feeds_an_sft_row() -> None:
    tree = pen_tree()
    rendered = render_prose(tree, derive_shortcut(tree) or [])
    assert rendered.text == "12 / 3 = 4\n4 * 2 = 8\n\nAnswer: 8"
    row = sft_row(tree.problem, rendered.thought, rendered.answer)
    assert row["messages"][1]["content"] == rendered.text


def test_the_pen_journey_in_steiner_format_backtracks_then_proceeds() -> None:
    tree = pen_tree()
    plan = derive_journey(tree) or []
    rendered = render_steiner(tree, plan)
    assert check_steiner_grammar(rendered.text, SteinerTokens()) == [
        "proceed",
        "backtrack",
        "proceed",
        "end",
    ]
    assert rendered.text.startswith(
        "<|reasoning_start|><|reasoning_step_start|><|reasoning_step_thought_start|>12 / 2 = 6"
        "<|reasoning_step_thought_end|><|reasoning_step_end|><|reasoning_proceed|>"
    )
    assert rendered.text.endswith("<|reasoning_step_end|><|reasoning_end|>Answer: 8")
    assert rendered.thought.endswith("<|reasoning_end|>")
    assert (
        "<|reasoning_step_reflection_start|>This leads to 18, which is wrong."
        "<|reasoning_step_reflection_end|><|reasoning_step_end|><|reasoning_backtrack|>"
    ) in rendered.text
    check_spans(tree, plan, rendered)


def test_steiner_step_parts_come_in_order_and_tokens_can_be_renamed() -> None:
    parts = {"title": "Count groups", "summary": "Four groups.", "reflection": "Looks right."}
    tree = make_tree(
        [
            (1, None, "q", {}),
            (2, 1, "12 / 3 = 4 groups.", {"parts": parts}),
            (3, 2, "A: 8", {"is_terminal": True, "correctness": "correct"}),
        ]
    )
    tokens = SteinerTokens(**{f.name: f"[{f.name}]" for f in fields(SteinerTokens)})
    rendered = render_steiner(tree, derive_journey(tree) or [], tokens=tokens)
    assert rendered.text == (
        "[reasoning_start][step_start][name_start]Count groups[name_end]"
        "[thought_start]12 / 3 = 4 groups.[thought_end]"
        "[summary_start]Four groups.[summary_end][reflection_start]Looks right.[reflection_end]"
        "[step_end][reasoning_end]Answer: 8"
    )
    assert check_steiner_grammar(rendered.text, tokens) == ["end"]


@FEW
@given(random_trees(), st.integers(0, 3), st.integers(1, 3))
def test_spans_cover_each_passage_in_order_in_both_renderings(
    tree: TreeView, max_wrong: int, max_depth_wrong: int
) -> None:
    plan = derive_journey(tree, max_wrong=max_wrong, max_depth_wrong=max_depth_wrong)
    if plan is None:
        return
    backtracks = sum(visit.action == "backtrack" for visit in plan)
    prose = render_prose(tree, plan)
    check_spans(tree, plan, prose)
    assert prose.backtracks == backtracks
    # Each default transition holds exactly one reflection phrase; step texts hold none.
    assert sum(reflection_counts(prose.text).values()) == backtracks
    ending = f"\n\nAnswer: {prose.answer}" if prose.thought else f"Answer: {prose.answer}"
    assert prose.text == prose.thought + ending
    steiner = render_steiner(tree, plan)
    check_spans(tree, plan, steiner)
    endings = check_steiner_grammar(steiner.text, SteinerTokens())
    assert endings == steiner_endings(tree, plan)
    assert thought_stats(steiner.text)["backtrack_tokens"] == backtracks


def test_reflection_counts_match_whole_words_in_any_case() -> None:
    text = (
        "Wait, WAIT. await waiting. Hmm, hmmm hm. Alternatively, alternatively-ish. Let me  check."
    )
    assert reflection_counts(text) == {"wait": 2, "alternatively": 2, "hmm": 2, "let me check": 1}


def test_thought_stats_count_lines_characters_and_reflections() -> None:
    stats = thought_stats("a b\n\nWait, c<|reasoning_backtrack|>\n")
    assert stats == {
        "chars": len("a b\n\nWait, c<|reasoning_backtrack|>\n"),
        "lines": 2,
        "words": 4,
        "wait": 1,
        "alternatively": 0,
        "hmm": 0,
        "let me check": 0,
        "reflections": 1,
        "backtrack_tokens": 1,
    }
