"""Input validation and output shapes of the API (also what the OpenAPI schema shows)."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from trees.core.imports import FORMATS
from trees.models import (
    Assignment,
    Campaign,
    Job,
    Membership,
    ModelProfile,
    NodeRevision,
    Problem,
    Role,
    SuggestedLabel,
)
from trees.models.labels import RATING_CHOICES


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
        fields = ["name", "guidelines", "status", "overlap", "default_model_profile"]
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


class ProblemDetailSerializer(ProblemSerializer):
    class Meta(ProblemSerializer.Meta):
        fields = [*ProblemSerializer.Meta.fields, "reference_solution", "metadata"]


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="JSONL, one problem per line.")
    format = serializers.ChoiceField(choices=FORMATS)
    skip_invalid = serializers.BooleanField(
        default=False, help_text="Import the good lines and report the bad ones."
    )
    idempotency_key = serializers.CharField(max_length=200, required=False)

    def validate_file(self, upload):  # type: ignore[no-untyped-def]
        if upload.size > settings.ARBOR_MAX_IMPORT_BYTES:
            raise serializers.ValidationError(
                f"The file is {upload.size} bytes; the limit is {settings.ARBOR_MAX_IMPORT_BYTES}."
            )
        if upload.size == 0:
            raise serializers.ValidationError("The file is empty.")
        return upload


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


class StepCreateSerializer(serializers.Serializer):
    text = serializers.CharField(trim_whitespace=False, max_length=settings.ARBOR_MAX_STEP_CHARS)
    kind = serializers.ChoiceField(choices=["step", "answer"], default="step")


class StepEditSerializer(serializers.Serializer):
    text = serializers.CharField(trim_whitespace=False, max_length=settings.ARBOR_MAX_STEP_CHARS)
    version = serializers.IntegerField(min_value=1)


class LabelSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=RATING_CHOICES)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=settings.ARBOR_MAX_NOTE_CHARS
    )
    flagged = serializers.BooleanField(default=False)
    seconds_spent = serializers.IntegerField(required=False, min_value=0, max_value=86_400)


class GoldSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=RATING_CHOICES)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=settings.ARBOR_MAX_NOTE_CHARS
    )


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = NodeRevision
        fields = ["version", "text", "editor", "created_at"]


class AssignmentSerializer(serializers.ModelSerializer):
    problem = ProblemSerializer(read_only=True)
    campaign = serializers.CharField(source="problem.campaign.slug", read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "campaign", "problem", "status", "created_at", "started_at", "finished_at"]


class AssignmentFinishSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["submitted", "skipped"])


class NodeSerializer(serializers.Serializer):
    """The shape of one node (see trees.queries.node_dict); documentation only."""

    id = serializers.IntegerField()
    parent = serializers.IntegerField(allow_null=True)
    text = serializers.CharField()
    kind = serializers.CharField()
    origin = serializers.CharField()
    depth = serializers.IntegerField()
    order = serializers.IntegerField()
    is_terminal = serializers.BooleanField()
    correctness = serializers.CharField()
    extracted_answer = serializers.CharField()
    mc_soft = serializers.FloatField(allow_null=True)
    mc_hard = serializers.FloatField(allow_null=True)
    label_counts = serializers.DictField(child=serializers.IntegerField())
    gold = serializers.IntegerField(allow_null=True)
    my_label = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField()
    is_deleted = serializers.BooleanField()


class TreeSerializer(serializers.Serializer):
    """The whole tree of a problem; documentation only."""

    id = serializers.IntegerField()
    problem = serializers.DictField()
    root = serializers.IntegerField()
    node_count = serializers.IntegerField()
    labelled_count = serializers.IntegerField()
    correct_leaves = serializers.IntegerField()
    nodes = NodeSerializer(many=True)


class ExpandSerializer(serializers.Serializer):
    k = serializers.IntegerField(min_value=1, max_value=32, default=4)
    temperature = serializers.FloatField(min_value=0.0, max_value=2.0, required=False)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    idempotency_key = serializers.CharField(max_length=200, required=False)


class RolloutSerializer(serializers.Serializer):
    n = serializers.IntegerField(min_value=1, max_value=64, default=8)
    keep_branches = serializers.BooleanField(default=False)
    temperature = serializers.FloatField(min_value=0.0, max_value=2.0, required=False)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    idempotency_key = serializers.CharField(max_length=200, required=False)


class FirstErrorSerializer(serializers.Serializer):
    rollouts_per_step = serializers.IntegerField(min_value=1, max_value=32, default=8)
    temperature = serializers.FloatField(min_value=0.0, max_value=2.0, required=False)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    idempotency_key = serializers.CharField(max_length=200, required=False)


class SuggestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SuggestedLabel
        fields = [
            "id",
            "node",
            "rating",
            "reason",
            "evidence",
            "job",
            "status",
            "reviewed_by",
            "created_at",
        ]


class SuggestionReviewSerializer(serializers.Serializer):
    accept = serializers.BooleanField()


class ModelProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = ModelProfile
        fields = [
            "id",
            "name",
            "backend",
            "model_name",
            "base_url",
            "api_key_env",
            "chat",
            "prompt_templates",
            "delimiter",
            "mini_step_tokens",
            "sampling_defaults",
            "queue",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def validate_prompt_templates(self, value):  # type: ignore[no-untyped-def]
        from trees.core.generation import build_prompt

        if not isinstance(value, dict):
            raise serializers.ValidationError("An object of action -> template.")
        for action, template in value.items():
            if action not in {"expand", "rollout", "critique", "revise"}:
                raise serializers.ValidationError(f"Unknown action {action!r}.")
            try:
                build_prompt(str(template), "q", ["s"], "line", "a")
            except ValueError as exc:
                raise serializers.ValidationError(str(exc)) from exc
        return value

    def validate_sampling_defaults(self, value):  # type: ignore[no-untyped-def]
        allowed = {"temperature", "top_p", "step_max_tokens", "rollout_max_tokens"}
        if not isinstance(value, dict) or set(value) - allowed:
            raise serializers.ValidationError(f"Keys allowed: {sorted(allowed)}.")
        return value
