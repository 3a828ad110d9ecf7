"""Bad input gets a clear 4xx naming the problem, and changes nothing."""

from __future__ import annotations

import pytest

from tests.factories import make_problem, root_of
from trees.models import Node, StepLabel
from trees.services.nodes import do_add_child_step


@pytest.fixture
def step(campaign, bob):
    return do_add_child_step(root_of(make_problem(campaign)), "2 + 3 = 5", bob)


def test_malformed_json_is_a_400_that_says_so(step, bob, client_for):
    response = client_for(bob).generic(
        "PUT", f"/api/v1/nodes/{step.pk}/label/", "{rating: 1", content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": 5}, "rating"),
        ({"rating": "good"}, "rating"),
        ({}, "rating"),
        ({"rating": 1, "seconds_spent": -3}, "seconds_spent"),
        ({"rating": 1, "flagged": "maybe"}, "flagged"),
    ],
)
def test_wrong_label_fields_name_the_field(step, bob, client_for, body, field):
    response = client_for(bob).put(f"/api/v1/nodes/{step.pk}/label/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not StepLabel.objects.exists()


def test_oversize_step_text_is_refused_with_the_limit(step, bob, client_for, settings):
    text = "x" * (settings.ARBOR_MAX_STEP_CHARS + 1)
    response = client_for(bob).post(
        f"/api/v1/nodes/{step.pk}/children/", {"text": text}, format="json"
    )
    assert response.status_code == 400
    assert "20000" in str(response.json()["fields"]["text"])
    assert Node.objects.filter(parent=step).count() == 0


def test_an_edit_without_a_version_is_refused(step, bob, client_for):
    response = client_for(bob).patch(f"/api/v1/nodes/{step.pk}/", {"text": "new"}, format="json")
    assert response.status_code == 400
    assert "version" in response.json()["fields"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/nodes/999999/",
        "/api/v1/problems/999999/tree/",
        "/api/v1/jobs/999999/",
        "/api/v1/campaigns/nope/problems/",
    ],
)
def test_unknown_ids_are_404(campaign, bob, client_for, url):
    response = client_for(bob).get(url)
    assert response.status_code == 404
    assert response.json()["detail"]


def test_a_wrong_import_format_is_refused_before_any_job(campaign, larry, client_for):
    import io

    response = client_for(larry).post(
        "/api/v1/campaigns/pilot/imports/",
        {"file": io.BytesIO(b"{}\n"), "format": "csv"},
        format="multipart",
    )
    assert response.status_code == 400
    assert "format" in response.json()["fields"]
