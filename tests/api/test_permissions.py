"""The permission matrix: every endpoint as admin, lead, reviewer, expert and an outsider."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest

from tests.factories import make_problem, make_user, root_of
from tests.matrix import HIDDEN, NO, OK, matrix_tests
from trees.models import Assignment, Job, Membership
from trees.services.campaigns import do_assign_problems
from trees.services.generation import do_suggest_first_error
from trees.services.jobs import do_create_job
from trees.services.labels import do_label_step, do_set_gold_label
from trees.services.nodes import do_add_child_step


@dataclass
class World:
    campaign: Any
    problem: Any
    root: Any
    step: Any
    job: Any
    bob_membership: Any
    bob_assignment: Any
    suggestion: Any


@pytest.fixture
def world(campaign, bob, carol) -> World:
    problem = make_problem(campaign)
    root = root_of(problem)
    step = do_add_child_step(root, "2 + 3 = 5", bob)
    do_label_step(step, bob, 1)
    do_set_gold_label(step, carol, 1)
    job, _ = do_create_job("import", campaign=campaign, created_by=bob, params={})
    make_user("newbie")
    do_assign_problems(campaign)
    search, _ = do_create_job("rollout", campaign=campaign, created_by=bob, params={})
    suggestion = do_suggest_first_error(search, step, {})
    return World(
        campaign=campaign,
        problem=problem,
        root=root,
        step=step,
        job=job,
        bob_membership=Membership.objects.get(campaign=campaign, user=bob),
        bob_assignment=Assignment.objects.get(expert=bob),
        suggestion=suggestion,
    )


def upload() -> dict[str, Any]:
    line = b'{"question": "What is 1 + 1?", "answer": "1 + 1 = 2\\n#### 2"}\n'
    return {"file": io.BytesIO(line), "format": "gsm8k"}


# (name, method, url(world), body(world) or None, expected per persona [A, L, R, E, O])
CASES: list[tuple[str, str, Any, Any, list[Any]]] = [
    ("campaign list", "get", lambda w: "/api/v1/campaigns/", None, [OK] * 5),
    (
        "campaign create",
        "post",
        lambda w: "/api/v1/campaigns/",
        lambda w: {"name": "X", "slug": "x"},
        [NO] * 5,
    ),
    (
        "campaign detail",
        "get",
        lambda w: "/api/v1/campaigns/pilot/",
        None,
        [OK, OK, OK, OK, HIDDEN],
    ),
    (
        "campaign update",
        "patch",
        lambda w: "/api/v1/campaigns/pilot/",
        lambda w: {"guidelines": "Be careful."},
        [OK, NO, NO, NO, HIDDEN],
    ),
    (
        "member list",
        "get",
        lambda w: "/api/v1/campaigns/pilot/members/",
        None,
        [OK, OK, OK, OK, HIDDEN],
    ),
    (
        "member add",
        "post",
        lambda w: "/api/v1/campaigns/pilot/members/",
        lambda w: {"username": "newbie", "role": "expert"},
        [OK, NO, NO, NO, HIDDEN],
    ),
    (
        "member role",
        "patch",
        lambda w: f"/api/v1/campaigns/pilot/members/{w.bob_membership.pk}/",
        lambda w: {"role": "reviewer"},
        [OK, NO, NO, NO, HIDDEN],
    ),
    (
        "member remove",
        "delete",
        lambda w: f"/api/v1/campaigns/pilot/members/{w.bob_membership.pk}/",
        None,
        [OK, NO, NO, NO, HIDDEN],
    ),
    ("assign", "post", lambda w: "/api/v1/campaigns/pilot/assign/", None, [OK, NO, NO, NO, HIDDEN]),
    (
        "problem list",
        "get",
        lambda w: "/api/v1/campaigns/pilot/problems/",
        None,
        [OK, OK, OK, OK, HIDDEN],
    ),
    (
        "problem detail",
        "get",
        lambda w: f"/api/v1/problems/{w.problem.pk}/",
        None,
        [OK, OK, OK, OK, HIDDEN],
    ),
    (
        "tree",
        "get",
        lambda w: f"/api/v1/problems/{w.problem.pk}/tree/",
        None,
        [OK, OK, OK, OK, HIDDEN],
    ),
    (
        "import",
        "post-multipart",
        lambda w: "/api/v1/campaigns/pilot/imports/",
        lambda w: upload(),
        [OK, OK, NO, NO, HIDDEN],
    ),
    (
        "campaign jobs",
        "get",
        lambda w: "/api/v1/campaigns/pilot/jobs/",
        None,
        [OK, OK, OK, OK, HIDDEN],
    ),
    ("job detail", "get", lambda w: f"/api/v1/jobs/{w.job.pk}/", None, [OK, OK, OK, OK, HIDDEN]),
    (
        "job cancel",
        "post",
        lambda w: f"/api/v1/jobs/{w.job.pk}/cancel/",
        None,
        [OK, OK, NO, OK, HIDDEN],
    ),
    ("node detail", "get", lambda w: f"/api/v1/nodes/{w.step.pk}/", None, [OK, OK, OK, OK, HIDDEN]),
    (
        "node edit",
        "patch",
        lambda w: f"/api/v1/nodes/{w.step.pk}/",
        lambda w: {"text": "2 + 3 = 5 (checked)", "version": 1},
        [OK, OK, OK, OK, HIDDEN],
    ),
    (
        "node delete",
        "delete",
        lambda w: f"/api/v1/nodes/{w.step.pk}/",
        None,
        [OK, OK, NO, OK, HIDDEN],
    ),
    (
        "node restore",
        "post",
        lambda w: f"/api/v1/nodes/{w.step.pk}/restore/",
        None,
        [OK, OK, NO, OK, HIDDEN],
    ),
    (
        "add step",
        "post",
        lambda w: f"/api/v1/nodes/{w.step.pk}/children/",
        lambda w: {"text": "The answer is 5"},
        [OK, OK, OK, OK, HIDDEN],
    ),
    (
        "revisions",
        "get",
        lambda w: f"/api/v1/nodes/{w.step.pk}/revisions/",
        None,
        [OK, OK, OK, OK, HIDDEN],
    ),
    (
        "label",
        "put",
        lambda w: f"/api/v1/nodes/{w.step.pk}/label/",
        lambda w: {"rating": -1},
        [OK, OK, OK, OK, HIDDEN],
    ),
    (
        "label part",
        "patch",
        lambda w: f"/api/v1/nodes/{w.step.pk}/label/",
        lambda w: {"rating": 0, "note": "no progress"},
        [OK, OK, OK, OK, HIDDEN],
    ),
    (
        "unlabel",
        "delete",
        lambda w: f"/api/v1/nodes/{w.step.pk}/label/",
        None,
        [OK, OK, OK, OK, HIDDEN],
    ),
    (
        "all labels",
        "get",
        lambda w: f"/api/v1/nodes/{w.step.pk}/labels/",
        None,
        [OK, OK, OK, NO, HIDDEN],
    ),
    (
        "gold set",
        "put",
        lambda w: f"/api/v1/nodes/{w.step.pk}/gold/",
        lambda w: {"rating": 0},
        [OK, OK, OK, NO, HIDDEN],
    ),
    (
        "gold clear",
        "delete",
        lambda w: f"/api/v1/nodes/{w.step.pk}/gold/",
        None,
        [OK, OK, OK, NO, HIDDEN],
    ),
    (
        "expand",
        "post",
        lambda w: f"/api/v1/nodes/{w.step.pk}/expand/",
        lambda w: {"k": 2},
        [OK, OK, OK, OK, HIDDEN],
    ),
    (
        "rollouts",
        "post",
        lambda w: f"/api/v1/nodes/{w.step.pk}/rollouts/",
        lambda w: {"n": 2},
        [OK, OK, OK, OK, HIDDEN],
    ),
    (
        "first error",
        "post",
        lambda w: f"/api/v1/nodes/{w.step.pk}/first-error/",
        lambda w: {"rollouts_per_step": 2},
        [OK, OK, OK, OK, HIDDEN],
    ),
    (
        "review suggestion",
        "post",
        lambda w: f"/api/v1/suggestions/{w.suggestion.pk}/review/",
        lambda w: {"accept": False},
        [OK, OK, OK, OK, HIDDEN],
    ),
    ("model profiles", "get", lambda w: "/api/v1/model-profiles/", None, [OK] * 5),
    (
        "model profile create",
        "post",
        lambda w: "/api/v1/model-profiles/",
        lambda w: {"name": "p", "backend": "demo"},
        [NO] * 5,
    ),
    ("queue", "get", lambda w: "/api/v1/queue/", None, [OK] * 5),
    ("queue next", "get", lambda w: "/api/v1/queue/next/", None, [OK] * 5),
    (
        "finish assignment",
        "post",
        lambda w: f"/api/v1/assignments/{w.bob_assignment.pk}/finish/",
        lambda w: {"status": "submitted"},
        [HIDDEN, HIDDEN, HIDDEN, OK, HIDDEN],
    ),
    ("me", "get", lambda w: "/api/v1/me/", None, [OK] * 5),
]


test_permission_matrix, test_anonymous_users_get_nothing = matrix_tests(CASES)


def test_staff_create_campaigns_and_become_their_admin(client_for, staff):
    response = client_for(staff).post(
        "/api/v1/campaigns/", {"name": "New", "slug": "new"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert Membership.objects.get(campaign__slug="new", user=staff).role == "admin"


def test_an_outsider_cannot_see_a_foreign_campaigns_jobs_by_id(world, client_for, mallory):
    assert client_for(mallory).get(f"/api/v1/jobs/{world.job.pk}/").status_code == 404
    assert Job.objects.filter(pk=world.job.pk).exists()
