"""Memberships: a campaign keeps at least one admin, whichever way a member is changed."""

from __future__ import annotations

import pytest

from trees.errors import Conflict
from trees.models import Membership, Role
from trees.services.campaigns import do_add_member, do_change_role, do_remove_member

pytestmark = pytest.mark.django_db


def admin_of(campaign, user):
    return Membership.objects.get(campaign=campaign, user=user)


def test_the_last_admin_is_not_removed(campaign, alice):
    with pytest.raises(Conflict, match="at least one admin"):
        do_remove_member(admin_of(campaign, alice))
    assert admin_of(campaign, alice).role == Role.ADMIN


def test_the_last_admin_is_not_demoted_by_a_role_change_or_a_re_add(campaign, alice):
    with pytest.raises(Conflict):
        do_change_role(admin_of(campaign, alice), Role.EXPERT)
    with pytest.raises(Conflict):
        do_add_member(campaign, alice, Role.LEAD)
    assert admin_of(campaign, alice).role == Role.ADMIN


def test_an_admin_steps_down_once_another_admin_exists(campaign, alice, larry):
    do_change_role(admin_of(campaign, larry), Role.ADMIN)
    assert do_change_role(admin_of(campaign, alice), Role.EXPERT).role == Role.EXPERT
    do_remove_member(admin_of(campaign, alice))
    assert list(Membership.objects.filter(campaign=campaign, role=Role.ADMIN)) == [
        admin_of(campaign, larry)
    ]
