"""My label through the API: PUT sets the rating, PATCH any part; neither wipes what it was
not sent; the tree and node reads show my note and flag."""

from __future__ import annotations

import pytest

from tests.factories import make_problem, root_of
from trees.models import StepLabel
from trees.services.labels import do_label_step
from trees.services.nodes import do_add_child_step


@pytest.fixture
def step(campaign, bob):
    return do_add_child_step(root_of(make_problem(campaign)), "2 + 3 = 5", bob)


def url(step) -> str:
    return f"/api/v1/nodes/{step.pk}/label/"


def mine(step, user) -> tuple[int, str, bool]:
    label = StepLabel.objects.get(node=step, expert=user)
    return label.rating, label.note, label.flagged


def test_a_note_and_a_flag_after_labelling_are_saved_by_patch(step, bob, client_for):
    client = client_for(bob)
    assert client.put(url(step), {"rating": 1}, format="json").status_code == 200
    noted = client.patch(url(step), {"note": "uses the wrong total"}, format="json")
    assert noted.status_code == 200, noted.content
    body = noted.json()
    assert (body["my_label"], body["my_note"], body["my_flagged"]) == (
        1,
        "uses the wrong total",
        False,
    )
    flagged = client.patch(url(step), {"flagged": True}, format="json").json()
    assert (flagged["my_note"], flagged["my_flagged"]) == ("uses the wrong total", True)
    assert mine(step, bob) == (1, "uses the wrong total", True)


def test_a_rating_put_later_keeps_the_note_and_the_flag(step, bob, client_for):
    do_label_step(step, bob, 1, note="keep me", flagged=True)
    response = client_for(bob).put(url(step), {"rating": 0}, format="json")
    assert response.status_code == 200
    assert (response.json()["my_note"], response.json()["my_flagged"]) == ("keep me", True)
    assert mine(step, bob) == (0, "keep me", True)
    assert response.json()["label_counts"] == {"1": 0, "0": 1, "-1": 0}


def test_a_put_with_every_field_sets_them_all(step, bob, client_for):
    do_label_step(step, bob, 1, note="old", flagged=True)
    body = {"rating": -1, "note": "", "flagged": False}
    assert client_for(bob).put(url(step), body, format="json").status_code == 200
    assert mine(step, bob) == (-1, "", False)


def test_a_note_on_a_step_i_have_not_rated_answers_422_label_first(step, bob, client_for):
    response = client_for(bob).patch(url(step), {"note": "orphan"}, format="json")
    assert response.status_code == 422
    assert "Label this step first" in response.json()["detail"]
    assert not StepLabel.objects.exists()


def test_an_empty_patch_is_refused(step, bob, client_for):
    do_label_step(step, bob, 1)
    response = client_for(bob).patch(url(step), {}, format="json")
    assert response.status_code == 400


def test_the_tree_and_the_node_show_my_note_and_flag_but_not_others(step, bob, carol, client_for):
    do_label_step(step, bob, 1, note="mine", flagged=True)
    do_label_step(step, carol, -1, note="carol's", flagged=False)
    tree = client_for(bob).get(f"/api/v1/problems/{step.tree.problem_id}/tree/").json()
    node = next(n for n in tree["nodes"] if n["id"] == step.pk)
    assert (node["my_label"], node["my_note"], node["my_flagged"]) == (1, "mine", True)
    root = next(n for n in tree["nodes"] if n["id"] == tree["root"])
    assert (root["my_label"], root["my_note"], root["my_flagged"]) == (None, "", False)
    single = client_for(carol).get(f"/api/v1/nodes/{step.pk}/").json()
    assert (single["my_label"], single["my_note"], single["my_flagged"]) == (-1, "carol's", False)


def test_clearing_my_label_answers_the_node_without_it(step, bob, client_for):
    do_label_step(step, bob, 1, note="gone with it", flagged=True)
    cleared = client_for(bob).delete(url(step)).json()
    assert (cleared["my_label"], cleared["my_note"], cleared["my_flagged"]) == (None, "", False)
    assert not StepLabel.objects.exists()
