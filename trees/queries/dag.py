"""The step DAG of a tree (Steiner), read: its vertices (clusters with their member nodes),
edges and heuristic scores, and seeded sampled paths."""

from __future__ import annotations

from typing import Any, cast

from trees.core.dag import (
    DagStep,
    build_dag,
    path_to_plan,
    sample_dag_paths,
    steiner_scores,
)
from trees.core.derive import plan_to_data
from trees.errors import Invalid
from trees.models import Node, Tree
from trees.queries import without_deleted_subtrees

TEXT_PREVIEW = 300
PATH_DEFAULTS: dict[str, Any] = {"max_excursions": 2, "excursion_depth": 2, "excursion_rate": 0.5}


def dag_rows(tree: Tree) -> list[dict[str, Any]]:
    """The tree's nodes (not deleted, nor below a deleted one), parents first: one query."""
    rows = list(
        Node.objects.filter(tree=tree)
        .order_by("depth", "id")
        .values(
            "id",
            "parent_id",
            "depth",
            "cluster_id",
            "is_terminal",
            "correctness",
            "text",
            "is_deleted",
        )
    )
    # values() rows are plain dicts; django-stubs types them as TypedDicts.
    return without_deleted_subtrees(cast(list[dict[str, Any]], rows))


def dag_steps(rows: list[dict[str, Any]]) -> list[DagStep]:
    """`dag_rows` as the pure core's DAG steps."""
    return [
        DagStep(
            id=row["id"],
            parent=row["parent_id"],
            depth=row["depth"],
            cluster=row["cluster_id"],
            terminal=row["is_terminal"],
            correctness=row["correctness"],
        )
        for row in rows
    ]


def get_dag_payload(tree: Tree) -> dict[str, Any]:
    """The merged view of a tree: one vertex per cluster ("c<id>"; "n<node id>" for a node
    not clustered yet) with its member node ids, the edges between them with how many tree
    edges each stands for, and each vertex's Steiner scores. One query."""
    rows = dag_rows(tree)
    texts = {row["id"]: row["text"] for row in rows}
    graph = build_dag(dag_steps(rows))
    scores = steiner_scores(graph)
    vertices = []
    for vertex, data in sorted(graph.nodes(data=True), key=lambda item: min(item[1]["depths"])):
        vertices.append(
            {
                "id": vertex,
                "members": data["members"],
                "depth": min(data["depths"]),
                "text": texts[data["members"][0]][:TEXT_PREVIEW],
                "is_root": data["is_root"],
                "correct": data["correct"],
                "incorrect": data["incorrect"],
                **scores[vertex],
            }
        )
    return {
        "tree": tree.pk,
        "root": graph.graph.get("root"),
        "clustered": any(row["cluster_id"] is not None for row in rows),
        "vertices": vertices,
        "edges": [
            {"source": source, "target": target, "weight": data["weight"]}
            for source, target, data in sorted(graph.edges(data=True))
        ],
        "dropped_edges": graph.graph["dropped_edges"],
    }


def check_path_params(params: dict[str, Any]) -> dict[str, Any]:
    checked = {**PATH_DEFAULTS, **{k: v for k, v in params.items() if v is not None}}
    for name, high in (("max_excursions", 16), ("excursion_depth", 16)):
        value = checked[name]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
            raise Invalid(f"{name} must be an integer from 0 to {high}.", field=name)
    rate = checked["excursion_rate"]
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 1:
        raise Invalid("excursion_rate must be from 0 to 1.", field="excursion_rate")
    return checked


def get_dag_paths(tree: Tree, n: int, seed: int, params: dict[str, Any]) -> list[dict[str, Any]]:
    """`n` seeded paths on the DAG from the question to a correct answer, each with its
    vertex visits and the tree nodes a long thought would use for them."""
    params = check_path_params(params)
    rows = dag_rows(tree)
    steps = dag_steps(rows)
    graph = build_dag(steps)
    parents = {step.id: step.parent for step in steps}
    paths = sample_dag_paths(
        graph,
        n,
        seed,
        max_excursions=params["max_excursions"],
        excursion_depth=params["excursion_depth"],
        excursion_rate=params["excursion_rate"],
    )
    return [
        {
            "visits": [
                {"vertex": v.vertex, "action": v.action, "returns_to": v.returns_to} for v in path
            ],
            "plan": plan_to_data(path_to_plan(graph, path, parents)),
        }
        for path in paths
    ]
