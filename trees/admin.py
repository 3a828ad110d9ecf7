"""Django admin for staff: campaigns, members, problems, model profiles, jobs.

Writes that have a service go through it (campaign creation, membership, job cancel);
problems and jobs are read-only here because imports and workers own them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages

from trees.errors import DomainError
from trees.models import (
    Campaign,
    Export,
    ExportSchedule,
    Job,
    LongThought,
    Membership,
    ModelProfile,
    Problem,
)
from trees.services.campaigns import do_add_member, do_create_campaign, do_update_campaign
from trees.services.exports import do_delete_export_schedule
from trees.services.jobs import do_cancel_job
from trees.services.longthoughts import do_review_long_thought


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "overlap", "problem_count", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["problem_count", "created_by", "created_at"]
    inlines = [MembershipInline]

    def save_model(self, request: Any, obj: Campaign, form: Any, change: bool) -> None:
        fields = {
            key: form.cleaned_data[key]
            for key in ("guidelines", "status", "overlap", "default_model_profile")
            if key in form.cleaned_data
        }
        if change:
            do_update_campaign(obj, name=form.cleaned_data["name"], **fields)
        else:
            created = do_create_campaign(
                form.cleaned_data["name"],
                form.cleaned_data["slug"],
                created_by=request.user,
                **fields,
            )
            obj.pk = created.pk
            obj.refresh_from_db()

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        for instance in formset.save(commit=False):
            do_add_member(form.instance, instance.user, instance.role)
        for removed in formset.deleted_objects:
            removed.delete()


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "campaign", "role", "created_at"]
    list_filter = ["role", "campaign"]
    search_fields = ["user__username", "campaign__slug"]


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ["external_id", "campaign", "subject", "difficulty", "source", "created_at"]
    list_filter = ["campaign", "source", "subject"]
    search_fields = ["external_id", "statement"]
    list_select_related = ["campaign"]

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: Any) -> bool:
        return False


@admin.register(ModelProfile)
class ModelProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "backend", "model_name", "delimiter", "queue"]
    list_filter = ["backend"]
    search_fields = ["name", "model_name"]


@admin.action(description="Cancel the selected jobs")
def cancel_jobs(modeladmin: Any, request: Any, queryset: Any) -> None:
    for job in queryset:
        try:
            do_cancel_job(job)
        except DomainError as exc:
            modeladmin.message_user(request, exc.message, messages.WARNING)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "status",
        "campaign",
        "progress_done",
        "progress_total",
        "attempts",
        "created_at",
    ]
    list_filter = ["kind", "status"]
    actions = [cancel_jobs]
    list_select_related = ["campaign"]

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: Any) -> bool:
        return False


# --- Long thoughts and exports (written by their services and jobs; read-only here) ----------


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: Any) -> bool:
        return False


def _review(request: Any, queryset: Any, status: str) -> None:
    for thought in queryset:
        do_review_long_thought(thought, request.user, status)


@admin.action(description="Approve the selected long thoughts")
def approve_long_thoughts(modeladmin: Any, request: Any, queryset: Any) -> None:
    _review(request, queryset, "approved")


@admin.action(description="Reject the selected long thoughts")
def reject_long_thoughts(modeladmin: Any, request: Any, queryset: Any) -> None:
    _review(request, queryset, "rejected")


@admin.register(LongThought)
class LongThoughtAdmin(ReadOnlyAdmin):
    list_display = ["id", "tree", "style", "render", "status", "token_count", "created_at"]
    list_filter = ["style", "render", "status"]
    actions = [approve_long_thoughts, reject_long_thoughts]
    list_select_related = ["tree"]

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Export)
class ExportAdmin(ReadOnlyAdmin):
    list_display = ["id", "campaign", "format", "version", "status", "rows", "bytes", "created_at"]
    list_filter = ["format", "status"]
    list_select_related = ["campaign"]

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # the row describes a file on disk; deleting it would orphan the file


@admin.register(ExportSchedule)
class ExportScheduleAdmin(ReadOnlyAdmin):
    list_display = ["id", "campaign", "name", "format", "enabled", "periodic_task", "created_at"]
    list_select_related = ["campaign", "periodic_task"]

    def delete_model(self, request: Any, obj: ExportSchedule) -> None:
        do_delete_export_schedule(obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for schedule in queryset:
            self.delete_model(request, schedule)
