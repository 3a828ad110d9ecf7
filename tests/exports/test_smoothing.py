"""The optional smoothing pass: the campaign's model rewrites a prose long thought passage by
passage, a rewrite is kept only if it keeps the numbers, and the result is a new draft."""

from __future__ import annotations

import pytest

from trees.core.smooth import numbers_in, splice
from trees.models import Job, LongThought
from trees.services.jobs import do_create_job
from trees.services.longthoughts import (
    do_derive_long_thought,
    do_edit_long_thought,
    do_store_smoothed,
)
from workers.tasks import smooth_long_thought

pytestmark = pytest.mark.django_db


def smooth(client, thought, capture, **body):
    with capture(execute=True):
        response = client.post(f"/api/v1/long-thoughts/{thought.pk}/smooth/", body, format="json")
    assert response.status_code == 202, response.content
    return Job.objects.get(pk=response.json()["id"])


def test_the_demo_model_smooths_a_journey_into_a_new_draft_that_keeps_the_math(
    labelled, bob, client_for, demo_model, django_capture_on_commit_callbacks
):
    source = do_derive_long_thought(labelled.pens.tree, "journey", {}, created_by=bob)
    job = smooth(client_for(bob), source, django_capture_on_commit_callbacks, seed=3)
    assert (job.kind, job.status) == ("smooth", "succeeded"), job.error
    assert job.progress_done == job.progress_total == len(source.spans)
    smoothed = LongThought.objects.get(pk=job.result["long_thought"])
    assert (smoothed.render, smoothed.status, smoothed.style) == ("smoothed", "draft", "journey")
    params = smoothed.params
    assert params["smoothed_from"] == source.pk and params["model"].startswith("demo:")
    assert params["rewritten"] + params["kept"] == len(source.spans)
    # Every passage still belongs to its node and states the same numbers.
    assert [span[0] for span in smoothed.spans] == [span[0] for span in source.spans]
    for (_, start, end), (_, old_start, old_end) in zip(smoothed.spans, source.spans, strict=True):
        old = source.rendered_text[old_start:old_end]
        assert numbers_in(smoothed.rendered_text[start:end]) == numbers_in(old)
    assert (
        smoothed.rendered_text[smoothed.thought_end :] == source.rendered_text[source.thought_end :]
    )
    source.refresh_from_db()
    assert (source.version, source.edited_text) == (1, "")


def test_an_accepted_rewrite_is_stored_with_its_span(labelled, bob):
    source = do_derive_long_thought(labelled.pens.tree, "journey", {}, created_by=bob)
    job, _ = do_create_job("smooth", campaign=labelled.campaign, tree=labelled.pens.tree)
    first = source.rendered_text[source.spans[0][1] : source.spans[0][2]]
    rewrite = f"Thinking it through: {first}"
    smoothed = do_store_smoothed(
        job,
        source,
        splice(source.rendered_text, source.spans, source.thought_end, {0: rewrite}),
        "t",
    )
    _, start, end = smoothed.spans[0]
    assert smoothed.rendered_text[start:end] == rewrite
    assert smoothed.params["rewritten"] == 1
    job.refresh_from_db()
    assert job.status == "succeeded" and job.result == {"long_thought": smoothed.pk}


def test_a_redelivered_smoothing_job_makes_one_long_thought(labelled, bob, demo_model):
    source = do_derive_long_thought(labelled.pens.tree, "shortcut", {}, created_by=bob)
    job, _ = do_create_job(
        "smooth",
        campaign=labelled.campaign,
        tree=labelled.pens.tree,
        params={"long_thought": source.pk, "seed": 5},
    )
    smooth_long_thought.apply(args=[job.pk])
    Job.objects.filter(pk=job.pk).update(status="running")  # as if the worker died at the end
    smooth_long_thought.apply(args=[job.pk])
    assert LongThought.objects.filter(render="smoothed").count() == 1
    job.refresh_from_db()
    assert job.status == "succeeded"


def test_edited_and_steiner_thoughts_are_refused_with_a_reason(labelled, bob, client_for):
    client = client_for(bob)
    edited = do_derive_long_thought(labelled.pens.tree, "journey", {}, created_by=bob)
    do_edit_long_thought(edited, "My own words.\n\nAnswer: 8", 1, bob)
    response = client.post(f"/api/v1/long-thoughts/{edited.pk}/smooth/", {}, format="json")
    assert response.status_code == 422 and "edited by hand" in response.json()["detail"]
    steiner = do_derive_long_thought(labelled.pens.tree, "journey", {"render": "steiner"})
    response = client.post(f"/api/v1/long-thoughts/{steiner.pk}/smooth/", {}, format="json")
    assert response.status_code == 422 and "Only a prose" in response.json()["detail"]
    bad = client.post(f"/api/v1/long-thoughts/{steiner.pk}/smooth/", {"temperature": 9})
    assert bad.status_code == 400
    assert not Job.objects.filter(kind="smooth").exists()


def test_derive_does_not_accept_the_smoothed_render(labelled, bob, client_for):
    response = client_for(bob).post(
        f"/api/v1/problems/{labelled.pens.pk}/long-thoughts/", {"render": "smoothed"}
    )
    assert response.status_code == 400


def test_an_approved_smoothed_thought_is_the_text_an_sft_export_uses(labelled, bob, carol):
    from tests.exports.conftest import read_rows, run_export
    from trees.services.longthoughts import do_review_long_thought

    source = do_derive_long_thought(labelled.pens.tree, "journey", {}, created_by=bob)
    job, _ = do_create_job("smooth", campaign=labelled.campaign, tree=labelled.pens.tree)
    first = source.rendered_text[source.spans[0][1] : source.spans[0][2]]
    rewrite = f"Thinking it through: {first}"
    spliced = splice(source.rendered_text, source.spans, source.thought_end, {0: rewrite})
    smoothed = do_store_smoothed(job, source, spliced, "t")
    do_review_long_thought(smoothed, carol, "approved")
    rows = read_rows(run_export(labelled.campaign, "sft-journey", approved_only=True))
    assert len(rows) == 1
    assert rows[0]["messages"][1]["content"].startswith(rewrite)
