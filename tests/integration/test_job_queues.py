"""A job goes to the queue it was pinned to: its model profile's. A worker on other queues
never takes it; one on that queue does, and runs it on the pinned profile."""

from __future__ import annotations

import time

import pytest

from tests.factories import make_problem, root_of
from tests.integration.test_worker import wait_for_job
from trees.models import Job, ModelProfile, Node

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("demo_model")]


def test_a_job_is_sent_to_its_profiles_queue_and_runs_on_its_pinned_profile(
    start_worker, campaign, bob, client_for
):
    big = ModelProfile.objects.create(
        name="demo-big", backend="demo", model_name="arbor-demo-reasoner", queue="gpu-big"
    )
    campaign.default_model_profile = big
    campaign.save()
    root = root_of(make_problem(campaign, "What is 4 + 4?", "8"))
    start_worker(queues="cpu,gpu")
    response = client_for(bob).post(f"/api/v1/nodes/{root.pk}/expand/", {"k": 2}, format="json")
    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["id"])
    assert (job.profile_id, job.queue) == (big.pk, "gpu-big")
    # The campaign moves on to another model meanwhile: the job keeps its own.
    campaign.default_model_profile = ModelProfile.objects.create(
        name="down", backend="openai", model_name="m", base_url="http://127.0.0.1:9/v1"
    )
    campaign.save()
    time.sleep(3)
    assert Job.objects.get(pk=job.pk).status == "queued"  # no worker listens on gpu-big yet
    worker = start_worker(queues="gpu-big")
    job = wait_for_job(job.pk, seconds=180)
    assert job.status == "succeeded", (job.error, worker.log_path.read_text()[-3000:])
    created = Node.objects.filter(job_id=job.pk)
    assert created.exists() and {n.model_profile_id for n in created} == {big.pk}
