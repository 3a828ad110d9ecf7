"""The step DAG (Steiner): steps that say the same thing share a cluster, the DAG has one vertex
per cluster, and paths sampled on it (with backtracking excursions) become long thoughts.

- `cluster_embeddings`: leader clustering of step embeddings by cosine similarity, only
  within a depth band, deterministic.
- `build_dag`: the cluster DAG as an `nx.DiGraph` (vertex keys "c<cluster>", or "n<node>"
  for a node that has no cluster yet), with each vertex's member nodes.
- `steiner_scores`: in-degree, out-degree, distance from the question, distance to a correct
  answer, and the heuristic score built from them.
- `sample_dag_paths`: seeded paths from the question to a correct answer with excursions
  into branches that cannot reach one; `path_to_plan` maps one onto tree nodes as a
  derivation plan (`trees.core.derive.Visit`) for the long-thought renderers.

Pure: numpy and networkx, no Django.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from trees.core.derive import Visit


@dataclass(frozen=True)
class DagStep:
    """One tree node as the DAG sees it."""

    id: int
    parent: int | None
    depth: int
    cluster: int | None = None
    terminal: bool = False
    correctness: str = "unknown"  # unknown | correct | incorrect


@dataclass(frozen=True)
class DagVisit:
    """One vertex of a sampled path and what follows it (as `Visit`, on vertices)."""

    vertex: str
    action: str  # proceed | backtrack | end
    returns_to: str | None = None


# --- Clustering -----------------------------------------------------------------------------


def normalize_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:[.,]\d+)*(?:/\d+)?")


def number_signature(text: str) -> tuple[str, ...]:
    """The numbers a step states, sorted: two arithmetic steps say the same thing only if
    they state the same numbers, which sentence embeddings do not see well ("12 / 3 = 4" and
    "12 / 2 = 6" embed closer than a paraphrase of either)."""
    return tuple(sorted(match.group(0).replace(",", "") for match in _NUMBER.finditer(text)))


def cluster_embeddings(
    embeddings: np.ndarray,
    depths: Sequence[int],
    threshold: float,
    band: int = 0,
    keys: Sequence[Hashable] | None = None,
) -> list[int]:
    """Cluster labels (0, 1, ... in order of first appearance) for the rows of `embeddings`.

    Leader clustering, in row order: a row joins the existing cluster whose leader (first
    member) is most similar to it, if that cosine similarity is at least `threshold` and the
    leader's depth is within `band` of its own; otherwise it leads a new cluster. Comparing
    with the leader, not with any member, keeps clusters from chaining far apart. Callers
    pass rows ordered by depth then id, so the result is deterministic. With `keys`, a row
    only joins a cluster whose leader has the same key (e.g. `number_signature`).
    """
    count = len(depths)
    if embeddings.shape[0] != count:
        raise ValueError("one embedding per step")
    if count == 0:
        return []
    vectors = normalize_rows(np.asarray(embeddings, dtype=np.float64))
    depth = np.asarray(depths)
    labels = [-1] * count
    leaders: list[int] = []
    for row in range(count):
        if leaders:
            leader_rows = np.asarray(leaders)
            near = np.abs(depth[leader_rows] - depth[row]) <= band
            if keys is not None:
                near &= np.asarray([keys[leader] == keys[row] for leader in leaders])
            if near.any():
                candidates = leader_rows[near]
                similarity = vectors[candidates] @ vectors[row]
                best = int(np.argmax(similarity))
                if similarity[best] >= threshold:
                    labels[row] = labels[int(candidates[best])]
                    continue
        labels[row] = len(leaders)
        leaders.append(row)
    return labels


# --- The DAG --------------------------------------------------------------------------------


def vertex_of(step: DagStep) -> str:
    return f"c{step.cluster}" if step.cluster is not None else f"n{step.id}"


def build_dag(steps: Iterable[DagStep]) -> nx.DiGraph:
    """The cluster DAG: a vertex per cluster (members, depths, whether any member is a correct
    or an incorrect answer), an edge u -> v weighted by how many tree edges join a member of u
    to a member of v.

    Clustering across depths can make cycles; edges are kept only when they go forward in a
    total order (mean depth, then smallest member id), so the graph is always acyclic. The
    number of dropped edges is in `graph.graph["dropped_edges"]`.
    """
    steps = list(steps)
    by_id = {step.id: step for step in steps}
    graph: nx.DiGraph[Any] = nx.DiGraph(dropped_edges=0, root=None)
    for step in sorted(steps, key=lambda s: (s.depth, s.id)):
        vertex = vertex_of(step)
        if vertex not in graph:
            graph.add_node(
                vertex,
                members=[],
                depths=[],
                correct_members=[],
                correct=False,
                incorrect=False,
                is_root=False,
            )
        attributes = graph.nodes[vertex]
        attributes["members"].append(step.id)
        attributes["depths"].append(step.depth)
        if step.terminal and step.correctness == "correct":
            attributes["correct"] = True
            attributes["correct_members"].append(step.id)
        if step.terminal and step.correctness == "incorrect":
            attributes["incorrect"] = True
        if step.parent is None:
            attributes["is_root"] = True
            graph.graph["root"] = vertex
    order = {
        vertex: (sum(data["depths"]) / len(data["depths"]), min(data["members"]))
        for vertex, data in graph.nodes(data=True)
    }
    for step in steps:
        parent = by_id.get(step.parent) if step.parent is not None else None
        if parent is None:
            continue
        source, target = vertex_of(parent), vertex_of(step)
        if source == target:
            continue
        if order[source] >= order[target]:
            graph.graph["dropped_edges"] += 1
            continue
        if graph.has_edge(source, target):
            graph.edges[source, target]["weight"] += 1
        else:
            graph.add_edge(source, target, weight=1)
    return graph


def answer_vertices(graph: nx.DiGraph) -> list[str]:
    return sorted(v for v, data in graph.nodes(data=True) if data["correct"])


def steiner_scores(graph: nx.DiGraph) -> dict[str, dict[str, Any]]:
    """Per vertex: in/out degree, hop distance from the question and to the nearest correct
    answer (None where there is no such path), and the heuristic score.

    Arbor's reading of Steiner's heuristic: a step many paths converge on (in-degree) is a
    consensus step, a step that branches (out-degree) is where alternatives were explored, and
    a step further from the question and nearer the answer has made progress:

        score = (1 + ln(1 + in)) * (1 + ln(1 + out)) * (1 + dq) / (1 + dq + da)

    and 0 for a vertex from which no correct answer can be reached.
    """
    root = graph.graph.get("root")
    from_question = nx.single_source_shortest_path_length(graph, root) if root in graph else {}
    to_answer: dict[str, int] = {}
    answers = answer_vertices(graph)
    if answers:
        # Distances to the nearest answer: a multi-source search on the reversed graph.
        # Hops, not edge weights (the weights count tree edges).
        to_answer = dict(
            nx.multi_source_dijkstra_path_length(
                graph.reverse(copy=False), answers, weight=lambda *_: 1
            )
        )
    scores = {}
    for vertex in graph.nodes:
        indegree, outdegree = graph.in_degree(vertex), graph.out_degree(vertex)
        dq, da = from_question.get(vertex), to_answer.get(vertex)
        if da is None:
            score = 0.0
        else:
            depth_from_question = dq if dq is not None else 0
            score = (
                (1 + math.log1p(indegree))
                * (1 + math.log1p(outdegree))
                * (1 + depth_from_question)
                / (1 + depth_from_question + da)
            )
        scores[vertex] = {
            "in_degree": indegree,
            "out_degree": outdegree,
            "dist_from_question": dq,
            "dist_to_answer": None if da is None else int(da),
            "score": round(score, 6),
        }
    return scores


# --- Path sampling --------------------------------------------------------------------------


def _weighted(rng: random.Random, choices: Sequence[str], weights: Sequence[float]) -> str:
    total = sum(weights)
    if total <= 0:
        return choices[rng.randrange(len(choices))]
    return rng.choices(list(choices), weights=list(weights), k=1)[0]


def sample_dag_path(
    graph: nx.DiGraph,
    rng: random.Random,
    *,
    scores: dict[str, dict[str, Any]] | None = None,
    max_excursions: int = 2,
    excursion_depth: int = 2,
    excursion_rate: float = 0.5,
) -> list[DagVisit] | None:
    """One path from the question to a correct answer, or None when there is none.

    The main path moves to a successor that can still reach a correct answer, chosen with
    probability proportional to its heuristic score. At a vertex that also has successors
    that cannot, it makes (with probability `excursion_rate`, at most `max_excursions` times)
    an excursion of up to `excursion_depth` vertices into one of them, then backtracks to the
    vertex it left from and goes on.
    """
    scores = scores if scores is not None else steiner_scores(graph)
    root = graph.graph.get("root")
    if root is None or scores[root]["dist_to_answer"] is None:
        return None
    visits: list[DagVisit] = []
    excursions = 0
    vertex = root
    while True:
        if graph.nodes[vertex]["correct"]:
            visits.append(DagVisit(vertex, "end"))
            return visits
        visits.append(DagVisit(vertex, "proceed"))
        successors = sorted(graph.successors(vertex))
        good = [v for v in successors if scores[v]["dist_to_answer"] is not None]
        bad = [v for v in successors if scores[v]["dist_to_answer"] is None]
        if bad and excursions < max_excursions and rng.random() < excursion_rate:
            excursions += 1
            visits.extend(_excursion(graph, rng, bad, vertex, excursion_depth))
        if not good:  # unreachable while dist_to_answer is consistent; kept as a guard
            return None
        vertex = _weighted(rng, good, [scores[v]["score"] for v in good])


def _excursion(
    graph: nx.DiGraph, rng: random.Random, starts: Sequence[str], home: str, depth: int
) -> list[DagVisit]:
    walk = [starts[rng.randrange(len(starts))]]
    while len(walk) < max(1, depth):
        onward = sorted(graph.successors(walk[-1]))
        if not onward:
            break
        walk.append(onward[rng.randrange(len(onward))])
    visits = [DagVisit(v, "proceed") for v in walk[:-1]]
    visits.append(DagVisit(walk[-1], "backtrack", returns_to=home))
    return visits


def sample_dag_paths(
    graph: nx.DiGraph,
    n: int,
    seed: int = 0,
    *,
    max_excursions: int = 2,
    excursion_depth: int = 2,
    excursion_rate: float = 0.5,
) -> list[list[DagVisit]]:
    """`n` sampled paths (fewer, none, when the DAG has no way to a correct answer); the same
    seed gives the same paths."""
    rng = random.Random(seed)
    scores = steiner_scores(graph)
    paths = []
    for _ in range(n):
        path = sample_dag_path(
            graph,
            rng,
            scores=scores,
            max_excursions=max_excursions,
            excursion_depth=excursion_depth,
            excursion_rate=excursion_rate,
        )
        if path is None:
            break
        paths.append(path)
    return paths


def path_to_plan(
    graph: nx.DiGraph, path: Sequence[DagVisit], parents: dict[int, int | None]
) -> list[Visit]:
    """A sampled path on tree nodes: each vertex becomes one member node, preferring a child of
    the node chosen just before (so each step continues the text above it), and the final
    vertex a member that is a correct answer. Backtracks return to the node chosen for the
    vertex they return to. The root vertex is the question and is not a step of the plan."""
    chosen: dict[str, int] = {}
    plan: list[Visit] = []
    previous: int | None = None
    for visit in path:
        members = graph.nodes[visit.vertex]["members"]
        if visit.action == "end":
            members = graph.nodes[visit.vertex]["correct_members"] or members
        node = next((m for m in members if parents.get(m) == previous), members[0])
        if graph.nodes[visit.vertex]["is_root"]:
            chosen[visit.vertex] = node
            previous = node
            continue
        chosen.setdefault(visit.vertex, node)
        if visit.action == "backtrack":
            home = chosen[visit.returns_to] if visit.returns_to is not None else None
            plan.append(Visit(node, "backtrack", returns_to=home, reason="this leads nowhere"))
            previous = home
        else:
            plan.append(Visit(node, visit.action))
            previous = node
    return plan
