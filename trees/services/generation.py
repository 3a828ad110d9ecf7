"""Storing what models generate: candidate steps, rollouts with their values, suggested labels.

Each store runs in one transaction that also finishes its Job, so a re-delivered task finds the
job finished and stores nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from trees.core.generation import Candidate, dedupe
from trees.core.jobresults import ExpandResult, FirstErrorResult, RolloutResult
from trees.core.values import mc_values
from trees.errors import Conflict, Invalid
from trees.events import send_on_commit
from trees.models import Job, ModelProfile, Node, StepLabel, SuggestedLabel, Tree
from trees.queries import node_to_dict
from trees.services.common import Children, count_new, lock_running
from trees.services.jobs import do_finish_job
from trees.services.labels import do_label_step


@transaction.atomic
def do_store_candidates(
    job: Job, parent: Node, candidates: Sequence[Candidate], profile: ModelProfile
) -> list[Node]:
    """Add the distinct new candidates below `parent` and finish the job."""
    if not lock_running(job):
        return []
    Tree.objects.select_for_update().filter(pk=parent.tree_id).first()
    children = Children()
    existing = children.of(parent)
    fresh = dedupe(candidates, existing=[node.text for node in existing.values()])
    created = [children.add(parent, candidate, profile, job)[0] for candidate in fresh]
    count_new(parent.tree_id, created)
    result = ExpandResult(
        created=[node.pk for node in created],
        generated=len(candidates),
        duplicates=len(candidates) - len(created),
    )
    do_finish_job(job, result.to_data())
    return created


@dataclass
class Rollout:
    """One completion from a node to a final answer, split into steps."""

    steps: list[Candidate]
    correct: bool | None
    answer: str | None


def _set_values(node: Node, verdicts: Sequence[bool | None]) -> Node:
    soft, hard = mc_values(verdicts)
    # Fresh values: no longer stale from an earlier text change (trees.services.grading).
    Node.objects.filter(pk=node.pk).update(
        mc_soft=soft, mc_hard=hard, rollout_count=len(verdicts), values_stale=False
    )
    node.refresh_from_db()
    send_on_commit({"type": "node.updated", "tree": node.tree_id, "node": node_to_dict(node)})
    return node


@transaction.atomic
def do_store_rollouts(
    job: Job,
    node: Node,
    rollouts: Sequence[Rollout],
    profile: ModelProfile,
    keep_branches: bool,
) -> Node:
    """Set the node's Monte-Carlo values from its rollouts (the latest estimate replaces an
    older one) and, if asked, keep each rollout as a branch, sharing steps it has in common
    with what is already there. Finishes the job."""
    if not lock_running(job):
        return node
    Tree.objects.select_for_update().filter(pk=node.tree_id).first()
    created: list[Node] = []
    if keep_branches:
        children = Children()
        for rollout in rollouts:
            parent = node
            for candidate in rollout.steps:
                parent, new = children.add(parent, candidate, profile, job)
                if new:
                    created.append(parent)
    count_new(node.tree_id, created)
    node = _set_values(node, [rollout.correct for rollout in rollouts])
    result = RolloutResult(
        rollouts=len(rollouts),
        correct=sum(1 for rollout in rollouts if rollout.correct),
        mc_soft=node.mc_soft,
        mc_hard=node.mc_hard,
        created=[created_node.pk for created_node in created],
        answers=[rollout.answer for rollout in rollouts],
    )
    do_finish_job(job, result.to_data())
    return node


@transaction.atomic
def do_store_probe(node: Node, verdicts: Sequence[bool | None]) -> Node:
    """Record one value estimate of a step (used by the first-error search)."""
    return _set_values(node, verdicts)


@transaction.atomic
def do_suggest_first_error(
    job: Job, node: Node | None, evidence: dict[str, Any]
) -> SuggestedLabel | None:
    """Suggest -1 on the first error found (or nothing when none was) and finish the job."""
    if not lock_running(job):
        return None
    suggestion = None
    if node is not None:
        suggestion, _ = SuggestedLabel.objects.get_or_create(
            node=node,
            job=job,
            defaults={
                "rating": -1,
                "reason": "First step whose rollouts never reach the right answer.",
                "evidence": evidence,
            },
        )
    result = FirstErrorResult(
        probed_steps=list(evidence.get("probed_steps") or []),
        values=dict(evidence.get("values") or {}),
        first_error=node.pk if node else None,
        suggestion=suggestion.pk if suggestion else None,
    )
    do_finish_job(job, result.to_data())
    return suggestion


@transaction.atomic
def do_review_suggestion(suggestion: SuggestedLabel, user: Any, accept: bool) -> SuggestedLabel:
    """An expert confirms (it becomes their label) or rejects a model's suggestion."""
    current = SuggestedLabel.objects.select_for_update().get(pk=suggestion.pk)
    if current.status != SuggestedLabel.Status.PENDING:
        raise Conflict(f"This suggestion was already {current.status}.")
    if accept:
        # The suggestion's reason becomes the note only where the expert has written none:
        # accepting a suggestion never overwrites what an expert typed.
        mine = StepLabel.objects.filter(node=current.node, expert=user).only("note").first()
        note = None if mine is not None and mine.note else current.reason
        do_label_step(current.node, user, current.rating, note=note)
    current.status = SuggestedLabel.Status.CONFIRMED if accept else SuggestedLabel.Status.REJECTED
    current.reviewed_by = user
    current.save(update_fields=["status", "reviewed_by"])
    return current


def check_count(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Invalid(f"{name} must be an integer from {low} to {high}.", field=name)
    return value
