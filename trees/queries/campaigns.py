"""Campaign reads: my roles, members, problems with their filters, progress, my queue."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from trees.errors import NotFound
from trees.models import Assignment, Campaign, Membership, Problem
from trees.queries.access import User


def get_roles_of(user: User) -> dict[int, str]:
    """The user's role in each of their campaigns, by campaign id (one query)."""
    if not user.is_authenticated:
        return {}
    return dict(Membership.objects.filter(user_id=user.pk).values_list("campaign_id", "role"))


def list_members(campaign: Campaign) -> QuerySet[Membership]:
    return Membership.objects.filter(campaign=campaign).select_related("user").order_by("pk")


def get_member(campaign: Campaign, pk: int) -> Membership:
    """A membership of this campaign (NotFound for one of another campaign)."""
    membership = Membership.objects.filter(campaign=campaign, pk=pk).select_related("user").first()
    if membership is None:
        raise NotFound(f"No member {pk} in this campaign.")
    return membership


def get_user_by_username(username: str) -> Any:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound(f"No user {username!r}.", field="username")
    return user


def list_problems(
    campaign: Campaign,
    *,
    subject: str | None = None,
    difficulty: str | None = None,
    source: str | None = None,
    search: str | None = None,
) -> QuerySet[Problem]:
    """The campaign's problems with their trees, by id; `search` matches the statement or
    the external id (at most 200 characters of it are used)."""
    problems = Problem.objects.filter(campaign=campaign).select_related("tree")
    for field, value in (("subject", subject), ("difficulty", difficulty), ("source", source)):
        if value:
            problems = problems.filter(**{field: value})
    if search:
        term = search[:200]
        problems = problems.filter(Q(statement__icontains=term) | Q(external_id=term))
    return problems.order_by("pk")


def campaign_progress(campaign: Campaign) -> dict[str, int]:
    """Assignment counts by status for the campaign (one aggregate query)."""
    counts = Assignment.objects.filter(problem__campaign=campaign).aggregate(
        total=Count("id"),
        submitted=Count("id", filter=Q(status=Assignment.Status.SUBMITTED)),
        in_progress=Count("id", filter=Q(status=Assignment.Status.IN_PROGRESS)),
        skipped=Count("id", filter=Q(status=Assignment.Status.SKIPPED)),
    )
    return {key: int(value or 0) for key, value in counts.items()}


def list_open_assignments(user: User, campaign_slug: str | None = None) -> QuerySet[Assignment]:
    """My open assignments, oldest first, optionally of one campaign."""
    assignments = Assignment.objects.filter(
        expert_id=user.pk, status__in=Assignment.OPEN
    ).select_related("problem__tree", "problem__campaign")
    if campaign_slug:
        assignments = assignments.filter(problem__campaign__slug=campaign_slug)
    return assignments.order_by("pk")


def get_my_assignment(user: User, pk: int) -> Assignment:
    """One of my assignments (NotFound for someone else's)."""
    assignment = (
        Assignment.objects.filter(pk=pk, expert_id=user.pk)
        .select_related("problem__tree", "problem__campaign")
        .first()
    )
    if assignment is None:
        raise NotFound(f"No assignment {pk} of yours.")
    return assignment
