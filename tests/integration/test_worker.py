"""A real Celery worker process runs jobs from the Redis broker against PostgreSQL."""

from __future__ import annotations

import time

import pytest

from tests.shared_data import gsm8k_test_file
from trees.models import Job, Problem

pytestmark = pytest.mark.services


def wait_for_job(job_id: int, seconds: float = 120) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = Job.objects.get(pk=job_id)
        if job.is_finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {Job.objects.get(pk=job_id).status}")


def wait_for_log(worker, text: str, seconds: float = 60) -> None:
    """Wait until the worker's log says `text` (Celery logs each task id it finishes)."""
    deadline = time.monotonic() + seconds
    while text not in worker.log_path.read_text():
        assert time.monotonic() < deadline, worker.log_path.read_text()[-3000:]
        time.sleep(0.1)


def test_a_worker_process_imports_the_real_gsm8k_file(celery_worker, campaign, larry, client_for):
    with gsm8k_test_file().open("rb") as handle:
        response = client_for(larry).post(
            "/api/v1/campaigns/pilot/imports/",
            {"file": handle, "format": "gsm8k"},
            format="multipart",
        )
    assert response.status_code == 202, response.content
    job = wait_for_job(response.json()["id"])
    assert job.status == "succeeded", (job.error, celery_worker.log_path.read_text()[-3000:])
    assert job.attempts == 1
    assert job.progress_done == job.progress_total == 1319
    assert Problem.objects.filter(campaign=campaign).count() == 1319
    assert "arbor.cpu.import_problems" in celery_worker.log_path.read_text()


def test_a_bad_file_fails_in_the_worker_and_leaves_the_database_unchanged(
    celery_worker, campaign, larry, client_for
):
    import io

    body = b'{"question": "What is 1 + 1?", "answer": "#### 2"}\n{"question": 3}\n'
    response = client_for(larry).post(
        "/api/v1/campaigns/pilot/imports/",
        {"file": io.BytesIO(body), "format": "gsm8k"},
        format="multipart",
    )
    job = wait_for_job(response.json()["id"])
    assert job.status == "failed"
    assert job.result["errors"][0]["line"] == 2
    assert not Problem.objects.exists()


def test_a_redelivered_finished_job_changes_nothing(celery_worker, campaign, larry, client_for):
    import io

    from workers.tasks import import_problems

    body = b'{"question": "What is 1 + 1?", "answer": "#### 2"}\n'
    response = client_for(larry).post(
        "/api/v1/campaigns/pilot/imports/",
        {"file": io.BytesIO(body), "format": "gsm8k"},
        format="multipart",
    )
    job = wait_for_job(response.json()["id"])
    assert job.status == "succeeded"
    # As if the broker delivered it again; then wait until the worker has run that very
    # message (its log names the task id), so the checks below see what it did.
    again = import_problems.apply_async(args=[job.pk])
    wait_for_log(celery_worker, f"[{again.id}] succeeded")
    job.refresh_from_db()
    assert (job.status, job.attempts, Problem.objects.count()) == ("succeeded", 1, 1)
