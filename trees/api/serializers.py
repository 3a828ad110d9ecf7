"""Input validation and output shapes of the API (also what the OpenAPI schema shows)."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from trees.core.imports import FORMATS
from trees.models import Assignment, Campaign, Job, Membership, NodeRevision, Problem, Role


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
    rating = serializers.ChoiceField(choices=[1, 0, -1])
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=settings.ARBOR_MAX_NOTE_CHARS
    )
    flagged = serializers.BooleanField(default=False)
    seconds_spent = serializers.IntegerField(required=False, min_value=0, max_value=86_400)


class GoldSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=[1, 0, -1])
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
