"""Search policies on synthetic trees with known values: beam keeps the right frontier, UCT
balances visits, backpropagation sums correctly, budgets are never passed."""

from __future__ import annotations

import math
import random

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trees.core.search import (
    Budget,
    Contribution,
    Scored,
    backpropagate,
    beam_select,
    best_child,
    first_correct,
    mean_value,
    puct_score,
    select_path,
    uct_score,
)


def test_beam_keeps_the_best_open_candidates_by_the_chosen_score():
    candidates = [
        Scored(1, confidence=0.9, mc_value=0.1),
        Scored(2, confidence=0.2, mc_value=0.9),
        Scored(3, confidence=0.8, mc_value=0.5),
        Scored(4, confidence=0.99, terminal=True, correct=False),
        Scored(5, confidence=None, mc_value=0.7),
    ]
    assert [c.id for c in beam_select(candidates, 2, "confidence")] == [1, 3]
    assert [c.id for c in beam_select(candidates, 2, "mc_value")] == [2, 5]
    assert [c.id for c in beam_select(candidates, 10, "critic")] == [1, 2, 3, 5]  # ties: by id


@given(
    st.lists(st.tuples(st.floats(0, 1), st.booleans()), min_size=0, max_size=40),
    st.integers(1, 8),
)
def test_beam_selection_is_the_top_of_the_sorted_open_candidates(values, width):
    candidates = [Scored(i, confidence=v, terminal=t) for i, (v, t) in enumerate(values)]
    kept = beam_select(candidates, width, "confidence")
    open_ones = [c for c in candidates if not c.terminal]
    assert len(kept) == min(width, len(open_ones))
    worst_kept = min((c.confidence for c in kept), default=math.inf)
    assert all(c.confidence <= worst_kept for c in open_ones if c not in kept)


def test_first_correct_finds_a_verified_answer():
    assert first_correct([Scored(1, terminal=True, correct=False), Scored(2)]) is None
    assert first_correct([Scored(1), Scored(2, terminal=True, correct=True)]).id == 2


def test_uct_prefers_unvisited_then_balances_value_and_exploration():
    assert uct_score(10, 0, 0.0) == math.inf
    # Same mean, fewer visits: more exploration bonus.
    assert uct_score(100, 5, 2.5) > uct_score(100, 50, 25.0)
    # Same visits, higher mean wins.
    assert uct_score(100, 10, 8.0) > uct_score(100, 10, 2.0)


def test_puct_uses_the_prior_for_unvisited_children():
    assert puct_score(10, 0, 0.0, prior=0.9) > puct_score(10, 0, 0.0, prior=0.1)
    assert puct_score(10, 4, 4.0, prior=0.0) == 1.0


def _bandit(values: list[float]) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_node(0, visits=0, value_sum=0.0)
    for arm, _ in enumerate(values, start=1):
        graph.add_node(arm, visits=0, value_sum=0.0, prior=1.0)
        graph.add_edge(0, arm)
    return graph


def test_uct_balances_visits_and_finds_the_best_arm():
    values = [0.2, 0.8, 0.5]
    graph = _bandit(values)
    rng = random.Random(0)
    for _ in range(600):
        path = select_path(graph, 0, "uct", c=math.sqrt(2))
        arm = path[-1]
        reward = 1.0 if rng.random() < values[arm - 1] else 0.0
        backpropagate(graph, path, reward)
    visits = [graph.nodes[arm]["visits"] for arm in (1, 2, 3)]
    assert sum(visits) == graph.nodes[0]["visits"] == 600
    assert visits[1] == max(visits)  # the best arm gets the most visits
    assert min(visits) >= 10  # yet every arm keeps being tried (log-many times)
    assert mean_value(graph, 2) == pytest.approx(0.8, abs=0.1)


def test_selection_stops_at_terminals_and_at_expandable_nodes():
    graph = nx.DiGraph()
    graph.add_node(0, visits=3, value_sum=1.0)
    graph.add_node(1, visits=1, value_sum=1.0, terminal=True)
    graph.add_node(2, visits=2, value_sum=0.0)
    graph.add_node(3, visits=0, value_sum=0.0)
    graph.add_edges_from([(0, 1), (0, 2), (2, 3)])
    assert select_path(graph, 0, "uct") == [0, 1]
    graph.nodes[1]["visits"] = 100
    assert select_path(graph, 0, "uct", c=10) == [0, 2, 3]
    assert select_path(graph, 0, "uct", c=10, is_expandable=lambda n: n == 2) == [0, 2]
    assert best_child(graph, 3, "uct", 1.0) is None


@given(st.lists(st.tuples(st.integers(0, 6), st.floats(0, 1)), max_size=30))
def test_backpropagation_sums_values_along_each_path(updates):
    graph = nx.balanced_tree(2, 2, create_using=nx.DiGraph)
    leaves = [n for n in graph if graph.out_degree(n) == 0]
    expected_visits = dict.fromkeys(graph, 0)
    expected_sum = dict.fromkeys(graph, 0.0)
    for leaf_index, value in updates:
        leaf = leaves[leaf_index % len(leaves)]
        path = nx.shortest_path(graph, 0, leaf)
        backpropagate(graph, path, value)
        for node in path:
            expected_visits[node] += 1
            expected_sum[node] += value
    for node in graph:
        assert graph.nodes[node].get("visits", 0) == expected_visits[node]
        assert graph.nodes[node].get("value_sum", 0.0) == pytest.approx(expected_sum[node])
    # The root's visits are the children's visits summed (each path passes one child).
    assert graph.nodes[0].get("visits", 0) == sum(
        graph.nodes[c].get("visits", 0) for c in graph.successors(0)
    )


def test_a_contribution_replaces_its_earlier_self():
    first = Contribution()
    first.add([1, 2, 3], 1.0)
    first.add([1, 2], 0.0)
    stored = first.to_data()
    again = Contribution()
    again.add([1, 2, 3], 1.0)
    # A re-run that has done less so far takes back what the first attempt added.
    assert again.deltas(stored) == {1: (-1, 0.0), 2: (-1, 0.0)}
    assert again.deltas(again.to_data()) == {}
    assert Contribution().deltas(None) == {}


@given(
    st.integers(1, 20) | st.none(),
    st.integers(1, 500) | st.none(),
    st.lists(st.tuples(st.integers(1, 8), st.integers(1, 64)), max_size=50),
)
def test_a_budget_is_never_passed(max_calls, max_tokens, calls):
    budget = Budget(max_calls=max_calls, max_tokens=max_tokens)
    for n, wanted in calls:
        limit = budget.fit_max_tokens(n, wanted)
        if limit == 0 or not budget.allows(n, limit):
            continue
        budget.charge(tokens=n * limit)  # the worst case: every sample runs to its limit
    assert max_calls is None or budget.calls <= max_calls
    assert max_tokens is None or budget.tokens <= max_tokens


def test_a_budget_in_calls_allows_exactly_that_many():
    budget = Budget(max_calls=3)
    made = 0
    while budget.allows(4, 50):
        budget.charge(tokens=100)
        made += 1
    assert made == 3 and budget.exhausted
