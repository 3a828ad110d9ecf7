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


def test_an_admin_opts_into_last_number_answers_and_new_steps_are_read_by_it(
    campaign, alice, bob, client_for
):
    """Off by default: a final step that states no answer is ungraded. On, its last number is
    its answer (unless the text was cut off)."""
    from tests.factories import root_of
    from trees.services.nodes import do_add_child_step

    problem = make_problem(campaign, "What is 2 + 3?", "5")
    root = root_of(problem)
    changed = client_for(alice).patch(
        f"/api/v1/campaigns/{campaign.slug}/", {"last_number_answers": True}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["last_number_answers"] is True
    answer = do_add_child_step(root, "The answer is 5", bob)
    # An expert's edit of the answer to a sentence with no marker: read by its last number.
    edited = client_for(bob).patch(
        f"/api/v1/nodes/{answer.pk}/",
        {"text": "Two and three make 5", "version": answer.version},
        format="json",
    )
    assert edited.status_code == 200, edited.json()
    assert (edited.json()["extracted_answer"], edited.json()["correctness"]) == ("5", "correct")
    assert (
        client_for(bob)
        .patch(f"/api/v1/campaigns/{campaign.slug}/", {"last_number_answers": False}, format="json")
        .status_code
        == 403
    )
