"""Campaigns, members, assignment, problems, imports and campaign jobs. No business logic here."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from trees.api import serializers as s
from trees.errors import Forbidden
from trees.models import Campaign, Job, Membership, Problem, Role
from trees.queries import campaigns_for, get_campaign_for, jobs_for, problems_for
from trees.queries.campaigns import (
    campaign_progress,
    get_member,
    get_roles_of,
    get_user_by_username,
    list_members,
    list_problems,
)
from trees.services.campaigns import (
    do_add_member,
    do_assign_problems,
    do_change_role,
    do_create_campaign,
    do_remove_member,
    do_update_campaign,
)
from trees.services.jobs import do_start_job


def my_roles(request: Request) -> dict[int, str]:
    return get_roles_of(request.user)


class CampaignList(generics.ListCreateAPIView):
    """Campaigns I belong to; staff create campaigns (and become their admin)."""

    serializer_class = s.CampaignSerializer

    def get_queryset(self) -> QuerySet[Campaign]:
        return campaigns_for(self.request.user).order_by("pk")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "roles": my_roles(self.request)}

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        if not self.request.user.is_staff:
            raise Forbidden("Only staff create campaigns.")
        data = dict(serializer.validated_data)
        serializer.instance = do_create_campaign(
            data.pop("name"), data.pop("slug"), created_by=self.request.user, **data
        )


class CampaignDetail(APIView):
    @extend_schema(responses=s.CampaignSerializer)
    def get(self, request: Request, slug: str) -> Response:
        campaign = get_campaign_for(request.user, slug)
        data = s.CampaignSerializer(campaign, context={"roles": my_roles(request)}).data
        data["progress"] = campaign_progress(campaign)
        return Response(data)

    @extend_schema(request=s.CampaignUpdateSerializer, responses=s.CampaignSerializer)
    def patch(self, request: Request, slug: str) -> Response:
        campaign = get_campaign_for(request.user, slug, Role.ADMIN)
        body = s.CampaignUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        campaign = do_update_campaign(campaign, **body.validated_data)
        return Response(s.CampaignSerializer(campaign, context={"roles": my_roles(request)}).data)


class MemberList(APIView):
    @extend_schema(responses=s.MemberSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        campaign = get_campaign_for(request.user, slug)
        return Response(s.MemberSerializer(list_members(campaign), many=True).data)

    @extend_schema(request=s.MemberCreateSerializer, responses={201: s.MemberSerializer})
    def post(self, request: Request, slug: str) -> Response:
        campaign = get_campaign_for(request.user, slug, Role.ADMIN)
        body = s.MemberCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = get_user_by_username(body.validated_data["username"])
        membership = do_add_member(campaign, user, body.validated_data["role"])
        return Response(s.MemberSerializer(membership).data, status=status.HTTP_201_CREATED)


class MemberDetail(APIView):
    def _membership(self, request: Request, slug: str, pk: int) -> Membership:
        return get_member(get_campaign_for(request.user, slug, Role.ADMIN), pk)

    @extend_schema(request=s.RoleSerializer, responses=s.MemberSerializer)
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        membership = self._membership(request, slug, pk)
        body = s.RoleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        membership = do_change_role(membership, body.validated_data["role"])
        return Response(s.MemberSerializer(membership).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        do_remove_member(self._membership(request, slug, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AssignProblems(APIView):
    @extend_schema(request=None, responses={200: dict})
    def post(self, request: Request, slug: str) -> Response:
        """Give every problem `overlap` experts (idempotent)."""
        campaign = get_campaign_for(request.user, slug, Role.ADMIN)
        return Response({"created": do_assign_problems(campaign)})


class ProblemList(generics.ListAPIView):
    """Problems of a campaign; filters: subject, difficulty, source, search (statement or id)."""

    serializer_class = s.ProblemSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str),
            OpenApiParameter("subject", str),
            OpenApiParameter("difficulty", str),
            OpenApiParameter("source", str),
        ]
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Problem]:
        campaign = get_campaign_for(self.request.user, self.kwargs["slug"])
        params = self.request.query_params
        return list_problems(
            campaign,
            subject=params.get("subject"),
            difficulty=params.get("difficulty"),
            source=params.get("source"),
            search=params.get("search"),
        )


class ProblemDetail(generics.RetrieveAPIView):
    serializer_class = s.ProblemDetailSerializer

    def get_queryset(self) -> QuerySet[Problem]:
        return problems_for(self.request.user).select_related("tree", "campaign")


class ImportCreate(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=s.ImportRequestSerializer, responses={202: s.JobSerializer})
    def post(self, request: Request, slug: str) -> Response:
        """Upload a JSONL file; the import runs as a Job (poll /jobs/<id>/)."""
        campaign = get_campaign_for(request.user, slug, Role.LEAD)
        body = s.ImportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        job, _ = do_start_job(
            Job.Kind.IMPORT,
            campaign=campaign,
            params={"format": data["format"], "skip_invalid": data["skip_invalid"]},
            created_by=request.user,
            idempotency_key=data.get("idempotency_key"),
            input_file=data["file"],
        )
        return Response(s.JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class CampaignJobs(generics.ListAPIView):
    """Jobs of a campaign, newest first; filters: kind, tree, node."""

    serializer_class = s.JobSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str),
            OpenApiParameter("tree", int),
            OpenApiParameter("node", int),
        ]
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Job]:
        campaign = get_campaign_for(self.request.user, self.kwargs["slug"])
        jobs = jobs_for(self.request.user).filter(campaign=campaign)
        params = self.request.query_params
        if params.get("kind"):
            jobs = jobs.filter(kind=params["kind"][:40])
        for field in ("tree", "node"):
            value = params.get(field, "")
            if value:
                if not value.isdigit():
                    raise ValidationError({field: ["Expected an id."]})
                jobs = jobs.filter(**{f"{field}_id": int(value)})
        return jobs.order_by("-created_at", "-pk")
