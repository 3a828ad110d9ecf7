"""Every realtime event round-trips through JSON with the shape its TypedDict declares."""

from __future__ import annotations

import json
import typing

import pytest

from tests.factories import make_problem, root_of
from trees import events
from trees.core.generation import Candidate
from trees.services.critique import do_add_proposal, do_expert_critique, do_pause_loop
from trees.services.jobs import do_begin_job, do_create_job
from trees.services.labels import do_label_step, do_set_gold_label
from trees.services.nodes import do_add_child_step, do_edit_step, do_set_deleted

SCHEMAS = {
    "node.created": events.NodeEvent,
    "node.updated": events.NodeEvent,
    "node.deleted": events.NodeEvent,
    "node.restored": events.NodeEvent,
    "label.changed": events.LabelEvent,
    "gold.changed": events.GoldEvent,
    "job.progress": events.JobEvent,
    "critique.created": events.CritiqueEvent,
}


@pytest.fixture
def sent(monkeypatch):
    collected: list[dict] = []
    monkeypatch.setattr(events, "send_now", collected.append)
    return collected


def test_each_write_sends_its_event_after_commit_with_the_declared_shape(
    campaign, bob, carol, sent, django_capture_on_commit_callbacks
):
    root = root_of(make_problem(campaign))
    with django_capture_on_commit_callbacks(execute=True):
        step = do_add_child_step(root, "2 + 3 = 5", bob)
        assert sent == []  # nothing leaves before the commit
    with django_capture_on_commit_callbacks(execute=True):
        step = do_edit_step(step, "2 + 3 = 5.", 1, bob)
        do_label_step(step, bob, 1)
        do_set_gold_label(step, carol, 1)
        do_set_deleted(step, True)
        do_set_deleted(step, False)
        job, _ = do_create_job("expand", campaign=campaign, tree=step.tree, node=step)
        do_begin_job(job.pk)
        loop, _ = do_create_job("critique_loop", campaign=campaign, tree=step.tree, node=step)
        proposal = do_add_proposal(loop, step, Candidate("5 + 1 = 6"), None, 1)
        do_pause_loop(loop)  # an expert takes over a paused loop
        do_expert_critique(loop, bob, "revise", "Say what 6 counts.")
        assert proposal.parent_id == step.pk
    assert {event["type"] for event in sent} == set(SCHEMAS)
    for event in sent:
        schema = SCHEMAS[event["type"]]
        decoded = json.loads(json.dumps(event))
        assert set(decoded) == set(typing.get_type_hints(schema)), event["type"]
        assert decoded["tree"] == step.tree_id
    assert set(SCHEMAS) == events.EVENT_TYPES


def test_a_label_event_carries_my_note_and_flag_and_hides_them_from_other_experts(
    campaign, bob, sent, django_capture_on_commit_callbacks
):
    step = do_add_child_step(root_of(make_problem(campaign)), "2 + 3 = 5", bob)
    with django_capture_on_commit_callbacks(execute=True):
        do_label_step(step, bob, 1, note="fine", flagged=True)
    [event] = [e for e in sent if e["type"] == "label.changed"]
    assert (event["user_id"], event["rating"], event["note"], event["flagged"]) == (
        bob.pk,
        1,
        "fine",
        True,
    )
    # The rater and reviewers (who see every label through GET nodes/<id>/labels/) get it
    # whole; another expert gets the counts only: no rater id, rating, note or flag.
    assert events.event_for_viewer(event, bob.pk, sees_raters=False) == event
    assert events.event_for_viewer(event, bob.pk + 100, sees_raters=True) == event
    other = json.loads(json.dumps(events.event_for_viewer(event, bob.pk + 100, False)))
    assert other == {
        "type": "label.changed",
        "tree": step.tree_id,
        "node_id": step.pk,
        "counts": {"1": 1, "0": 0, "-1": 0},
    }
    assert set(other) == set(typing.get_type_hints(events.LabelCountsEvent))
