"""Write helpers shared by several services: locking a running job, adding model-written
nodes below a parent without duplicates, counting new nodes on their tree, and the stored
figures of a long thought's text.

Each runs inside its caller's transaction; none opens one of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import F

from trees.core.generation import Candidate
from trees.core.steps import normalize_step
from trees.events import send_on_commit
from trees.models import Job, LongThought, ModelProfile, Node, Tree
from trees.queries import node_to_dict


def lock_running(job: Job) -> bool:
    """Lock the job row; False when it has finished (or was cancelled) meanwhile."""
    return not Job.objects.select_for_update().get(pk=job.pk).is_finished


def correctness_of(correct: bool | None) -> str:
    """A verifier's verdict (None: not graded) as a node's correctness."""
    if correct is None:
        return Node.Correctness.UNKNOWN
    return Node.Correctness.CORRECT if correct else Node.Correctness.INCORRECT


def new_model_node(
    parent: Node, candidate: Candidate, order: int, profile: ModelProfile, job: Job
) -> Node:
    """An unsaved node for a model's candidate step below `parent`."""
    return Node(
        tree_id=parent.tree_id,
        parent=parent,
        text=candidate.text,
        kind=Node.Kind.ANSWER if candidate.terminal else Node.Kind.STEP,
        origin=Node.Origin.MODEL,
        model_profile=profile,
        source=getattr(profile, "model_name", "") or getattr(profile, "name", ""),
        sampling={**candidate.sampling, "finish_reason": candidate.finish_reason},
        confidence=candidate.confidence,
        token_count=candidate.token_count,
        depth=parent.depth + 1,
        order=order,
        is_terminal=candidate.terminal,
        extracted_answer=candidate.extracted_answer,
        correctness=correctness_of(candidate.correct),
        job=job,
    )


def count_new(tree_id: int, nodes: Sequence[Node]) -> None:
    """Add new nodes to their tree's counters and send a node.created event for each."""
    correct = sum(1 for node in nodes if node.correctness == Node.Correctness.CORRECT)
    Tree.objects.filter(pk=tree_id).update(
        node_count=F("node_count") + len(nodes), correct_leaves=F("correct_leaves") + correct
    )
    for node in nodes:
        send_on_commit({"type": "node.created", "tree": tree_id, "node": node_to_dict(node)})


class Children:
    """The children of nodes by normalised text, loaded once per parent: `add` stores a
    candidate as a new child unless a sibling already says the same thing."""

    def __init__(self) -> None:
        self.by_parent: dict[int, dict[str, Node]] = {}
        self.next_order: dict[int, int] = {}

    def of(self, parent: Node) -> dict[str, Node]:
        if parent.pk not in self.by_parent:
            children = list(Node.objects.filter(parent=parent).order_by("order"))
            # A step an expert deleted is not a candidate's twin: a new one may take its place.
            self.by_parent[parent.pk] = {
                normalize_step(c.text): c for c in children if not c.is_deleted
            }
            self.next_order[parent.pk] = max((c.order for c in children), default=-1) + 1
        return self.by_parent[parent.pk]

    def add(
        self, parent: Node, candidate: Candidate, profile: ModelProfile, job: Job
    ) -> tuple[Node, bool]:
        """The node for `candidate` below `parent` and whether it is new (saved just now)."""
        children = self.of(parent)
        key = normalize_step(candidate.text)
        if key in children:
            return children[key], False
        node = new_model_node(parent, candidate, self.next_order[parent.pk], profile, job)
        node.save()
        self.next_order[parent.pk] += 1
        children[key] = node
        return node, True


def apply_stats(thought: LongThought, stats: dict[str, Any]) -> None:
    """Copy a long thought's text figures (see longthoughts.text_stats) onto its columns;
    the caller saves."""
    thought.stats = stats
    thought.token_count = stats["tokens"]
    thought.line_count = stats["lines"]
    thought.backtracks = stats["backtracks"]
