"""Beam search, MCTS, re-completion, campaign-wide runs and clustering with the real demo
reasoner, the job bodies called directly (tasks in-process)."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tests.factories import make_problem, root_of
from trees.core.steps import normalize_step
from trees.models import Job, Node, Tree
from trees.services.imports import do_import_problems
from trees.services.jobs import do_cancel_job, do_create_job
from trees.services.search import do_roll_up, do_start_campaign_run
from workers.demo.problems import generate_problems
from workers.tasks import beam_search, cluster_steps, fan_out_run, mcts, recomplete

pytestmark = pytest.mark.usefixtures("demo_model")


def demo_problems(campaign, n, seed=7, solved=False):
    lines = []
    for index, problem in enumerate(generate_problems(n, seed)):
        solutions = [{"text": "\n".join(problem.steps), "model": "ref"}] if solved else []
        lines.append(
            json.dumps(
                {
                    "id": f"demo{seed}-{index}",
                    "question": problem.question,
                    "answer": str(problem.answer),
                    "solutions": solutions,
                }
            )
        )
    outcome = do_import_problems(campaign, "solutions", lines)
    assert outcome.imported == n, outcome.errors
    return [
        Tree.objects.get(problem__external_id=f"demo{seed}-{i}", problem__campaign=campaign)
        for i in range(n)
    ]


def node_job(kind, root, bob, **params):
    job, _ = do_create_job(
        kind,
        campaign=root.tree.problem.campaign,
        tree=root.tree,
        node=root,
        params={"seed": 5, **params},
        created_by=bob,
    )
    return job


def no_duplicate_siblings(tree):
    nodes = Node.objects.filter(tree=tree).exclude(parent=None)
    counts = Counter((n.parent_id, normalize_step(n.text)) for n in nodes)
    assert max(counts.values(), default=1) == 1
    assert Tree.objects.get(pk=tree.pk).node_count == 1 + nodes.count()


def test_beam_search_keeps_b_nodes_per_depth_within_its_budget(campaign, bob):
    tree = demo_problems(campaign, 1)[0]
    root = Node.objects.get(tree=tree, parent=None)
    job = node_job(
        "beam_search",
        root,
        bob,
        beam_width=2,
        k=3,
        max_depth=6,
        score="confidence",
        stop_on_correct=True,
        budget={"max_calls": 7},
    )
    beam_search.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert job.result["budget"]["calls"] <= 7
    assert job.result["expanded"] == job.result["budget"]["calls"]
    # Depth 1 expands the root alone; every later depth expands at most B = 2 nodes.
    expanded_parents = Counter(
        Node.objects.filter(job=job).values_list("depth", flat=True).distinct()
    )
    assert expanded_parents
    for depth in range(2, 8):
        parents = set(Node.objects.filter(job=job, depth=depth).values_list("parent_id", flat=True))
        assert len(parents) <= 2
    if job.result["found"]:
        found = Node.objects.get(pk=job.result["found"])
        assert found.is_terminal and found.correctness == "correct"
        assert job.result["stop"] == "found"
    no_duplicate_siblings(tree)
    count = Node.objects.count()
    beam_search.apply(args=[job.pk])  # re-delivered after it finished: nothing happens
    assert Node.objects.count() == count


def test_a_budget_in_calls_is_honoured_exactly(campaign, bob):
    root = Node.objects.get(tree=demo_problems(campaign, 1, seed=11)[0], parent=None)
    job = node_job(
        "beam_search",
        root,
        bob,
        beam_width=3,
        k=2,
        max_depth=30,
        score="mc_value",
        rollouts=2,
        stop_on_correct=False,
        budget={"max_calls": 5},
    )
    beam_search.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert job.result["budget"]["calls"] == 5 and job.result["stop"] == "budget"
    scored = Node.objects.filter(job=job, mc_soft__isnull=False)
    assert scored.exists()  # mc_value scoring ran rollouts on the candidates


def test_a_budget_in_tokens_is_never_passed(campaign, bob):
    root = Node.objects.get(tree=demo_problems(campaign, 1, seed=12)[0], parent=None)
    job = node_job(
        "beam_search",
        root,
        bob,
        beam_width=2,
        k=4,
        max_depth=10,
        stop_on_correct=False,
        budget={"max_tokens": 300},
    )
    beam_search.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert 0 < job.result["budget"]["tokens"] <= 300


def test_mcts_stores_visits_and_a_rerun_replaces_its_own_contribution(campaign, bob):
    tree = demo_problems(campaign, 1, seed=13)[0]
    root = Node.objects.get(tree=tree, parent=None)
    job = node_job("mcts", root, bob, iterations=6, k=2, policy="puct", c=1.5, rollouts=2)
    mcts.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    root.refresh_from_db()
    assert root.visits == job.result["iterations"] == 6
    children = Node.objects.filter(parent=root)
    assert sum(c.visits for c in children) == root.visits
    assert root.value_sum == pytest.approx(sum(c.value_sum for c in children))
    assert job.result["best_path"][0] == root.pk
    # As if the worker died after the job finished writing but the broker re-delivered it:
    Job.objects.filter(pk=job.pk).update(status="running")
    mcts.apply(args=[job.pk])
    root.refresh_from_db()
    assert root.visits == 6  # replaced, not added
    no_duplicate_siblings(tree)


def test_recompletion_branches_off_a_correct_path_and_reveals_the_answer(campaign, bob):
    tree = demo_problems(campaign, 1, seed=14, solved=True)[0]
    answer = Node.objects.get(tree=tree, is_terminal=True, correctness="correct")
    job = node_job("recomplete", root_of(tree.problem), bob, m=4)
    recomplete.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert job.result["source_path"][-1] == answer.pk
    assert job.result["completions"] == 4
    assert job.result["truncated_at"] in job.result["source_path"]
    revealed = Node.objects.filter(job=job, sampling__answer_revealed=True)
    assert revealed.exists() or job.result["revealed"]
    for pk in job.result["wrong_branches"]:
        assert Node.objects.get(pk=pk).correctness != "correct"
    no_duplicate_siblings(tree)


def test_recompletion_without_a_correct_path_fails_with_a_reason(campaign, bob):
    root = root_of(make_problem(campaign))
    job = node_job("recomplete", root, bob, m=2)
    recomplete.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == "failed" and "No correct path" in job.error


def test_a_campaign_run_fans_out_and_rolls_up(campaign, larry, django_capture_on_commit_callbacks):
    trees = demo_problems(campaign, 3, seed=21)
    with django_capture_on_commit_callbacks(execute=True):
        parent, created = do_start_campaign_run(
            campaign,
            "beam_search",
            {"beam_width": 1, "k": 2, "max_depth": 3, "seed": 3, "budget": {"max_calls": 3}},
            {"limit": 2},
            larry,
        )
        fan_out_run.apply(args=[parent.pk])
    parent.refresh_from_db()
    children = list(Job.objects.filter(parent=parent).order_by("pk"))
    assert created and len(children) == 2
    assert {c.tree_id for c in children} == {trees[0].pk, trees[1].pk}
    assert all(c.status == "succeeded" for c in children), [c.error for c in children]
    assert parent.status == "succeeded"
    assert (parent.progress_done, parent.progress_total) == (2, 2)
    assert parent.result["children"]["succeeded"] == 2
    # A re-delivered fan-out creates no second set of children.
    Job.objects.filter(pk=parent.pk).update(status="running")
    fan_out_run.apply(args=[parent.pk])
    assert Job.objects.filter(parent=parent).count() == 2


def test_cancelling_a_run_cancels_its_children(campaign, larry):
    demo_problems(campaign, 2, seed=22)
    parent, _ = do_start_campaign_run(campaign, "mcts", {"iterations": 2, "k": 2}, {}, larry)
    from trees.services.search import do_fan_out

    do_fan_out(parent)
    do_cancel_job(parent)
    assert set(Job.objects.filter(parent=parent).values_list("status", flat=True)) == {"cancelled"}
    assert do_roll_up(parent.pk).status == "cancelled"


def test_clustering_merges_steps_that_say_the_same_thing(campaign, bob, settings):
    settings.ARBOR_EMBEDDER = "hashing"
    tree = demo_problems(campaign, 1, seed=30, solved=True)[0]
    root = Node.objects.get(tree=tree, parent=None)
    from trees.services.nodes import do_add_child_step

    first = Node.objects.get(parent=root)
    twin = do_add_child_step(root, first.text + " ", bob)
    job, _ = do_create_job("cluster", campaign=campaign, tree=tree, params={"threshold": 0.95})
    cluster_steps.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert job.result["embedder"] == "hashing"
    first.refresh_from_db()
    twin.refresh_from_db()
    root.refresh_from_db()
    assert root.cluster_id == 0
    assert first.cluster_id == twin.cluster_id is not None
    assert Node.objects.filter(tree=tree, cluster_id__isnull=True).count() == 0


def test_recompletion_can_start_from_the_final_answer_itself(campaign, bob):
    tree = demo_problems(campaign, 1, seed=14, solved=True)[0]
    answer = Node.objects.get(tree=tree, is_terminal=True, correctness="correct")
    job = node_job("recomplete", answer, bob, m=2)
    recomplete.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert job.result["source_path"][-1] == answer.pk
    assert job.result["truncated_at"] in job.result["source_path"][:-1]


def test_a_cancelled_search_stores_no_more_value_estimates(campaign, bob):
    from trees.services.search import JobStopped, do_store_search_probe

    root = root_of(make_problem(campaign))
    job = node_job("beam_search", root, bob)
    stored = do_store_search_probe(job, root, [True, False])
    assert (stored.mc_soft, stored.rollout_count) == (0.5, 2)
    do_cancel_job(job)
    with pytest.raises(JobStopped):
        do_store_search_probe(job, root, [True, True, True])
    root.refresh_from_db()
    assert (root.mc_soft, root.rollout_count) == (0.5, 2)
