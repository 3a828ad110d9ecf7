"""API shapes for campaigns, members, problems, imports and assignments."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trees.core.imports import FORMATS
from trees.models import (
    Assignment,
    Campaign,
    Membership,
    Problem,
    Role,
)
from trees.queries import get_role


class CampaignSerializer(serializers.ModelSerializer):
    my_role = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "slug",
            "guidelines",
            "status",
            "label_scheme",
            "overlap",
            "default_model_profile",
            "dollar_math",
            "last_number_answers",
            "problem_count",
            "created_at",
            "my_role",
        ]
        read_only_fields = ["id", "label_scheme", "problem_count", "created_at", "my_role"]

    def get_my_role(self, campaign: Campaign) -> str | None:
        roles = self.context.get("roles", {})
        return roles.get(campaign.pk)


class CampaignUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "guidelines",
            "status",
            "overlap",
            "default_model_profile",
            "dollar_math",
            "last_number_answers",
        ]
        extra_kwargs = {field: {"required": False} for field in fields}


class MemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "username", "role", "created_at"]
        read_only_fields = ["id", "user", "username", "created_at"]


class MemberCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.EXPERT)


class RoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class ProblemSerializer(serializers.ModelSerializer):
    tree = serializers.IntegerField(source="tree.id", read_only=True)
    node_count = serializers.IntegerField(source="tree.node_count", read_only=True)
    labelled_count = serializers.IntegerField(source="tree.labelled_count", read_only=True)

    class Meta:
        model = Problem
        fields = [
            "id",
            "campaign",
            "external_id",
            "statement",
            "reference_answer",
            "answer_type",
            "subject",
            "difficulty",
            "source",
            "tree",
            "node_count",
            "labelled_count",
            "created_at",
        ]


class ProblemNavigationSerializer(serializers.Serializer):
    """Where a problem sits in its campaign, for the workspace header."""

    campaign_slug = serializers.CharField()
    campaign_name = serializers.CharField()
    dollar_math = serializers.BooleanField(
        help_text="The campaign reads every $…$ as math, not only Pandoc-style tight pairs."
    )
    my_role = serializers.CharField(allow_null=True)
    position = serializers.IntegerField(help_text="1-based position by id within the campaign.")
    total = serializers.IntegerField()
    prev = serializers.IntegerField(allow_null=True)
    next = serializers.IntegerField(allow_null=True)


class ProblemDetailSerializer(ProblemSerializer):
    navigation = serializers.SerializerMethodField()

    class Meta(ProblemSerializer.Meta):
        fields = [*ProblemSerializer.Meta.fields, "reference_solution", "metadata", "navigation"]

    @extend_schema_field(ProblemNavigationSerializer)
    def get_navigation(self, problem: Problem) -> dict[str, object]:
        siblings = Problem.objects.filter(campaign_id=problem.campaign_id)
        campaign = problem.campaign
        request = self.context.get("request")
        return {
            "campaign_slug": campaign.slug,
            "campaign_name": campaign.name,
            "dollar_math": campaign.dollar_math,
            "my_role": get_role(request.user, campaign.pk) if request else None,
            "position": siblings.filter(pk__lte=problem.pk).count(),
            "total": campaign.problem_count,
            "prev": siblings.filter(pk__lt=problem.pk)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first(),
            "next": siblings.filter(pk__gt=problem.pk)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first(),
        }


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="JSONL, one problem per line.")
    format = serializers.ChoiceField(choices=FORMATS)
    skip_invalid = serializers.BooleanField(
        default=False, help_text="Import the good lines and report the bad ones."
    )
    idempotency_key = serializers.CharField(max_length=200, required=False)

    def validate_file(self, upload: Any) -> Any:
        if upload.size > settings.ARBOR_MAX_IMPORT_BYTES:
            raise serializers.ValidationError(
                f"The file is {upload.size} bytes; the limit is {settings.ARBOR_MAX_IMPORT_BYTES}."
            )
        if upload.size == 0:
            raise serializers.ValidationError("The file is empty.")
        return upload


class AssignmentSerializer(serializers.ModelSerializer):
    problem = ProblemSerializer(read_only=True)
    campaign = serializers.CharField(source="problem.campaign.slug", read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "campaign", "problem", "status", "created_at", "started_at", "finished_at"]


class AssignmentFinishSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["submitted", "skipped"])
