"""What the search jobs (beam search, MCTS, re-completion) share: their budget and how a node
looks to a search policy."""

from __future__ import annotations

from trees.core.search import Budget, Scored
from trees.models import Job, Node


def job_budget(job: Job) -> Budget:
    return Budget.from_params(job.params.get("budget"))


def scored(node: Node, **values: float | None) -> Scored:
    return Scored(
        id=node.pk,
        confidence=node.confidence,
        terminal=node.is_terminal,
        correct=node.correctness == Node.Correctness.CORRECT if node.is_terminal else None,
        **values,
    )
