"""Search policies for automated tree building: step-level beam search (O1-Journey's tree
construction), MCTS selection by UCT or PUCT, backpropagation, and budget accounting.

Pure: plain dataclasses and networkx graphs, no Django, no model calls. The workers drive the
loops (generate, store, score); these functions decide what to keep, where to go next and
what the statistics become, so they can be tested on synthetic trees with known values.

A search graph is an `nx.DiGraph` whose nodes carry the attributes of `SearchStats`
(`visits`, `value_sum`, `prior`, `terminal`, `value`), edges pointing from parent to child.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

SCORES = ("confidence", "mc_value", "critic")
POLICIES = ("uct", "puct")


class BudgetExhausted(Exception):
    """Raised by `Budget.charge` when a charge would pass the limit (a caller bug: callers
    ask `allows` first). The workers stop cleanly on `Budget.allows` returning False."""


@dataclass
class Budget:
    """A search's allowance in model calls and/or generated tokens (None: unlimited).

    Honoured exactly: a call is only made when it is allowed *before* it happens, and a call
    that may generate up to `n * max_tokens` tokens is only allowed when that many are left,
    so `calls` and `tokens` never pass their limits.
    """

    max_calls: int | None = None
    max_tokens: int | None = None
    calls: int = 0
    tokens: int = 0

    def allows(self, n: int = 1, max_tokens: int = 0) -> bool:
        """Whether one more call of `n` samples of at most `max_tokens` tokens fits."""
        if self.max_calls is not None and self.calls + 1 > self.max_calls:
            return False
        return self.max_tokens is None or self.tokens + n * max_tokens <= self.max_tokens

    def tokens_left(self) -> int | None:
        return None if self.max_tokens is None else self.max_tokens - self.tokens

    def fit_max_tokens(self, n: int, wanted: int) -> int:
        """The largest per-sample token limit up to `wanted` that still fits (0: none)."""
        left = self.tokens_left()
        if left is None:
            return wanted
        return max(0, min(wanted, left // max(1, n)))

    def charge(self, tokens: int, calls: int = 1) -> None:
        if self.max_calls is not None and self.calls + calls > self.max_calls:
            raise BudgetExhausted(f"{self.calls + calls} calls > {self.max_calls}")
        if self.max_tokens is not None and self.tokens + tokens > self.max_tokens:
            raise BudgetExhausted(f"{self.tokens + tokens} tokens > {self.max_tokens}")
        self.calls += calls
        self.tokens += tokens

    @property
    def exhausted(self) -> bool:
        return not self.allows(1, 1)

    def to_data(self) -> dict[str, Any]:
        return {
            "max_calls": self.max_calls,
            "max_tokens": self.max_tokens,
            "calls": self.calls,
            "tokens": self.tokens,
        }

    @classmethod
    def from_params(cls, params: Mapping[str, Any] | None) -> Budget:
        params = params or {}
        return cls(max_calls=params.get("max_calls"), max_tokens=params.get("max_tokens"))


# --- Beam search ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    """A frontier candidate as beam search sees it. Missing signals are None."""

    id: int
    confidence: float | None = None
    mc_value: float | None = None
    critic: float | None = None
    terminal: bool = False
    correct: bool | None = None


def score_of(candidate: Scored, by: str) -> float:
    """The candidate's score under `by` (confidence, mc_value or critic); a missing signal
    scores below every real one."""
    if by not in SCORES:
        raise ValueError(f"unknown score {by!r}; use one of {SCORES}")
    value = getattr(candidate, by)
    return -math.inf if value is None else float(value)


def beam_select(candidates: Iterable[Scored], width: int, by: str) -> list[Scored]:
    """The `width` best open (non-terminal) candidates by score, best first; ties go to the
    older node (smaller id), so the choice is deterministic."""
    if width < 1:
        raise ValueError("beam width must be at least 1")
    open_ones = [candidate for candidate in candidates if not candidate.terminal]
    open_ones.sort(key=lambda candidate: (-score_of(candidate, by), candidate.id))
    return open_ones[:width]


def first_correct(candidates: Iterable[Scored]) -> Scored | None:
    """The first terminal candidate the verifier graded correct, if any."""
    return next((c for c in candidates if c.terminal and c.correct), None)


# --- MCTS -----------------------------------------------------------------------------------


def uct_score(parent_visits: int, visits: int, value_sum: float, c: float = math.sqrt(2)) -> float:
    """UCT (UCB1 on trees): mean value plus c * sqrt(ln N / n). Unvisited children first."""
    if visits == 0:
        return math.inf
    return value_sum / visits + c * math.sqrt(math.log(max(parent_visits, 1)) / visits)


def puct_score(
    parent_visits: int, visits: int, value_sum: float, prior: float, c: float = 1.5
) -> float:
    """PUCT (AlphaZero): mean value plus c * prior * sqrt(N) / (1 + n). The prior here is the
    step's confidence; an unvisited child's mean counts as 0."""
    mean = value_sum / visits if visits else 0.0
    return mean + c * prior * math.sqrt(max(parent_visits, 1)) / (1 + visits)


@dataclass
class SearchStats:
    """The statistics a search node carries (as attributes of a graph node)."""

    visits: int = 0
    value_sum: float = 0.0
    prior: float = 1.0
    terminal: bool = False
    value: float | None = None  # the verifier's verdict on a terminal: 1.0 or 0.0


def child_score(graph: nx.DiGraph, parent: Any, child: Any, policy: str, c: float) -> float:
    node = graph.nodes[child]
    parent_visits = graph.nodes[parent].get("visits", 0)
    if policy == "uct":
        return uct_score(parent_visits, node.get("visits", 0), node.get("value_sum", 0.0), c)
    if policy == "puct":
        prior = node.get("prior")
        return puct_score(
            parent_visits,
            node.get("visits", 0),
            node.get("value_sum", 0.0),
            1.0 if prior is None else prior,
            c,
        )
    raise ValueError(f"unknown policy {policy!r}; use one of {POLICIES}")


def best_child(graph: nx.DiGraph, parent: Any, policy: str, c: float) -> Any | None:
    """The child with the highest policy score (ties to the smallest id); None for a leaf."""
    children = sorted(graph.successors(parent))
    if not children:
        return None
    return max(children, key=lambda child: (child_score(graph, parent, child, policy, c), -child))


def select_path(
    graph: nx.DiGraph,
    root: Any,
    policy: str = "uct",
    c: float = math.sqrt(2),
    is_expandable: Callable[[Any], bool] | None = None,
) -> list[Any]:
    """Selection: descend from `root` by the policy until a leaf, a terminal, or a node that
    `is_expandable` says still wants children. Returns the path, root first."""
    path = [root]
    node = root
    while True:
        if graph.nodes[node].get("terminal"):
            return path
        if is_expandable is not None and node != root and is_expandable(node):
            return path
        child = best_child(graph, node, policy, c)
        if child is None:
            return path
        path.append(child)
        node = child


def backpropagate(graph: nx.DiGraph, path: Sequence[Any], value: float) -> None:
    """Add one visit and `value` to every node on the path (in place)."""
    for node in path:
        attributes = graph.nodes[node]
        attributes["visits"] = attributes.get("visits", 0) + 1
        attributes["value_sum"] = attributes.get("value_sum", 0.0) + value


@dataclass
class Contribution:
    """What one search added to the nodes' statistics: node -> [visits, value_sum]. Stored
    with the job so a re-run of the same job replaces, never adds to, its own earlier part."""

    stats: dict[int, list[float]] = field(default_factory=dict)

    def add(self, path: Iterable[int], value: float) -> None:
        for node in path:
            visits, total = self.stats.get(node, [0, 0.0])
            self.stats[node] = [visits + 1, total + value]

    def deltas(
        self, previous: Mapping[str, Sequence[float]] | None
    ) -> dict[int, tuple[int, float]]:
        """Per node, what to add to the stored statistics so they hold this contribution
        instead of `previous` (the contribution stored before, keys as JSON strings)."""
        previous = previous or {}
        nodes = {int(key) for key in previous} | set(self.stats)
        result = {}
        for node in sorted(nodes):
            old_visits, old_total = previous.get(str(node), (0, 0.0))
            new_visits, new_total = self.stats.get(node, (0, 0.0))
            if (new_visits, new_total) != (old_visits, old_total):
                result[node] = (int(new_visits - old_visits), float(new_total - old_total))
        return result

    def to_data(self) -> dict[str, list[float]]:
        return {str(node): [int(v[0]), float(v[1])] for node, v in sorted(self.stats.items())}


def mean_value(graph: nx.DiGraph, node: Any) -> float | None:
    attributes = graph.nodes[node]
    visits = attributes.get("visits", 0)
    return attributes.get("value_sum", 0.0) / visits if visits else None
