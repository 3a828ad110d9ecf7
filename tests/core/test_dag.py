"""The step DAG: clustering within depth bands, the cluster DAG, Steiner scores, and seeded
path sampling with backtracking excursions."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from trees.core.dag import (
    DagStep,
    build_dag,
    cluster_embeddings,
    path_to_plan,
    sample_dag_paths,
    steiner_scores,
)


def test_similar_rows_share_a_cluster_only_within_the_depth_band():
    vectors = np.array([[1.0, 0.0], [0.99, 0.05], [0.0, 1.0], [1.0, 0.01]])
    assert cluster_embeddings(vectors, [1, 1, 1, 1], threshold=0.9) == [0, 0, 1, 0]
    # The last row is at depth 3: outside a band of 1 around the leader at depth 1.
    assert cluster_embeddings(vectors, [1, 1, 1, 3], threshold=0.9, band=1) == [0, 0, 1, 2]
    assert cluster_embeddings(vectors, [1, 1, 1, 3], threshold=0.9, band=2) == [0, 0, 1, 0]
    assert cluster_embeddings(np.zeros((0, 2)), [], 0.9) == []


@given(st.integers(1, 30), st.integers(0, 2), st.floats(0.5, 0.99), st.integers(0, 1000))
def test_clusters_stay_within_the_band_and_are_deterministic(n, band, threshold, seed):
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(n, 4))
    depths = sorted(int(d) for d in rng.integers(0, 5, size=n))
    labels = cluster_embeddings(vectors, depths, threshold, band)
    assert labels == cluster_embeddings(vectors, depths, threshold, band)
    leaders = {}
    for row, label in enumerate(labels):
        leaders.setdefault(label, row)
        assert abs(depths[leaders[label]] - depths[row]) <= band
    assert sorted(set(labels)) == list(range(len(set(labels))))


def _diamond() -> list[DagStep]:
    # Two branches say the same thing at depth 1 (cluster 1) and at depth 2 (cluster 2); one
    # wrong branch (cluster 3 -> 4, a wrong answer); answers in cluster 5.
    return [
        DagStep(1, None, 0, cluster=0),
        DagStep(2, 1, 1, cluster=1),
        DagStep(3, 1, 1, cluster=1),
        DagStep(4, 2, 2, cluster=2),
        DagStep(5, 3, 2, cluster=2),
        DagStep(6, 4, 3, cluster=5, terminal=True, correctness="correct"),
        DagStep(7, 1, 1, cluster=3),
        DagStep(8, 7, 2, cluster=4, terminal=True, correctness="incorrect"),
        DagStep(9, 5, 3, cluster=5, terminal=True, correctness="correct"),
    ]


def test_the_dag_merges_clusters_and_weights_edges():
    graph = build_dag(_diamond())
    assert sorted(graph.nodes) == ["c0", "c1", "c2", "c3", "c4", "c5"]
    assert graph.graph["root"] == "c0"
    assert graph.nodes["c1"]["members"] == [2, 3]
    assert graph.edges["c1", "c2"]["weight"] == 2
    assert graph.nodes["c5"]["correct"] and graph.nodes["c4"]["incorrect"]
    assert graph.nodes["c5"]["correct_members"] == [6, 9]


def test_unclustered_nodes_are_their_own_vertices_and_cycles_are_cut():
    steps = [
        DagStep(1, None, 0),
        DagStep(2, 1, 1, cluster=7),
        DagStep(3, 2, 2, cluster=8),
        DagStep(4, 1, 1, cluster=8),  # cluster 8 spans depths 1 and 2 ...
        DagStep(5, 4, 2, cluster=7),  # ... and 7 too: 7 -> 8 and 8 -> 7 would be a cycle
    ]
    graph = build_dag(steps)
    assert "n1" in graph and graph.graph["root"] == "n1"
    import networkx as nx

    assert nx.is_directed_acyclic_graph(graph)
    assert graph.graph["dropped_edges"] == 1


def test_steiner_scores_from_degrees_and_distances():
    scores = steiner_scores(build_dag(_diamond()))
    assert scores["c1"]["in_degree"] == 1 and scores["c1"]["out_degree"] == 1
    assert scores["c1"]["dist_from_question"] == 1 and scores["c1"]["dist_to_answer"] == 2
    assert scores["c5"]["dist_to_answer"] == 0
    assert scores["c3"]["dist_to_answer"] is None and scores["c3"]["score"] == 0
    assert scores["c2"]["score"] > scores["c1"]["score"] > 0  # nearer the answer


def test_sampled_paths_go_from_the_question_to_a_correct_answer_with_excursions():
    graph = build_dag(_diamond())
    paths = sample_dag_paths(graph, 20, seed=3, excursion_rate=1.0)
    assert len(paths) == 20
    for path in paths:
        assert path[0].vertex == "c0" and path[-1].action == "end"
        assert graph.nodes[path[-1].vertex]["correct"]
    assert all(any(v.action == "backtrack" for v in path) for path in paths)
    assert paths == sample_dag_paths(graph, 20, seed=3, excursion_rate=1.0)
    assert sample_dag_paths(graph, 5, seed=3, excursion_rate=0.0)[0] == [
        v for v in paths[0] if v.vertex not in ("c3", "c4")
    ]


def test_no_path_without_a_correct_answer():
    steps = [s for s in _diamond() if s.correctness != "correct"]
    assert sample_dag_paths(build_dag(steps), 3) == []


def test_a_path_becomes_a_plan_on_connected_tree_nodes():
    steps = _diamond()
    graph = build_dag(steps)
    parents = {s.id: s.parent for s in steps}
    path = sample_dag_paths(graph, 1, seed=1, excursion_rate=1.0)[0]
    plan = path_to_plan(graph, path, parents)
    assert plan[-1].action == "end" and plan[-1].node in (6, 9)
    backtrack = next(v for v in plan if v.action == "backtrack")
    assert backtrack.node == 8 and backtrack.returns_to == 1
    # Every proceed step continues the node chosen before it.
    previous = 1
    for visit in plan:
        assert parents[visit.node] == previous
        previous = visit.returns_to if visit.action == "backtrack" else visit.node


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000))
def test_random_trees_give_valid_paths(seed):
    rng = random.Random(seed)
    steps = [DagStep(0, None, 0, cluster=0)]
    for node in range(1, 40):
        parent = rng.choice([s for s in steps if not s.terminal])
        terminal = rng.random() < 0.25
        steps.append(
            DagStep(
                node,
                parent.id,
                parent.depth + 1,
                cluster=rng.randrange(1, 15) * 10 + parent.depth + 1,
                terminal=terminal,
                correctness=rng.choice(["correct", "incorrect"]) if terminal else "unknown",
            )
        )
    graph = build_dag(steps)
    for path in sample_dag_paths(graph, 5, seed=seed, excursion_rate=0.7):
        assert path[0].vertex == graph.graph["root"] and path[-1].action == "end"
        main = [v.vertex for v in path if v.action != "backtrack"]
        for visit in path:
            if visit.action == "backtrack":
                assert visit.returns_to in main
        plan = path_to_plan(graph, path, {s.id: s.parent for s in steps})
        assert plan and plan[-1].action == "end"


def test_keys_keep_steps_with_different_numbers_apart():
    from trees.core.dag import number_signature

    texts = ["12 / 3 = 4 groups of pens.", "There are 12 / 3 = 4 groups.", "12 / 2 = 6 groups."]
    assert number_signature(texts[0]) == number_signature(texts[1]) == ("12", "3", "4")
    vectors = np.array([[1.0, 0.0], [0.8, 0.6], [0.99, 0.1]])
    keys = [number_signature(t) for t in texts]
    assert cluster_embeddings(vectors, [1, 1, 1], 0.75) == [0, 0, 0]
    assert cluster_embeddings(vectors, [1, 1, 1], 0.75, keys=keys) == [0, 0, 1]
