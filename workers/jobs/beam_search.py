"""A beam-search job: keep the B best frontier nodes by the chosen score (confidence, MC value
from rollouts, or the critic's score), expand each into k, to depth D or until the verifier
grades an answer correct (O1-Journey's tree construction)."""

from __future__ import annotations

from typing import Any

from trees.core.jobresults import BeamSearchResult
from trees.core.search import Scored, beam_select, first_correct
from trees.models import Job, Node
from trees.services.jobs import do_report_progress
from trees.services.search import (
    do_set_scores,
    do_store_children,
    do_store_search_probe,
    finish_search,
)
from workers.client import ModelClient
from workers.critic import critic_score
from workers.jobs.context import node_context
from workers.jobs.search_common import job_budget, scored


def run_beam_search(job: Job) -> None:
    ctx = node_context(job)
    params = job.params
    width, k, depth_limit = int(params["beam_width"]), int(params["k"]), int(params["max_depth"])
    by, stop_on_correct = params.get("score", "confidence"), params.get("stop_on_correct", True)
    client = ModelClient(job, ctx.problem, ctx.profile, job_budget(job))
    frontier: list[list[Node]] = [ctx.path]
    found: list[Node] | None = None
    expanded, stop, depth = 0, "depth", 0
    do_report_progress(job, 0, depth_limit)
    for depth in range(1, depth_limit + 1):
        layer: dict[int, list[Node]] = {}
        for node_path in frontier:
            candidates = client.expand(node_path, k)
            if candidates is None:
                stop = "budget"
                break
            expanded += 1
            for child in do_store_children(job, node_path[-1], candidates, ctx.profile):
                layer.setdefault(child.pk, [*node_path, child])
        nodes = [layer[pk][-1] for pk in sorted(layer)]
        scores = beam_scores(job, client, by, layer, nodes, params)
        correct = first_correct(scores)
        if correct is not None and found is None:
            found = layer[correct.id]
        if found is not None and stop_on_correct:
            stop = "found"
            break
        frontier = [layer[c.id] for c in beam_select(scores, width, by)]
        do_report_progress(job, depth)
        if stop == "budget":
            break
        if not frontier:
            stop = "no open nodes"
            break
    result = BeamSearchResult(
        found=found[-1].pk if found else None,
        found_path=[node.pk for node in found[1:]] if found else None,
        expanded=expanded,
        depth=depth,
        stop=stop,
        budget=client.budget.to_data(),
    )
    finish_search(job, result.to_data())


def beam_scores(
    job: Job,
    client: ModelClient,
    by: str,
    layer: dict[int, list[Node]],
    nodes: list[Node],
    params: dict[str, Any],
) -> list[Scored]:
    """The layer's nodes scored by `by`; MC values come from rollouts with the rollout
    template, each stored as the node's value estimate."""
    if by == "confidence":
        return [scored(node) for node in nodes]
    values: dict[int, float | None] = {}
    for node in nodes:
        if node.is_terminal:
            continue
        if by == "mc_value":
            rollouts = client.rollouts(layer[node.pk], int(params.get("rollouts", 4)))
            if rollouts is None:
                break  # out of budget: the rest stay unscored (they rank last)
            stored = do_store_search_probe(job, node, [rollout.correct for rollout in rollouts])
            values[node.pk] = stored.mc_soft
        else:
            values[node.pk] = critic_score(client, layer[node.pk])
    if by == "critic":
        do_set_scores(job, values)
    return [scored(node, **{by: values.get(node.pk)}) for node in nodes]
