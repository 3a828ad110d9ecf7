"""API shapes for jobs."""

from __future__ import annotations

from rest_framework import serializers

from trees.models import (
    Job,
)


class JobSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "campaign",
            "tree",
            "node",
            "params",
            "profile",
            "queue",
            "seed",
            "progress",
            "error",
            "result",
            "attempts",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]

    def get_progress(self, job: Job) -> dict[str, int]:
        return {"done": job.progress_done, "total": job.progress_total}
