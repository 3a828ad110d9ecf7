from __future__ import annotations

import time

import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import make_problem, root_of
from trees.models import Job, Problem
from trees.services.nodes import do_add_child_step


def test_the_openapi_schema_generates_without_warnings(tmp_path):
    call_command(
        "spectacular", "--file", str(tmp_path / "schema.yml"), "--validate", "--fail-on-warn"
    )
    assert "/api/v1/problems/{id}/tree/" in (tmp_path / "schema.yml").read_text()


def test_the_frontends_api_types_come_from_the_current_schema(tmp_path):
    """frontend/openapi.json (and the TypeScript types generated from it) must match the API;
    `make schema` regenerates both."""
    import json
    from pathlib import Path

    call_command("spectacular", "--format", "openapi-json", "--file", str(tmp_path / "s.json"))
    committed = Path(__file__).resolve().parents[2] / "frontend" / "openapi.json"
    assert without_db_ranges(json.loads(committed.read_text())) == without_db_ranges(
        json.loads((tmp_path / "s.json").read_text())
    ), "The API changed: run `make schema` and commit frontend/openapi.json and its types."


# Model integer fields get their bounds from the database in use (SQLite allows 64 bits where
# PostgreSQL's smallint stops at 32767): the same API, so they are left out of the comparison.
DB_BOUNDS = {2**15 - 1, 2**15, 2**31 - 1, 2**31, 2**63 - 1, 2**63}


def without_db_ranges(node: object) -> object:
    if isinstance(node, list):
        return [without_db_ranges(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        key: without_db_ranges(value)
        for key, value in node.items()
        if not (
            key in ("minimum", "maximum") and isinstance(value, int) and abs(value) in DB_BOUNDS
        )
        and not (key == "format" and value in ("int32", "int64"))
    }


def test_the_schema_and_docs_are_public(db):
    client = Client()
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_session_writes_need_the_csrf_token(campaign, bob):
    step = do_add_child_step(root_of(make_problem(campaign)), "2 + 3 = 5", bob)
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    refused = client.put(
        f"/api/v1/nodes/{step.pk}/label/", {"rating": 1}, content_type="application/json"
    )
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    client.get("/accounts/login/")  # the login page sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    accepted = client.put(
        f"/api/v1/nodes/{step.pk}/label/",
        {"rating": 1},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert accepted.status_code == 200


def test_scripts_authenticate_with_a_token(campaign, bob):
    client = Client()
    token = client.post("/api/v1/auth/token/", {"username": "bob", "password": "pw-bob"}).json()
    response = client.get("/api/v1/campaigns/", HTTP_AUTHORIZATION=f"Token {token['token']}")
    assert response.status_code == 200
    assert [c["slug"] for c in response.json()["results"]] == ["pilot"]
    assert response.json()["results"][0]["my_role"] == "expert"


@pytest.mark.parametrize(
    "page",
    [
        "/admin/",
        "/admin/trees/campaign/",
        "/admin/trees/problem/",
        "/admin/trees/job/",
        "/admin/trees/modelprofile/",
        "/admin/trees/membership/",
        "/admin/trees/campaign/add/",
    ],
)
def test_staff_use_the_admin(campaign, staff, page):
    make_problem(campaign)
    staff.is_superuser = True
    staff.save()
    client = Client()
    client.force_login(staff)
    assert client.get(page).status_code == 200


def test_the_app_asks_for_a_login_and_the_health_check_answers(db):
    client = Client()
    response = client.get("/problems/1")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/problems/1"
    assert b"Sign in" in client.get("/accounts/login/").content
    assert client.get("/healthz").json()["ok"] is True


def test_every_app_route_serves_the_built_app_with_a_csrf_cookie(bob, settings, tmp_path):
    (tmp_path / "index.html").write_text("<div id=root></div><!-- the built app -->")
    settings.FRONTEND_DIST = tmp_path
    client = Client()
    client.force_login(bob)
    for route in ("/", "/queue", "/campaigns/pilot", "/campaigns/pilot/exports", "/problems/7"):
        response = client.get(route)
        assert response.status_code == 200, route
        assert b"the built app" in response.content
        assert "csrftoken" in response.cookies
    assert client.get("/nowhere").status_code == 404


def test_an_unbuilt_app_says_how_to_build_it(bob, settings, tmp_path):
    settings.FRONTEND_DIST = tmp_path
    client = Client()
    client.force_login(bob)
    response = client.get("/")
    assert response.status_code == 503
    assert b"make frontend" in response.content


def test_the_embedded_thread_pool_runs_an_import_in_the_background(
    transactional_db, campaign, larry, client_for, settings
):
    import io

    settings.JOBS_MODE = "thread"
    body = b'{"question": "What is 1 + 1?", "answer": "#### 2"}\n'
    response = client_for(larry).post(
        "/api/v1/campaigns/pilot/imports/",
        {"file": io.BytesIO(body), "format": "gsm8k"},
        format="multipart",
    )
    assert response.status_code == 202
    deadline = time.monotonic() + 30
    while not Job.objects.get(pk=response.json()["id"]).is_finished:
        assert time.monotonic() < deadline, "the background import did not finish"
        time.sleep(0.1)
    assert Job.objects.get(pk=response.json()["id"]).status == "succeeded"
    assert Problem.objects.count() == 1
