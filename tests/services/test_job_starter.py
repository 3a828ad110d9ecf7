"""The one job starter: what it pins on a Job (profile, seed, queue, parameters), the kinds
table it dispatches through by task name, and that workers run on the pins."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.api.test_model_actions import SHOP
from tests.factories import make_problem, root_of
from trees.core.jobkinds import CAMPAIGN_RUN_KINDS, FAN_OUT_TASK, JOB_KINDS, task_for
from trees.errors import Invalid
from trees.models import Job, ModelProfile, Node, Tree
from trees.services.dispatch import dispatch, registered_task
from trees.services.imports import do_import_problems
from trees.services.jobs import do_create_job, do_start_job
from trees.services.nodes import do_add_child_step, do_delete_step
from trees.services.search import do_fan_out, do_start_campaign_run

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shop(campaign):
    do_import_problems(campaign, "solutions", [json.dumps(SHOP)])
    return Tree.objects.get(problem__external_id="shop")


def unreachable(name: str = "down", **fields) -> ModelProfile:
    return ModelProfile.objects.create(
        name=name, backend="openai", model_name="m", base_url="http://127.0.0.1:9/v1", **fields
    )


def test_every_kind_of_job_names_a_task_the_workers_register():
    for kind in JOB_KINDS.values():
        assert registered_task(kind.task).name == kind.task
    assert registered_task(FAN_OUT_TASK).name == FAN_OUT_TASK
    assert set(JOB_KINDS) == set(Job.Kind.values)
    assert set(CAMPAIGN_RUN_KINDS) == {"beam_search", "mcts", "recomplete"}


def test_a_kind_that_cannot_run_campaign_wide_is_refused():
    assert task_for("mcts", campaign_run=True) == FAN_OUT_TASK
    with pytest.raises(ValueError):
        task_for("expand", campaign_run=True)
    with pytest.raises(KeyError):
        task_for("teleport")


def test_dispatching_an_unknown_task_name_fails_in_the_caller(db):
    with pytest.raises(LookupError):
        dispatch("arbor.gpu.no_such_task", 1)


def test_a_model_job_is_pinned_to_the_campaigns_profile_its_queue_and_a_seed(campaign, bob):
    profile = unreachable(queue="gpu-a100")
    campaign.default_model_profile = profile
    campaign.save()
    root = root_of(make_problem(campaign))
    job, created = do_start_job(
        "expand", campaign=campaign, tree=root.tree, node=root, params={"k": 2}, created_by=bob
    )
    assert created
    assert job.profile == profile and job.queue == "gpu-a100"
    assert job.seed is not None and 0 <= job.seed < 2**31
    assert job.params == {"k": 2}  # the seed is a pin of its own; no profile id in params
    seeded, _ = do_create_job("rollout", campaign=campaign, params={"n": 2, "seed": 7})
    assert seeded.seed == 7 and "seed" not in seeded.params


def test_jobs_without_a_model_get_their_kinds_queue_and_no_profile(campaign):
    job, _ = do_create_job("derive", campaign=campaign, params={"seed": 3})
    assert job.profile is None and job.queue == "cpu" and job.seed is None
    assert job.params == {"seed": 3}  # derive's own shuffle seed stays a parameter
    demo, _ = do_create_job("expand", campaign=campaign)
    assert demo.profile.backend == "demo" and demo.queue == "gpu"


def test_a_job_runs_on_its_pinned_profile_after_the_campaigns_default_changes(
    shop, bob, client_for, demo_model
):
    root = Node.objects.get(tree=shop, parent=None)
    # Started (not yet run: its dispatch waits for a commit that never comes in this test).
    response = client_for(bob).post(f"/api/v1/nodes/{root.pk}/expand/", {"k": 3}, format="json")
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["id"])
    pinned = job.profile
    assert pinned.backend == "demo" and response.json()["profile"] == pinned.pk
    campaign = shop.problem.campaign
    campaign.default_model_profile = unreachable()
    campaign.save()
    registered_task(JOB_KINDS["expand"].task).apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    created = Node.objects.filter(pk__in=job.result["created"])
    assert created and all(node.model_profile_id == pinned.pk for node in created)


def test_first_error_jobs_have_their_own_kind(shop, bob, client_for, demo_model):
    leaf = Node.objects.get(tree=shop, text="The answer is 18")
    response = client_for(bob).post(
        f"/api/v1/nodes/{leaf.pk}/first-error/", {"rollouts_per_step": 2}, format="json"
    )
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["id"])
    assert job.kind == "first_error" and "search" not in job.params
    registered_task(JOB_KINDS[job.kind].task).apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert "probed_steps" in job.result


def test_a_deleted_step_starts_no_job(campaign, bob):
    root = root_of(make_problem(campaign))
    job, _ = do_start_job("expand", campaign=campaign, tree=root.tree, node=root)
    step = do_delete_step(do_add_child_step(root, "2 + 3 = 5", bob))
    with pytest.raises(Invalid):
        do_start_job("expand", campaign=campaign, tree=root.tree, node=step)
    assert Job.objects.count() == 1 and job.pk


def test_a_campaign_runs_children_are_pinned_to_the_runs_profile_and_seeds(campaign, larry):
    make_problem(campaign)
    make_problem(campaign, "What is 4 + 4?", "8")
    first = unreachable("first", queue="gpu-x")
    campaign.default_model_profile = first
    campaign.save()
    parent, _ = do_start_campaign_run(
        campaign, "beam_search", {"beam_width": 2, "k": 2, "max_depth": 1}, None, larry
    )
    assert parent.profile == first and parent.queue == "cpu" and parent.params["campaign_run"]
    campaign.default_model_profile = unreachable("second")
    campaign.save()
    children = do_fan_out(parent)
    assert len(children) == 2
    assert {child.profile_id for child in children} == {first.pk}
    assert {child.queue for child in children} == {"gpu-x"}
    problems = sorted(child.tree.problem_id for child in children)
    assert sorted(child.seed for child in children) == sorted(
        (parent.seed + pk) % 2**31 for pk in problems
    )


def test_a_fresh_web_process_finds_the_tasks_by_name_without_importing_workers_first():
    # Embedded mode looks tasks up in the Celery app's registry; a web process has imported
    # no worker module when its first job starts.
    script = (
        "import sys, django; django.setup()\n"
        "from trees.services.dispatch import registered_task\n"
        "assert 'workers.tasks' not in sys.modules\n"
        "from trees.core.jobkinds import JOB_KINDS\n"
        "print(sorted(registered_task(k.task).name for k in JOB_KINDS.values()))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "arbor.gpu.expand_node" in out.stdout and "arbor.cpu.export_dataset" in out.stdout


def test_progress_after_a_cancel_sends_no_running_event(
    campaign, bob, monkeypatch, django_capture_on_commit_callbacks
):
    """A worker reporting progress on a job cancelled meanwhile neither moves it nor tells
    browsers it is running (the worker's in-memory copy still says running)."""
    from trees import events
    from trees.services.jobs import do_begin_job, do_cancel_job, do_report_progress

    sent: list[dict] = []
    monkeypatch.setattr(events, "send_now", sent.append)
    root = root_of(make_problem(campaign))
    job, _ = do_create_job("rollout", campaign=campaign, tree=root.tree, node=root)
    running = do_begin_job(job.pk)
    assert running is not None
    with django_capture_on_commit_callbacks(execute=True):
        do_report_progress(running, 1, 4)
        do_cancel_job(Job.objects.get(pk=job.pk))
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_report_progress(running, 2, 4)
    assert [e for e in sent if e["job"]["status"] == "running"] == []
    job.refresh_from_db()
    assert (job.status, job.progress_done) == ("cancelled", 1)
