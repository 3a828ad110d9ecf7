"""The permission matrix of the long-thought and export endpoints: admin, lead, reviewer,
expert and an outsider (who must not learn that anything exists), and anonymous users."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.exports.conftest import run_export
from tests.matrix import HIDDEN, NO, OK, matrix_tests
from trees.services.exports import do_create_export_schedule
from trees.services.longthoughts import do_derive_long_thought

MEMBERS = [OK, OK, OK, OK, HIDDEN]
REVIEWERS = [OK, OK, OK, NO, HIDDEN]
LEADS = [OK, OK, NO, NO, HIDDEN]


@dataclass
class World:
    problem: Any
    thought: Any
    export: Any
    schedule: Any


@pytest.fixture
def world(labelled) -> World:
    return World(
        problem=labelled.pens,
        thought=do_derive_long_thought(labelled.pens.tree, "journey", {}),
        export=run_export(labelled.campaign, "prm-stepwise"),
        schedule=do_create_export_schedule(
            labelled.campaign, "dpo", {}, interval={"every": 1, "period": "days"}
        ),
    )


# (name, method, url(world), body(world) or None, expected per persona [A, L, R, E, O])
CASES: list[tuple[str, str, Any, Any, list[Any]]] = [
    (
        "derive long thought",
        "post",
        lambda w: f"/api/v1/problems/{w.problem.pk}/long-thoughts/",
        lambda w: {"style": "journey"},
        MEMBERS,
    ),
    (
        "list long thoughts",
        "get",
        lambda w: f"/api/v1/problems/{w.problem.pk}/long-thoughts/",
        None,
        MEMBERS,
    ),
    ("long thought", "get", lambda w: f"/api/v1/long-thoughts/{w.thought.pk}/", None, MEMBERS),
    (
        "edit long thought",
        "patch",
        lambda w: f"/api/v1/long-thoughts/{w.thought.pk}/",
        lambda w: {"edited_text": "Edited.\n\nAnswer: 8", "version": 1},
        MEMBERS,
    ),
    (
        "smooth long thought",
        "post",
        lambda w: f"/api/v1/long-thoughts/{w.thought.pk}/smooth/",
        lambda w: {"seed": 1},
        MEMBERS,
    ),
    (
        "long thought revisions",
        "get",
        lambda w: f"/api/v1/long-thoughts/{w.thought.pk}/revisions/",
        None,
        MEMBERS,
    ),
    (
        "review long thought",
        "post",
        lambda w: f"/api/v1/long-thoughts/{w.thought.pk}/review/",
        lambda w: {"status": "approved"},
        REVIEWERS,
    ),
    (
        "long thought stats",
        "get",
        lambda w: "/api/v1/campaigns/pilot/long-thought-stats/",
        None,
        MEMBERS,
    ),
    (
        "create export",
        "post",
        lambda w: "/api/v1/campaigns/pilot/exports/",
        lambda w: {"format": "dpo"},
        LEADS,
    ),
    ("list exports", "get", lambda w: "/api/v1/campaigns/pilot/exports/", None, LEADS),
    ("export", "get", lambda w: f"/api/v1/exports/{w.export.pk}/", None, LEADS),
    ("download", "get", lambda w: f"/api/v1/exports/{w.export.pk}/download/", None, LEADS),
    ("manifest", "get", lambda w: f"/api/v1/exports/{w.export.pk}/manifest/", None, LEADS),
    (
        "create schedule",
        "post",
        lambda w: "/api/v1/campaigns/pilot/export-schedules/",
        lambda w: {"format": "sft-journey", "crontab": {"minute": "0", "hour": "3"}},
        LEADS,
    ),
    ("list schedules", "get", lambda w: "/api/v1/campaigns/pilot/export-schedules/", None, LEADS),
    (
        "pause schedule",
        "patch",
        lambda w: f"/api/v1/campaigns/pilot/export-schedules/{w.schedule.pk}/",
        lambda w: {"enabled": False},
        LEADS,
    ),
    (
        "delete schedule",
        "delete",
        lambda w: f"/api/v1/campaigns/pilot/export-schedules/{w.schedule.pk}/",
        None,
        LEADS,
    ),
]


test_permission_matrix, test_anonymous_users_get_nothing = matrix_tests(CASES)


def test_an_outsider_learns_nothing_from_ids(world, client_for, mallory):
    client = client_for(mallory)
    for url in (
        f"/api/v1/long-thoughts/{world.thought.pk}/",
        f"/api/v1/exports/{world.export.pk}/download/",
        f"/api/v1/exports/{world.export.pk + 1000}/download/",
        f"/api/v1/long-thoughts/{world.thought.pk + 1000}/",
    ):
        assert client.get(url).status_code == 404, url
