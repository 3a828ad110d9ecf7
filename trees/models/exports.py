from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class LongThoughtRevision(models.Model):
    """A snapshot of a long thought's text at one version. Nothing an expert wrote is lost."""

    long_thought = models.ForeignKey(
        "trees.LongThought", on_delete=models.CASCADE, related_name="revisions"
    )
    version = models.PositiveIntegerField()
    text = models.TextField()
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["long_thought", "version"], name="longthought_revision_unique_version"
            )
        ]
        ordering = ["long_thought", "version"]

    def __str__(self) -> str:
        return f"long thought {self.long_thought_id} v{self.version}"


class ExportSchedule(models.Model):
    """Export settings run on a schedule: a django-celery-beat PeriodicTask calls
    `arbor.cpu.run_export_schedule` with this row's id, and each run makes a new Export."""

    campaign = models.ForeignKey(
        "trees.Campaign", on_delete=models.CASCADE, related_name="export_schedules"
    )
    name = models.CharField(max_length=150, blank=True)
    format = models.CharField(max_length=20)
    filters = models.JSONField(default=dict, blank=True)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    enabled = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"export schedule {self.pk} {self.format} of campaign {self.campaign_id}"
