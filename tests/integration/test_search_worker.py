"""Beam search, a propose-critique loop and a campaign-wide run through a real Celery worker
process with the demo reasoner, against PostgreSQL and Redis."""

from __future__ import annotations

import json
import time
from collections import Counter

import pytest

from tests.integration.test_worker import wait_for_job
from trees.core.steps import normalize_step
from trees.models import Critique, Job, Node, Tree
from trees.services.imports import do_import_problems
from workers.demo.problems import generate_problems

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("demo_model")]


def import_demo(campaign, n, seed):
    lines = [
        json.dumps(
            {"id": f"d{seed}-{i}", "question": p.question, "answer": str(p.answer), "solutions": []}
        )
        for i, p in enumerate(generate_problems(n, seed))
    ]
    assert do_import_problems(campaign, "solutions", lines).imported == n
    return [
        Node.objects.get(tree__problem__external_id=f"d{seed}-{i}", parent=None) for i in range(n)
    ]


def test_a_worker_runs_a_beam_search_to_a_verified_answer_or_its_budget(
    celery_worker, campaign, bob, client_for
):
    root = import_demo(campaign, 1, seed=101)[0]
    response = client_for(bob).post(
        f"/api/v1/nodes/{root.pk}/beam-search/",
        {"beam_width": 2, "k": 4, "max_depth": 8, "seed": 3, "budget": {"max_calls": 14}},
        format="json",
    )
    assert response.status_code == 202, response.content
    job = wait_for_job(response.json()["id"], seconds=180)
    assert job.status == "succeeded", (job.error, celery_worker.log_path.read_text()[-3000:])
    assert job.result["budget"]["calls"] <= 14
    assert job.result["stop"] in ("found", "budget", "depth", "no open nodes")
    if job.result["found"]:
        assert Node.objects.get(pk=job.result["found"]).correctness == "correct"
    assert "arbor.gpu.beam_search" in celery_worker.log_path.read_text()
    created = Node.objects.filter(job_id=job.pk)
    assert created.exists()
    assert Tree.objects.get(pk=root.tree_id).node_count == 1 + created.count()


def test_a_worker_runs_a_critique_loop_that_an_expert_takes_over(
    celery_worker, campaign, bob, client_for
):
    root = import_demo(campaign, 1, seed=102)[0]
    client = client_for(bob)
    response = client.post(
        f"/api/v1/nodes/{root.pk}/critique-loop/", {"rounds": 4, "seed": 2}, format="json"
    )
    job = wait_for_job(response.json()["id"], seconds=180)
    assert job.status == "succeeded", (job.error, celery_worker.log_path.read_text()[-3000:])
    thread = client.get(f"/api/v1/loops/{job.pk}/").json()["thread"]
    assert thread[0]["kind"] == "proposal" and thread[1]["kind"] == "critique"
    assert Critique.objects.filter(loop=job).count() == sum(
        1 for entry in thread if entry["kind"] == "critique"
    )
    # A second loop, paused at once, then critiqued by the expert and resumed.
    response = client.post(
        f"/api/v1/nodes/{root.pk}/critique-loop/", {"rounds": 3, "seed": 9}, format="json"
    )
    loop_id = response.json()["id"]
    paused = client.post(f"/api/v1/loops/{loop_id}/pause/")
    if paused.status_code == 409:  # it finished before the pause arrived: nothing to take over
        return
    deadline = time.monotonic() + 60
    while Job.objects.get(pk=loop_id).status == "paused" and not (
        Job.objects.get(pk=loop_id).result or {}
    ).get("proposals"):
        if time.monotonic() > deadline:
            break  # paused before the first proposal: resume it as it is
        time.sleep(0.2)
    if (Job.objects.get(pk=loop_id).result or {}).get("proposals"):
        response = client.post(
            f"/api/v1/loops/{loop_id}/critiques/",
            {"verdict": "revise", "text": "Say what the number counts."},
            format="json",
        )
        assert response.status_code == 201, response.content
    assert client.post(f"/api/v1/loops/{loop_id}/resume/").status_code == 202
    loop = wait_for_job(loop_id, seconds=180)
    assert loop.status == "succeeded", loop.error
    assert Critique.objects.filter(loop_id=loop_id, author=bob).count() <= 1


def test_a_campaign_run_survives_a_killed_worker(start_worker, campaign, larry, client_for):
    worker = start_worker(CELERY_VISIBILITY_TIMEOUT="3")
    roots = import_demo(campaign, 3, seed=103)
    response = client_for(larry).post(
        "/api/v1/campaigns/pilot/search-runs/",
        {
            "kind": "mcts",
            "params": {"iterations": 12, "k": 3, "rollouts": 4, "seed": 5},
            "idempotency_key": "run-1",
        },
        format="json",
    )
    assert response.status_code == 202, response.content
    run_id = response.json()["id"]
    deadline = time.monotonic() + 120
    while not Job.objects.filter(parent_id=run_id, status="running").exists():
        assert time.monotonic() < deadline, worker.log_path.read_text()[-2000:]
        time.sleep(0.05)
    time.sleep(0.5)
    worker.kill()
    start_worker(CELERY_VISIBILITY_TIMEOUT="3")
    run = wait_for_job(run_id, seconds=400)
    assert run.status == "succeeded", (run.error, run.result)
    children = Job.objects.filter(parent_id=run_id)
    assert children.count() == 3 and set(children.values_list("status", flat=True)) == {"succeeded"}
    assert (run.progress_done, run.progress_total) == (3, 3)
    assert max(children.values_list("attempts", flat=True)) >= 2  # one was re-delivered
    for root in roots:
        root.refresh_from_db()
        child = children.get(node=root)
        assert root.visits == child.result["iterations"]  # counted once, not twice
        created = Node.objects.filter(tree_id=root.tree_id).exclude(parent=None)
        siblings = Counter((n.parent_id, normalize_step(n.text)) for n in created)
        assert max(siblings.values(), default=1) == 1
