"""An MCTS job: select by UCT or PUCT (confidence as prior), expand a leaf into k candidates,
simulate by rollouts (rollout template) graded by the verifier, backpropagate; the visits and
value sums are stored on the nodes as it goes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import networkx as nx

from trees.core.jobresults import MctsResult
from trees.core.search import Contribution, backpropagate, best_child, select_path
from trees.models import Job, Node
from trees.queries.jobs import get_nodes, list_search_rows
from trees.services.jobs import do_report_progress
from trees.services.search import (
    do_record_search_stats,
    do_store_children,
    do_store_search_probe,
    finish_search,
    previous_contribution,
)
from workers.client import ModelClient
from workers.jobs.context import node_context
from workers.jobs.search_common import job_budget


def search_graph(job: Job, start: Node) -> nx.DiGraph:
    """The subtree below `start` with each node's statistics less this job's own earlier
    contribution (a re-run starts from where the tree stood before the job)."""
    rows = list_search_rows(start.tree_id)
    earlier = previous_contribution(job)
    graph: nx.DiGraph = nx.DiGraph()
    by_parent: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_parent.setdefault(row["parent_id"], []).append(row)
    stack = [start.pk]
    start_row = next(row for row in rows if row["id"] == start.pk)
    _add(graph, start_row, earlier)
    while stack:
        parent = stack.pop()
        for row in by_parent.get(parent, []):
            _add(graph, row, earlier)
            graph.add_edge(parent, row["id"])
            stack.append(row["id"])
    return graph


def _add(graph: nx.DiGraph, row: dict[str, Any], earlier: dict[str, list[float]]) -> None:
    visits, value = earlier.get(str(row["id"]), (0, 0.0))
    graph.add_node(
        row["id"],
        visits=max(0, row["visits"] - int(visits)),
        value_sum=row["value_sum"] - float(value),
        prior=row["confidence"],
        depth=row["depth"],
        terminal=row["is_terminal"],
        correct=row["correctness"] == Node.Correctness.CORRECT,
    )


def run_mcts(job: Job) -> None:
    ctx = node_context(job)
    start, path, profile = ctx.node, ctx.path, ctx.profile
    params = job.params
    iterations, k = int(params["iterations"]), int(params["k"])
    policy, c = params.get("policy", "uct"), float(params.get("c", 1.4))
    n_rollouts, max_depth = int(params.get("rollouts", 2)), int(params.get("max_depth", 8))
    client = ModelClient(job, ctx.problem, profile, job_budget(job))
    graph = search_graph(job, start)
    contribution = Contribution()
    texts: dict[int, Node] = {node.pk: node for node in path}
    found: int | None = None
    done, stop = 0, "iterations"
    do_report_progress(job, 0, iterations)

    def node_path(ids: Sequence[int]) -> list[Node]:
        missing = [pk for pk in ids if pk not in texts]
        texts.update(get_nodes(missing))
        return [*path[:-1], *(texts[pk] for pk in ids)]

    def expandable(pk: int) -> bool:
        data = graph.nodes[pk]
        return (
            graph.out_degree(pk) == 0
            and not data["terminal"]
            and data["depth"] - start.depth < max_depth
        )

    for done in range(1, iterations + 1):
        client.stop_if_cancelled()
        selected = select_path(graph, start.pk, policy, c, is_expandable=expandable)
        leaf = selected[-1]
        if expandable(leaf):
            candidates = client.expand(node_path(selected), k)
            if candidates is None:
                stop = "budget"
                break
            for child in do_store_children(job, node_path(selected)[-1], candidates, profile):
                texts[child.pk] = child
                if child.pk not in graph:
                    graph.add_node(
                        child.pk,
                        visits=0,
                        value_sum=0.0,
                        prior=child.confidence,
                        depth=child.depth,
                        terminal=child.is_terminal,
                        correct=child.correctness == Node.Correctness.CORRECT,
                    )
                graph.add_edge(leaf, child.pk)
            chosen = best_child(graph, leaf, policy, c)
            if chosen is not None:
                selected.append(chosen)
        simulated = selected[-1]
        if graph.nodes[simulated]["terminal"]:
            value = 1.0 if graph.nodes[simulated]["correct"] else 0.0
            if value and found is None:
                found = simulated
        else:
            rollouts = client.rollouts(node_path(selected), n_rollouts)
            if rollouts is None:
                stop = "budget"
                break
            verdicts = [rollout.correct for rollout in rollouts]
            do_store_search_probe(job, texts[simulated], verdicts)
            value = sum(1 for v in verdicts if v) / len(verdicts)
        backpropagate(graph, selected, value)
        contribution.add(selected, value)
        do_record_search_stats(
            job,
            contribution,
            MctsResult(found=found, iterations=done, budget=client.budget.to_data()),
        )
        do_report_progress(job, done)
    result = MctsResult(
        found=found,
        iterations=done if stop == "iterations" else done - 1,
        stop=stop,
        best_path=principal_path(graph, start.pk),
        budget=client.budget.to_data(),
        search_stats=contribution.to_data(),
    )
    finish_search(job, result.to_data())


def principal_path(graph: nx.DiGraph, root: int) -> list[int]:
    """The most visited child at each level: what the search believes in."""
    path = [root]
    while True:
        children = sorted(graph.successors(path[-1]))
        if not children:
            return path
        best = max(children, key=lambda n: (graph.nodes[n]["visits"], -n))
        if graph.nodes[best]["visits"] == 0:
            return path
        path.append(best)
