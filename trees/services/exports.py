"""Training-set exports: create an Export with its Job, run it (the body of the "export"
job), and schedules that make a new Export version on each run (django-celery-beat)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask
from django_celery_beat.validators import (
    day_of_month_validator,
    day_of_week_validator,
    hour_validator,
    minute_validator,
    month_of_year_validator,
)

from trees.core.jobresults import ExportResult
from trees.errors import Invalid, NotFound
from trees.exporting.dataset import ExportStopped, NothingToExport, write_dataset
from trees.exporting.snapshots import chunks
from trees.exporting.spec import ExportSpec
from trees.exporting.tokens import tokenizer_path
from trees.exporting.writer import manifest_path
from trees.models import Campaign, Export, ExportSchedule, Job, Problem, Role
from trees.queries import User, require_role
from trees.services.jobs import (
    dispatch_job,
    do_create_job,
    do_fail_job,
    do_finish_job,
    do_report_progress,
    is_cancelled,
    scoped_key,
)

SCHEDULE_TASK = "arbor.cpu.run_export_schedule"
INTERVAL_PERIODS = ("days", "hours", "minutes")
CRONTAB_FIELDS = {
    "minute": minute_validator,
    "hour": hour_validator,
    "day_of_week": day_of_week_validator,
    "day_of_month": day_of_month_validator,
    "month_of_year": month_of_year_validator,
}


def check_export_request(campaign: Campaign, fmt: str, filters: dict[str, Any]) -> ExportSpec:
    """The export's spec, checked against the campaign; raises Invalid (422) with the reason."""
    try:
        spec = ExportSpec.from_filters(fmt, filters)
    except (TypeError, ValueError) as exc:
        raise Invalid(str(exc)) from exc
    if spec.problems is not None:
        found: set[int] = set()
        for chunk in chunks(spec.problems):
            found.update(
                Problem.objects.filter(campaign=campaign, pk__in=chunk).values_list("pk", flat=True)
            )
        missing = sorted(set(spec.problems) - found)
        if missing:
            raise Invalid(f"No problem(s) {missing[:20]} in this campaign.", field="problems")
    if spec.tokenizer:
        try:
            tokenizer_path(spec.tokenizer)
        except ValueError as exc:
            raise Invalid(str(exc), field="tokenizer") from exc
    return spec


def export_root() -> Path:
    """Where export files live: MEDIA_ROOT/exports."""
    return Path(settings.MEDIA_ROOT) / "exports"


def export_path(export: Export) -> Path:
    return Path(settings.MEDIA_ROOT) / export.file.name


def manifest_file(export: Export) -> Path:
    return manifest_path(export_path(export))


@transaction.atomic
def do_create_export(
    campaign: Campaign,
    fmt: str,
    filters: dict[str, Any],
    *,
    created_by: Any = None,
    schedule: ExportSchedule | None = None,
    idempotency_key: str | None = None,
    send: bool = True,
) -> tuple[Export, Job, bool]:
    """A queued Export (the next version of the campaign's exports in this format) and its
    Job, sent to its task after commit (unless `send` is false: the caller runs it here and
    now). Returns (export, job, created); with an idempotency key already used, the export
    made then and created false (and nothing sent again)."""
    spec = check_export_request(campaign, fmt, filters)
    if idempotency_key:
        key = scoped_key(Job.Kind.EXPORT, campaign, created_by, idempotency_key)
        existing = Export.objects.filter(job__idempotency_key=key).first()
        if existing is not None and existing.job is not None:
            return existing, existing.job, False
    # Lock the campaign row: versions are numbered by one writer at a time.
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    latest = Export.objects.filter(campaign=campaign, format=fmt).aggregate(m=Max("version"))
    version = (latest["m"] or 0) + 1
    job, created = do_create_job(
        Job.Kind.EXPORT,
        campaign=campaign,
        params={"format": fmt, "filters": spec.to_filters()},
        created_by=created_by,
        idempotency_key=idempotency_key,
    )
    if not created:  # the same key won a race meanwhile
        return Export.objects.get(job=job), job, False
    export = Export.objects.create(
        campaign=campaign,
        format=fmt,
        version=version,
        filters=spec.to_filters(),
        file=f"exports/{campaign.slug}-{fmt}-v{version}.jsonl",
        job=job,
        schedule=schedule,
        created_by=created_by,
    )
    job.params = {**job.params, "export": export.pk}
    job.save(update_fields=["params"])
    if send:
        dispatch_job(job)
    return export, job, True


def do_run_export_job(job: Job) -> Job:
    """The body of an "export" job: stream the file, then record it on the Export and finish
    the job in one transaction. A failure leaves no file (only the previous version of the same
    name, if any) and marks the Export failed; so does an export with no rows, with the reason
    on the Export and the Job; a cancel between batches marks it cancelled."""
    export = Export.objects.select_related("campaign").get(job_id=job.pk)
    Export.objects.filter(pk=export.pk).update(status=Export.Status.RUNNING, error="")
    spec = ExportSpec.from_filters(export.format, export.filters)

    def progress(done: int, total: int) -> None:
        do_report_progress(job, done, total)

    try:
        outcome = write_dataset(
            export.campaign,
            spec,
            export_path(export),
            progress=progress,
            should_stop=lambda: is_cancelled(job.pk),
            manifest_extra={"export": {"id": export.pk, "version": export.version}},
        )
    except ExportStopped:
        Export.objects.filter(pk=export.pk).update(
            status=Export.Status.CANCELLED, finished_at=timezone.now()
        )
        job.refresh_from_db()
        return job
    except NothingToExport as exc:
        # Not an error of the code: the data has no rows in this format. Said plainly on the
        # Export (the exports page shows it) and on the Job; no file, no retry.
        with transaction.atomic():
            Export.objects.filter(pk=export.pk).update(
                status=Export.Status.FAILED, error=str(exc), finished_at=timezone.now()
            )
            return do_fail_job(job, str(exc), ExportResult(export=export.pk).to_data())
    except Exception as exc:
        Export.objects.filter(pk=export.pk).update(
            status=Export.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:10_000],
            finished_at=timezone.now(),
        )
        raise
    with transaction.atomic():
        if Job.objects.select_for_update().get(pk=job.pk).is_finished:
            job.refresh_from_db()
            return job  # cancelled after the last batch: leave the job as it is
        Export.objects.filter(pk=export.pk).update(
            status=Export.Status.SUCCEEDED,
            rows=outcome.rows,
            bytes=outcome.bytes,
            sha256=outcome.sha256,
            manifest=outcome.manifest,
            finished_at=timezone.now(),
        )
        result = ExportResult(
            export=export.pk,
            rows=outcome.rows,
            bytes=outcome.bytes,
            sha256=outcome.sha256,
            counts=outcome.counts,
        )
        do_finish_job(job, result.to_data())
    return job


# --- Schedules ------------------------------------------------------------------------------


def _interval(interval: dict[str, Any]) -> IntervalSchedule:
    every = interval.get("every")
    period = interval.get("period")
    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise Invalid("interval.every must be a positive integer.", field="interval")
    if period not in INTERVAL_PERIODS:
        raise Invalid(f"interval.period must be one of {INTERVAL_PERIODS}.", field="interval")
    found, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
    return found


def _crontab(crontab: dict[str, Any]) -> CrontabSchedule:
    unknown = sorted(set(crontab) - set(CRONTAB_FIELDS))
    if unknown:
        raise Invalid(f"Unknown crontab field(s): {', '.join(unknown)}.", field="crontab")
    values = {name: str(crontab.get(name, "*")).strip() or "*" for name in CRONTAB_FIELDS}
    for name, validator in CRONTAB_FIELDS.items():
        try:
            validator(values[name])
        except (ValidationError, ValueError) as exc:
            raise Invalid(
                f"crontab.{name} {values[name]!r} is not valid.", field="crontab"
            ) from exc
    found, _ = CrontabSchedule.objects.get_or_create(**values, timezone=settings.CELERY_TIMEZONE)
    return found


@transaction.atomic
def do_create_export_schedule(
    campaign: Campaign,
    fmt: str,
    filters: dict[str, Any],
    *,
    interval: dict[str, Any] | None = None,
    crontab: dict[str, Any] | None = None,
    name: str = "",
    enabled: bool = True,
    created_by: Any = None,
) -> ExportSchedule:
    """Export settings and the django-celery-beat PeriodicTask that runs them (every
    `interval` {every, period} or on a `crontab` {minute, hour, day_of_week, day_of_month,
    month_of_year}, UTC): each run makes a new Export version."""
    spec = check_export_request(campaign, fmt, filters)
    if (interval is None) == (crontab is None):
        raise Invalid("Give either interval or crontab.", field="interval")
    schedule = ExportSchedule.objects.create(
        campaign=campaign,
        name=name,
        format=fmt,
        filters=spec.to_filters(),
        enabled=enabled,
        created_by=created_by,
    )
    timing: dict[str, Any]
    if interval is not None:
        timing = {"interval": _interval(interval)}
    else:
        timing = {"crontab": _crontab(crontab or {})}
    schedule.periodic_task = PeriodicTask.objects.create(
        name=f"arbor export schedule {schedule.pk}",
        task=SCHEDULE_TASK,
        args=json.dumps([schedule.pk]),
        enabled=enabled,
        description=f"{fmt} export of campaign {campaign.slug}" + (f" ({name})" if name else ""),
        **timing,
    )
    schedule.save(update_fields=["periodic_task"])
    return schedule


@transaction.atomic
def do_set_export_schedule_enabled(schedule: ExportSchedule, enabled: bool) -> ExportSchedule:
    """Pause or resume a schedule: the flag on the schedule and on its periodic task, so beat
    stops sending runs and a run already sent does nothing (run_export_schedule checks it)."""
    schedule.enabled = enabled
    schedule.save(update_fields=["enabled"])
    task = PeriodicTask.objects.filter(pk=schedule.periodic_task_id).first()
    if task is not None:
        # save(), not a queryset update: its signal tells beat to reload its schedule.
        task.enabled = enabled
        task.save(update_fields=["enabled"])
    return schedule


@transaction.atomic
def do_delete_export_schedule(schedule: ExportSchedule) -> None:
    """Remove a schedule and its periodic task; the exports it made stay."""
    if schedule.periodic_task_id is not None:
        PeriodicTask.objects.filter(pk=schedule.periodic_task_id).delete()
    schedule.delete()


def do_start_scheduled_export(schedule: ExportSchedule, run_key: str) -> tuple[Export, Job]:
    """The Export of one scheduled run. `run_key` names the run (the Celery task id), so a
    re-delivered run finds the export it started instead of making another."""
    export, job, _ = do_create_export(
        schedule.campaign,
        schedule.format,
        schedule.filters,
        created_by=schedule.created_by,
        schedule=schedule,
        idempotency_key=f"export-schedule:{schedule.pk}:{run_key}",
        send=False,  # the schedule's own task runs it
    )
    return export, job


# --- Reads ----------------------------------------------------------------------------------


def get_export_for(user: User, pk: int, minimum: str = Role.LEAD) -> Export:
    export = Export.objects.select_related("campaign", "job").filter(pk=pk).first()
    if export is None:
        raise NotFound(f"No export {pk}.")
    require_role(user, export.campaign_id, minimum)
    return export


def get_schedule_for(campaign: Campaign, pk: int) -> ExportSchedule:
    schedule = ExportSchedule.objects.filter(campaign=campaign, pk=pk).first()
    if schedule is None:
        raise NotFound(f"No export schedule {pk} in this campaign.")
    return schedule
