"""Model actions through the API with the real demo reasoner: expand, rollouts, first error."""

from __future__ import annotations

import json

import pytest

from tests.factories import make_problem, root_of
from trees.models import Job, ModelProfile, Node, SuggestedLabel, Tree
from trees.services.imports import do_import_problems
from trees.services.jobs import do_cancel_job, do_create_job
from trees.services.nodes import do_add_child_step
from workers.tasks import expand_node

pytestmark = pytest.mark.usefixtures("demo_model")

SHOP = {
    "id": "shop",
    "question": "A shop sells 3 pens for $2. How much do 12 pens cost?",
    "answer": "8",
    "solutions": [
        {"text": "12 / 3 = 4 groups of pens.\n4 * 2 = 8 dollars.\nThe answer is 8", "model": "m"},
        {"text": "12 / 2 = 6 groups of pens.\n6 * 3 = 18 dollars.\nThe answer is 18", "model": "m"},
    ],
}


@pytest.fixture
def shop(campaign):
    outcome = do_import_problems(campaign, "solutions", [json.dumps(SHOP)])
    assert outcome.imported == 1
    return Tree.objects.get(problem__external_id="shop")


def post(client, url, body, on_commit):
    with on_commit(execute=True):
        response = client.post(url, body, format="json")
    assert response.status_code == 202, response.content
    return Job.objects.get(pk=response.json()["id"])


def test_expanding_a_node_stores_k_distinct_candidates_with_confidence(
    shop, bob, client_for, django_capture_on_commit_callbacks
):
    root = Node.objects.get(tree=shop, parent=None)
    before = Node.objects.filter(parent=root).count()
    job = post(
        client_for(bob),
        f"/api/v1/nodes/{root.pk}/expand/",
        {"k": 6, "seed": 3},
        django_capture_on_commit_callbacks,
    )
    assert job.status == "succeeded", job.error
    created = Node.objects.filter(pk__in=job.result["created"])
    assert job.result["generated"] == 6
    assert len(created) == 6 - job.result["duplicates"] >= 1
    texts = [node.text for node in Node.objects.filter(parent=root)]
    assert len(texts) == len(set(texts)) == before + len(created)
    for node in created:
        assert node.origin == "model" and node.job_id == job.pk and node.parent_id == root.pk
        assert 0 < node.confidence <= 1
        assert node.token_count > 0 and "\n" not in node.text
        assert node.sampling["seed"] == 3
    assert Tree.objects.get(pk=shop.pk).node_count == 1 + 6 + len(created)


def test_a_re_delivered_expand_job_stores_nothing_twice(
    shop, bob, client_for, django_capture_on_commit_callbacks
):
    root = Node.objects.get(tree=shop, parent=None)
    job = post(
        client_for(bob),
        f"/api/v1/nodes/{root.pk}/expand/",
        {"k": 4},
        django_capture_on_commit_callbacks,
    )
    count = Node.objects.count()
    expand_node.apply(args=[job.pk])  # the broker delivers it again
    assert Node.objects.count() == count
    assert Job.objects.get(pk=job.pk).attempts == 1


def test_rollouts_set_monte_carlo_values_and_keep_branches(
    shop, bob, client_for, django_capture_on_commit_callbacks
):
    step = Node.objects.get(tree=shop, text="12 / 3 = 4 groups of pens.")
    job = post(
        client_for(bob),
        f"/api/v1/nodes/{step.pk}/rollouts/",
        {"n": 6, "keep_branches": True, "seed": 1},
        django_capture_on_commit_callbacks,
    )
    assert job.status == "succeeded", job.error
    step.refresh_from_db()
    assert step.rollout_count == 6
    assert step.mc_soft == job.result["correct"] / 6
    assert step.mc_hard == (1.0 if job.result["correct"] else 0.0)
    assert job.progress_done == job.progress_total == 6
    branches = Node.objects.filter(pk__in=job.result["created"])
    assert all(node.origin == "model" for node in branches)
    assert all(node.depth > step.depth for node in branches)


def test_first_error_suggests_a_label_that_an_expert_confirms(
    shop, bob, client_for, django_capture_on_commit_callbacks
):
    wrong_leaf = Node.objects.get(tree=shop, text="The answer is 18")
    client = client_for(bob)
    job = post(
        client,
        f"/api/v1/nodes/{wrong_leaf.pk}/first-error/",
        {"rollouts_per_step": 4, "seed": 2},
        django_capture_on_commit_callbacks,
    )
    assert job.status == "succeeded", job.error
    assert 1 <= len(job.result["probed_steps"]) <= 2  # 3 steps: at most 2 probes
    suggestion = SuggestedLabel.objects.filter(job=job).first()
    if suggestion is None:
        assert job.result["first_error"] is None
        return
    assert suggestion.rating == -1 and suggestion.node_id == job.result["first_error"]
    tree = client.get(f"/api/v1/problems/{shop.problem_id}/tree/").json()
    assert tree["suggestions"][str(suggestion.node_id)]["rating"] == -1
    node = Node.objects.get(pk=suggestion.node_id)
    assert node.labels_neg == 0  # a suggestion is not a label
    assert node.rollout_count == (0 if node.is_terminal else 4)
    reviewed = client.post(
        f"/api/v1/suggestions/{suggestion.pk}/review/", {"accept": True}, format="json"
    )
    assert reviewed.json()["status"] == "confirmed"
    node.refresh_from_db()
    assert node.labels_neg == 1
    again = client.post(
        f"/api/v1/suggestions/{suggestion.pk}/review/", {"accept": False}, format="json"
    )
    assert again.status_code == 409


def test_an_unreachable_model_fails_the_job_readably_and_leaves_the_tree(
    campaign, bob, client_for, django_capture_on_commit_callbacks
):
    profile = ModelProfile.objects.create(
        name="down", backend="openai", model_name="m", base_url="http://127.0.0.1:9/v1"
    )
    campaign.default_model_profile = profile
    campaign.save()
    root = root_of(make_problem(campaign))
    job = post(
        client_for(bob),
        f"/api/v1/nodes/{root.pk}/expand/",
        {"k": 2},
        django_capture_on_commit_callbacks,
    )
    assert job.status == "failed"
    assert "unreachable" in job.error and "BackendError" not in job.error
    assert Node.objects.filter(tree_id=root.tree_id).count() == 1


def test_a_cancelled_job_generates_nothing(campaign, bob):
    root = root_of(make_problem(campaign))
    job, _ = do_create_job(
        "expand", campaign=campaign, tree=root.tree, node=root, params={"k": 2, "seed": 1}
    )
    do_cancel_job(job)
    expand_node.apply(args=[job.pk])
    assert Node.objects.filter(tree_id=root.tree_id).count() == 1
    assert Job.objects.get(pk=job.pk).status == "cancelled"


def test_expanding_a_final_answer_or_a_deleted_step_is_refused(campaign, bob, client_for):
    root = root_of(make_problem(campaign))
    answer = do_add_child_step(root, "The answer is 5", bob, is_terminal=True, kind="answer")
    response = client_for(bob).post(f"/api/v1/nodes/{answer.pk}/expand/", {"k": 2}, format="json")
    assert response.status_code == 422
    assert not Job.objects.exists()


@pytest.mark.parametrize("body", [{"k": 0}, {"k": 33}, {"k": "many"}, {"k": 2, "temperature": 5}])
def test_expand_parameters_are_validated(campaign, bob, client_for, body):
    root = root_of(make_problem(campaign))
    response = client_for(bob).post(f"/api/v1/nodes/{root.pk}/expand/", body, format="json")
    assert response.status_code == 400
    assert not Job.objects.exists()


def test_staff_manage_model_profiles_and_members_read_them(staff, bob, client_for):
    body = {
        "name": "local-vllm",
        "backend": "openai",
        "model_name": "qwen",
        "base_url": "http://127.0.0.1:8001/v1",
        "delimiter": "blank_line",
        "prompt_templates": {"expand": "Problem: {question}\n\n{steps}"},
    }
    created = client_for(staff).post("/api/v1/model-profiles/", body, format="json")
    assert created.status_code == 201, created.content
    assert client_for(bob).post("/api/v1/model-profiles/", body, format="json").status_code == 403
    assert client_for(bob).get("/api/v1/model-profiles/").status_code == 200
    bad = client_for(staff).patch(
        f"/api/v1/model-profiles/{created.json()['id']}/",
        {"prompt_templates": {"expand": "{problem}"}},
        format="json",
    )
    assert bad.status_code == 400 and "question" in json.dumps(bad.json())


def test_campaign_jobs_filter_by_kind_tree_and_node(campaign, bob, client_for):

    first = make_problem(campaign)
    second = make_problem(campaign)
    root = root_of(first)
    wanted, _ = do_create_job("critique_loop", campaign=campaign, tree=root.tree, node=root)
    do_create_job("expand", campaign=campaign, tree=root.tree, node=root)
    do_create_job("critique_loop", campaign=campaign, tree=root_of(second).tree)
    client = client_for(bob)
    url = f"/api/v1/campaigns/pilot/jobs/?kind=critique_loop&tree={root.tree_id}"
    assert [job["id"] for job in client.get(url).json()["results"]] == [wanted.pk]
    assert client.get(f"/api/v1/campaigns/pilot/jobs/?node={root.pk}").json()["count"] == 2
    refused = client.get("/api/v1/campaigns/pilot/jobs/?tree=abc")
    assert refused.status_code == 400 and "tree" in refused.json()["fields"]


def test_a_deleted_step_does_not_swallow_the_same_new_candidate(
    shop, bob, client_for, django_capture_on_commit_callbacks
):
    from trees.services.nodes import do_set_deleted

    root = Node.objects.get(tree=shop, parent=None)
    body = {"k": 3, "seed": 11}
    first = post(
        client_for(bob),
        f"/api/v1/nodes/{root.pk}/expand/",
        body,
        django_capture_on_commit_callbacks,
    )
    made = Node.objects.filter(pk__in=first.result["created"])
    for node in made:
        do_set_deleted(node, True)
    again = post(
        client_for(bob),
        f"/api/v1/nodes/{root.pk}/expand/",
        body,
        django_capture_on_commit_callbacks,
    )
    # The same seed writes the same steps: each comes back as a new, visible step.
    remade = Node.objects.filter(pk__in=again.result["created"], is_deleted=False)
    assert sorted(n.text for n in remade) == sorted(n.text for n in made)


def test_an_idempotency_key_names_a_job_only_for_its_creator_kind_and_campaign(
    campaign, bob, carol
):
    root = root_of(make_problem(campaign))
    mine, created = do_create_job(
        "expand", campaign=campaign, node=root, created_by=bob, idempotency_key="k-1"
    )
    again, created_again = do_create_job(
        "expand", campaign=campaign, node=root, created_by=bob, idempotency_key="k-1"
    )
    assert created and not created_again and again.pk == mine.pk
    theirs, created_theirs = do_create_job(
        "expand", campaign=campaign, node=root, created_by=carol, idempotency_key="k-1"
    )
    other_kind, created_other = do_create_job(
        "rollout", campaign=campaign, node=root, created_by=bob, idempotency_key="k-1"
    )
    assert created_theirs and created_other and len({mine.pk, theirs.pk, other_kind.pk}) == 3
    long_key = "x" * 200
    first, _ = do_create_job("expand", campaign=campaign, created_by=bob, idempotency_key=long_key)
    second, made = do_create_job(
        "expand", campaign=campaign, created_by=bob, idempotency_key=long_key
    )
    assert not made and second.pk == first.pk


def test_export_jobs_are_hidden_from_experts_and_a_cancelled_queued_export_ends(
    campaign, bob, larry, client_for
):
    from trees.models import Export
    from trees.services.exports import do_create_export

    export, job, _ = do_create_export(campaign, "prm-stepwise", {}, created_by=larry)
    assert client_for(bob).get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    listed = client_for(bob).get("/api/v1/campaigns/pilot/jobs/?kind=export").json()
    assert listed["count"] == 0
    assert client_for(larry).get(f"/api/v1/jobs/{job.pk}/").status_code == 200
    assert client_for(larry).post(f"/api/v1/jobs/{job.pk}/cancel/").status_code == 200
    export.refresh_from_db()
    assert export.status == Export.Status.CANCELLED and export.finished_at is not None
