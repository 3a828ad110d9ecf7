"""Input validation and output shapes of the API (also what the OpenAPI schema shows)."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trees.core.imports import FORMATS
from trees.exporting.spec import DPO_LEVELS, LABEL_POLICIES
from trees.exporting.spec import FORMATS as EXPORT_FORMATS
from trees.models import (
    Assignment,
    Campaign,
    Export,
    ExportSchedule,
    Job,
    LongThought,
    LongThoughtRevision,
    Membership,
    ModelProfile,
    NodeRevision,
    Problem,
    Role,
    SuggestedLabel,
)
from trees.models.labels import RATING_CHOICES
from trees.queries import get_role
from trees.services.longthoughts import MAX_TEXT_CHARS as MAX_LONG_THOUGHT_CHARS


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


class ProblemNavigationSerializer(serializers.Serializer):
    """Where a problem sits in its campaign, for the workspace header."""

    campaign_slug = serializers.CharField()
    campaign_name = serializers.CharField()
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


@extend_schema_field(
    {
        "type": "object",
        "description": "How many experts gave each rating.",
        "properties": {key: {"type": "integer"} for key in ("1", "0", "-1")},
        "required": ["1", "0", "-1"],
    }
)
class LabelCountsField(serializers.DictField):
    pass


class NodeSerializer(serializers.Serializer):
    """The shape of one node (see trees.queries.node_dict); documentation only."""

    id = serializers.IntegerField()
    parent = serializers.IntegerField(allow_null=True)
    text = serializers.CharField()
    kind = serializers.CharField()
    origin = serializers.CharField()
    author = serializers.IntegerField(allow_null=True)
    source = serializers.CharField()
    confidence = serializers.FloatField(allow_null=True)
    token_count = serializers.IntegerField(allow_null=True)
    depth = serializers.IntegerField()
    order = serializers.IntegerField()
    is_terminal = serializers.BooleanField()
    correctness = serializers.CharField()
    extracted_answer = serializers.CharField()
    mc_soft = serializers.FloatField(allow_null=True)
    mc_hard = serializers.FloatField(allow_null=True)
    rollout_count = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True)
    visits = serializers.IntegerField()
    value_sum = serializers.FloatField()
    parts = serializers.DictField(child=serializers.CharField())
    cluster_id = serializers.IntegerField(allow_null=True)
    label_counts = LabelCountsField()
    gold = serializers.IntegerField(allow_null=True)
    my_label = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField()
    is_deleted = serializers.BooleanField()
    job = serializers.IntegerField(allow_null=True)


class TreeProblemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    campaign = serializers.IntegerField()
    external_id = serializers.CharField()
    statement = serializers.CharField()
    reference_answer = serializers.CharField()
    answer_type = serializers.CharField()


class PendingSuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rating = serializers.IntegerField()


class TreeSerializer(serializers.Serializer):
    """The whole tree of a problem; documentation only."""

    id = serializers.IntegerField()
    problem = TreeProblemSerializer()
    root = serializers.IntegerField()
    node_count = serializers.IntegerField()
    labelled_count = serializers.IntegerField()
    correct_leaves = serializers.IntegerField()
    nodes = NodeSerializer(many=True)
    suggestions = serializers.DictField(
        child=PendingSuggestionSerializer(), help_text="Pending model-suggested labels by node id."
    )


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
        from trees.core.smooth import smooth_prompt

        if not isinstance(value, dict):
            raise serializers.ValidationError("An object of action -> template.")
        for action, template in value.items():
            if action not in {"expand", "rollout", "critique", "revise", "smooth"}:
                raise serializers.ValidationError(f"Unknown action {action!r}.")
            try:
                if action == "smooth":
                    smooth_prompt(str(template), "q", "p")
                else:
                    build_prompt(str(template), "q", ["s"], "line", "a")
            except ValueError as exc:
                raise serializers.ValidationError(str(exc)) from exc
        return value

    def validate_sampling_defaults(self, value):  # type: ignore[no-untyped-def]
        allowed = {"temperature", "top_p", "step_max_tokens", "rollout_max_tokens"}
        if not isinstance(value, dict) or set(value) - allowed:
            raise serializers.ValidationError(f"Keys allowed: {sorted(allowed)}.")
        return value


# --- Long thoughts and exports ----------------------------------------------------------------


class SmoothRequestSerializer(serializers.Serializer):
    temperature = serializers.FloatField(min_value=0.0, max_value=2.0, required=False)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    idempotency_key = serializers.CharField(max_length=200, required=False)


class DeriveRequestSerializer(serializers.Serializer):
    style = serializers.ChoiceField(choices=LongThought.Style.choices, default="journey")
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
