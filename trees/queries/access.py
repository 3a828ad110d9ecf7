"""Membership and scoping: a user's role, the campaigns, problems, jobs and nodes they
may see, and the one rule for "the owner of a thing, or a role at least X"."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db.models import Q, QuerySet

from trees.errors import Forbidden, NotFound
from trees.models import (
    Campaign,
    Job,
    Membership,
    Node,
    Problem,
)
from trees.models.campaigns import ROLE_RANK, Role

# What request.user is: a user (the configured model) or AnonymousUser.
User = AbstractUser | AnonymousUser


def get_role(user: User, campaign_id: int | None) -> str | None:
    """The user's role in the campaign; staff count as admins everywhere. A thing of no
    campaign (campaign_id None) has no members."""
    if not user.is_authenticated:
        return None
    if user.is_staff:
        return Role.ADMIN
    if campaign_id is None:
        return None
    return (
        Membership.objects.filter(user_id=user.pk, campaign_id=campaign_id)
        .values_list("role", flat=True)
        .first()
    )


def require_role(user: User, campaign_id: int | None, minimum: str) -> str:
    """Return the user's role, or raise: NotFound for outsiders (no leak of what exists),
    Forbidden for members whose role is below `minimum`."""
    role = get_role(user, campaign_id)
    if role is None:
        raise NotFound("Not found.")
    if ROLE_RANK[Role(role)] < ROLE_RANK[Role(minimum)]:
        raise Forbidden(f"This needs the {minimum} role or higher in this campaign.")
    return role


def campaigns_for(user: User) -> QuerySet[Campaign]:
    if not user.is_authenticated:
        return Campaign.objects.none()
    if user.is_staff:
        return Campaign.objects.all()
    return Campaign.objects.filter(memberships__user_id=user.pk)


def problems_for(user: User) -> QuerySet[Problem]:
    if not user.is_authenticated:
        return Problem.objects.none()
    if user.is_staff:
        return Problem.objects.all()
    return Problem.objects.filter(campaign__memberships__user_id=user.pk)


def jobs_for(user: User) -> QuerySet[Job]:
    """Jobs of the user's campaigns; export jobs (lead data) only where they lead or admin."""
    if not user.is_authenticated:
        return Job.objects.none()
    if user.is_staff:
        return Job.objects.all()
    leads = Membership.objects.filter(user_id=user.pk, role__in=[Role.LEAD, Role.ADMIN])
    return Job.objects.filter(campaign__memberships__user_id=user.pk).exclude(
        Q(kind=Job.Kind.EXPORT) & ~Q(campaign_id__in=leads.values("campaign_id"))
    )


def get_campaign_for(user: User, slug: str, minimum: str = Role.EXPERT) -> Campaign:
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        raise NotFound(f"No campaign {slug!r}.")
    require_role(user, campaign.pk, minimum)
    return campaign


def get_node_for(user: User, node_id: int, minimum: str = Role.EXPERT) -> Node:
    node = Node.objects.select_related("tree__problem").filter(pk=node_id).first()
    if node is None:
        raise NotFound(f"No node {node_id}.")
    require_role(user, node.tree.problem.campaign_id, minimum)
    return node


def require_owner_or_role(
    user: User, campaign_id: int | None, owner_id: int | None, minimum: str, denied: str
) -> str:
    """The one rule for acting on something a member made (a step, a job): its owner may, and
    so may anyone whose role is at least `minimum`. Outsiders get NotFound as for any read,
    other members Forbidden with the `denied` message. Returns the user's role."""
    role = require_role(user, campaign_id, Role.EXPERT)
    if owner_id is not None and owner_id == user.pk:
        return role
    if ROLE_RANK[Role(role)] < ROLE_RANK[Role(minimum)]:
        raise Forbidden(denied)
    return role
