"""Request and response shapes of the propose-critique loop, automated tree building and the
step DAG. Response serializers here document shapes built by the services."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from trees.api.serializers import JobSerializer
from trees.models import LongThought

SEED: dict[str, Any] = {"min_value": 0, "max_value": 2**31 - 1, "required": False}


class BudgetSerializer(serializers.Serializer):
    """A search's allowance: model calls and/or generated tokens (either may be left out)."""

    max_calls = serializers.IntegerField(min_value=1, max_value=100_000, required=False)
    max_tokens = serializers.IntegerField(min_value=1, max_value=100_000_000, required=False)


class ModelJobSerializer(serializers.Serializer):
    temperature = serializers.FloatField(min_value=0.0, max_value=2.0, required=False)
    seed = serializers.IntegerField(**SEED)
    budget = BudgetSerializer(required=False)
    idempotency_key = serializers.CharField(max_length=200, required=False)


class CritiqueLoopStartSerializer(ModelJobSerializer):
    rounds = serializers.IntegerField(min_value=1, max_value=20, default=3)
    critic_profile = serializers.IntegerField(
        required=False, help_text="Model profile of the critic; the proposer's by default."
    )


class BeamSearchSerializer(ModelJobSerializer):
    beam_width = serializers.IntegerField(min_value=1, max_value=32, default=2)
    k = serializers.IntegerField(min_value=1, max_value=32, default=4)
    max_depth = serializers.IntegerField(min_value=1, max_value=64, default=8)
    score = serializers.ChoiceField(["confidence", "mc_value", "critic"], default="confidence")
    rollouts = serializers.IntegerField(
        min_value=1, max_value=64, default=4, help_text="Per candidate, for score=mc_value."
    )
    stop_on_correct = serializers.BooleanField(default=True)


class MctsSerializer(ModelJobSerializer):
    iterations = serializers.IntegerField(min_value=1, max_value=10_000, default=16)
    k = serializers.IntegerField(min_value=1, max_value=32, default=3)
    policy = serializers.ChoiceField(["uct", "puct"], default="uct")
    c = serializers.FloatField(min_value=0.0, max_value=100.0, default=1.4)
    rollouts = serializers.IntegerField(min_value=1, max_value=64, default=2)
    max_depth = serializers.IntegerField(min_value=1, max_value=64, default=8)


class RecompleteSerializer(ModelJobSerializer):
    m = serializers.IntegerField(min_value=1, max_value=64, default=4)


SEARCH_PARAMS = {
    "beam_search": BeamSearchSerializer,
    "mcts": MctsSerializer,
    "recomplete": RecompleteSerializer,
}


class RunFiltersSerializer(serializers.Serializer):
    problem_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=100_000
    )
    subject = serializers.CharField(max_length=200, required=False)
    difficulty = serializers.CharField(max_length=200, required=False)
    unsolved_only = serializers.BooleanField(required=False)
    limit = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False)


class CampaignRunSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(list(SEARCH_PARAMS))
    params = serializers.DictField(
        required=False, help_text="The parameters of the kind's per-node endpoint."
    )
    filters = RunFiltersSerializer(required=False)
    idempotency_key = serializers.CharField(max_length=200, required=False)


class ClusterSerializer(serializers.Serializer):
    threshold = serializers.FloatField(
        min_value=0.01, max_value=1.0, required=False, help_text="Default: the campaign's."
    )
    band = serializers.IntegerField(min_value=0, max_value=16, required=False)
    same_numbers = serializers.BooleanField(
        default=True, help_text="Only steps that state the same numbers share a cluster."
    )
    idempotency_key = serializers.CharField(max_length=200, required=False)


class ClusterSettingsSerializer(serializers.Serializer):
    cluster_threshold = serializers.FloatField(min_value=0.01, max_value=1.0, required=False)
    cluster_depth_band = serializers.IntegerField(min_value=0, max_value=16, required=False)


class AuthorSerializer(serializers.Serializer):
    type = serializers.ChoiceField(["user", "model", "unknown"])
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()


class CritiqueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    node = serializers.IntegerField()
    round = serializers.IntegerField()
    verdict = serializers.ChoiceField(["accept", "revise", "reject"])
    text = serializers.CharField()
    node_version = serializers.IntegerField()
    loop = serializers.IntegerField(allow_null=True)
    revision = serializers.IntegerField(allow_null=True)
    author = serializers.IntegerField(allow_null=True)
    model_profile = serializers.IntegerField(allow_null=True)
    by = AuthorSerializer()
    created_at = serializers.DateTimeField(allow_null=True)


class ThreadEntrySerializer(serializers.Serializer):
    """A proposal (with `node`) or a critique (with the critique's fields) of a loop."""

    kind = serializers.ChoiceField(["proposal", "critique"])
    round = serializers.IntegerField()
    by = AuthorSerializer()
    node = serializers.JSONField(help_text="Proposal: the node; critique: its node id.")
    edited = serializers.BooleanField(required=False)
    verdict = serializers.CharField(required=False)
    text = serializers.CharField(required=False)
    stale = serializers.BooleanField(required=False)


class LoopSerializer(serializers.Serializer):
    job = JobSerializer()
    thread = ThreadEntrySerializer(many=True)


class ExpertCritiqueSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(["accept", "revise", "reject"])
    text = serializers.CharField(max_length=10_000)


class AcceptSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10_000, required=False, allow_blank=True)


class ProposalEditSerializer(serializers.Serializer):
    text = serializers.CharField()
    version = serializers.IntegerField(min_value=1)


class DagVertexSerializer(serializers.Serializer):
    id = serializers.CharField(help_text='"c<cluster id>", or "n<node id>" if not clustered.')
    members = serializers.ListField(child=serializers.IntegerField())
    depth = serializers.IntegerField()
    text = serializers.CharField()
    is_root = serializers.BooleanField()
    correct = serializers.BooleanField()
    incorrect = serializers.BooleanField()
    in_degree = serializers.IntegerField()
    out_degree = serializers.IntegerField()
    dist_from_question = serializers.IntegerField(allow_null=True)
    dist_to_answer = serializers.IntegerField(allow_null=True)
    score = serializers.FloatField()


class DagEdgeSerializer(serializers.Serializer):
    # Named like a Field attribute: fine at run time (DRF moves declared fields
    # off the class), a clash for the stubs.
    source = serializers.CharField()  # type: ignore[assignment]
    target = serializers.CharField()
    weight = serializers.IntegerField()


class DagSerializer(serializers.Serializer):
    tree = serializers.IntegerField()
    # Named like a Field attribute: fine at run time (DRF moves declared fields
    # off the class), a clash for the stubs.
    root = serializers.CharField(allow_null=True)  # type: ignore[assignment]
    clustered = serializers.BooleanField()
    vertices = DagVertexSerializer(many=True)
    edges = DagEdgeSerializer(many=True)
    dropped_edges = serializers.IntegerField()


class DagPathsRequestSerializer(serializers.Serializer):
    n = serializers.IntegerField(min_value=1, max_value=100, default=5)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)
    max_excursions = serializers.IntegerField(min_value=0, max_value=16, default=2)
    excursion_depth = serializers.IntegerField(min_value=0, max_value=16, default=2)
    excursion_rate = serializers.FloatField(min_value=0.0, max_value=1.0, default=0.5)


class DagVisitSerializer(serializers.Serializer):
    vertex = serializers.CharField()
    action = serializers.ChoiceField(["proceed", "backtrack", "end"])
    returns_to = serializers.CharField(allow_null=True)


class PlanVisitSerializer(serializers.Serializer):
    node = serializers.IntegerField()
    action = serializers.ChoiceField(["proceed", "backtrack", "end"])
    returns_to = serializers.IntegerField(required=False, allow_null=True)
    reason = serializers.CharField(required=False)


class DagPathSerializer(serializers.Serializer):
    visits = DagVisitSerializer(many=True)
    plan = PlanVisitSerializer(many=True)


class DagPathsSerializer(serializers.Serializer):
    paths = DagPathSerializer(many=True)


class DagLongThoughtSerializer(serializers.Serializer):
    seed = serializers.IntegerField(**SEED)
    render = serializers.ChoiceField(choices=LongThought.PLAN_RENDERS, default="prose")
    max_excursions = serializers.IntegerField(min_value=0, max_value=16, default=2)
    excursion_depth = serializers.IntegerField(min_value=0, max_value=16, default=2)
    excursion_rate = serializers.FloatField(min_value=0.0, max_value=1.0, default=0.5)
