"""Exports (list, create, download, manifest) and export schedules, for data leads.
No business logic here: trees.services.exports does the work; files stream from disk."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from trees.api import serializers as s
from trees.errors import Conflict, Invalid, NotFound
from trees.models import Export, ExportSchedule, Role
from trees.queries import get_campaign_for
from trees.queries.exports import list_export_schedules, list_exports
from trees.services.exports import (
    do_create_export,
    do_create_export_schedule,
    do_delete_export_schedule,
    do_set_export_schedule_enabled,
    export_path,
    get_export_for,
    get_schedule_for,
)

NOT_READY = OpenApiResponse(description="The export has not succeeded (yet).")


def reject_unknown_keys(data: object, serializer: type[serializers.Serializer]) -> None:
    """A body key the request serializer does not know is a 422 naming it (DRF would drop
    it silently, and a misspelt filter, `max_pair` for `max_pairs`, would export with the
    default instead)."""
    if not isinstance(data, dict):
        return
    known = set(serializer().fields)
    unknown = sorted(str(key) for key in data if key not in known)
    if unknown:
        raise Invalid(
            f"Unknown export field(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}.",
            field=unknown[0],
            unknown=unknown,
        )


class CampaignExports(generics.ListAPIView):
    """The campaign's exports, newest first: status, progress (its job), size, rows."""

    serializer_class = s.ExportSerializer

    def get_queryset(self) -> QuerySet[Export]:
        campaign = get_campaign_for(self.request.user, self.kwargs["slug"], Role.LEAD)
        return list_exports(campaign)

    @extend_schema(request=s.ExportRequestSerializer, responses={202: s.ExportCreatedSerializer})
    def post(self, request: Request, slug: str) -> Response:
        """Export the campaign in a training format: an Export (the next version) written by a
        Job (poll /jobs/<id>/ or this list); download it when it has succeeded."""
        campaign = get_campaign_for(request.user, slug, Role.LEAD)
        reject_unknown_keys(request.data, s.ExportRequestSerializer)
        body = s.ExportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        export, job, _ = do_create_export(
            campaign,
            body.validated_data["format"],
            body.filters(),
            created_by=request.user,
            idempotency_key=body.validated_data.get("idempotency_key"),
        )
        data = {"export": s.ExportSerializer(export).data, "job": s.JobSerializer(job).data}
        return Response(data, status=status.HTTP_202_ACCEPTED)


class ExportDetail(APIView):
    @extend_schema(responses=s.ExportSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.ExportSerializer(get_export_for(request.user, pk)).data)


class ExportDownload(APIView):
    @extend_schema(
        responses={(200, "application/x-ndjson"): OpenApiTypes.BINARY, 409: NOT_READY},
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        """The export's JSONL file, streamed from disk (409 until the export has succeeded)."""
        export = get_export_for(request.user, pk)
        if export.status != Export.Status.SUCCEEDED:
            raise Conflict(
                f"Export {pk} is {export.status}; it can be downloaded once it has succeeded.",
                status=export.status,
            )
        path = export_path(export)
        if not path.is_file():
            raise NotFound(f"The file of export {pk} is gone from the server.")
        return FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=path.name,
            content_type="application/x-ndjson",
        )


class ExportManifest(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT, 409: NOT_READY})
    def get(self, request: Request, pk: int) -> Response:
        """The export's manifest: format, Arbor version, source campaign, filters, counts,
        bytes, sha256, created_at (409 until the export has succeeded)."""
        export = get_export_for(request.user, pk)
        if export.status != Export.Status.SUCCEEDED:
            raise Conflict(
                f"Export {pk} is {export.status}; it has no manifest yet.", status=export.status
            )
        return Response(export.manifest)


class CampaignExportSchedules(generics.ListAPIView):
    """The campaign's export schedules (django-celery-beat periodic tasks)."""

    serializer_class = s.ExportScheduleSerializer

    def get_queryset(self) -> QuerySet[ExportSchedule]:
        campaign = get_campaign_for(self.request.user, self.kwargs["slug"], Role.LEAD)
        return list_export_schedules(campaign)

    @extend_schema(
        request=s.ExportScheduleRequestSerializer, responses={201: s.ExportScheduleSerializer}
    )
    def post(self, request: Request, slug: str) -> Response:
        """Export on a schedule (`interval` or `crontab`, UTC): each run is a new version."""
        campaign = get_campaign_for(request.user, slug, Role.LEAD)
        reject_unknown_keys(request.data, s.ExportScheduleRequestSerializer)
        body = s.ExportScheduleRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        schedule = do_create_export_schedule(
            campaign,
            data["format"],
            body.filters(),
            interval=data.get("interval"),
            crontab=data.get("crontab"),
            name=data.get("name", ""),
            enabled=data["enabled"],
            created_by=request.user,
        )
        return Response(s.ExportScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED)


class ExportScheduleUpdateSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()


class ExportScheduleDetail(APIView):
    @extend_schema(request=ExportScheduleUpdateSerializer, responses=s.ExportScheduleSerializer)
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        """Pause (`enabled: false`) or resume a schedule."""
        campaign = get_campaign_for(request.user, slug, Role.LEAD)
        body = ExportScheduleUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        schedule = do_set_export_schedule_enabled(
            get_schedule_for(campaign, pk), body.validated_data["enabled"]
        )
        return Response(s.ExportScheduleSerializer(schedule).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        """Stop and remove a schedule; the exports it made stay."""
        campaign = get_campaign_for(request.user, slug, Role.LEAD)
        do_delete_export_schedule(get_schedule_for(campaign, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
