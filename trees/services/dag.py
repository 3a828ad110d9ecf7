"""Long thoughts derived from a sampled path on the step DAG (Steiner). The DAG reads (its
vertices, edges, scores and sampled paths) live in trees.queries.dag."""

from __future__ import annotations

import random
from typing import Any

from trees.core.dag import build_dag, path_to_plan, sample_dag_path
from trees.core.derive import plan_to_data
from trees.core.render import render_prose, render_steiner
from trees.errors import Invalid
from trees.exporting.snapshots import load_view
from trees.models import LongThought, Tree
from trees.queries.dag import check_path_params, dag_rows, dag_steps
from trees.services.common import apply_stats
from trees.services.longthoughts import text_stats


def do_derive_dag_long_thought(
    tree: Tree, params: dict[str, Any], created_by: Any = None
) -> LongThought:
    """A journey long thought from one seeded DAG path (a draft, like any derived thought)."""
    render = params.get("render") or LongThought.Render.PROSE
    if render not in LongThought.PLAN_RENDERS:
        raise Invalid(f"render must be one of {list(LongThought.PLAN_RENDERS)}.", field="render")
    seed = params.get("seed")
    if seed is None:
        seed = random.randrange(2**31)
    path_params = check_path_params(
        {key: params.get(key) for key in ("max_excursions", "excursion_depth", "excursion_rate")}
    )
    steps = dag_steps(dag_rows(tree))
    graph = build_dag(steps)
    path = sample_dag_path(
        graph,
        random.Random(seed),
        max_excursions=path_params["max_excursions"],
        excursion_depth=path_params["excursion_depth"],
        excursion_rate=path_params["excursion_rate"],
    )
    if path is None:
        raise Invalid(
            "The step DAG has no path to a correct answer yet: it needs a terminal step the "
            "verifier graded correct."
        )
    plan = path_to_plan(graph, path, {step.id: step.parent for step in steps})
    view = load_view(tree.problem, with_parts=render == LongThought.Render.STEINER)
    if view is None:
        raise Invalid("This tree has no root.")
    rendered = render_steiner(view, plan) if render == "steiner" else render_prose(view, plan)
    thought = LongThought(
        tree=tree,
        style=LongThought.Style.JOURNEY,
        render=render,
        params={"source": "dag", "seed": seed, "render": render, **path_params},
        plan=plan_to_data(plan),
        rendered_text=rendered.text,
        thought_end=rendered.thought_end,
        answer=rendered.answer or "",
        spans=[list(span) for span in rendered.spans],
        created_by=created_by,
    )
    apply_stats(thought, text_stats(rendered.text, render, rendered.backtracks))
    thought.save()
    return thought
