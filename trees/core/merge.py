"""Merging imported paths into one tree by shared prefix.

Two steps share a node when they have the same parent and the same `normalize_step` key, so
solutions that begin alike share their first nodes and branch where they differ.
"""

from __future__ import annotations

from dataclasses import dataclass

from trees.core.imports import ImportedPath
from trees.core.steps import normalize_step


@dataclass
class MergedNode:
    index: int
    parent: int | None  # None = child of the root
    text: str
    depth: int  # depth 1 = child of root
    order: int  # sibling order by first appearance
    source: str
    terminal: bool = False
    extracted_answer: str | None = None
    correct: bool | None = None
    source_correct: bool | None = None  # the source's own claim about the path ending here


@dataclass
class MergedLabel:
    node: int
    labeler: str
    rating: int
    flagged: bool


def merge_paths(paths: list[ImportedPath]) -> tuple[list[MergedNode], list[MergedLabel]]:
    """Merge root-to-leaf paths into a tree of nodes and the step labels on them.

    Nodes come in creation order, so a parent always precedes its children, and `index` is a
    node's position in the list. A node keeps the text and source of the first path that made
    it. The last node of a terminal path is marked terminal with that path's answer and
    verdict; when several terminal paths end on one node the first verdict stands. The last node
    of any path keeps that path's claimed verdict (the first claim made on it). Ratings
    become labels, one per (node, labeler) with the last rating winning; a path with ratings
    but no labeler is labelled by its source.
    """
    nodes: list[MergedNode] = []
    by_key: dict[tuple[int | None, str], int] = {}
    child_counts: dict[int | None, int] = {}
    labels: dict[tuple[int, str], MergedLabel] = {}
    for path in paths:
        labeler = path.labeler or path.source or "import"
        parent: int | None = None
        for depth, step in enumerate(path.steps, 1):
            key = (parent, normalize_step(step.text))
            index = by_key.get(key)
            if index is None:
                index = len(nodes)
                order = child_counts.get(parent, 0)
                child_counts[parent] = order + 1
                nodes.append(
                    MergedNode(
                        index=index,
                        parent=parent,
                        text=step.text,
                        depth=depth,
                        order=order,
                        source=path.source,
                    )
                )
                by_key[key] = index
            if step.rating is not None:
                labels[(index, labeler)] = MergedLabel(
                    node=index, labeler=labeler, rating=step.rating, flagged=step.flagged
                )
            parent = index
        if parent is not None and nodes[parent].source_correct is None:
            nodes[parent].source_correct = path.claimed_correct
        if path.terminal and parent is not None and not nodes[parent].terminal:
            last = nodes[parent]
            last.terminal = True
            last.extracted_answer = path.extracted_answer
            last.correct = path.correct
    return nodes, list(labels.values())
