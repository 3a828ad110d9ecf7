"""Propose-critique loops: a Job of kind critique_loop whose proposals are nodes and whose
judgements are Critique records. The loop's state lives in the database, so a worker that
stops (pause, kill, re-delivery) picks up where the last stored proposal or critique left it.

The thread of a loop is its result's `proposals` (a CritiqueLoopResult: node ids in round
order, round r's proposal is the r-th) and the loop's critiques (each with its round).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from trees.core.critique import SCORE_OF, VERDICTS
from trees.core.generation import Candidate
from trees.core.jobresults import CritiqueLoopResult
from trees.errors import Conflict, Invalid, JobStopped
from trees.events import send_on_commit
from trees.models import Critique, Job, ModelProfile, Node, Tree
from trees.queries import node_to_dict
from trees.services.common import Children, count_new
from trees.services.jobs import dispatch_job, do_finish_job, job_event

MAX_CRITIQUE_CHARS = 10_000


def critique_dict(critique: Critique) -> dict[str, Any]:
    """The API and event shape of a critique, with who wrote it."""
    return {
        "id": critique.pk,
        "node": critique.node_id,
        "round": critique.round,
        "verdict": critique.verdict,
        "text": critique.text,
        "node_version": critique.node_version,
        "loop": critique.loop_id,
        "revision": critique.revision_id,
        "author": critique.author_id,
        "model_profile": critique.model_profile_id,
        "by": _by(critique.author, critique.model_profile),
        "created_at": critique.created_at.isoformat() if critique.created_at else None,
    }


def _by(user: Any, profile: ModelProfile | None) -> dict[str, Any]:
    if user is not None:
        return {"type": "user", "id": user.pk, "name": user.get_username()}
    if profile is not None:
        return {"type": "model", "id": profile.pk, "name": profile.name}
    return {"type": "unknown", "id": None, "name": ""}


@dataclass
class LoopState:
    """Where a loop stands: its proposals (round order), the current one, and the current
    round's latest critique of it that still matches its text (None: it needs judging)."""

    proposals: list[Node]
    critique: Critique | None

    @property
    def round(self) -> int:
        return len(self.proposals)

    @property
    def current(self) -> Node | None:
        return self.proposals[-1] if self.proposals else None


def get_loop_state(loop: Job) -> LoopState:
    loop.refresh_from_db(fields=["result", "status"])
    order = CritiqueLoopResult.from_data(loop.result).proposals
    nodes = Node.objects.in_bulk(order)
    proposals = [nodes[pk] for pk in order if pk in nodes]
    critique = None
    if proposals:
        current = proposals[-1]
        critique = (
            Critique.objects.filter(loop=loop, round=len(proposals), node=current)
            .order_by("-pk")
            .first()
        )
        if critique is not None and critique.node_version != current.version:
            critique = None  # an expert edited the step since: judge it again
    return LoopState(proposals, critique)


def _lock_loop(loop: Job) -> Job:
    locked = Job.objects.select_for_update().get(pk=loop.pk)
    if locked.kind != Job.Kind.CRITIQUE_LOOP:
        raise Invalid(f"Job {loop.pk} is not a propose-critique loop.")
    return locked


@transaction.atomic
def do_add_proposal(
    loop: Job,
    parent: Node,
    candidate: Candidate,
    profile: ModelProfile,
    round: int,
    *,
    revises: Critique | None = None,
    budget: dict[str, Any] | None = None,
) -> Node:
    """Store round `round`'s proposal below `parent` (once: a re-run finds it) and link the
    critique it answers to it. A proposal that says what an existing sibling says is that
    sibling: the loop judges it again rather than duplicating a step."""
    locked = _lock_loop(loop)
    if locked.is_finished:
        raise JobStopped
    state = CritiqueLoopResult.from_data(locked.result)
    if len(state.proposals) >= round:
        return Node.objects.get(pk=state.proposals[round - 1])
    Tree.objects.select_for_update().filter(pk=parent.tree_id).first()
    candidate.sampling = {**candidate.sampling, "loop": loop.pk, "loop_round": round}
    node, new = Children().add(parent, candidate, profile, loop)
    count_new(parent.tree_id, [node] if new else [])
    state.proposals.append(node.pk)
    if budget is not None:
        state.budget = budget
    result = state.to_data()
    Job.objects.filter(pk=loop.pk).update(result=result, progress_done=round)
    loop.result, loop.progress_done = result, round
    if revises is not None:
        Critique.objects.filter(pk=revises.pk).update(revision=node)
    job_event(loop)
    return node


@transaction.atomic
def do_add_critique(
    loop: Job,
    node: Node,
    verdict: str,
    text: str,
    *,
    author: Any = None,
    profile: ModelProfile | None = None,
    budget: dict[str, Any] | None = None,
) -> Critique:
    """Judge the loop's current proposal (a model's critic, or an expert writing their own).

    The critique belongs to the current round and records the text version it judged; the
    node's score becomes the verdict's score (accept 1, revise 0.5, reject 0).
    """
    if verdict not in VERDICTS:
        raise Invalid(f"verdict must be one of {list(VERDICTS)}.", field="verdict")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_CRITIQUE_CHARS:
        raise Invalid(
            f"A critique needs text of at most {MAX_CRITIQUE_CHARS} characters.", field="text"
        )
    locked = _lock_loop(loop)
    if locked.is_finished:
        if author is None:
            raise JobStopped
        raise Conflict(f"This loop has already {locked.status}.")
    state = CritiqueLoopResult.from_data(locked.result)
    proposals = state.proposals
    if not proposals or proposals[-1] != node.pk:
        raise Conflict("Only the loop's current proposal can be critiqued.")
    current = Node.objects.select_for_update().get(pk=node.pk)
    critique = Critique.objects.create(
        node=current,
        author=author,
        model_profile=profile,
        text=text.strip(),
        verdict=verdict,
        round=len(proposals),
        node_version=current.version,
        loop=loop,
    )
    Node.objects.filter(pk=current.pk).update(score=SCORE_OF[verdict])
    current.score = SCORE_OF[verdict]
    if budget is not None:
        state.budget = budget
        Job.objects.filter(pk=loop.pk).update(result=state.to_data())
    send_on_commit(
        {"type": "critique.created", "tree": current.tree_id, "critique": critique_dict(critique)}
    )
    send_on_commit({"type": "node.updated", "tree": current.tree_id, "node": node_to_dict(current)})
    return critique


def do_finish_loop(
    loop: Job,
    accepted: Node | None,
    reason: str,
    *,
    budget: dict[str, Any] | None = None,
    accepted_by: int | None = None,
) -> Job:
    with transaction.atomic():
        locked = _lock_loop(loop)
        if locked.is_finished:
            return locked
        result = CritiqueLoopResult.from_data(locked.result)
        result.accepted, result.reason = (accepted.pk if accepted else None), reason
        if budget is not None:
            result.budget = budget
        if accepted_by is not None:
            result.accepted_by = accepted_by
        loop.refresh_from_db()
        return do_finish_job(loop, result.to_data())


@transaction.atomic
def do_pause_loop(loop: Job) -> Job:
    """Pause a queued or running loop: the worker stops after what it is doing now."""
    locked = _lock_loop(loop)
    if locked.status not in (Job.Status.QUEUED, Job.Status.RUNNING):
        raise Conflict(f"Only a queued or running loop can be paused (it is {locked.status}).")
    Job.objects.filter(pk=loop.pk).update(status=Job.Status.PAUSED)
    locked.status = Job.Status.PAUSED
    job_event(locked)
    return locked


@transaction.atomic
def do_resume_loop(loop: Job, task_id: str | None = None) -> Job:
    """Put a paused loop back in the queue and send it again (after commit, on its pinned
    queue) under a new task id (or `task_id`). The loop is stamped with that id, so a worker
    still running the loop from before the pause (or an old delivery) stops at its next
    round: one worker per loop."""
    locked = _lock_loop(loop)
    if locked.status != Job.Status.PAUSED:
        raise Conflict(f"Only a paused loop can be resumed (this one is {locked.status}).")
    task_id = task_id or str(uuid.uuid4())
    Job.objects.filter(pk=loop.pk).update(status=Job.Status.QUEUED, celery_task_id=task_id)
    locked.status, locked.celery_task_id = Job.Status.QUEUED, task_id
    job_event(locked)
    dispatch_job(locked, task_id)
    return locked


def require_paused(loop: Job, action: str) -> None:
    """An expert takes over a loop only while it is paused: otherwise the model's critique or
    revision of the same round, in flight, would land after theirs and win."""
    status = Job.objects.values_list("status", flat=True).get(pk=loop.pk)
    if status != Job.Status.PAUSED:
        raise Conflict(f"Pause the loop before you {action} (it is {status}).")


def do_accept_proposal(loop: Job, user: Any, text: str = "") -> Job:
    """An expert accepts the current proposal: their accept critique, and the loop ends."""
    state = get_loop_state(loop)
    if state.current is None:
        raise Conflict("The loop has no proposal yet.")
    with transaction.atomic():
        text = text or f"Accepted by {user.get_username()}."
        do_add_critique(loop, state.current, "accept", text, author=user)
        return do_finish_loop(loop, state.current, "accepted by an expert", accepted_by=user.pk)


def do_expert_critique(loop: Job, user: Any, verdict: str, text: str) -> Critique:
    """An expert's own critique of the current proposal, in place of the model's. An accept
    ends the loop; revise and reject are what the loop acts on when it runs (or resumes)."""
    state = get_loop_state(loop)
    if state.current is None:
        raise Conflict("The loop has no proposal yet.")
    if verdict != "accept":
        require_paused(loop, "write your own critique")
    with transaction.atomic():
        critique = do_add_critique(loop, state.current, verdict, text, author=user)
        if verdict == "accept":
            do_finish_loop(loop, state.current, "accepted by an expert", accepted_by=user.pk)
    return critique


def loop_thread(loop: Job) -> list[dict[str, Any]]:
    """The loop as a thread: each round's proposal, then its critiques, with who wrote each.
    Three queries whatever its length."""
    order = CritiqueLoopResult.from_data(loop.result).proposals
    nodes = Node.objects.select_related("author", "model_profile").in_bulk(order)
    critiques = list(
        Critique.objects.filter(loop=loop).select_related("author", "model_profile").order_by("pk")
    )
    thread: list[dict[str, Any]] = []
    for round_number, pk in enumerate(order, start=1):
        node = nodes.get(pk)
        if node is None:
            continue
        thread.append(
            {
                "kind": "proposal",
                "round": round_number,
                "node": node_to_dict(node),
                "by": _by(node.author, node.model_profile),
                "edited": node.version > 1,
            }
        )
        for critique in critiques:
            if critique.round == round_number and critique.node_id == pk:
                entry = critique_dict(critique)
                entry["stale"] = critique.node_version != node.version
                thread.append({"kind": "critique", **entry})
    return thread
