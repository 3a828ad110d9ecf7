"""Tree snapshots read from the database as `trees.core.derive.TreeView`s, many at a time.

`iter_tree_views` walks a campaign's problems in id order, a batch at a time: one query for
the batch's problems and one for all their nodes (values_list, no model instances), so memory
holds one batch whatever the campaign's size. Soft-deleted steps are left out, and with them
their subtrees (the core never reaches a node whose parent is missing). Each step's rating
follows the export's label policy (`pick_rating`); a step rated -1 carries its label's note,
and every step its Monte-Carlo soft value with the `values_stale` flag.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import orjson
from django.db.models import TextField
from django.db.models.functions import Cast

from trees.core.derive import StepView, TreeView
from trees.models import GoldLabel, LongThought, Node, Problem, StepLabel

BATCH = 400


def pick_rating(
    gold: int | None, pos: int, zero: int, neg: int, labels: str, min_experts: int
) -> int | None:
    """A step's rating under a label policy: the gold label wins; with "gold" nothing else
    counts; with "consensus" the rating held by more than half of the step's labels, if it has
    at least `min_experts` (a tie or a split without a majority leaves it unlabelled)."""
    if gold is not None:
        return gold
    if labels == "gold":
        return None
    total = pos + zero + neg
    if total == 0 or total < min_experts:
        return None
    if pos * 2 > total:
        return 1
    if neg * 2 > total:
        return -1
    if zero * 2 > total:
        return 0
    return None


@dataclass(frozen=True)
class Snapshot:
    """One problem's tree as the exporters see it."""

    problem_id: int
    tree_id: int
    view: TreeView


_COLUMNS = (
    "id",
    "tree_id",
    "parent_id",
    "text",
    "order",
    "is_terminal",
    "correctness",
    "gold_rating",
    "labels_pos",
    "labels_zero",
    "labels_neg",
    "mc_soft",
    "values_stale",
)


def chunks(ids: Sequence[int], size: int = 5000) -> Iterator[Sequence[int]]:
    """Slices of `ids`, so an IN list never outgrows a database's parameter limit."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def count_problems(campaign_id: int, problem_ids: Sequence[int] | None = None) -> int:
    problems = Problem.objects.filter(campaign_id=campaign_id, tree__isnull=False)
    if problem_ids is None:
        return problems.count()
    return sum(problems.filter(pk__in=chunk).count() for chunk in chunks(sorted(set(problem_ids))))


def iter_tree_views(
    campaign_id: int,
    *,
    problem_ids: Sequence[int] | None = None,
    labels: str = "consensus",
    min_experts: int = 1,
    with_parts: bool = False,
    batch_size: int = BATCH,
) -> Iterator[list[Snapshot]]:
    """Batches of snapshots of the campaign's problems (or of `problem_ids`), in problem id
    order. `with_parts` also reads Steiner step parts (title, summary, reflection)."""
    columns = ("pk", "statement", "reference_answer", "tree__id")
    problems = Problem.objects.filter(campaign_id=campaign_id, tree__isnull=False).order_by("pk")
    if problem_ids is not None:
        for chunk in chunks(sorted(set(problem_ids)), batch_size):
            batch = list(problems.filter(pk__in=chunk).values_list(*columns))
            if batch:
                yield load_views(
                    batch, labels=labels, min_experts=min_experts, with_parts=with_parts
                )
        return
    after = 0
    while True:
        # Keyset pagination: each batch starts after the last problem id of the one before.
        batch = list(problems.filter(pk__gt=after).values_list(*columns)[:batch_size])
        if not batch:
            return
        after = batch[-1][0]
        yield load_views(batch, labels=labels, min_experts=min_experts, with_parts=with_parts)
        if len(batch) < batch_size:
            return


def load_views(
    problems: Sequence[tuple[int, str, str, int]],
    *,
    labels: str,
    min_experts: int,
    with_parts: bool,
) -> list[Snapshot]:
    """Snapshots of (problem id, statement, reference answer, tree id) rows: one node query."""
    tree_ids = [row[3] for row in problems]
    nodes = Node.objects.filter(tree_id__in=tree_ids, is_deleted=False)
    if with_parts:
        rows = nodes.values_list(*_COLUMNS, Cast("parts", TextField()))
    else:
        rows = nodes.values_list(*_COLUMNS)
    steps: dict[int, dict[int, StepView]] = {tree_id: {} for tree_id in tree_ids}
    roots: dict[int, int] = {}
    wrong: list[tuple[int, int, bool]] = []  # (tree, node, gold) of steps rated -1
    for row in rows:
        node_id, tree_id, parent_id, text, order, terminal, correctness = row[:7]
        gold, pos, zero, neg, value, stale = row[7:13]
        if gold is not None:
            rating = gold
        elif pos or zero or neg:
            rating = pick_rating(None, pos, zero, neg, labels, min_experts)
        else:
            rating = None
        parts = {}
        if with_parts and row[13] not in (None, "{}"):
            loaded = orjson.loads(row[13])
            if isinstance(loaded, dict):
                parts = {key: str(value) for key, value in loaded.items() if value}
        steps[tree_id][node_id] = StepView(
            node_id,
            parent_id,
            text,
            order,
            terminal,
            correctness,
            rating,
            parts,
            value=value,
            value_stale=bool(stale),
        )
        if rating == -1:
            wrong.append((tree_id, node_id, gold is not None))
        if parent_id is None:
            roots[tree_id] = node_id
    for (tree_id, node_id, _), note in zip(wrong, wrong_notes(wrong), strict=True):
        if note:
            steps[tree_id][node_id] = replace(steps[tree_id][node_id], note=note)
    snapshots = []
    for problem_id, statement, reference, tree_id in problems:
        if tree_id not in roots:
            continue  # a tree without its root has nothing to export
        view = TreeView(
            problem=statement,
            reference_answer=reference,
            steps=steps[tree_id],
            root=roots[tree_id],
        )
        snapshots.append(Snapshot(problem_id, tree_id, view))
    return snapshots


def wrong_notes(wrong: Sequence[tuple[int, int, bool]]) -> list[str]:
    """The note behind each -1 rating, for (tree, node, from gold) triples: the gold label's
    note when the gold label set it, else the first expert's note on a -1 label (two queries
    at most, only over steps rated -1)."""
    if not wrong:
        return []
    gold_ids = [node for _, node, gold in wrong if gold]
    expert_ids = [node for _, node, gold in wrong if not gold]
    notes: dict[int, str] = {}
    for chunk in chunks(gold_ids):
        gold_rows = GoldLabel.objects.filter(node_id__in=chunk).exclude(note="")
        for node_id, note in gold_rows.values_list("node_id", "note"):
            notes[node_id] = note
    for chunk in chunks(expert_ids):
        rows = (
            StepLabel.objects.filter(node_id__in=chunk, rating=-1)
            .exclude(note="")
            .order_by("node_id", "pk")
            .values_list("node_id", "note")
        )
        for node_id, note in rows:
            notes.setdefault(node_id, note)
    return [notes.get(node, "") for _, node, _ in wrong]


def load_view(
    problem: Problem, *, labels: str = "consensus", min_experts: int = 1, with_parts: bool = False
) -> TreeView | None:
    """One problem's snapshot (two queries at most), or None if its tree has no root."""
    row = (problem.pk, problem.statement, problem.reference_answer, problem.tree.pk)
    snapshots = load_views([row], labels=labels, min_experts=min_experts, with_parts=with_parts)
    return snapshots[0].view if snapshots else None


def approved_texts(tree_ids: Sequence[int], style: str, renders: Sequence[str]) -> dict[int, str]:
    """The text (edited, else rendered) of each tree's latest approved long thought in the
    given style and one of the renderings: one query."""
    texts: dict[int, str] = {}
    rows = (
        LongThought.objects.filter(
            tree_id__in=tree_ids,
            status=LongThought.Status.APPROVED,
            style=style,
            render__in=renders,
        )
        .order_by("tree_id", "-pk")
        .values_list("tree_id", "edited_text", "rendered_text")
    )
    for tree_id, edited, rendered in rows:
        texts.setdefault(tree_id, edited or rendered)
    return texts
