from __future__ import annotations

from django.conf import settings
from django.db import models


class Job(models.Model):
    """Every long action in the product: status, progress, errors, idempotency."""

    class Kind(models.TextChoices):
        IMPORT = "import"
        EXPAND = "expand"
        ROLLOUT = "rollout"
        FIRST_ERROR = "first_error"
        CRITIQUE_LOOP = "critique_loop"
        BEAM_SEARCH = "beam_search"
        MCTS = "mcts"
        RECOMPLETE = "recomplete"
        CLUSTER = "cluster"
        DERIVE = "derive"
        SMOOTH = "smooth"
        EXPORT = "export"

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        # A propose-critique loop an expert paused: not finished, not run until resumed.
        PAUSED = "paused"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        CANCELLED = "cancelled"

    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    campaign = models.ForeignKey(
        "trees.Campaign", on_delete=models.CASCADE, related_name="jobs", null=True, blank=True
    )
    tree = models.ForeignKey(
        "trees.Tree", on_delete=models.CASCADE, related_name="jobs", null=True, blank=True
    )
    node = models.ForeignKey(
        "trees.Node", on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    # A campaign-wide run is a parent job whose children are the per-problem jobs.
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, related_name="children", null=True, blank=True
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Pinned when the job starts (trees.services.jobs.do_start_job): the model it runs on, the
    # queue it was sent to and the seed of its samples, so a retry or a later change of the
    # campaign's default can never move it to another model.
    profile = models.ForeignKey(
        "trees.ModelProfile", on_delete=models.PROTECT, related_name="jobs", null=True, blank=True
    )
    queue = models.CharField(max_length=16, blank=True)
    seed = models.BigIntegerField(null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    input_file = models.FileField(upload_to="jobs/inputs/", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    celery_task_id = models.CharField(max_length=64, blank=True)
    idempotency_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["campaign", "-created_at"], name="job_campaign_recent")]

    def __str__(self) -> str:
        return f"job {self.pk} {self.kind} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED


class Export(models.Model):
    """One version of a training-set file of a campaign: format, filters, and once written,
    its size, checksum and manifest. The file lies under MEDIA_ROOT (`file` is relative)."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        CANCELLED = "cancelled"

    campaign = models.ForeignKey("trees.Campaign", on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(max_length=20)
    version = models.PositiveIntegerField(default=1, help_text="Per campaign and format.")
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to="exports/", blank=True, max_length=300)
    rows = models.PositiveIntegerField(default=0)
    bytes = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    manifest = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    schedule = models.ForeignKey(
        "trees.ExportSchedule",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exports",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "format", "version"], name="export_unique_version"
            )
        ]
        indexes = [models.Index(fields=["campaign", "-created_at"], name="export_campaign_recent")]

    def __str__(self) -> str:
        return f"export {self.pk} {self.format} v{self.version} ({self.status})"
