"""Long-thought derivation over 100,000-node trees: index, journey plan and renderings.

Pure Python, no database. Two shapes: a bushy random tree (what search leaves behind: many
short branches) and a deep one (a 25,000-step correct path with wrong siblings at every
step, so the journey itself is long). Target (DESIGN section 8): derivation of a journey
over a 100,000-node tree in under 1 s. Prints the median of a few runs.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# The repository root, so that `python bench/derive.py` finds the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trees.core.derive import (
    StepView,
    TreeView,
    derive_journey,
    derive_shortcut,
    index_tree,
)
from trees.core.export_rows import prm_stepwise_rows
from trees.core.render import render_prose, render_steiner

NODES = 100_000
RUNS = 5
SEED = 7


def _rating(rng: random.Random) -> int | None:
    # About 60% of steps labelled, mostly +1, as after a labelling pass.
    roll = rng.random()
    if roll < 0.4:
        return None
    if roll < 0.75:
        return 1
    if roll < 0.85:
        return 0
    return -1


def bushy_tree(nodes: int = NODES, seed: int = SEED) -> TreeView:
    """A random recursive tree (each node under a uniformly chosen earlier one): depth about
    ln(n) on average, half the nodes leaves; 70% of leaves are answers, a third of them right."""
    rng = random.Random(seed)
    parents = [None] + [rng.randrange(i) for i in range(1, nodes)]
    has_children = [False] * nodes
    counts = [0] * nodes
    orders = [0] * nodes
    for i in range(1, nodes):
        parent = parents[i]
        has_children[parent] = True
        orders[i] = counts[parent]
        counts[parent] += 1
    steps: dict[int, StepView] = {}
    for i in range(nodes):
        terminal = i > 0 and not has_children[i] and rng.random() < 0.7
        answer = 42 if rng.random() < 0.33 else rng.randrange(100)
        steps[i] = StepView(
            id=i,
            parent=parents[i],
            text=f"The answer is {answer}." if terminal else f"Step {i}: {i} * 3 = {i * 3}.",
            order=orders[i],
            is_terminal=terminal,
            correctness=("correct" if answer == 42 else "incorrect") if terminal else "unknown",
            rating=_rating(rng) if i else None,
        )
    return TreeView(problem="What is 6 * 7?", reference_answer="42", steps=steps, root=0)


def deep_tree(nodes: int = NODES, seed: int = SEED) -> TreeView:
    """A correct path of nodes/4 steps, each step with three wrong siblings (one rated -1,
    two ending in wrong answers)."""
    rng = random.Random(seed)
    steps: dict[int, StepView] = {0: StepView(0, None, "What is 6 * 7?", 0)}
    spine = nodes // 4
    parent = 0
    next_id = 1
    for depth in range(spine):
        last = depth == spine - 1
        node = next_id
        steps[node] = StepView(
            id=node,
            parent=parent,
            text="The answer is 42." if last else f"Step {depth}: carry on with {depth}.",
            order=rng.randrange(4),
            is_terminal=last,
            correctness="correct" if last else "unknown",
            rating=1 if rng.random() < 0.8 else None,
        )
        for k in range(3):
            wrong = next_id + 1 + k
            steps[wrong] = StepView(
                id=wrong,
                parent=parent,
                text=f"The answer is {depth}." if k else f"Step {depth}: a slip.",
                order=rng.randrange(4),
                is_terminal=bool(k),
                correctness="incorrect" if k else "unknown",
                rating=-1 if k == 0 else None,
            )
        next_id += 4
        parent = node
    return TreeView(problem="What is 6 * 7?", reference_answer="42", steps=steps, root=0)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(RUNS):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def report(name: str, tree: TreeView) -> None:
    print(f"{name}: {len(tree.steps):,} nodes")
    index_ms, index = timed(lambda: index_tree(tree))
    journey_ms, plan = timed(lambda: derive_journey(tree))
    shortcut_ms, shortcut = timed(lambda: derive_shortcut(tree, index=index))
    assert plan is not None and shortcut is not None, "the bench tree must have a correct path"
    prose_ms, prose = timed(lambda: render_prose(tree, plan))
    steiner_ms, steiner = timed(lambda: render_steiner(tree, plan))
    rows_ms, rows = timed(lambda: sum(1 for _ in prm_stepwise_rows(tree)))
    backtracks = sum(v.action == "backtrack" for v in plan)
    print(f"  index_tree                  {index_ms:8.1f} ms")
    print(
        f"  derive_journey (with index) {journey_ms:8.1f} ms  "
        f"{len(plan):,} visits, {backtracks:,} backtracks"
    )
    print(f"  derive_shortcut (indexed)   {shortcut_ms:8.1f} ms  {len(shortcut):,} steps")
    print(f"  render_prose                {prose_ms:8.1f} ms  {len(prose.text):,} chars")
    print(f"  render_steiner              {steiner_ms:8.1f} ms  {len(steiner.text):,} chars")
    print(f"  journey + prose             {journey_ms + prose_ms:8.1f} ms  (target < 1000 ms)")
    print(
        f"  prm_stepwise_rows           {rows_ms:8.1f} ms  {rows:,} rows "
        f"({rows / (rows_ms / 1000):,.0f} rows/s)"
    )


def main() -> None:
    print(f"median of {RUNS} runs")
    report("bushy random tree", bushy_tree())
    report("deep tree", deep_tree())


if __name__ == "__main__":
    main()
