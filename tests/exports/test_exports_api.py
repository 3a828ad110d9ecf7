"""The data lead's export API: create (a Job), list with progress, download, manifest."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.exports.conftest import PENS
from trees.models import Export

pytestmark = pytest.mark.django_db
URL = "/api/v1/campaigns/pilot/exports/"


def test_a_lead_exports_lists_and_downloads(
    labelled, larry, client_for, django_capture_on_commit_callbacks
):
    client = client_for(larry)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"format": "prm-stepwise", "zero_is_true": True}, format="json")
    assert response.status_code == 202, response.content
    created = response.json()
    assert created["export"]["version"] == 1 and created["job"]["kind"] == "export"
    export_id = created["export"]["id"]
    listed = client.get(URL).json()["results"]
    assert listed[0]["id"] == export_id
    assert listed[0]["status"] == "succeeded"
    assert listed[0]["job"]["status"] == "succeeded"
    assert listed[0]["job"]["progress"] == {"done": 2, "total": 2}
    assert listed[0]["rows"] == 5 and listed[0]["filters"]["zero_is_true"] is True
    download = client.get(f"/api/v1/exports/{export_id}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/x-ndjson"
    assert "pilot-prm-stepwise-v1.jsonl" in download["Content-Disposition"]
    body = b"".join(download.streaming_content)
    assert hashlib.sha256(body).hexdigest() == listed[0]["sha256"]
    assert json.loads(body.splitlines()[0])["prompt"] == PENS + "\n"
    manifest = client.get(f"/api/v1/exports/{export_id}/manifest/").json()
    assert manifest["sha256"] == listed[0]["sha256"] and manifest["rows"] == 5
    detail = client.get(f"/api/v1/exports/{export_id}/").json()
    assert detail["download_url"] == f"/api/v1/exports/{export_id}/download/"


def test_download_and_manifest_are_409_until_the_export_succeeds(labelled, larry, client_for):
    client = client_for(larry)
    response = client.post(URL, {"format": "dpo"}, format="json")  # not run: no commit here
    export_id = response.json()["export"]["id"]
    assert response.json()["export"]["status"] == "queued"
    assert client.get(f"/api/v1/exports/{export_id}/download/").status_code == 409
    assert client.get(f"/api/v1/exports/{export_id}/manifest/").status_code == 409


def test_an_idempotency_key_returns_the_same_export(labelled, larry, client_for):
    client = client_for(larry)
    body = {"format": "dpo", "idempotency_key": "nightly-1"}
    first = client.post(URL, body, format="json").json()
    second = client.post(URL, body, format="json").json()
    assert first["export"]["id"] == second["export"]["id"]
    assert first["job"]["id"] == second["job"]["id"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"format": "csv"}, 400),
        ({"format": "dpo", "labels": "vibes"}, 400),
        ({"format": "dpo", "min_experts": 0}, 400),
        ({"format": "dpo", "problems": [999999]}, 422),
        ({"format": "dpo", "tokenizer": "/nowhere/at/all"}, 422),
    ],
)
def test_bad_export_requests_are_refused(labelled, larry, client_for, body, status):
    assert client_for(larry).post(URL, body, format="json").status_code == status


def test_an_unknown_filter_key_is_a_422_naming_it(labelled, larry, client_for):
    """`max_pair` for `max_pairs` used to be dropped silently: the export ran with 8 pairs."""
    client = client_for(larry)
    response = client.post(URL, {"format": "dpo", "max_pair": 1}, format="json")
    assert response.status_code == 422
    assert response.json()["field"] == "max_pair" and response.json()["unknown"] == ["max_pair"]
    assert "max_pair" in response.json()["detail"]
    schedules = f"/api/v1/campaigns/{labelled.campaign.slug}/export-schedules/"
    body = {"format": "dpo", "interval": {"every": 1, "period": "days"}, "zero_is_ture": True}
    response = client.post(schedules, body, format="json")
    assert response.status_code == 422 and response.json()["field"] == "zero_is_ture"
    assert not Export.objects.exists()


def test_a_problem_of_another_campaign_cannot_be_exported(labelled, larry, alice, client_for):
    from tests.factories import make_campaign, make_problem

    foreign = make_problem(make_campaign(alice, "other"))
    response = client_for(larry).post(
        URL, {"format": "dpo", "problems": [foreign.pk]}, format="json"
    )
    assert response.status_code == 422
