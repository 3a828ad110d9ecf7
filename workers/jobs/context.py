"""What a node job runs on: its node, the path to it, its problem and its pinned profile."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trees.models import Job, ModelProfile, Node, Problem
from trees.queries import get_path
from trees.queries.jobs import get_step_in_context


def pinned_profile(job: Job) -> ModelProfile:
    """The model profile the job was started on; never the campaign's current default."""
    profile = job.profile
    if profile is None:
        raise ValueError(f"Job {job.pk} has no pinned model profile; start it again.")
    return profile


@dataclass
class NodeContext:
    node: Node
    path: list[Node]
    problem: Problem
    profile: ModelProfile


def node_context(job: Job) -> NodeContext:
    if job.node_id is None:
        raise ValueError(f"Job {job.pk} names no step to start from.")
    node = get_step_in_context(job.node_id)
    return NodeContext(node, get_path(node), node.tree.problem, pinned_profile(job))


def as_int(params: dict[str, Any], name: str, default: int | None = None) -> int:
    value = params.get(name, default)
    if value is None:
        raise ValueError(f"The job has no {name!r} parameter.")
    return int(value)
