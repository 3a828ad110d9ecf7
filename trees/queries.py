"""Read helpers: scoped querysets and the whole-tree read, each a fixed number of queries."""

from __future__ import annotations

from typing import Any

import orjson
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from trees.errors import Forbidden, NotFound
from trees.models import (
    Campaign,
    Job,
    Membership,
    Node,
    Problem,
    StepLabel,
    SuggestedLabel,
    Tree,
)
from trees.models.campaigns import ROLE_RANK, Role

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
    "mc_soft",
    "mc_hard",
    "rollout_count",
    "score",
    "visits",
    "value_sum",
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

User = AbstractBaseUser | AnonymousUser


def node_dict(row: dict[str, Any], my_label: int | None = None) -> dict[str, Any]:
    """Shape one node row (a `.values(*NODE_COLUMNS)` dict) for the API."""
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
        "mc_soft": row["mc_soft"],
        "mc_hard": row["mc_hard"],
        "rollout_count": row["rollout_count"],
        "score": row["score"],
        "visits": row["visits"],
        "value_sum": row["value_sum"],
        "parts": row["parts"],
        "cluster_id": row["cluster_id"],
        "label_counts": {"1": row["labels_pos"], "0": row["labels_zero"], "-1": row["labels_neg"]},
        "gold": row["gold_rating"],
        "my_label": my_label,
        "version": row["version"],
        "is_deleted": row["is_deleted"],
        "job": row["job_id"],
    }


def node_to_dict(node: Node, my_label: int | None = None) -> dict[str, Any]:
    """The API shape of a loaded Node instance (for single-node responses and events)."""
    row = {column: getattr(node, column) for column in NODE_COLUMNS}
    return node_dict(row, my_label)


# --- Membership and scoping ----------------------------------------------------------------


def get_role(user: User, campaign_id: int) -> str | None:
    """The user's role in the campaign; staff count as admins everywhere."""
    if not user.is_authenticated:
        return None
    if user.is_staff:
        return Role.ADMIN
    return (
        Membership.objects.filter(user_id=user.pk, campaign_id=campaign_id)
        .values_list("role", flat=True)
        .first()
    )


def require_role(user: User, campaign_id: int, minimum: str) -> str:
    """Return the user's role, or raise: NotFound for outsiders (no leak of what exists),
    Forbidden for members whose role is below `minimum`."""
    role = get_role(user, campaign_id)
    if role is None:
        raise NotFound("Not found.")
    if ROLE_RANK[Role(role)] < ROLE_RANK[Role(minimum)]:
        raise Forbidden(f"This needs the {minimum} role or higher in this campaign.")
    return role


def campaigns_for(user: User) -> QuerySet[Campaign]:
    if user.is_staff:
        return Campaign.objects.all()
    return Campaign.objects.filter(memberships__user_id=user.pk)


def problems_for(user: User) -> QuerySet[Problem]:
    if user.is_staff:
        return Problem.objects.all()
    return Problem.objects.filter(campaign__memberships__user_id=user.pk)


def jobs_for(user: User) -> QuerySet[Job]:
    """Jobs of the user's campaigns; export jobs (lead data) only where they lead or admin."""
    if user.is_staff:
        return Job.objects.all()
    leads = Membership.objects.filter(user_id=user.pk, role__in=[Role.LEAD, Role.ADMIN])
    return Job.objects.filter(campaign__memberships__user_id=user.pk).exclude(
        Q(kind=Job.Kind.EXPORT) & ~Q(campaign_id__in=leads.values("campaign_id"))
    )


def get_campaign_for(user: User, slug: str, minimum: str = Role.EXPERT) -> Campaign:
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        raise NotFound(f"No campaign {slug!r}.")
    require_role(user, campaign.pk, minimum)
    return campaign


def get_node_for(user: User, node_id: int, minimum: str = Role.EXPERT) -> Node:
    node = Node.objects.select_related("tree__problem").filter(pk=node_id).first()
    if node is None:
        raise NotFound(f"No node {node_id}.")
    require_role(user, node.tree.problem.campaign_id, minimum)
    return node


# --- The whole tree in one response ---------------------------------------------------------


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


def get_tree_payload(tree: Tree, user: User, include_deleted: bool = False) -> dict[str, Any]:
    """Every node of the tree with counts, gold, my label: three queries whatever its size
    (the tree with its problem, the nodes, my labels)."""
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
    mine = dict(
        StepLabel.objects.filter(node__tree_id=tree.pk, expert_id=user.pk).values_list(
            "node_id", "rating"
        )
    )
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
        "nodes": [node_dict(row, mine.get(row["id"])) for row in rows],
        "suggestions": suggestions,
    }


def get_path(node: Node) -> list[Node]:
    """The nodes from the root down to `node`, one query per level (paths are short)."""
    path = [node]
    while path[-1].parent_id is not None:
        path.append(Node.objects.get(pk=path[-1].parent_id))
    path.reverse()
    return path
