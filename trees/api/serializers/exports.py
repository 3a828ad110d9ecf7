"""API shapes for exports and export schedules."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trees.api.serializers.jobs import JobSerializer
from trees.exporting.spec import DPO_LEVELS, LABEL_POLICIES
from trees.exporting.spec import FORMATS as EXPORT_FORMATS
from trees.models import (
    Export,
    ExportSchedule,
)


class ExportFiltersSerializer(serializers.Serializer):
    """An export's filters (see trees.exporting.spec.ExportSpec)."""

    problems = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=50_000,
        help_text="Problem ids (default: the whole campaign).",
    )
    approved_only = serializers.BooleanField(
        default=False, help_text="SFT/Steiner rows only from approved long thoughts."
    )
    labels = serializers.ChoiceField(choices=LABEL_POLICIES, default="consensus")
    min_experts = serializers.IntegerField(min_value=1, max_value=1000, default=1)
    zero_is_true = serializers.BooleanField(default=False, help_text="PRM: a 0 label is true.")
    soft_labels = serializers.BooleanField(
        default=False,
        help_text="PRM stepwise: a `values` column of Monte-Carlo soft values (null if stale).",
    )
    max_pairs = serializers.IntegerField(
        min_value=1, max_value=10_000, default=8, help_text="DPO pairs per problem and level."
    )
    dpo_level = serializers.ChoiceField(choices=DPO_LEVELS, default="both")
    max_wrong = serializers.IntegerField(min_value=0, max_value=32, default=2)
    max_depth_wrong = serializers.IntegerField(min_value=0, max_value=64, default=2)
    tokenizer = serializers.CharField(
        max_length=500,
        required=False,
        allow_null=True,
        help_text='"demo" or a local directory with tokenizer.json; none: no token limits.',
    )
    max_reasoning_tokens = serializers.IntegerField(min_value=1, default=4096)
    max_total_tokens = serializers.IntegerField(min_value=1, default=8192)

    def filters(self) -> dict:
        data = dict(self.validated_data)
        for key in ("format", "idempotency_key", "name", "enabled", "interval", "crontab"):
            data.pop(key, None)
        return data


class ExportRequestSerializer(ExportFiltersSerializer):
    format = serializers.ChoiceField(choices=EXPORT_FORMATS)
    idempotency_key = serializers.CharField(max_length=200, required=False)


class ExportSerializer(serializers.ModelSerializer):
    job = JobSerializer(read_only=True)
    download_url = serializers.SerializerMethodField()
    manifest_url = serializers.SerializerMethodField()

    class Meta:
        model = Export
        fields = [
            "id",
            "campaign",
            "format",
            "version",
            "filters",
            "status",
            "rows",
            "bytes",
            "sha256",
            "error",
            "job",
            "schedule",
            "created_by",
            "created_at",
            "finished_at",
            "download_url",
            "manifest_url",
        ]
        read_only_fields = fields

    def get_download_url(self, export: Export) -> str:
        return f"/api/v1/exports/{export.pk}/download/"

    def get_manifest_url(self, export: Export) -> str:
        return f"/api/v1/exports/{export.pk}/manifest/"


class ExportCreatedSerializer(serializers.Serializer):
    export = ExportSerializer()
    job = JobSerializer()


class IntervalSerializer(serializers.Serializer):
    every = serializers.IntegerField(min_value=1, max_value=100_000)
    period = serializers.ChoiceField(choices=["days", "hours", "minutes"])


class CrontabSerializer(serializers.Serializer):
    minute = serializers.CharField(max_length=100, default="*")
    hour = serializers.CharField(max_length=100, default="*")
    day_of_week = serializers.CharField(max_length=100, default="*")
    day_of_month = serializers.CharField(max_length=100, default="*")
    month_of_year = serializers.CharField(max_length=100, default="*")


class ExportScheduleRequestSerializer(ExportFiltersSerializer):
    format = serializers.ChoiceField(choices=EXPORT_FORMATS)
    name = serializers.CharField(max_length=150, required=False, default="")
    enabled = serializers.BooleanField(default=True)
    interval = IntervalSerializer(required=False, help_text="Run every N days/hours/minutes.")
    crontab = CrontabSerializer(required=False, help_text="Or run on a crontab (UTC).")

    def validate(self, attrs: dict) -> dict:
        if ("interval" in attrs) == ("crontab" in attrs):
            raise serializers.ValidationError("Give either interval or crontab.")
        return attrs


class ExportScheduleSerializer(serializers.ModelSerializer):
    task = serializers.CharField(source="periodic_task.name", read_only=True, default=None)
    interval = serializers.SerializerMethodField()
    crontab = serializers.SerializerMethodField()
    last_run_at = serializers.DateTimeField(
        source="periodic_task.last_run_at", read_only=True, default=None
    )

    class Meta:
        model = ExportSchedule
        fields = [
            "id",
            "campaign",
            "name",
            "format",
            "filters",
            "enabled",
            "periodic_task",
            "task",
            "interval",
            "crontab",
            "last_run_at",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(IntervalSerializer(allow_null=True))
    def get_interval(self, schedule: ExportSchedule) -> dict | None:
        interval = getattr(schedule.periodic_task, "interval", None)
        if interval is None:
            return None
        return {"every": interval.every, "period": interval.period}

    @extend_schema_field(CrontabSerializer(allow_null=True))
    def get_crontab(self, schedule: ExportSchedule) -> dict | None:
        crontab = getattr(schedule.periodic_task, "crontab", None)
        if crontab is None:
            return None
        return {
            "minute": crontab.minute,
            "hour": crontab.hour,
            "day_of_week": crontab.day_of_week,
            "day_of_month": crontab.day_of_month,
            "month_of_year": crontab.month_of_year,
        }
