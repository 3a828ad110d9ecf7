"""API shapes for steps, labels, trees, generation requests and suggested labels."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trees.models import (
    NodeRevision,
    SuggestedLabel,
)
from trees.models.labels import RATING_CHOICES


class StepCreateSerializer(serializers.Serializer):
    text = serializers.CharField(trim_whitespace=False, max_length=settings.ARBOR_MAX_STEP_CHARS)
    kind = serializers.ChoiceField(choices=["step", "answer"], default="step")


class StepEditSerializer(serializers.Serializer):
    text = serializers.CharField(trim_whitespace=False, max_length=settings.ARBOR_MAX_STEP_CHARS)
    version = serializers.IntegerField(min_value=1)


class LabelSerializer(serializers.Serializer):
    """My label on a step. A field left out keeps its current value (a new label starts with
    no note and no flag), so setting the rating never wipes the note or the flag."""

    rating = serializers.ChoiceField(choices=RATING_CHOICES)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=settings.ARBOR_MAX_NOTE_CHARS
    )
    flagged = serializers.BooleanField(required=False)
    seconds_spent = serializers.IntegerField(required=False, min_value=0, max_value=86_400)


class LabelPatchSerializer(LabelSerializer):
    """Change any part of my label: rating, note, flag. A note or flag on a step I have not
    rated yet is refused (422): a label needs a rating."""

    rating = serializers.ChoiceField(choices=RATING_CHOICES, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Send at least one of rating, note, flagged.")
        return attrs


class GoldSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=RATING_CHOICES)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=settings.ARBOR_MAX_NOTE_CHARS
    )


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = NodeRevision
        fields = ["version", "text", "editor", "created_at"]


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
    # Named like a Field attribute: fine at run time (DRF moves declared fields
    # off the class), a clash for the stubs.
    parent = serializers.IntegerField(allow_null=True)  # type: ignore[assignment]
    text = serializers.CharField()
    kind = serializers.CharField()
    origin = serializers.CharField()
    author = serializers.IntegerField(allow_null=True)
    # Named like a Field attribute: fine at run time (DRF moves declared fields
    # off the class), a clash for the stubs.
    source = serializers.CharField()  # type: ignore[assignment]
    confidence = serializers.FloatField(allow_null=True)
    token_count = serializers.IntegerField(allow_null=True)
    depth = serializers.IntegerField()
    order = serializers.IntegerField()
    is_terminal = serializers.BooleanField()
    correctness = serializers.CharField()
    extracted_answer = serializers.CharField()
    source_correct = serializers.BooleanField(
        allow_null=True,
        help_text="The import source's own claim about this answer (null: none); shown beside "
        "the verifier's verdict, never trusted over it.",
    )
    mc_soft = serializers.FloatField(allow_null=True)
    mc_hard = serializers.FloatField(allow_null=True)
    rollout_count = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True)
    visits = serializers.IntegerField()
    value_sum = serializers.FloatField()
    values_stale = serializers.BooleanField(
        help_text="The step's values (Monte-Carlo, score, search statistics) were computed "
        "before a step's text on its path or below it changed."
    )
    parts = serializers.DictField(child=serializers.CharField())
    cluster_id = serializers.IntegerField(allow_null=True)
    label_counts = LabelCountsField()
    gold = serializers.IntegerField(allow_null=True)
    my_label = serializers.IntegerField(allow_null=True, help_text="My rating of this step.")
    my_note = serializers.CharField(allow_blank=True, help_text="My label's note.")
    my_flagged = serializers.BooleanField(help_text="My label's flag.")
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
    # Named like a Field attribute: fine at run time (DRF moves declared fields
    # off the class), a clash for the stubs.
    root = serializers.IntegerField()  # type: ignore[assignment]
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
