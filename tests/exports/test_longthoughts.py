"""Long thoughts: derived by a job through the API, edited with revisions and 409s,
reviewed by reviewers, and summed up in the campaign's statistics."""

from __future__ import annotations

import pytest

from tests.exports.conftest import PENS, node
from trees.models import Job, LongThought, LongThoughtRevision
from trees.services.jobs import do_create_job
from trees.services.longthoughts import do_derive_long_thought, do_review_long_thought
from workers.tasks import derive_long_thought

pytestmark = pytest.mark.django_db


def derive(client, problem, capture, **body):
    with capture(execute=True):
        response = client.post(f"/api/v1/problems/{problem.pk}/long-thoughts/", body, format="json")
    assert response.status_code == 202, response.content
    return Job.objects.get(pk=response.json()["id"])


def test_an_expert_derives_a_journey_as_a_job(
    labelled, bob, client_for, django_capture_on_commit_callbacks
):
    job = derive(client_for(bob), labelled.pens, django_capture_on_commit_callbacks)
    assert job.kind == "derive" and job.status == "succeeded", job.error
    thought = LongThought.objects.get(pk=job.result["long_thought"])
    assert (thought.style, thought.render, thought.status) == ("journey", "prose", "draft")
    assert thought.tree == labelled.pens.tree and thought.job == job
    assert thought.created_by == bob
    assert [visit["action"] for visit in thought.plan].count("backtrack") == 2
    assert thought.backtracks == 2 and thought.answer == "8"
    # Every span points at its node's own text.
    for node_id, start, end in thought.spans:
        assert thought.rendered_text[start:end] == node_id_text(node_id)
    assert thought.rendered_text[thought.thought_end :] == "\n\nAnswer: 8"
    assert thought.line_count == thought.stats["lines"] > 5
    assert thought.token_count == thought.stats["tokens"] > 0
    assert thought.stats["reflection_wait"] + thought.stats["reflection_hmm"] == 2
    listed = client_for(bob).get(f"/api/v1/problems/{labelled.pens.pk}/long-thoughts/").json()
    assert [item["id"] for item in listed["results"]] == [thought.pk]
    detail = client_for(bob).get(f"/api/v1/long-thoughts/{thought.pk}/").json()
    assert detail["text"] == thought.rendered_text and detail["problem"] == labelled.pens.pk


def node_id_text(node_id: int) -> str:
    from trees.models import Node

    return Node.objects.get(pk=node_id).text


def test_shortcut_and_steiner_renderings(
    labelled, bob, client_for, django_capture_on_commit_callbacks
):
    client = client_for(bob)
    job = derive(client, labelled.pens, django_capture_on_commit_callbacks, style="shortcut")
    shortcut = LongThought.objects.get(pk=job.result["long_thought"])
    assert shortcut.rendered_text == "12 / 3 = 4\n4 * 2 = 8\n\nAnswer: 8"
    assert shortcut.backtracks == 0
    job = derive(client, labelled.pens, django_capture_on_commit_callbacks, render="steiner")
    steiner = LongThought.objects.get(pk=job.result["long_thought"])
    assert steiner.rendered_text.startswith("<|reasoning_start|>")
    assert steiner.backtracks == steiner.stats["backtracks"] == 2


def test_a_tree_without_a_correct_path_fails_the_job_with_a_reason(
    labelled, bob, client_for, django_capture_on_commit_callbacks
):
    from trees.services.labels import do_label_step

    do_label_step(node(labelled.apples, "5 + 7 = 12"), bob, -1)
    job = derive(client_for(bob), labelled.apples, django_capture_on_commit_callbacks)
    assert job.status == "failed" and "no correct path" in job.error
    assert not LongThought.objects.exists()


def test_derive_parameters_are_checked(labelled, bob, client_for):
    url = f"/api/v1/problems/{labelled.pens.pk}/long-thoughts/"
    response = client_for(bob).post(url, {"style": "zigzag"}, format="json")
    assert response.status_code == 400
    response = client_for(bob).post(url, {"max_wrong": -1}, format="json")
    assert response.status_code == 400


def test_a_redelivered_derive_job_makes_one_long_thought(labelled, bob):
    job, _ = do_create_job(
        "derive", campaign=labelled.campaign, tree=labelled.pens.tree, params={"style": "journey"}
    )
    derive_long_thought.apply(args=[job.pk])
    Job.objects.filter(pk=job.pk).update(status="running")  # as if the worker died after it
    derive_long_thought.apply(args=[job.pk])
    assert LongThought.objects.count() == 1
    assert Job.objects.get(pk=job.pk).status == "succeeded"


def test_edits_keep_revisions_and_a_stale_version_is_a_409(labelled, bob, larry, client_for):
    thought = do_derive_long_thought(labelled.pens.tree, "journey", {}, created_by=bob)
    url = f"/api/v1/long-thoughts/{thought.pk}/"
    first = client_for(bob).patch(
        url, {"edited_text": "Wait, 12 / 3 = 4.\n\nAnswer: 8", "version": 1}, format="json"
    )
    assert first.status_code == 200, first.content
    assert first.json()["version"] == 2 and first.json()["text"].startswith("Wait")
    assert first.json()["stats"]["reflection_wait"] == 1
    stale = client_for(larry).patch(url, {"edited_text": "Mine.", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert stale.json()["current"]["version"] == 2
    assert stale.json()["current"]["edited_text"].startswith("Wait")
    second = client_for(larry).patch(url, {"edited_text": "Mine.", "version": 2}, format="json")
    assert second.status_code == 200
    revisions = client_for(bob).get(f"{url}revisions/").json()["results"]
    assert [(r["version"], r["editor"]) for r in revisions] == [
        (1, bob.pk),
        (2, bob.pk),
        (3, larry.pk),
    ]
    assert revisions[0]["text"] == thought.rendered_text
    assert LongThoughtRevision.objects.count() == 3
    empty = client_for(bob).patch(url, {"edited_text": "  ", "version": 3}, format="json")
    assert empty.status_code in (400, 422)


def test_only_reviewers_and_above_approve(labelled, bob, carol, larry, client_for):
    thought = do_derive_long_thought(labelled.pens.tree, "journey", {})
    url = f"/api/v1/long-thoughts/{thought.pk}/review/"
    assert client_for(bob).post(url, {"status": "approved"}, format="json").status_code == 403
    response = client_for(carol).post(url, {"status": "approved"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "approved" and response.json()["reviewer"] == carol.pk
    stale = client_for(larry).post(url, {"status": "rejected", "version": 7}, format="json")
    assert stale.status_code == 409
    assert client_for(carol).post(url, {"status": "draft"}, format="json").status_code == 400


def test_an_edit_sends_an_approved_thought_back_to_draft(labelled, bob, carol):
    from trees.services.longthoughts import do_edit_long_thought

    thought = do_review_long_thought(
        do_derive_long_thought(labelled.pens.tree, "journey", {}), carol, "approved"
    )
    edited = do_edit_long_thought(thought, "Shorter.\n\nAnswer: 8", thought.version, editor=bob)
    assert edited.status == "draft" and edited.reviewer is None


def test_campaign_stats_sum_tokens_lines_backtracks_and_reflections(labelled, bob, client_for):
    journey = do_derive_long_thought(labelled.pens.tree, "journey", {})
    shortcut = do_derive_long_thought(labelled.apples.tree, "shortcut", {})
    with_queries = client_for(bob)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = with_queries.get("/api/v1/campaigns/pilot/long-thought-stats/")
    assert response.status_code == 200
    assert len(queries) <= 6  # auth, campaign, role, the two aggregates
    stats = response.json()
    assert stats["count"] == 2
    assert stats["totals"]["tokens"] == journey.token_count + shortcut.token_count
    assert stats["totals"]["lines"] == journey.line_count + shortcut.line_count
    assert stats["totals"]["backtracks"] == 2
    assert stats["means"]["backtracks"] == 1.0
    reflections = stats["totals"]["reflections"]
    assert set(reflections) == {"wait", "alternatively", "hmm", "let me check"}
    assert reflections["wait"] == journey.stats["reflection_wait"]
    assert stats["by_style"]["shortcut"]["count"] == 1
    assert stats["by_style"]["journey"]["totals"]["backtracks"] == 2
    only = with_queries.get("/api/v1/campaigns/pilot/long-thought-stats/?style=shortcut").json()
    assert only["count"] == 1 and only["totals"]["backtracks"] == 0
    bad = with_queries.get("/api/v1/campaigns/pilot/long-thought-stats/?status=lost")
    assert bad.status_code == 422


def test_the_pens_question_is_the_prompt_of_its_thought(labelled):
    thought = do_derive_long_thought(labelled.pens.tree, "journey", {"seed": 3})
    assert thought.params == {
        "style": "journey",
        "max_wrong": 2,
        "max_depth_wrong": 2,
        "render": "prose",
        "seed": 3,
    }
    assert labelled.pens.statement == PENS
