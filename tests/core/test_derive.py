"""Journey and shortcut plans over labelled trees (trees.core.derive)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trees.core.derive import (
    StepView,
    TreeView,
    Visit,
    children,
    derive_journey,
    derive_shortcut,
    index_tree,
    plan_from_data,
    plan_to_data,
    quote_step,
    snippet,
)

PEN_PROBLEM = "A shop sells 3 pens for $2. How much do 12 pens cost?"

# Small example counts: the suite shares a 2-core machine.
FEW = settings(max_examples=60, deadline=None)


def make_tree(
    rows: list[tuple[int, int | None, str, dict[str, object]]],
    reference: str = "8",
) -> TreeView:
    """A TreeView from (id, parent, text, fields) rows; the first row is the root, whose text
    is the problem. Sibling order follows the rows."""
    steps = {}
    orders: dict[int | None, int] = {}
    for node, parent, text, fields in rows:
        order = orders.get(parent, 0)
        orders[parent] = order + 1
        steps[node] = StepView(id=node, parent=parent, text=text, order=order, **fields)
    return TreeView(problem=rows[0][2], reference_answer=reference, steps=steps, root=rows[0][0])


def pen_tree() -> TreeView:
    """FORMATS.md's pen problem: a wrong first step (12 / 2) and a right one (12 / 3)."""
    return make_tree(
        [
            (1, None, PEN_PROBLEM, {}),
            (2, 1, "12 / 2 = 6", {"rating": -1}),
            (3, 2, "6 * 3 = 18", {}),
            (4, 3, "A: 18", {"is_terminal": True, "correctness": "incorrect"}),
            (5, 1, "12 / 3 = 4", {"rating": 1}),
            (6, 5, "4 * 2 = 8", {"rating": 1}),
            (7, 6, "A: 8", {"is_terminal": True, "correctness": "correct"}),
        ]
    )


@st.composite
def random_trees(draw: st.DrawFn, max_nodes: int = 30) -> TreeView:
    """Random trees with random labels, sibling orders (ties included) and answers; node ids
    are spread out so nothing relies on them being 0..n-1. Terminals may have children."""
    size = draw(st.integers(1, max_nodes))
    ids = [7 + 3 * i for i in range(size)]
    steps = {ids[0]: StepView(id=ids[0], parent=None, text="What is 1?", order=0)}
    for i in range(1, size):
        parent = ids[draw(st.integers(0, i - 1))]
        terminal = draw(st.booleans())
        answer = draw(st.integers(0, 3))
        steps[ids[i]] = StepView(
            id=ids[i],
            parent=parent,
            text=f"A: {answer}" if terminal else f"step {i}",
            order=draw(st.integers(0, 2)),
            is_terminal=terminal,
            correctness=draw(st.sampled_from(["unknown", "correct", "incorrect"]))
            if terminal
            else "unknown",
            rating=draw(st.sampled_from([None, -1, 0, 1])),
        )
    return TreeView(problem="What is 1?", reference_answer="1", steps=steps, root=ids[0])


def parent_of(tree: TreeView, node: int) -> int | None:
    return tree.steps[node].parent


def depth_of(tree: TreeView, node: int) -> int:
    depth = 0
    while node != tree.root:
        node = parent_of(tree, node)
        depth += 1
    return depth


def has_correct_path(tree: TreeView) -> bool:
    """Brute force: a correct terminal, not rated -1, with no -1 step and no earlier answer
    between it and the root."""
    for step in tree.steps.values():
        if step.id == tree.root or not step.is_terminal or step.correctness != "correct":
            continue
        node: int | None = step.id
        clear = True
        while node is not None and node != tree.root:
            here = tree.steps[node]
            if here.rating == -1 or (here.is_terminal and node != step.id):
                clear = False
            node = here.parent
        if clear:
            return True
    return False


def answers_below(tree: TreeView, node: int) -> list[str]:
    """Brute force: the correctness of every answer in a subtree, not looking past answers."""
    kids = children(tree)
    found = []
    stack = [node]
    while stack:
        current = stack.pop()
        if tree.steps[current].is_terminal:
            found.append(tree.steps[current].correctness)
        else:
            stack.extend(kids[current])
    return found


def is_wrong(tree: TreeView, node: int) -> bool:
    below = answers_below(tree, node)
    return tree.steps[node].rating == -1 or (bool(below) and all(c == "incorrect" for c in below))


def check_walk(tree: TreeView, plan: list[Visit]) -> None:
    """Each visit continues from where the previous one left the reasoning."""
    at = tree.root
    for visit in plan:
        assert parent_of(tree, visit.node) == at
        if visit.action == "backtrack":
            assert visit.returns_to is not None
            at = visit.returns_to
        else:
            at = visit.node


def test_the_pen_example_tries_the_wrong_division_then_backtracks_to_the_start() -> None:
    plan = derive_journey(pen_tree())
    assert plan == [
        Visit(2, "proceed"),
        Visit(3, "backtrack", returns_to=1, reason="this leads to 18, which is wrong"),
        Visit(5, "proceed"),
        Visit(6, "proceed"),
        Visit(7, "end"),
    ]


def test_the_pen_shortcut_is_the_right_path_alone() -> None:
    assert derive_shortcut(pen_tree()) == [
        Visit(5, "proceed"),
        Visit(6, "proceed"),
        Visit(7, "end"),
    ]


def test_a_wrong_branch_is_entered_at_most_max_depth_wrong_steps() -> None:
    plan = derive_journey(pen_tree(), max_depth_wrong=1)
    assert plan is not None
    assert plan[0] == Visit(2, "backtrack", returns_to=1, reason="this leads to 18, which is wrong")


def test_a_backtrack_reason_never_states_the_reference_answer() -> None:
    """The old reason ("this leads to 18, not 8") taught the model the answer before it
    derived it: a reason comes from the tree alone."""
    for plan in (derive_journey(pen_tree()), derive_journey(pen_tree(), max_depth_wrong=1)):
        reasons = [visit.reason for visit in plan or [] if visit.action == "backtrack"]
        assert reasons and not any("8" in reason.replace("18", "") for reason in reasons)


def test_a_wrong_branch_stops_before_a_step_that_only_states_its_answer() -> None:
    plan = derive_journey(pen_tree(), max_depth_wrong=5)
    assert [visit.node for visit in plan or []][:2] == [2, 3]  # not 4, "A: 18"
    assert 4 not in [visit.node for visit in plan or []]


def test_an_experts_note_on_a_wrong_step_is_the_reason_unless_it_gives_the_answer_away() -> None:
    def tree_with(note: str) -> TreeView:
        return make_tree(
            [
                (1, None, PEN_PROBLEM, {}),
                (2, 1, "12 / 2 = 6", {"rating": -1, "note": note}),
                (3, 2, "6 * 3 = 18", {}),
                (5, 1, "12 / 3 = 4", {"rating": 1}),
                (7, 5, "A: 8", {"is_terminal": True, "correctness": "correct"}),
            ]
        )

    plan = derive_journey(tree_with("Pens come in threes, not twos."))
    assert plan is not None
    assert plan[1].reason == "\u201c12 / 2 = 6\u201d is wrong: Pens come in threes, not twos"
    leaky = derive_journey(tree_with("It should be 8 dollars."))
    assert leaky is not None and leaky[1].reason == "\u201c12 / 2 = 6\u201d is wrong"


def test_a_long_step_is_quoted_by_its_first_whole_sentence() -> None:
    text = (
        "A third of 24 is 24 / 3 = 8 pens in each box. "
        "Then the shop sells every box for two dollars and we count them all again."
    )
    assert quote_step(text) == "A third of 24 is 24 / 3 = 8 pens in each box."
    assert quote_step("12 / 3 = 4\nA: 4") == "12 / 3 = 4"
    assert "…" not in quote_step(" ".join(["word"] * 40))


def test_no_wrong_turns_are_taken_when_max_wrong_is_zero() -> None:
    assert derive_journey(pen_tree(), max_wrong=0) == derive_shortcut(pen_tree())


def test_negative_limits_are_refused() -> None:
    with pytest.raises(ValueError):
        derive_journey(pen_tree(), max_wrong=-1)


def test_a_tree_without_a_correct_answer_has_no_plan() -> None:
    tree = make_tree(
        [
            (1, None, PEN_PROBLEM, {}),
            (2, 1, "12 / 2 = 6", {}),
            (3, 2, "A: 6", {"is_terminal": True, "correctness": "incorrect"}),
        ]
    )
    assert derive_journey(tree) is None
    assert derive_shortcut(tree) is None
    assert derive_journey(make_tree([(1, None, PEN_PROBLEM, {})])) is None


def test_a_correct_answer_behind_a_step_rated_wrong_is_not_a_path() -> None:
    tree = make_tree(
        [
            (1, None, PEN_PROBLEM, {}),
            (2, 1, "guess", {"rating": -1}),
            (3, 2, "A: 8", {"is_terminal": True, "correctness": "correct"}),
        ]
    )
    assert derive_journey(tree) is None


def test_a_plus_one_step_is_preferred_over_a_neutral_one_that_also_leads_on() -> None:
    tree = make_tree(
        [
            (1, None, PEN_PROBLEM, {}),
            (2, 1, "neutral", {"rating": 0}),
            (3, 2, "A: 8", {"is_terminal": True, "correctness": "correct"}),
            (4, 1, "good", {"rating": 1}),
            (5, 4, "A: 8.", {"is_terminal": True, "correctness": "correct"}),
        ]
    )
    assert [v.node for v in derive_shortcut(tree) or []] == [4, 5]


def test_a_neutral_step_is_passed_through_when_nothing_better_leads_on() -> None:
    tree = make_tree(
        [
            (1, None, PEN_PROBLEM, {}),
            (2, 1, "neutral", {"rating": 0}),
            (3, 2, "A: 8", {"is_terminal": True, "correctness": "correct"}),
        ]
    )
    assert [v.node for v in derive_shortcut(tree) or []] == [2, 3]


def test_a_wrong_step_deep_in_a_branch_is_quoted_in_the_reason() -> None:
    tree = make_tree(
        [
            (1, None, PEN_PROBLEM, {}),
            (2, 1, "12 / 2 = 6", {"rating": -1, "parts": {"summary": "Halve the pens"}}),
            (3, 2, "6 * 3 = 18", {}),
            (5, 1, "12 / 3 = 4", {"rating": 1}),
            (7, 5, "A: 8", {"is_terminal": True, "correctness": "correct"}),
        ]
    )
    plan = derive_journey(tree)
    assert plan is not None
    assert plan[1].reason == "\u201c12 / 2 = 6\u201d is wrong"  # the text the reader saw
    assert derive_journey(tree, max_depth_wrong=1)[0].reason == "this step is wrong"


def test_the_seed_shuffles_wrong_turns_deterministically() -> None:
    rows: list[tuple[int, int | None, str, dict[str, object]]] = [(1, None, PEN_PROBLEM, {})]
    rows += [(10 + i, 1, f"wrong {i}", {"rating": -1}) for i in range(8)]
    rows += [(2, 1, "A: 8", {"is_terminal": True, "correctness": "correct"})]
    tree = make_tree(rows)
    first = derive_journey(tree, max_wrong=3, rng_seed=5)
    assert first == derive_journey(tree, max_wrong=3, rng_seed=5)
    seeds = {
        tuple(v.node for v in derive_journey(tree, max_wrong=3, rng_seed=s) or []) for s in range(6)
    }
    assert len(seeds) > 1
    assert [v.node for v in derive_journey(tree, max_wrong=3) or []] == [10, 11, 12, 2]


def test_a_plan_round_trips_through_plain_data() -> None:
    plan = derive_journey(pen_tree())
    assert plan is not None
    assert plan_from_data(plan_to_data(plan)) == plan
    assert plan_to_data(plan)[1] == {
        "node": 3,
        "action": "backtrack",
        "returns_to": 1,
        "reason": "this leads to 18, which is wrong",
    }


def test_children_come_in_sibling_order_then_by_id() -> None:
    tree = TreeView(
        problem="q",
        reference_answer="1",
        root=0,
        steps={
            0: StepView(0, None, "q", 0),
            5: StepView(5, 0, "b", 1),
            3: StepView(3, 0, "c", 1),
            9: StepView(9, 0, "a", 0),
        },
    )
    assert children(tree) == {0: [9, 3, 5], 5: [], 3: [], 9: []}


def test_snippet_cuts_long_text_with_an_ellipsis() -> None:
    assert snippet("one two  three", 2) == "one two…"
    assert snippet(" one\ntwo ", 2) == "one two"


def test_a_very_deep_tree_derives_without_recursion() -> None:
    depth = 20_000
    steps = {0: StepView(0, None, "q", 0)}
    for i in range(1, depth):
        steps[i] = StepView(i, i - 1, f"s{i}", 0, rating=1)
        steps[depth + i] = StepView(depth + i, i - 1, f"w{i}", 1, rating=-1)
    steps[depth] = StepView(depth, depth - 1, "A: 1", 0, True, "correct")
    tree = TreeView("q", "1", steps, 0)
    plan = derive_journey(tree)
    assert plan is not None
    assert len(plan) == 2 * depth - 1
    assert plan[-1] == Visit(depth, "end")


@FEW
@given(random_trees(), st.integers(0, 3), st.integers(0, 3), st.none() | st.integers(0, 9))
def test_a_journey_visits_each_node_once_and_ends_at_a_correct_answer(
    tree: TreeView, max_wrong: int, max_depth_wrong: int, seed: int | None
) -> None:
    plan = derive_journey(tree, max_wrong=max_wrong, max_depth_wrong=max_depth_wrong, rng_seed=seed)
    assert (plan is not None) == has_correct_path(tree)
    if plan is None:
        assert derive_shortcut(tree) is None
        return
    nodes = [visit.node for visit in plan]
    assert len(nodes) == len(set(nodes))
    assert tree.root not in nodes
    last = tree.steps[plan[-1].node]
    assert plan[-1].action == "end"
    assert last.is_terminal and last.correctness == "correct" and last.rating != -1
    assert all(visit.action in ("proceed", "backtrack") for visit in plan[:-1])
    check_walk(tree, plan)


@FEW
@given(random_trees(), st.integers(0, 3), st.integers(0, 3), st.none() | st.integers(0, 9))
def test_wrong_turns_respect_their_limits_and_start_at_wrong_steps(
    tree: TreeView, max_wrong: int, max_depth_wrong: int, seed: int | None
) -> None:
    plan = derive_journey(tree, max_wrong=max_wrong, max_depth_wrong=max_depth_wrong, rng_seed=seed)
    if plan is None:
        return
    turns: dict[int, int] = {}
    for visit in plan:
        if visit.action != "backtrack":
            continue
        assert visit.returns_to is not None
        assert visit.reason
        turns[visit.returns_to] = turns.get(visit.returns_to, 0) + 1
        depth = depth_of(tree, visit.node) - depth_of(tree, visit.returns_to)
        assert 1 <= depth <= max_depth_wrong
        start = visit.node
        while parent_of(tree, start) != visit.returns_to:
            start = parent_of(tree, start)
        assert is_wrong(tree, start)
    assert all(count <= max_wrong for count in turns.values())


@FEW
@given(random_trees(), st.none() | st.integers(0, 9))
def test_the_shortcut_is_the_journey_without_its_wrong_turns(
    tree: TreeView, seed: int | None
) -> None:
    index = index_tree(tree)
    shortcut = derive_shortcut(tree, index=index)
    journey = derive_journey(tree, rng_seed=seed, index=index)
    if shortcut is None:
        assert journey is None
        return
    assert journey is not None
    on_path = {visit.node for visit in shortcut}
    assert [v for v in journey if v.node in on_path] == shortcut
    check_walk(tree, shortcut)
