from __future__ import annotations

import io
import json

from trees.models import Job, Problem


def post_import(client, body: bytes, **extra):
    return client.post(
        "/api/v1/campaigns/pilot/imports/",
        {"file": io.BytesIO(body), "format": "gsm8k", **extra},
        format="multipart",
    )


def lines(*rows) -> bytes:
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


GOOD = {"question": "What is 1 + 1?", "answer": "1 + 1 = 2\n#### 2"}
OTHER = {"question": "What is 2 + 2?", "answer": "#### 4"}


def test_an_upload_runs_as_a_job_with_progress_and_counts(
    campaign, larry, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_import(client_for(larry), lines(GOOD, OTHER))
    assert response.status_code == 202
    job = client_for(larry).get(f"/api/v1/jobs/{response.json()['id']}/").json()
    assert job["status"] == "succeeded", job
    assert job["result"]["imported"] == 2
    assert job["progress"] == {"done": 2, "total": 2}
    assert Problem.objects.count() == 2


def test_a_bad_upload_fails_the_job_with_line_numbers_and_imports_nothing(
    campaign, larry, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_import(client_for(larry), lines(GOOD) + b"{oops\n" + lines(OTHER))
    job = Job.objects.get(pk=response.json()["id"])
    assert job.status == "failed"
    assert "line 2" in job.error
    assert job.result["errors"][0]["line"] == 2
    assert not Problem.objects.exists()


def test_skip_invalid_imports_good_lines(
    campaign, larry, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_import(
            client_for(larry), lines(GOOD) + b"{oops\n" + lines(OTHER), skip_invalid="true"
        )
    job = Job.objects.get(pk=response.json()["id"])
    assert job.status == "succeeded"
    assert job.result["imported"] == 2 and job.result["error_count"] == 1


def test_the_same_idempotency_key_returns_the_same_job(
    campaign, larry, client_for, django_capture_on_commit_callbacks
):
    client = client_for(larry)
    with django_capture_on_commit_callbacks(execute=True):
        first = post_import(client, lines(GOOD), idempotency_key="upload-1")
        second = post_import(client, lines(GOOD), idempotency_key="upload-1")
    assert first.json()["id"] == second.json()["id"]
    assert Job.objects.count() == 1 and Problem.objects.count() == 1


def test_an_empty_file_is_refused(campaign, larry, client_for):
    response = post_import(client_for(larry), b"")
    assert response.status_code == 400
    assert "file" in response.json()["fields"]
