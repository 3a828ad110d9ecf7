"""Node and tree reads: the API shape of a node, the whole tree in one response, a tree for a
user, paths, revisions and the labels on a step."""

from __future__ import annotations

from typing import Any

import orjson
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from trees.errors import NotFound
from trees.models import Node, NodeRevision, StepLabel, SuggestedLabel, Tree
from trees.models.campaigns import Role
from trees.queries.access import User, require_role

# Columns of a node as the API and realtime events show it, in one place.
NODE_COLUMNS = (
    "id",
    "parent_id",
    "text",
    "kind",
    "origin",
    "author_id",
    "source",
    "confidence",
    "token_count",
    "depth",
    "order",
    "is_terminal",
    "extracted_answer",
    "correctness",
    "source_correct",
    "mc_soft",
    "mc_hard",
    "rollout_count",
    "score",
    "visits",
    "value_sum",
    "values_stale",
    "parts",
    "cluster_id",
    "labels_pos",
    "labels_zero",
    "labels_neg",
    "gold_rating",
    "version",
    "is_deleted",
    "job_id",
)
SCALAR_COLUMNS = tuple(column for column in NODE_COLUMNS if column != "parts")


def node_dict(
    row: dict[str, Any], my_label: int | None = None, my_note: str = "", my_flagged: bool = False
) -> dict[str, Any]:
    """Shape one node row (a `.values(*NODE_COLUMNS)` dict) for the API. `my_*` are the
    requesting user's own label: rating, note and flag."""
    return {
        "id": row["id"],
        "parent": row["parent_id"],
        "text": row["text"],
        "kind": row["kind"],
        "origin": row["origin"],
        "author": row["author_id"],
        "source": row["source"],
        "confidence": row["confidence"],
        "token_count": row["token_count"],
        "depth": row["depth"],
        "order": row["order"],
        "is_terminal": row["is_terminal"],
        "extracted_answer": row["extracted_answer"],
        "correctness": row["correctness"],
        "source_correct": row["source_correct"],
        "mc_soft": row["mc_soft"],
        "mc_hard": row["mc_hard"],
        "rollout_count": row["rollout_count"],
        "score": row["score"],
        "visits": row["visits"],
        "value_sum": row["value_sum"],
        "values_stale": row["values_stale"],
        "parts": row["parts"],
        "cluster_id": row["cluster_id"],
        "label_counts": {"1": row["labels_pos"], "0": row["labels_zero"], "-1": row["labels_neg"]},
        "gold": row["gold_rating"],
        "my_label": my_label,
        "my_note": my_note,
        "my_flagged": my_flagged,
        "version": row["version"],
        "is_deleted": row["is_deleted"],
        "job": row["job_id"],
    }


def node_to_dict(
    node: Node, my_label: int | None = None, my_note: str = "", my_flagged: bool = False
) -> dict[str, Any]:
    """The API shape of a loaded Node instance (for single-node responses and events)."""
    row = {column: getattr(node, column) for column in NODE_COLUMNS}
    return node_dict(row, my_label, my_note, my_flagged)


def node_with_my_label(node: Node, user: User) -> dict[str, Any]:
    """`node_to_dict` with the user's own label (rating, note, flag): one query."""
    mine = (
        StepLabel.objects.filter(node=node, expert_id=user.pk)
        .values_list("rating", "note", "flagged")
        .first()
    )
    return node_to_dict(node, *mine) if mine else node_to_dict(node)


def without_deleted_subtrees(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop soft-deleted nodes and everything below them. Rows must come parents first."""
    hidden: set[int] = set()
    kept = []
    for row in rows:
        if row["is_deleted"] or row["parent_id"] in hidden:
            hidden.add(row["id"])
        else:
            kept.append(row)
    return kept


NO_LABEL: tuple[int | None, str, bool] = (None, "", False)


def get_tree_payload(tree: Tree, user: User, include_deleted: bool = False) -> dict[str, Any]:
    """Every node of the tree with counts, gold, my label (rating, note, flag): three queries
    whatever its size (the tree with its problem, the nodes, my labels)."""
    rows = list(
        Node.objects.filter(tree_id=tree.pk)
        .order_by("depth", "parent_id", "order", "id")
        .values(*SCALAR_COLUMNS, parts_json=Cast("parts", TextField()))
    )
    for row in rows:
        # Step parts go out as the stored JSON text: parsing 10k JSON values only to
        # serialise them again was a fifth of this request.
        raw = row.pop("parts_json")
        row["parts"] = {} if raw == "{}" else orjson.Fragment(raw)
    if not include_deleted:
        rows = without_deleted_subtrees(rows)
    mine = {
        node_id: (rating, note, flagged)
        for node_id, rating, note, flagged in StepLabel.objects.filter(
            node__tree_id=tree.pk, expert_id=user.pk
        ).values_list("node_id", "rating", "note", "flagged")
    }
    suggestions = {
        node_id: {"id": pk, "rating": rating}
        for pk, node_id, rating in SuggestedLabel.objects.filter(
            node__tree_id=tree.pk, status=SuggestedLabel.Status.PENDING
        ).values_list("pk", "node_id", "rating")
    }
    problem = tree.problem
    root_id = next((row["id"] for row in rows if row["parent_id"] is None), None)
    return {
        "id": tree.pk,
        "problem": {
            "id": problem.pk,
            "campaign": problem.campaign_id,
            "external_id": problem.external_id,
            "statement": problem.statement,
            "reference_answer": problem.reference_answer,
            "answer_type": problem.answer_type,
        },
        "root": root_id,
        "node_count": tree.node_count,
        "labelled_count": tree.labelled_count,
        "correct_leaves": tree.correct_leaves,
        "nodes": [node_dict(row, *mine.get(row["id"], NO_LABEL)) for row in rows],
        "suggestions": suggestions,
    }


def get_path(node: Node) -> list[Node]:
    """The nodes from the root down to `node`, one query per level (paths are short)."""
    path = [node]
    while path[-1].parent_id is not None:
        path.append(Node.objects.get(pk=path[-1].parent_id))
    path.reverse()
    return path


def get_tree_for(user: User, problem_id: int, minimum: str = Role.EXPERT) -> Tree:
    """The tree of a problem the user may see with at least the `minimum` role."""
    tree = Tree.objects.select_related("problem").filter(problem_id=problem_id).first()
    if tree is None:
        raise NotFound(f"No problem {problem_id}.")
    require_role(user, tree.problem.campaign_id, minimum)
    return tree


def get_tree_campaign_id(tree_id: int) -> int | None:
    """The campaign of a tree, or None for an unknown tree (one query)."""
    return Tree.objects.filter(pk=tree_id).values_list("problem__campaign_id", flat=True).first()


def list_revisions(node: Node) -> QuerySet[NodeRevision]:
    return NodeRevision.objects.filter(node=node).order_by("version")


def list_step_labels(node: Node) -> QuerySet[StepLabel]:
    """Every expert's label on the step, with the expert, oldest first."""
    return StepLabel.objects.filter(node=node).select_related("expert").order_by("pk")


def get_suggestion_for(user: User, pk: int, minimum: str = Role.EXPERT) -> SuggestedLabel:
    """A model-suggested label on a step the user may see with at least `minimum`."""
    suggestion = SuggestedLabel.objects.select_related("node__tree__problem").filter(pk=pk).first()
    if suggestion is None:
        raise NotFound(f"No suggestion {pk}.")
    require_role(user, suggestion.node.tree.problem.campaign_id, minimum)
    return suggestion
