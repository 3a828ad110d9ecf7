"""Jobs, my queue and my assignments. No business logic here."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from trees.api import serializers as s
from trees.errors import NotFound
from trees.models import Assignment, Job, Role
from trees.queries import jobs_for, require_owner_or_role
from trees.queries.campaigns import get_my_assignment, list_open_assignments
from trees.services.campaigns import do_finish_assignment, do_start_assignment
from trees.services.jobs import do_cancel_job


class JobDetail(generics.RetrieveAPIView):
    serializer_class = s.JobSerializer

    def get_queryset(self) -> QuerySet[Job]:
        return jobs_for(self.request.user)


class JobCancel(APIView):
    @extend_schema(request=None, responses=s.JobSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """Cancel a queued or running job (its creator, or a lead)."""
        job = jobs_for(request.user).filter(pk=pk).first()
        if job is None:
            raise NotFound(f"No job {pk}.")
        require_owner_or_role(
            request.user,
            job.campaign_id,
            job.created_by_id,
            Role.LEAD,
            "Only the job's creator or a lead cancels it.",
        )
        return Response(s.JobSerializer(do_cancel_job(job)).data)


def my_open_assignments(request: Request) -> QuerySet[Assignment]:
    return list_open_assignments(request.user, request.query_params.get("campaign"))


class QueueList(generics.ListAPIView):
    """My open assignments, oldest first (filter with ?campaign=<slug>)."""

    serializer_class = s.AssignmentSerializer

    def get_queryset(self) -> QuerySet[Assignment]:
        return my_open_assignments(self.request)


class QueueNext(APIView):
    @extend_schema(responses={200: s.AssignmentSerializer, 204: None})
    def get(self, request: Request) -> Response:
        """My next assignment (marked in progress), or 204 when the queue is empty."""
        assignment = my_open_assignments(request).first()
        if assignment is None:
            return Response(status=204)
        do_start_assignment(assignment)
        return Response(s.AssignmentSerializer(assignment).data)


class AssignmentFinish(APIView):
    @extend_schema(request=s.AssignmentFinishSerializer, responses=s.AssignmentSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """Submit or skip one of my assignments."""
        assignment = get_my_assignment(request.user, pk)
        body = s.AssignmentFinishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assignment = do_finish_assignment(assignment, body.validated_data["status"])
        return Response(s.AssignmentSerializer(assignment).data)


class Me(APIView):
    @extend_schema(responses=dict)
    def get(self, request: Request) -> Response:
        user = request.user
        return Response({"id": user.pk, "username": user.get_username(), "is_staff": user.is_staff})
