"""A model job whose worker is killed mid-run is re-delivered to another worker and ends with
each result stored exactly once."""

from __future__ import annotations

import json
import time
from collections import Counter

import pytest

from tests.integration.test_worker import wait_for_job
from trees.core.steps import normalize_step
from trees.models import Job, Node, Tree
from trees.services.imports import do_import_problems

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("demo_model")]

QUESTION = "Tom has 6 boxes with 7 apples each. He eats 5 apples. How many apples are left?"


def test_a_killed_rollout_job_is_redelivered_and_stores_each_branch_once(
    start_worker, campaign, bob, client_for
):
    # Unacknowledged tasks come back after the visibility timeout: short here, an hour in use.
    worker = start_worker(CELERY_VISIBILITY_TIMEOUT="3")
    line = {"id": "apples", "question": QUESTION, "answer": "37", "solutions": []}
    do_import_problems(campaign, "solutions", [json.dumps(line)])
    root = Node.objects.get(tree__problem__external_id="apples", parent=None)
    response = client_for(bob).post(
        f"/api/v1/nodes/{root.pk}/rollouts/",
        {"n": 48, "keep_branches": True, "seed": 11},
        format="json",
    )
    job_id = response.json()["id"]
    deadline = time.monotonic() + 120
    while Job.objects.get(pk=job_id).progress_done < 8:
        assert time.monotonic() < deadline, worker.log_path.read_text()[-2000:]
        time.sleep(0.05)
    worker.kill()
    assert Node.objects.filter(tree_id=root.tree_id).count() == 1  # nothing half-written
    start_worker(CELERY_VISIBILITY_TIMEOUT="3")
    job = wait_for_job(job_id, seconds=240)
    assert job.status == "succeeded", (job.error, worker.log_path.read_text()[-3000:])
    assert job.attempts == 2
    root.refresh_from_db()
    assert root.rollout_count == 48
    created = Node.objects.filter(job_id=job_id)
    assert sorted(created.values_list("pk", flat=True)) == sorted(job.result["created"])
    siblings = Counter((node.parent_id, normalize_step(node.text)) for node in created)
    assert max(siblings.values()) == 1  # no step stored twice
    tree = Tree.objects.get(pk=root.tree_id)
    assert tree.node_count == 1 + created.count()
