"""API shapes for long thoughts: derivation, smoothing, editing, review and statistics."""

from __future__ import annotations

from rest_framework import serializers

from trees.models import (
    LongThought,
    LongThoughtRevision,
)
from trees.services.longthoughts import MAX_TEXT_CHARS as MAX_LONG_THOUGHT_CHARS


class SmoothRequestSerializer(serializers.Serializer):
    temperature = serializers.FloatField(min_value=0.0, max_value=2.0, required=False)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    idempotency_key = serializers.CharField(max_length=200, required=False)


class DeriveRequestSerializer(serializers.Serializer):
    # Named like a Field attribute: fine at run time (DRF moves declared fields
    # off the class), a clash for the stubs.
    style = serializers.ChoiceField(choices=LongThought.Style.choices, default="journey")  # type: ignore[assignment]
    render = serializers.ChoiceField(choices=LongThought.PLAN_RENDERS, default="prose")
    max_wrong = serializers.IntegerField(
        min_value=0, max_value=32, default=2, help_text="Wrong children tried per step."
    )
    max_depth_wrong = serializers.IntegerField(
        min_value=0, max_value=64, default=2, help_text="Steps taken into a wrong branch."
    )
    seed = serializers.IntegerField(
        min_value=0,
        max_value=2**31 - 1,
        required=False,
        help_text="Shuffle the wrong turns with this seed (sibling order without one).",
    )
    idempotency_key = serializers.CharField(max_length=200, required=False)


class LongThoughtSerializer(serializers.ModelSerializer):
    problem = serializers.IntegerField(source="tree.problem_id", read_only=True)
    text = serializers.CharField(read_only=True, help_text="edited_text if set, else rendered.")

    class Meta:
        model = LongThought
        fields = [
            "id",
            "tree",
            "problem",
            "style",
            "render",
            "params",
            "plan",
            "rendered_text",
            "thought_end",
            "answer",
            "spans",
            "edited_text",
            "text",
            "status",
            "stats",
            "token_count",
            "line_count",
            "backtracks",
            "reviewer",
            "reviewed_at",
            "job",
            "created_by",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class LongThoughtEditSerializer(serializers.Serializer):
    edited_text = serializers.CharField(trim_whitespace=False, max_length=MAX_LONG_THOUGHT_CHARS)
    version = serializers.IntegerField(min_value=1)


class LongThoughtReviewSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["approved", "rejected"])
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The version reviewed; a newer one answers 409."
    )


class LongThoughtRevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = LongThoughtRevision
        fields = ["version", "text", "editor", "created_at"]


class ThoughtFiguresSerializer(serializers.Serializer):
    """Documentation only."""

    tokens = serializers.FloatField(allow_null=True)
    lines = serializers.FloatField(allow_null=True)
    backtracks = serializers.FloatField(allow_null=True)
    reflections = serializers.DictField(child=serializers.FloatField(allow_null=True))


class ThoughtSummarySerializer(serializers.Serializer):
    """Documentation only."""

    count = serializers.IntegerField()
    totals = ThoughtFiguresSerializer()
    means = ThoughtFiguresSerializer()


class LongThoughtStatsSerializer(ThoughtSummarySerializer):
    """Documentation only: totals and means overall and per style."""

    campaign = serializers.CharField()
    by_style = serializers.DictField(child=ThoughtSummarySerializer())
