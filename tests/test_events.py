"""Every realtime event round-trips through JSON with the shape its TypedDict declares."""

from __future__ import annotations

import json
import typing

import pytest

from tests.factories import make_problem, root_of
from trees import events
from trees.core.generation import Candidate
from trees.services.critique import do_add_proposal, do_expert_critique, do_pause_loop
from trees.services.jobs import do_create_job, do_start_job
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
        do_start_job(job.pk)
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
