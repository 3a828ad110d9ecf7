"""Automated tree building: storing what beam search, MCTS and re-completion generate, search
statistics, campaign-wide runs (a parent job fanning out to per-problem jobs), and clusters.

Every store runs in one transaction that first checks its job still runs, so a cancelled job
stores nothing more, and it deduplicates against the steps already there, so a re-delivered
job that regenerates the same samples (fixed seeds) adds no node twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from trees.core.generation import Candidate, dedupe
from trees.core.jobresults import CampaignRunResult, MctsResult, RunCounts
from trees.core.search import Contribution
from trees.errors import Invalid, JobStopped
from trees.events import send_on_commit
from trees.models import Campaign, Job, ModelProfile, Node, Problem, Tree
from trees.queries import node_to_dict
from trees.services.common import Children, count_new, lock_running
from trees.services.generation import Rollout, do_store_probe
from trees.services.jobs import (
    dispatch_job,
    do_create_job,
    do_finish_job,
    do_start_job,
    job_event,
)

SEARCH_KINDS = (Job.Kind.BEAM_SEARCH, Job.Kind.MCTS, Job.Kind.RECOMPLETE)


def _lock_or_stop(job: Job) -> None:
    if not lock_running(job):
        raise JobStopped


@transaction.atomic
def do_store_search_probe(job: Job, node: Node, verdicts: Sequence[bool | None]) -> Node:
    """Record a search's value estimate of a step, unless the job was cancelled meanwhile
    (then JobStopped: a cancelled search stores nothing more)."""
    _lock_or_stop(job)
    return do_store_probe(node, verdicts)


@transaction.atomic
def do_store_children(
    job: Job, parent: Node, candidates: Sequence[Candidate], profile: ModelProfile
) -> list[Node]:
    """The nodes for `candidates` below `parent`: new ones stored, ones that say what an
    existing sibling says mapped to that sibling. Order of first appearance, no repeats."""
    _lock_or_stop(job)
    Tree.objects.select_for_update().filter(pk=parent.tree_id).first()
    children = Children()
    created: list[Node] = []
    nodes: dict[int, Node] = {}
    for candidate in dedupe(candidates):
        node, new = children.add(parent, candidate, profile, job)
        if new:
            created.append(node)
        nodes.setdefault(node.pk, node)
    count_new(parent.tree_id, created)
    return list(nodes.values())


@transaction.atomic
def do_store_branches(
    job: Job,
    node: Node,
    rollouts: Sequence[Rollout],
    profile: ModelProfile,
    *,
    sampling: Mapping[str, Any] | None = None,
) -> list[Node]:
    """Keep each rollout as a branch below `node`, sharing steps already there; the new
    nodes' sampling metadata gets `sampling` (e.g. {"answer_revealed": true}). Returns the
    last node of each rollout's branch."""
    _lock_or_stop(job)
    Tree.objects.select_for_update().filter(pk=node.tree_id).first()
    children = Children()
    created: list[Node] = []
    ends: list[Node] = []
    for rollout in rollouts:
        parent = node
        for candidate in rollout.steps:
            if sampling:
                candidate.sampling = {**candidate.sampling, **sampling}
            parent, new = children.add(parent, candidate, profile, job)
            if new:
                created.append(parent)
        ends.append(parent)
    count_new(node.tree_id, created)
    return ends


@transaction.atomic
def do_set_scores(job: Job, scores: Mapping[int, float | None]) -> None:
    """Store each node's search score (critic or value estimate) for the canvas."""
    _lock_or_stop(job)
    for node_id, score in scores.items():
        Node.objects.filter(pk=node_id).update(score=score)
    for node in Node.objects.filter(pk__in=list(scores)):
        send_on_commit({"type": "node.updated", "tree": node.tree_id, "node": node_to_dict(node)})


@transaction.atomic
def do_record_search_stats(job: Job, contribution: Contribution, progress: MctsResult) -> None:
    """Make the nodes' visits and value sums hold this job's `contribution` (MCTS), and store
    `progress` with it as the job's running result.

    The job keeps what it has added so far in its result's `search_stats`; each write adds
    only the difference, in the same transaction, so a re-run of the job (a killed worker)
    replaces its earlier part instead of counting it twice, and other jobs' visits are left
    alone.
    """
    locked = Job.objects.select_for_update().get(pk=job.pk)
    if locked.is_finished:
        raise JobStopped
    deltas = contribution.deltas(MctsResult.from_data(locked.result).search_stats)
    for node_id, (visits, value) in deltas.items():
        Node.objects.filter(pk=node_id).update(
            visits=F("visits") + visits, value_sum=F("value_sum") + value
        )
    progress.search_stats = contribution.to_data()
    result = progress.to_data()
    Job.objects.filter(pk=job.pk).update(result=result)
    job.result = result
    for node in Node.objects.filter(pk__in=list(deltas)):
        send_on_commit({"type": "node.updated", "tree": node.tree_id, "node": node_to_dict(node)})


def previous_contribution(job: Job) -> dict[str, list[float]]:
    return dict(MctsResult.from_data(job.result).search_stats)


# --- Campaign-wide runs ---------------------------------------------------------------------

RUN_FILTERS = ("problem_ids", "subject", "difficulty", "unsolved_only", "limit")


def check_run_filters(filters: Mapping[str, Any] | None) -> dict[str, Any]:
    filters = dict(filters or {})
    unknown = set(filters) - set(RUN_FILTERS)
    if unknown:
        raise Invalid(f"Unknown filters {sorted(unknown)}; use {list(RUN_FILTERS)}.")
    ids = filters.get("problem_ids")
    if ids is not None and (
        not isinstance(ids, list) or not all(isinstance(i, int) and i > 0 for i in ids)
    ):
        raise Invalid("problem_ids must be a list of problem ids.", field="problem_ids")
    limit = filters.get("limit")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise Invalid("limit must be a positive integer.", field="limit")
    return filters


def run_problems(campaign: Campaign, filters: Mapping[str, Any]) -> QuerySet[Problem]:
    """The problems a campaign-wide run covers, in a fixed order."""
    problems = Problem.objects.filter(campaign=campaign, tree__isnull=False)
    if filters.get("problem_ids"):
        problems = problems.filter(pk__in=filters["problem_ids"])
    if filters.get("subject"):
        problems = problems.filter(subject=filters["subject"])
    if filters.get("difficulty"):
        problems = problems.filter(difficulty=filters["difficulty"])
    if filters.get("unsolved_only"):
        problems = problems.filter(tree__correct_leaves=0)
    problems = problems.order_by("pk")
    if filters.get("limit"):
        problems = problems[: filters["limit"]]
    return problems


def do_start_campaign_run(
    campaign: Campaign,
    kind: str,
    params: dict[str, Any],
    filters: Mapping[str, Any] | None,
    created_by: Any,
    idempotency_key: str | None = None,
) -> tuple[Job, bool]:
    """Start a campaign-wide run: its parent job, pinned to the campaign's model profile and a
    seed, whose fan-out task creates the children (`do_fan_out`)."""
    if kind not in SEARCH_KINDS:
        raise Invalid(f"kind must be one of {list(SEARCH_KINDS)}.", field="kind")
    filters = check_run_filters(filters)
    return do_start_job(
        kind,
        campaign=campaign,
        params={**params, "filters": filters},
        created_by=created_by,
        idempotency_key=idempotency_key,
        campaign_run=True,
    )


def child_params(parent: Job) -> dict[str, Any]:
    return {k: v for k, v in parent.params.items() if k not in ("campaign_run", "filters")}


def child_seed(parent: Job, problem_id: int) -> int | None:
    """Each problem its own seed, the same on every delivery of the fan-out."""
    return None if parent.seed is None else (int(parent.seed) + problem_id) % (2**31)


def do_fan_out(parent: Job) -> list[Job]:
    """Create the run's per-problem jobs (once: a re-delivered fan-out finds them by their
    idempotency keys), each pinned to the run's own profile, and count them on the parent.
    Returns the children that still need dispatching: those never started, each stamped with
    a fresh task id so that only the delivery carrying that id runs it (see `claim_job`)."""
    filters = parent.params.get("filters") or {}
    assert parent.campaign is not None, "a campaign-wide run belongs to a campaign"
    roots = dict(
        Node.objects.filter(
            tree__problem__in=run_problems(parent.campaign, filters), parent__isnull=True
        ).values_list("tree__problem_id", "pk")
    )
    children = []
    for problem_id in sorted(roots):
        child, _ = do_create_job(
            parent.kind,
            campaign=parent.campaign,
            tree=Tree.objects.get(problem_id=problem_id),
            node=Node.objects.get(pk=roots[problem_id]),
            params=child_params(parent),
            created_by=parent.created_by,
            idempotency_key=f"run-{parent.pk}-problem-{problem_id}",
            parent=parent,
            profile=parent.profile,
            seed=child_seed(parent, problem_id),
        )
        children.append(child)
    Job.objects.filter(pk=parent.pk).update(progress_total=len(children))
    parent.progress_total = len(children)
    job_event(parent)
    return [child for child in children if child.status == Job.Status.QUEUED and not child.attempts]


def do_send_children(children: Iterable[Job]) -> int:
    """Send each never-started child of a campaign-wide run under a fresh task id it is
    stamped with first (see `claim_job`); returns how many were sent."""
    sent = 0
    for child in children:
        task_id = str(uuid.uuid4())
        if do_stamp_task(child, task_id):
            dispatch_job(child, task_id)
            sent += 1
    return sent


@transaction.atomic
def do_stamp_task(job: Job, task_id: str) -> bool:
    """Record the task id a queued, never-started job is about to be sent with; False when it
    has started meanwhile (then it must not be sent again)."""
    locked = Job.objects.select_for_update().get(pk=job.pk)
    if locked.status != Job.Status.QUEUED or locked.attempts:
        return False
    Job.objects.filter(pk=job.pk).update(celery_task_id=task_id)
    return True


def claim_job(job_id: int, task_id: str | None) -> bool:
    """Whether this delivery may run the job: a job stamped with a task id runs only under
    that id, so an older duplicate delivery of a re-dispatched child does nothing."""
    stamped = Job.objects.filter(pk=job_id).values_list("celery_task_id", flat=True).first()
    return not stamped or not task_id or stamped == task_id


def do_roll_up(parent_id: int) -> Job | None:
    """Aggregate the children's progress onto a campaign-wide run; the last child to finish
    finishes the run with a summary."""
    with transaction.atomic():
        parent = Job.objects.select_for_update().filter(pk=parent_id).first()
        if parent is None:
            return None
        counts = Job.objects.filter(parent_id=parent_id).aggregate(
            total=Count("pk"),
            finished=Count("pk", filter=Q(status__in=Job.FINISHED)),
            succeeded=Count("pk", filter=Q(status=Job.Status.SUCCEEDED)),
            failed=Count("pk", filter=Q(status=Job.Status.FAILED)),
            cancelled=Count("pk", filter=Q(status=Job.Status.CANCELLED)),
            solved=Count("pk", filter=Q(result__found__isnull=False) & ~Q(result__found=None)),
        )
        summary = CampaignRunResult.from_data(parent.result)
        summary.children = RunCounts(**counts)
        fields: dict[str, Any] = {"progress_done": counts["finished"], "result": summary.to_data()}
        if not parent.is_finished and counts["total"] and counts["finished"] == counts["total"]:
            fields.update(status=Job.Status.SUCCEEDED, finished_at=timezone.now())
        Job.objects.filter(pk=parent_id).update(**fields)
        parent.refresh_from_db()
        job_event(parent)
    return parent


# --- Clusters (the step DAG) ----------------------------------------------------------------


@transaction.atomic
def do_set_clusters(tree: Tree, clusters: Mapping[int, int | None]) -> int:
    """Store each node's cluster id (node id -> cluster); returns how many changed."""
    nodes = list(Node.objects.filter(tree=tree, pk__in=list(clusters)).only("pk", "cluster_id"))
    changed = [node for node in nodes if node.cluster_id != clusters[node.pk]]
    for node in changed:
        node.cluster_id = clusters[node.pk]
    Node.objects.bulk_update(changed, ["cluster_id"], batch_size=1000)
    return len(changed)


@transaction.atomic
def do_set_cluster_settings(
    campaign: Campaign, threshold: float | None = None, band: int | None = None
) -> Campaign:
    if threshold is not None:
        if not 0.0 < threshold <= 1.0:
            raise Invalid("threshold must be in (0, 1].", field="threshold")
        campaign.cluster_threshold = threshold
    if band is not None:
        if not 0 <= band <= 16:
            raise Invalid("band must be from 0 to 16.", field="band")
        campaign.cluster_depth_band = band
    campaign.save(update_fields=["cluster_threshold", "cluster_depth_band"])
    return campaign


def finish_search(job: Job, result: dict[str, Any]) -> Job:
    """Finish a search job with its result (keeping what it recorded while running)."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.is_finished:
            return locked
        job.result = {**(locked.result or {}), **result}
        return do_finish_job(job, job.result)


def ids(nodes: Iterable[Node]) -> list[int]:
    return [node.pk for node in nodes]
