"""Django admin for staff: campaigns, members, problems, model profiles, jobs, long thoughts,
exports. Every write goes through a service; no business logic here.

A service's refusal (a DomainError, such as removing a campaign's last admin or deleting a
model profile in use) shows as an error message; the admin's own transaction rolls back
whatever the request had written. Problems, jobs, long thoughts and exports are read-only
here because imports, workers and their services own them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

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
from trees.services.campaigns import (
    CAMPAIGN_FIELDS,
    do_add_member,
    do_change_role,
    do_create_campaign,
    do_remove_member,
    do_update_campaign,
)
from trees.services.exports import do_delete_export_schedule
from trees.services.jobs import do_cancel_job
from trees.services.longthoughts import do_review_long_thought
from trees.services.profiles import (
    PROFILE_FIELDS,
    do_create_profile,
    do_delete_profile,
    do_update_profile,
)


class ServiceAdmin(admin.ModelAdmin):
    """Saves and deletes through services: a refusal becomes an error message and a redirect
    back to the page, not a 500. Bulk deletion is replaced by a service action, or none."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)

    def _refused(self, request: HttpRequest, exc: DomainError) -> HttpResponseRedirect:
        self.message_user(request, exc.message, messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def get_actions(self, request: Any) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a raw queryset delete skips the services
        return actions


def _each(modeladmin: Any, request: Any, queryset: Any, write: Any, done: str) -> None:
    """Run a service on each selected row, reporting refusals one by one."""
    count = 0
    for obj in queryset:
        try:
            write(obj)
            count += 1
        except DomainError as exc:
            modeladmin.message_user(request, f"{obj}: {exc.message}", messages.ERROR)
    if count:
        modeladmin.message_user(request, f"{done}: {count}.", messages.SUCCESS)


CAMPAIGN_FORM_ORDER = [
    "name",
    "guidelines",
    "status",
    "overlap",
    "default_model_profile",
    "dollar_math",
    "last_number_answers",
    "cluster_threshold",
    "cluster_depth_band",
]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Campaign)
class CampaignAdmin(ServiceAdmin):
    list_display = ["name", "slug", "status", "overlap", "problem_count", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["problem_count", "created_by", "created_at"]
    inlines = [MembershipInline]

    def get_fields(self, request: Any, obj: Any = None) -> Any:
        # Only what the campaign services write: a field shown here but dropped on save
        # would look saved and not be.
        editable = [name for name in CAMPAIGN_FORM_ORDER if name in CAMPAIGN_FIELDS]
        editable += sorted(CAMPAIGN_FIELDS - set(editable))
        return ["name", "slug", *[f for f in editable if f != "name"], *self.readonly_fields]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        # The slug names the campaign in every URL; it is fixed once the campaign exists.
        return [*self.readonly_fields, "slug"] if obj is not None else [*self.readonly_fields]

    def get_prepopulated_fields(self, request: Any, obj: Any = None) -> dict[str, Any]:
        return {} if obj is not None else dict(self.prepopulated_fields)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # campaigns are archived (status), not deleted with their data

    def save_model(self, request: Any, obj: Campaign, form: Any, change: bool) -> None:
        fields = {
            key: value
            for key, value in form.cleaned_data.items()
            if key in CAMPAIGN_FIELDS and key != "name"
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
        instances = formset.save(commit=False)
        # New admins first, removals last: swapping one admin for another in one save
        # never leaves the campaign without one midway.
        instances.sort(key=lambda m: m.role != "admin")
        for instance in instances:
            if instance.pk is None:
                do_add_member(form.instance, instance.user, instance.role)
            else:
                do_change_role(instance, instance.role)
        for removed in formset.deleted_objects:
            do_remove_member(removed)


@admin.action(description="Remove the selected members")
def remove_members(modeladmin: Any, request: Any, queryset: Any) -> None:
    _each(modeladmin, request, queryset, do_remove_member, "Removed")


@admin.register(Membership)
class MembershipAdmin(ServiceAdmin):
    list_display = ["user", "campaign", "role", "created_at"]
    list_filter = ["role", "campaign"]
    search_fields = ["user__username", "campaign__slug"]
    actions = [remove_members]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        # A membership's user and campaign are fixed; a different pair is a new membership.
        return ["user", "campaign", "created_at"] if obj is not None else ["created_at"]

    def save_model(self, request: Any, obj: Membership, form: Any, change: bool) -> None:
        if change:
            saved = do_change_role(obj, form.cleaned_data["role"])
        else:
            saved = do_add_member(obj.campaign, obj.user, form.cleaned_data["role"])
        obj.pk = saved.pk

    def delete_model(self, request: Any, obj: Membership) -> None:
        do_remove_member(obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that imports, workers and services write: staff read them here."""

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: Any) -> bool:
        return False


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin):
    list_display = ["external_id", "campaign", "subject", "difficulty", "source", "created_at"]
    list_filter = ["campaign", "source", "subject"]
    search_fields = ["external_id", "statement"]
    list_select_related = ["campaign"]

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # a raw delete would leave the campaign's problem count behind


@admin.action(description="Delete the selected model profiles (those not in use)")
def delete_profiles(modeladmin: Any, request: Any, queryset: Any) -> None:
    _each(modeladmin, request, queryset, do_delete_profile, "Deleted")


@admin.register(ModelProfile)
class ModelProfileAdmin(ServiceAdmin):
    list_display = ["name", "backend", "model_name", "delimiter", "queue"]
    list_filter = ["backend"]
    search_fields = ["name", "model_name"]
    actions = [delete_profiles]

    def save_model(self, request: Any, obj: ModelProfile, form: Any, change: bool) -> None:
        fields = {key: value for key, value in form.cleaned_data.items() if key in PROFILE_FIELDS}
        if change:
            do_update_profile(obj, **fields)
        else:
            obj.pk = do_create_profile(**fields).pk

    def delete_model(self, request: Any, obj: ModelProfile) -> None:
        do_delete_profile(obj)


@admin.action(description="Cancel the selected jobs")
def cancel_jobs(modeladmin: Any, request: Any, queryset: Any) -> None:
    for job in queryset:
        try:
            do_cancel_job(job)
        except DomainError as exc:
            modeladmin.message_user(request, exc.message, messages.WARNING)


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
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

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # jobs are the record of what made each step; cancel them instead


# --- Long thoughts and exports (written by their services and jobs; read-only here) ----------


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
