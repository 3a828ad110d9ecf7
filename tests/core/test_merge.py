"""Merging imported paths into a tree by shared prefix (trees.core.merge)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.core.test_imports import PRM800K_LINE, SOLUTIONS_LINE, parse_one
from trees.core.imports import ImportedPath, ImportedStep
from trees.core.merge import MergedNode, merge_paths
from trees.core.steps import normalize_step


def path_of(*texts: str, **fields: object) -> ImportedPath:
    return ImportedPath(steps=[ImportedStep(text=t) for t in texts], **fields)


def texts_to(nodes: list[MergedNode], index: int) -> list[str]:
    texts: list[str] = []
    node: int | None = index
    while node is not None:
        texts.append(nodes[node].text)
        node = nodes[node].parent
    return texts[::-1]


def test_the_formats_solutions_example_gives_a_root_with_three_children() -> None:
    nodes, labels = merge_paths(parse_one("solutions", SOLUTIONS_LINE).paths)
    roots = [n for n in nodes if n.parent is None]
    assert [n.text for n in roots] == ["12 / 3 = 4", "12 * 2 = 24", "12 / 2 = 6"]
    assert [n.order for n in roots] == [0, 1, 2]
    assert len(nodes) == 9
    assert labels == []
    leaves = [(n.text, n.extracted_answer, n.correct) for n in nodes if n.terminal]
    assert leaves == [("A: 8", "8", True), ("The answer is 8", "8", True), ("A: 18", "18", False)]


def test_two_solutions_sharing_a_first_step_share_its_node() -> None:
    nodes, _ = merge_paths(
        [path_of("12 / 3 = 4", "4 * 2 = 8"), path_of("12  /  3 = 4 ", "4 * 3 = 12")]
    )
    assert [(n.index, n.parent, n.text, n.depth, n.order) for n in nodes] == [
        (0, None, "12 / 3 = 4", 1, 0),
        (1, 0, "4 * 2 = 8", 2, 0),
        (2, 0, "4 * 3 = 12", 2, 1),
    ]


def test_the_same_text_under_different_parents_makes_different_nodes() -> None:
    nodes, _ = merge_paths([path_of("a", "c"), path_of("b", "c")])
    assert [(n.parent, n.text) for n in nodes] == [(None, "a"), (0, "c"), (None, "b"), (2, "c")]


def test_the_first_verdict_on_a_shared_final_node_stands() -> None:
    nodes, _ = merge_paths(
        [
            path_of("a", "A: 8", extracted_answer="8", correct=True),
            path_of("a", "A:  8", extracted_answer="8 ", correct=False),
        ]
    )
    assert (nodes[1].terminal, nodes[1].extracted_answer, nodes[1].correct) == (True, "8", True)


def test_a_non_terminal_path_leaves_its_last_node_open() -> None:
    nodes, _ = merge_paths([path_of("a", "b", terminal=False)])
    assert not any(n.terminal for n in nodes)


def test_the_prm800k_example_makes_step_two_alternatives_siblings_with_ratings() -> None:
    nodes, labels = merge_paths(parse_one("prm800k", PRM800K_LINE).paths)
    assert [(n.parent, n.text, n.order) for n in nodes] == [
        (None, "First, …", 0),
        (0, "So it is 15.", 0),
        (0, "So it is 16.", 1),
    ]
    assert nodes[1].terminal and nodes[1].correct is True
    assert not nodes[2].terminal
    assert [(label.node, label.labeler, label.rating) for label in labels] == [
        (0, "3f2a…", 1),
        (1, "3f2a…", 1),
        (2, "3f2a…", -1),
    ]


def test_one_label_per_node_and_labeler_with_the_last_rating_winning() -> None:
    first = ImportedPath(steps=[ImportedStep("a", rating=1)], labeler="x")
    again = ImportedPath(steps=[ImportedStep("a", rating=-1, flagged=True)], labeler="x")
    other = ImportedPath(steps=[ImportedStep("a", rating=0)], labeler="y")
    _, labels = merge_paths([first, again, other])
    assert [(lb.node, lb.labeler, lb.rating, lb.flagged) for lb in labels] == [
        (0, "x", -1, True),
        (0, "y", 0, False),
    ]


# Few distinct step texts (with whitespace variants) so that random paths share prefixes.
step_text = st.sampled_from(["a", "b", " a", "a ", "c", "b  c", "b c"])
paths_strategy = st.lists(st.lists(step_text, min_size=1, max_size=5), max_size=12)


@given(paths_strategy)
def test_merged_nodes_are_exactly_the_distinct_prefixes(paths: list[list[str]]) -> None:
    nodes, _ = merge_paths([path_of(*p) for p in paths])

    def key(texts: list[str]) -> tuple[str, ...]:
        return tuple(normalize_step(t) for t in texts)

    prefixes = {key(p[:i]) for p in paths for i in range(1, len(p) + 1)}
    node_prefixes = [key(texts_to(nodes, n.index)) for n in nodes]
    assert sorted(node_prefixes) == sorted(prefixes)  # Each prefix exactly once.
    pairs = [(n.parent, normalize_step(n.text)) for n in nodes]
    assert len(pairs) == len(set(pairs))
    for n in nodes:
        assert n.index == nodes.index(n)
        assert n.parent is None or n.parent < n.index
        assert n.depth == (1 if n.parent is None else nodes[n.parent].depth + 1)
    for parent in {n.parent for n in nodes}:
        orders = [n.order for n in nodes if n.parent == parent]
        assert orders == list(range(len(orders)))
