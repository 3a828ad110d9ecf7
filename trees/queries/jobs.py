"""Reads for job bodies (workers/jobs, workers/tasks, workers/runner): the rows a job loads
before it calls a backend or a service. Workers read through these, never the ORM."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from trees.models import ExportSchedule, Job, LongThought, ModelProfile, Node, Tree

# The node columns the tree search (MCTS) works on.
SEARCH_COLUMNS = (
    "id",
    "parent_id",
    "depth",
    "is_terminal",
    "correctness",
    "confidence",
    "visits",
    "value_sum",
)


def get_job_status(job_id: int) -> str:
    return Job.objects.values_list("status", flat=True).get(pk=job_id)


def get_job_parent_id(job_id: int) -> int | None:
    """The campaign-wide run a job belongs to, if any."""
    return Job.objects.filter(pk=job_id).values_list("parent_id", flat=True).first()


def find_model_profile(pk: Any) -> ModelProfile | None:
    return ModelProfile.objects.filter(pk=pk).first() if pk else None


def get_step_in_context(node_id: int) -> Node:
    """A node with its tree, problem and campaign (one query)."""
    return Node.objects.select_related("tree__problem__campaign").get(pk=node_id)


def get_nodes(ids: Iterable[int]) -> dict[int, Node]:
    return Node.objects.in_bulk(list(ids))


def trees_of_job(job: Job) -> list[Tree]:
    """The job's own tree, or every tree of its campaign (by id) for a campaign-wide job."""
    if job.tree_id:
        return [Tree.objects.get(pk=job.tree_id)]
    if job.campaign_id is None:
        raise ValueError(f"Job {job.pk} belongs to no campaign.")
    return list(Tree.objects.filter(problem__campaign_id=job.campaign_id).order_by("pk"))


def list_live_steps(tree: Tree) -> list[tuple[int, str, int, int | None]]:
    """(id, text, depth, parent id) of the tree's nodes that are not deleted, by depth."""
    return list(
        Node.objects.filter(tree=tree, is_deleted=False)
        .order_by("depth", "pk")
        .values_list("pk", "text", "depth", "parent_id")
    )


def list_search_rows(tree_id: int) -> QuerySet[Node, dict[str, Any]]:
    """The SEARCH_COLUMNS of the tree's nodes that are not deleted."""
    return Node.objects.filter(tree_id=tree_id, is_deleted=False).values(*SEARCH_COLUMNS)


def list_correct_answers_below(start: Node) -> list[Node]:
    """The tree's correct final answers deeper than `start` (not necessarily below it), by id."""
    return list(
        Node.objects.filter(
            tree_id=start.tree_id,
            is_terminal=True,
            correctness=Node.Correctness.CORRECT,
            is_deleted=False,
            depth__gt=start.depth,
        ).order_by("pk")
    )


def get_long_thought_with_campaign(pk: int) -> LongThought:
    return LongThought.objects.select_related("tree__problem__campaign").get(pk=pk)


def find_export_schedule(pk: int) -> ExportSchedule | None:
    return ExportSchedule.objects.select_related("campaign").filter(pk=pk).first()
