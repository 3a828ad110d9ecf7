"""The campaign's dollar_math setting (read every `$…$` as math) is set by its admin and
reaches the workspace through the problem's navigation block."""

from __future__ import annotations

import pytest

from tests.factories import make_problem

pytestmark = pytest.mark.django_db


def test_an_admin_turns_dollar_math_on_and_the_workspace_sees_it(campaign, alice, bob, client_for):
    problem = make_problem(campaign, "Sara buys 4 notebooks at $3 each and 2 pens at $1.50.")
    detail = client_for(bob).get(f"/api/v1/problems/{problem.pk}/")
    assert detail.json()["navigation"]["dollar_math"] is False

    changed = client_for(alice).patch(
        f"/api/v1/campaigns/{campaign.slug}/", {"dollar_math": True}, format="json"
    )
    assert changed.status_code == 200
    assert changed.json()["dollar_math"] is True
    campaign.refresh_from_db()
    assert campaign.dollar_math is True
    assert (
        client_for(bob).get(f"/api/v1/problems/{problem.pk}/").json()["navigation"]["dollar_math"]
        is True
    )


def test_an_expert_cannot_turn_dollar_math_on(campaign, bob, client_for):
    response = client_for(bob).patch(
        f"/api/v1/campaigns/{campaign.slug}/", {"dollar_math": True}, format="json"
    )
    assert response.status_code == 403
    campaign.refresh_from_db()
    assert campaign.dollar_math is False
