"""Propose-critique loops with the demo reasoner (proposer) and the verifier-backed critic:
the loop runs to a verdict, pauses, takes an expert's edit or critique, resumes, accepts."""

from __future__ import annotations

import pytest

from tests.services.test_search import demo_problems
from trees.errors import Conflict
from trees.models import Critique, Job, Node
from trees.services.critique import (
    do_accept_proposal,
    do_expert_critique,
    do_pause_loop,
    do_resume_loop,
    get_loop_state,
    loop_thread,
)
from trees.services.jobs import do_create_job
from trees.services.nodes import do_edit_step
from workers.tasks import critique_loop

pytestmark = pytest.mark.usefixtures("demo_model")


def make_loop(campaign, bob, seed=3, **params):
    tree = demo_problems(campaign, 1, seed=seed)[0]
    root = Node.objects.get(tree=tree, parent=None)
    job, _ = do_create_job(
        "critique_loop",
        campaign=campaign,
        tree=tree,
        node=root,
        params={"seed": 1, "rounds": 3, **params},
        created_by=bob,
    )
    return job, root


def test_a_loop_runs_until_the_critic_accepts_or_the_rounds_run_out(campaign, bob):
    job, root = make_loop(campaign, bob)
    critique_loop.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    thread = loop_thread(job)
    proposals = [e for e in thread if e["kind"] == "proposal"]
    critiques = [e for e in thread if e["kind"] == "critique"]
    assert 1 <= len(proposals) <= 3 and len(critiques) == len(proposals)
    assert thread[0]["kind"] == "proposal" and thread[1]["kind"] == "critique"
    assert all(p["node"]["parent"] == root.pk for p in proposals)
    assert all(p["by"]["type"] == "model" for p in proposals)
    assert all(c["text"].startswith("[verifier-backed critic]") for c in critiques)
    if job.result["accepted"]:
        assert critiques[-1]["verdict"] == "accept"
        assert job.result["accepted"] == proposals[-1]["node"]["id"]
    else:
        assert job.result["reason"] in ("rounds", "budget")
    # Each revise critique links the revision it led to.
    for critique in Critique.objects.filter(loop=job, verdict="revise"):
        assert critique.revision_id is not None
    count = Node.objects.count()
    critique_loop.apply(args=[job.pk])  # re-delivered: nothing more
    assert Node.objects.count() == count


def test_a_paused_loop_waits_and_acts_on_the_experts_critique_when_resumed(
    campaign, bob, monkeypatch
):
    job, _ = make_loop(campaign, bob, seed=4, rounds=4)
    # Stop after the first proposal: pause as soon as it is stored.
    import workers.jobs.critique_loop as loop_module

    real = loop_module.do_add_proposal

    def then_pause(*args, **kwargs):
        node = real(*args, **kwargs)
        do_pause_loop(Job.objects.get(pk=job.pk))
        return node

    monkeypatch.setattr(loop_module, "do_add_proposal", then_pause)
    critique_loop.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == "paused"
    state = get_loop_state(job)
    assert state.round == 1 and state.critique is None
    critique_loop.apply(args=[job.pk])  # a stray delivery of a paused loop does nothing
    assert Critique.objects.filter(loop=job).count() == 0

    # The expert edits the proposal, then writes their own critique instead of the model's.
    edited = do_edit_step(state.current, state.current.text + " (checked)", 1, bob)
    critique = do_expert_critique(job, bob, "revise", "Name what the number counts.")
    assert critique.node_version == edited.version and critique.author == bob
    monkeypatch.setattr(loop_module, "do_add_proposal", real)
    do_resume_loop(job, "resume-1")
    # A delivery from before the resume (a worker still busy when the loop was paused) stops:
    # only the delivery the resume dispatched runs the loop.
    critique_loop.apply(args=[job.pk], task_id="from-before-the-pause")
    assert Critique.objects.filter(loop=job).count() == 1
    assert len(get_loop_state(job).proposals) == 1
    critique_loop.apply(args=[job.pk], task_id="resume-1")
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    critique.refresh_from_db()
    assert critique.revision_id == get_loop_state(job).proposals[1].pk
    thread = loop_thread(job)
    assert thread[0]["edited"] and thread[1]["by"] == {"type": "user", "id": bob.pk, "name": "bob"}


def test_an_expert_accepts_the_current_proposal(campaign, bob, monkeypatch):
    job, _ = make_loop(campaign, bob, seed=5)
    import workers.jobs.critique_loop as loop_module

    real = loop_module.do_add_proposal

    def then_pause(*args, **kwargs):
        node = real(*args, **kwargs)
        do_pause_loop(Job.objects.get(pk=job.pk))
        return node

    monkeypatch.setattr(loop_module, "do_add_proposal", then_pause)
    critique_loop.apply(args=[job.pk])
    job.refresh_from_db()
    finished = do_accept_proposal(job, bob)
    assert finished.status == "succeeded"
    assert finished.result["accepted"] == get_loop_state(job).current.pk
    assert finished.result["accepted_by"] == bob.pk
    with pytest.raises(Conflict):
        do_expert_critique(job, bob, "reject", "Too late.")
    with pytest.raises(Conflict):
        do_resume_loop(job, "resume-1")


def test_a_loop_with_a_budget_of_one_call_stops_after_its_proposal(campaign, bob):
    job, _ = make_loop(campaign, bob, seed=6, budget={"max_calls": 1})
    critique_loop.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == "succeeded"
    assert job.result["budget"]["calls"] == 1
    # The verifier-backed critic makes no model call: it still judged the proposal.
    assert Critique.objects.filter(loop=job).count() >= 1
