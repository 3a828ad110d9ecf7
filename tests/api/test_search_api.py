"""The propose-critique loop, automated tree building and step-DAG endpoints: the permission
matrix (experts work on nodes of their campaign, leads start campaign-wide runs, outsiders
see nothing) and the loop's expert actions through the API."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from tests.factories import make_problem, root_of
from tests.matrix import HIDDEN, NO, OK, matrix_tests
from trees.core.generation import Candidate
from trees.models import Job, Node, Tree
from trees.services.critique import do_add_proposal
from trees.services.imports import do_import_problems
from trees.services.jobs import do_create_job

MEMBERS = [OK, OK, OK, OK, HIDDEN]
LEADS = [OK, OK, NO, NO, HIDDEN]

SOLVED = {
    "id": "solved",
    "question": "A shop sells 3 pens for $2. How much do 12 pens cost?",
    "answer": "8",
    "solutions": [
        {"text": "12 / 3 = 4 groups of pens.\n4 * 2 = 8 dollars.\nThe answer is 8", "model": "m"},
        {"text": "12 / 2 = 6 groups.\nThe answer is 18", "model": "m"},
    ],
}


@dataclass
class World:
    problem: Any
    root: Any
    loops: list[Any]


@pytest.fixture
def world(campaign, bob) -> World:
    do_import_problems(campaign, "solutions", [json.dumps(SOLVED)])
    problem = Tree.objects.get(problem__external_id="solved").problem
    root = root_of(problem)
    loops = []
    # Loops with one proposal each: a matrix case changes the first it takes (`fresh_loop`),
    # the other tests take the last three.
    for _ in range(4):
        loop, _ = do_create_job(
            "critique_loop", campaign=campaign, tree=root.tree, node=root, created_by=bob
        )
        do_add_proposal(loop, root, Candidate(f"12 / 3 = 4 groups ({loop.pk})."), None, 1)
        loops.append(loop)
    return World(problem=problem, root=root, loops=loops)


_next: dict[str, int] = {}


def fresh_loop(w: World, status: str = "running") -> Job:
    """A loop not used by an earlier case, in the given status."""
    index = _next.setdefault(id(w), 0)
    _next[id(w)] = index + 1
    loop = w.loops[index]
    Job.objects.filter(pk=loop.pk).update(status=status)
    return loop


def proposal_version(loop: Job) -> int:
    return Node.objects.get(pk=loop.result["proposals"][-1]).version


CASES: list[tuple[str, str, Any, Any, list[Any]]] = [
    (
        "start critique loop",
        "post",
        lambda w: f"/api/v1/nodes/{w.root.pk}/critique-loop/",
        lambda w: {"rounds": 2},
        MEMBERS,
    ),
    ("loop thread", "get", lambda w: f"/api/v1/loops/{w.loops[0].pk}/", None, MEMBERS),
    (
        "pause loop",
        "post",
        lambda w: f"/api/v1/loops/{fresh_loop(w).pk}/pause/",
        None,
        MEMBERS,
    ),
    (
        "resume loop",
        "post",
        lambda w: f"/api/v1/loops/{fresh_loop(w, 'paused').pk}/resume/",
        None,
        MEMBERS,
    ),
    (
        "accept proposal",
        "post",
        lambda w: f"/api/v1/loops/{fresh_loop(w, 'paused').pk}/accept/",
        lambda w: {},
        MEMBERS,
    ),
    (
        "expert critique",
        "post",
        lambda w: f"/api/v1/loops/{fresh_loop(w, 'paused').pk}/critiques/",
        lambda w: {"verdict": "revise", "text": "Say what 4 counts."},
        MEMBERS,
    ),
    (
        "edit proposal",
        "post",
        lambda w: f"/api/v1/loops/{fresh_loop(w, 'paused').pk}/edit/",
        lambda w: {"text": "12 / 3 = 4 groups of pens.", "version": 1},
        MEMBERS,
    ),
    (
        "beam search",
        "post",
        lambda w: f"/api/v1/nodes/{w.root.pk}/beam-search/",
        lambda w: {"beam_width": 2, "k": 2, "max_depth": 3, "budget": {"max_calls": 4}},
        MEMBERS,
    ),
    (
        "mcts",
        "post",
        lambda w: f"/api/v1/nodes/{w.root.pk}/mcts/",
        lambda w: {"iterations": 2, "policy": "puct"},
        MEMBERS,
    ),
    (
        "recomplete",
        "post",
        lambda w: f"/api/v1/nodes/{w.root.pk}/recomplete/",
        lambda w: {"m": 2},
        MEMBERS,
    ),
    (
        "campaign run",
        "post",
        lambda w: "/api/v1/campaigns/pilot/search-runs/",
        lambda w: {"kind": "beam_search", "params": {"k": 2}, "filters": {"limit": 1}},
        LEADS,
    ),
    (
        "cluster a tree",
        "post",
        lambda w: f"/api/v1/problems/{w.problem.pk}/cluster/",
        lambda w: {"threshold": 0.8},
        MEMBERS,
    ),
    (
        "cluster a campaign",
        "post",
        lambda w: "/api/v1/campaigns/pilot/cluster/",
        lambda w: {},
        LEADS,
    ),
    (
        "cluster settings",
        "get",
        lambda w: "/api/v1/campaigns/pilot/cluster-settings/",
        None,
        MEMBERS,
    ),
    (
        "change cluster settings",
        "patch",
        lambda w: "/api/v1/campaigns/pilot/cluster-settings/",
        lambda w: {"cluster_threshold": 0.8},
        LEADS,
    ),
    ("dag", "get", lambda w: f"/api/v1/problems/{w.problem.pk}/dag/", None, MEMBERS),
    (
        "dag paths",
        "post",
        lambda w: f"/api/v1/problems/{w.problem.pk}/dag/paths/",
        lambda w: {"n": 2, "seed": 1},
        MEMBERS,
    ),
    (
        "dag long thought",
        "post",
        lambda w: f"/api/v1/problems/{w.problem.pk}/dag/long-thought/",
        lambda w: {"seed": 1},
        MEMBERS,
    ),
]


test_permission_matrix, test_anonymous_users_get_nothing = matrix_tests(CASES)


def test_bad_parameters_get_the_one_error_shape(world, client_for, bob):
    client = client_for(bob)
    response = client.post(
        f"/api/v1/nodes/{world.root.pk}/beam-search/", {"score": "vibes"}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    response = client.post(
        f"/api/v1/nodes/{world.root.pk}/critique-loop/", {"critic_profile": 999}, format="json"
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid"
    answer = Node.objects.get(tree=world.root.tree, is_terminal=True, correctness="correct")
    response = client.post(f"/api/v1/nodes/{answer.pk}/mcts/", {}, format="json")
    assert response.status_code == 422


def test_a_finished_loop_refuses_expert_actions_with_409(world, client_for, bob):
    loop = world.loops[-1]
    Job.objects.filter(pk=loop.pk).update(status="succeeded")
    client = client_for(bob)
    assert client.post(f"/api/v1/loops/{loop.pk}/pause/").status_code == 409
    assert client.post(f"/api/v1/loops/{loop.pk}/resume/").status_code == 409
    response = client.post(
        f"/api/v1/loops/{loop.pk}/critiques/", {"verdict": "reject", "text": "x"}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "conflict"


def test_a_stale_proposal_edit_is_a_409_with_the_current_step(world, client_for, bob, larry):
    loop = world.loops[-2]
    Job.objects.filter(pk=loop.pk).update(status="paused")
    url = f"/api/v1/loops/{loop.pk}/edit/"
    first = client_for(bob).post(url, {"text": "12 / 3 = 4 groups.", "version": 1}, format="json")
    assert first.status_code == 200, first.content
    second = client_for(larry).post(url, {"text": "12 / 3 = 4.", "version": 1}, format="json")
    assert second.status_code == 409
    assert second.json()["current"]["text"] == "12 / 3 = 4 groups."


def test_an_expert_takes_over_a_running_loop_only_after_pausing_it(world, client_for, bob):
    loop = world.loops[-4]
    Job.objects.filter(pk=loop.pk).update(status="running")
    client = client_for(bob)
    edit = client.post(
        f"/api/v1/loops/{loop.pk}/edit/", {"text": "12 / 3 = 4.", "version": 1}, format="json"
    )
    critique = client.post(
        f"/api/v1/loops/{loop.pk}/critiques/", {"verdict": "revise", "text": "x"}, format="json"
    )
    for response in (edit, critique):
        assert response.status_code == 409 and "Pause the loop" in response.json()["detail"]


def test_the_loop_thread_names_who_wrote_each_entry(world, client_for, bob):
    loop = world.loops[-3]
    Job.objects.filter(pk=loop.pk).update(status="paused")
    client = client_for(bob)
    client.post(
        f"/api/v1/loops/{loop.pk}/critiques/",
        {"verdict": "revise", "text": "Which groups?"},
        format="json",
    )
    thread = client.get(f"/api/v1/loops/{loop.pk}/").json()["thread"]
    assert [entry["kind"] for entry in thread] == ["proposal", "critique"]
    assert thread[1]["by"]["name"] == "bob" and thread[1]["verdict"] == "revise"


@pytest.mark.usefixtures("demo_model")
def test_a_beam_search_started_through_the_api_runs(
    campaign, bob, client_for, django_capture_on_commit_callbacks
):
    root = root_of(make_problem(campaign, "Tom has 6 boxes with 7 apples each. How many?", "42"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(bob).post(
            f"/api/v1/nodes/{root.pk}/beam-search/",
            {"beam_width": 2, "k": 2, "max_depth": 3, "budget": {"max_calls": 3}, "seed": 1},
            format="json",
        )
    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["id"])
    assert job.status == "succeeded", job.error
    assert job.result["budget"]["calls"] <= 3
    tree = client_for(bob).get(f"/api/v1/problems/{root.tree.problem_id}/tree/").json()
    assert len(tree["nodes"]) > 1
