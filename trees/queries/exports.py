"""Export reads: a campaign's exports with their jobs, and its schedules with their timing."""

from __future__ import annotations

from django.db.models import QuerySet

from trees.models import Campaign, Export, ExportSchedule


def list_exports(campaign: Campaign) -> QuerySet[Export]:
    """The campaign's exports with their jobs, newest first."""
    return Export.objects.filter(campaign=campaign).select_related("job").order_by("-pk")


def list_export_schedules(campaign: Campaign) -> QuerySet[ExportSchedule]:
    """The campaign's schedules with their periodic task's interval or crontab, by id."""
    return (
        ExportSchedule.objects.filter(campaign=campaign)
        .select_related("periodic_task__interval", "periodic_task__crontab")
        .order_by("pk")
    )
