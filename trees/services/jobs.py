"""Jobs: the one starter every long action goes through, and a job's life after it (begin,
progress, finish, fail, cancel).

`do_start_job` creates the Job with everything it will run on pinned (model profile, seed,
queue, parameters) and sends it, after commit, to the task the kinds table names
(trees.core.jobkinds). Workers read those pins and never resolve them again.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from trees.core.jobkinds import CPU, job_kind, task_for
from trees.errors import Conflict, Invalid
from trees.events import send_on_commit
from trees.models import Export, Job, ModelProfile
from trees.services.dispatch import dispatch
from trees.services.profiles import ensure_campaign_profile


def job_to_dict(job: Job) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "campaign": job.campaign_id,
        "tree": job.tree_id,
        "node": job.node_id,
        "parent": job.parent_id,
        "params": job.params,
        "profile": job.profile_id,
        "queue": job.queue,
        "seed": job.seed,
        "progress": {"done": job.progress_done, "total": job.progress_total},
        "error": job.error,
        "result": job.result,
        "attempts": job.attempts,
        "created_by": job.created_by_id,
        "created_at": job.created_at.isoformat() if job.created_at else None,
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def job_event(job: Job) -> None:
    if job.tree_id is not None:
        send_on_commit({"type": "job.progress", "tree": job.tree_id, "job": job_to_dict(job)})


def scoped_key(kind: str, campaign: Any, created_by: Any, key: str | None) -> str | None:
    """A client's idempotency key names a job only within its kind, campaign and creator: the
    same key sent by someone else, elsewhere, makes a new job and reveals nothing."""
    if not key:
        return None
    campaign_id = getattr(campaign, "pk", campaign) or "-"
    user_id = getattr(created_by, "pk", None) or "-"
    scoped = f"{kind}:{campaign_id}:{user_id}:{key}"
    if len(scoped) > 200:  # the column's size: a long key is stood for by its digest
        scoped = f"{kind}:{campaign_id}:{user_id}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"
    return scoped


def new_seed() -> int:
    return random.randrange(2**31)


def do_create_job(
    kind: str,
    *,
    campaign: Any = None,
    tree: Any = None,
    node: Any = None,
    params: dict[str, Any] | None = None,
    created_by: Any = None,
    idempotency_key: str | None = None,
    input_file: Any = None,
    parent: Job | None = None,
    profile: ModelProfile | None = None,
    seed: int | None = None,
    campaign_run: bool = False,
) -> tuple[Job, bool]:
    """Create a queued job with its pins, or return the existing one with the same
    idempotency key. Returns (job, created); nothing is sent (see `do_start_job`).

    A model kind is pinned to `profile` (default: the campaign's default now) and the queue
    that profile names; a seeded kind to `seed` (default: `params["seed"]`, else a fresh one),
    stored on the Job, not in its params.
    """
    spec = job_kind(kind)
    task_for(kind, campaign_run=campaign_run)  # a kind that cannot run campaign-wide fails here
    params = dict(params or {})
    if spec.seeded:
        given = params.pop("seed", None)
        seed = seed if seed is not None else given
        seed = new_seed() if seed is None else int(seed)
    else:
        seed = None
    if spec.model:
        profile = profile or ensure_campaign_profile(campaign)
        queue = profile.queue or spec.queue
    else:
        profile, queue = None, spec.queue
    if campaign_run:
        # The parent only fans out (a cpu task); its children go to the profile's queue.
        params, queue = {**params, "campaign_run": True}, CPU
    idempotency_key = scoped_key(kind, campaign, created_by, idempotency_key)
    if idempotency_key:
        existing = Job.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            job = Job(
                kind=kind,
                campaign=campaign,
                tree=tree,
                node=node,
                params=params,
                profile=profile,
                queue=queue,
                seed=seed,
                created_by=created_by,
                idempotency_key=idempotency_key or None,
                parent=parent,
            )
            if input_file is not None:
                job.input_file.save(getattr(input_file, "name", "upload"), input_file, save=False)
            job.save()
    except IntegrityError:
        # Another request with the same key won the race; theirs is the job.
        return Job.objects.get(idempotency_key=idempotency_key), False
    job_event(job)
    return job, True


def is_campaign_run(job: Job) -> bool:
    return bool((job.params or {}).get("campaign_run"))


def dispatch_job(job: Job, task_id: str | None = None) -> str:
    """Send `job` to its kind's task on its pinned queue, after the current transaction
    commits. Returns the task id."""
    name = task_for(job.kind, campaign_run=is_campaign_run(job))
    return dispatch(name, job.pk, queue=job.queue or None, task_id=task_id)


def do_start_job(
    kind: str,
    *,
    campaign: Any = None,
    tree: Any = None,
    node: Any = None,
    params: dict[str, Any] | None = None,
    created_by: Any = None,
    idempotency_key: str | None = None,
    input_file: Any = None,
    profile: ModelProfile | None = None,
    seed: int | None = None,
    campaign_run: bool = False,
) -> tuple[Job, bool]:
    """Start a job: create it with its pins (`do_create_job`) and, when it is new, send it to
    its task after commit. The one way every view, service and command starts a job.

    Returns (job, created); a repeated idempotency key returns the first job, unsent again.
    """
    if node is not None and getattr(node, "is_deleted", False):
        raise Invalid("This step is deleted; restore it first.")
    job, created = do_create_job(
        kind,
        campaign=campaign,
        tree=tree,
        node=node,
        params=params,
        created_by=created_by,
        idempotency_key=idempotency_key,
        input_file=input_file,
        profile=profile,
        seed=seed,
        campaign_run=campaign_run,
    )
    if created:
        dispatch_job(job)
    return job, created


def do_begin_job(job_id: int) -> Job | None:
    """Mark a job running and count the attempt; None when it is finished, cancelled or paused
    (a re-delivered task then does nothing; a paused loop runs again only once resumed)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished or job.status == Job.Status.PAUSED:
            return None
        job.status = Job.Status.RUNNING
        job.attempts = F("attempts") + 1
        job.started_at = job.started_at or timezone.now()
        job.save(update_fields=["status", "attempts", "started_at"])
        job.refresh_from_db()
        job_event(job)
    return job


def do_report_progress(job: Job, done: int, total: int | None = None) -> None:
    fields = {"progress_done": done}
    if total is not None:
        fields["progress_total"] = total
    # Only a running job moves; a job cancelled or paused meanwhile keeps its stored state,
    # and no event claims it is still running.
    if not Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(**fields):
        return
    job.progress_done = done
    if total is not None:
        job.progress_total = total
    job_event(job)


def _finish(job: Job, status: str, **fields: Any) -> Job:
    updated = (
        Job.objects.filter(pk=job.pk)
        .exclude(status__in=Job.FINISHED)
        .update(status=status, finished_at=timezone.now(), **fields)
    )
    job.refresh_from_db()
    if updated:
        job_event(job)
    return job


def do_finish_job(job: Job, result: dict[str, Any] | None = None) -> Job:
    return _finish(
        job,
        Job.Status.SUCCEEDED,
        result=result or {},
        progress_done=max(job.progress_done, job.progress_total),
    )


def do_fail_job(job: Job, error: str, result: dict[str, Any] | None = None) -> Job:
    return _finish(job, Job.Status.FAILED, error=error[:10_000], result=result or {})


def do_cancel_job(job: Job) -> Job:
    """Cancel a job; a campaign-wide run's unfinished children are cancelled with it."""
    if job.is_finished:
        raise Conflict(f"Job {job.pk} has already {job.status}.")
    for child in Job.objects.filter(parent=job).exclude(status__in=Job.FINISHED):
        _finish(child, Job.Status.CANCELLED)
    # An export cancelled before a worker took it would otherwise stay "queued" forever.
    Export.objects.filter(job=job, status__in=[Export.Status.QUEUED, Export.Status.RUNNING]).update(
        status=Export.Status.CANCELLED, finished_at=timezone.now()
    )
    return _finish(job, Job.Status.CANCELLED)


def is_cancelled(job_id: int) -> bool:
    return Job.objects.filter(pk=job_id, status=Job.Status.CANCELLED).exists()
