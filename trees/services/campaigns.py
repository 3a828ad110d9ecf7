from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from trees.errors import Conflict, Invalid
from trees.models import Assignment, Campaign, Membership, Problem, Role

User = get_user_model()

CAMPAIGN_FIELDS = {
    "name",
    "guidelines",
    "status",
    "overlap",
    "default_model_profile",
    "dollar_math",
    "last_number_answers",
}


@transaction.atomic
def do_create_campaign(name: str, slug: str, created_by: Any = None, **fields: Any) -> Campaign:
    """Create a campaign; its creator becomes its admin."""
    unknown = set(fields) - CAMPAIGN_FIELDS
    if unknown:
        raise Invalid(f"Unknown campaign fields: {sorted(unknown)}")
    if Campaign.objects.filter(slug=slug).exists():
        raise Conflict(f"A campaign with slug {slug!r} exists already.", field="slug")
    campaign = Campaign.objects.create(name=name, slug=slug, created_by=created_by, **fields)
    if created_by is not None:
        Membership.objects.create(user=created_by, campaign=campaign, role=Role.ADMIN)
    return campaign


@transaction.atomic
def do_update_campaign(campaign: Campaign, **fields: Any) -> Campaign:
    unknown = set(fields) - CAMPAIGN_FIELDS
    if unknown:
        raise Invalid(f"Unknown campaign fields: {sorted(unknown)}")
    for key, value in fields.items():
        setattr(campaign, key, value)
    campaign.save(update_fields=[*fields])
    return campaign


def _keep_an_admin(membership: Membership) -> None:
    """The last-admin rule: a campaign's only admin is neither removed nor demoted."""
    if membership.role != Role.ADMIN:
        return
    others = (
        Membership.objects.select_for_update()
        .filter(campaign_id=membership.campaign_id, role=Role.ADMIN)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise Conflict("A campaign keeps at least one admin.")


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise Invalid(f"Unknown role {role!r}; use one of {Role.values}.", field="role")


@transaction.atomic
def do_add_member(campaign: Campaign, user: Any, role: str) -> Membership:
    """Add a member, or change the role of an existing one (see `do_change_role`)."""
    _check_role(role)
    existing = Membership.objects.filter(user=user, campaign=campaign).first()
    if existing is not None:
        return do_change_role(existing, role)
    return Membership.objects.create(user=user, campaign=campaign, role=role)


@transaction.atomic
def do_change_role(membership: Membership, role: str) -> Membership:
    """Change a member's role; the campaign's last admin keeps theirs (Conflict)."""
    _check_role(role)
    current = Membership.objects.select_for_update().get(pk=membership.pk)
    if current.role != role:
        if role != Role.ADMIN:
            _keep_an_admin(current)
        current.role = role
        current.save(update_fields=["role"])
    return current


@transaction.atomic
def do_remove_member(membership: Membership) -> None:
    """Remove a member and their open assignments; the campaign's last admin stays
    (Conflict)."""
    current = Membership.objects.select_for_update().filter(pk=membership.pk).first()
    if current is None:
        return
    _keep_an_admin(current)
    Assignment.objects.filter(
        problem__campaign_id=current.campaign_id,
        expert_id=current.user_id,
        status__in=Assignment.OPEN,
    ).delete()
    current.delete()


@transaction.atomic
def do_assign_problems(campaign: Campaign, experts: Iterable[Any] | None = None) -> int:
    """Give every problem `campaign.overlap` experts, least-loaded experts first.

    Idempotent: problems that already have enough assignments are left alone; returns the
    number of assignments created.
    """
    if experts is None:
        experts = User.objects.filter(
            memberships__campaign=campaign, memberships__role=Role.EXPERT
        ).order_by("pk")
    expert_ids = [user.pk for user in experts]
    if not expert_ids:
        raise Invalid("The campaign has no experts to assign problems to.")
    overlap = min(campaign.overlap, len(expert_ids))
    load = dict.fromkeys(expert_ids, 0)
    for expert_id, count in (
        Assignment.objects.filter(problem__campaign=campaign, expert_id__in=expert_ids)
        .values_list("expert_id")
        .annotate(n=Count("id"))
    ):
        load[expert_id] = count
    existing: dict[int, set[int]] = {}
    for problem_id, expert_id in Assignment.objects.filter(problem__campaign=campaign).values_list(
        "problem_id", "expert_id"
    ):
        existing.setdefault(problem_id, set()).add(expert_id)
    new: list[Assignment] = []
    for problem_id in (
        Problem.objects.filter(campaign=campaign).order_by("pk").values_list("pk", flat=True)
    ):
        have = existing.get(problem_id, set())
        need = overlap - len(have)
        if need <= 0:
            continue
        candidates = sorted((e for e in expert_ids if e not in have), key=lambda e: (load[e], e))
        for expert_id in candidates[:need]:
            new.append(Assignment(problem_id=problem_id, expert_id=expert_id))
            load[expert_id] += 1
    Assignment.objects.bulk_create(new, batch_size=2000)
    return len(new)


def do_start_assignment(assignment: Assignment) -> Assignment:
    if assignment.status == Assignment.Status.ASSIGNED:
        Assignment.objects.filter(pk=assignment.pk, status=Assignment.Status.ASSIGNED).update(
            status=Assignment.Status.IN_PROGRESS, started_at=timezone.now()
        )
        assignment.refresh_from_db()
    return assignment


def do_finish_assignment(assignment: Assignment, status: str) -> Assignment:
    if status not in (Assignment.Status.SUBMITTED, Assignment.Status.SKIPPED):
        raise Invalid("An assignment finishes as submitted or skipped.", field="status")
    assignment.status = status
    assignment.finished_at = timezone.now()
    assignment.save(update_fields=["status", "finished_at"])
    return assignment
