"""Model actions on nodes (expand, rollouts, first error), suggestions and model profiles.
No business logic here."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from trees.api import serializers as s
from trees.errors import Invalid
from trees.models import Job, ModelProfile, Node
from trees.queries import get_node_for, list_model_profiles
from trees.queries.nodes import get_suggestion_for
from trees.services.generation import do_review_suggestion
from trees.services.jobs import do_start_job
from trees.services.profiles import do_create_profile, do_delete_profile, do_update_profile


def start_model_job(request: Request, node: Node, kind: str, params: dict) -> Response:
    """Start a model job below `node` (or return the one with the same idempotency key)."""
    key = params.pop("idempotency_key", None)
    job, _ = do_start_job(
        kind,
        campaign=node.tree.problem.campaign,
        tree=node.tree,
        node=node,
        params=params,
        created_by=request.user,
        idempotency_key=key,
    )
    return Response(s.JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class NodeExpand(APIView):
    @extend_schema(request=s.ExpandSerializer, responses={202: s.JobSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Ask the model for k candidate next steps (one batched call)."""
        node = get_node_for(request.user, pk)
        if node.is_terminal:
            raise Invalid("This step is a final answer; nothing comes after it.")
        body = s.ExpandSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return start_model_job(request, node, Job.Kind.EXPAND, dict(body.validated_data))


class NodeRollouts(APIView):
    @extend_schema(request=s.RolloutSerializer, responses={202: s.JobSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """N completions to a final answer, verified: the node's Monte-Carlo values."""
        node = get_node_for(request.user, pk)
        if node.is_terminal:
            raise Invalid("This step is a final answer; the verifier has graded it already.")
        body = s.RolloutSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return start_model_job(request, node, Job.Kind.ROLLOUT, dict(body.validated_data))


class NodeFirstError(APIView):
    @extend_schema(request=s.FirstErrorSerializer, responses={202: s.JobSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Binary search for the first error on the path to this step; suggests a -1 label."""
        node = get_node_for(request.user, pk)
        if node.kind == Node.Kind.ROOT:
            raise Invalid("Pick the last step of a path; the root has no steps above it.")
        body = s.FirstErrorSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return start_model_job(request, node, Job.Kind.FIRST_ERROR, dict(body.validated_data))


class SuggestionReview(APIView):
    @extend_schema(request=s.SuggestionReviewSerializer, responses=s.SuggestionSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """Confirm (it becomes my label) or reject a model's suggested label."""
        suggestion = get_suggestion_for(request.user, pk)
        body = s.SuggestionReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reviewed = do_review_suggestion(suggestion, request.user, body.validated_data["accept"])
        return Response(s.SuggestionSerializer(reviewed).data)


class IsStaffOrReadOnly(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return bool(request.user and request.user.is_authenticated)
        return bool(request.user and request.user.is_staff)


class ModelProfileList(generics.ListCreateAPIView):
    """Model profiles: every signed-in user reads them; staff create and change them."""

    serializer_class = s.ModelProfileSerializer
    permission_classes = [IsStaffOrReadOnly]

    def get_queryset(self) -> QuerySet[ModelProfile]:
        return list_model_profiles()

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = do_create_profile(**serializer.validated_data)


class ModelProfileDetail(generics.RetrieveUpdateDestroyAPIView):
    """One model profile. Deleting one that campaigns, jobs or steps use answers 409."""

    serializer_class = s.ModelProfileSerializer
    permission_classes = [IsStaffOrReadOnly]

    def get_queryset(self) -> QuerySet[ModelProfile]:
        return list_model_profiles()

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = do_update_profile(serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: ModelProfile) -> None:
        do_delete_profile(instance)
