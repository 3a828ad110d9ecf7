"""Long thoughts: derive (a Job), smooth (a Job), read, edit with revisions, review; campaign
statistics.
No business logic here: trees.services.longthoughts does the work."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from trees.api import serializers as s
from trees.errors import Invalid
from trees.models import Job, LongThought, LongThoughtRevision, Role
from trees.queries import get_campaign_for
from trees.queries.longthoughts import (
    get_long_thought_for,
    list_long_thought_revisions,
    list_long_thoughts_of_tree,
    long_thought_stats,
)
from trees.queries.nodes import get_tree_for
from trees.services.jobs import do_start_job
from trees.services.longthoughts import (
    check_derive_params,
    check_smoothable,
    do_edit_long_thought,
    do_review_long_thought,
)


class ProblemLongThoughts(generics.ListAPIView):
    """The long thoughts derived from a problem's tree, newest first."""

    serializer_class = s.LongThoughtSerializer

    def get_queryset(self) -> QuerySet[LongThought]:
        return list_long_thoughts_of_tree(get_tree_for(self.request.user, self.kwargs["pk"]))

    @extend_schema(request=s.DeriveRequestSerializer, responses={202: s.JobSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Derive a long thought from the tree's labels: a "derive" Job (poll /jobs/<id>/;
        its result names the long thought)."""
        tree = get_tree_for(request.user, pk)
        body = s.DeriveRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        key = data.pop("idempotency_key", None)
        params = check_derive_params(data.pop("style"), data)
        job, _ = do_start_job(
            Job.Kind.DERIVE,
            campaign=tree.problem.campaign,
            tree=tree,
            params=params,
            created_by=request.user,
            idempotency_key=key,
        )
        return Response(s.JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class LongThoughtDetail(APIView):
    @extend_schema(responses=s.LongThoughtSerializer)
    def get(self, request: Request, pk: int) -> Response:
        thought = get_long_thought_for(request.user, pk)
        return Response(s.LongThoughtSerializer(thought).data)

    @extend_schema(
        request=s.LongThoughtEditSerializer,
        responses={200: s.LongThoughtSerializer, 409: s.LongThoughtSerializer},
        description="Replace the text. `version` is the version you edited; a stale one "
        "answers 409 with the current long thought under `current`. Every edit is kept as a "
        "revision; editing a reviewed thought sets it back to draft.",
    )
    def patch(self, request: Request, pk: int) -> Response:
        thought = get_long_thought_for(request.user, pk)
        body = s.LongThoughtEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        thought = do_edit_long_thought(
            thought,
            body.validated_data["edited_text"],
            body.validated_data["version"],
            editor=request.user,
        )
        return Response(s.LongThoughtSerializer(thought).data)


class LongThoughtRevisions(generics.ListAPIView):
    """Every saved text of a long thought, oldest first (empty until its first edit)."""

    serializer_class = s.LongThoughtRevisionSerializer

    def get_queryset(self) -> QuerySet[LongThoughtRevision]:
        thought = get_long_thought_for(self.request.user, self.kwargs["pk"])
        return list_long_thought_revisions(thought)


class LongThoughtSmooth(APIView):
    @extend_schema(request=s.SmoothRequestSerializer, responses={202: s.JobSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """The optional smoothing pass: the campaign's model rewrites each step's passage of a
        prose long thought, keeping a rewrite only if it states exactly the same numbers. The
        result is a new draft long thought (render "smoothed") linked to its source, which is
        left unchanged. A "smooth" Job; its result names the new long thought."""
        thought = get_long_thought_for(request.user, pk)
        body = s.SmoothRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        key = data.pop("idempotency_key", None)
        check_smoothable(thought)
        job, _ = do_start_job(
            Job.Kind.SMOOTH,
            campaign=thought.tree.problem.campaign,
            tree=thought.tree,
            params={**data, "long_thought": thought.pk},
            created_by=request.user,
            idempotency_key=key,
        )
        return Response(s.JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class LongThoughtReview(APIView):
    @extend_schema(request=s.LongThoughtReviewSerializer, responses=s.LongThoughtSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """Approve or reject a long thought (reviewers and above)."""
        thought = get_long_thought_for(request.user, pk, Role.REVIEWER)
        body = s.LongThoughtReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        thought = do_review_long_thought(
            thought,
            request.user,
            body.validated_data["status"],
            version=body.validated_data.get("version"),
        )
        return Response(s.LongThoughtSerializer(thought).data)


class LongThoughtStats(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=LongThought.Status.values),
            OpenApiParameter("style", str, enum=LongThought.Style.values),
        ],
        responses=s.LongThoughtStatsSerializer,
    )
    def get(self, request: Request, slug: str) -> Response:
        """Token count, line count, backtracks and reflection words ("wait",
        "alternatively", "hmm", "let me check") of the campaign's long thoughts: totals and
        means, overall and per style."""
        campaign = get_campaign_for(request.user, slug)
        wanted = {
            name: choice(request, name, choices)
            for name, choices in (
                ("status", LongThought.Status.values),
                ("style", LongThought.Style.values),
            )
        }
        return Response(long_thought_stats(campaign, **wanted))


def choice(request: Request, name: str, choices: list[str]) -> str | None:
    """A query parameter that must be one of `choices` (None when absent)."""
    value = request.query_params.get(name) or None
    if value is not None and value not in choices:
        raise Invalid(f"{name} must be one of {choices}.", field=name)
    return value
