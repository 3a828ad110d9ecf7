"""Step-level beam search against independent sampling at an equal budget of model calls, on
50 generated demo problems with the demo reasoner: nodes expanded per second, and model calls
(and generated tokens) per verified correct answer. Needs the demo model
(`python manage.py build_demo_model`).

Beam search runs as the product runs it: a beam_search Job on each problem's root, its body
called in-process (`workers.jobs.beam_search.run_beam_search`, through the Celery task),
storing every node in a throwaway database. Independent sampling makes the same number of
calls, each asking for k whole solutions from the question (the same n per call as the beam's
k), and stops at the first one the verifier grades correct, as the beam does.

    python bench/search.py [--problems 50] [--calls 12] [--k 4] [--beam 2] [--depth 8]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from setup_db import setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=50)
    parser.add_argument("--calls", type=int, default=12, help="budget per problem, both ways")
    parser.add_argument("--k", type=int, default=4)
    parser.add_argument("--beam", type=int, default=2)
    parser.add_argument("--depth", type=int, default=8)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    vendor = setup("arbor_bench_search")

    from django.contrib.auth import get_user_model

    from trees.core.search import Budget
    from trees.models import Job, Node
    from trees.services.campaigns import do_create_campaign
    from trees.services.imports import do_import_problems
    from trees.services.jobs import do_create_job
    from trees.services.profiles import ensure_campaign_profile
    from workers.client import ModelClient
    from workers.demo.problems import generate_problems
    from workers.tasks import beam_search

    user = get_user_model().objects.create_user("bench")
    campaign = do_create_campaign("Search bench", "search-bench", created_by=user)
    problems = generate_problems(args.problems, args.seed)
    lines = [
        json.dumps(
            {"id": f"b{i}", "question": p.question, "answer": str(p.answer), "solutions": []}
        )
        for i, p in enumerate(problems)
    ]
    assert do_import_problems(campaign, "solutions", lines).imported == args.problems
    roots = list(
        Node.objects.filter(tree__problem__campaign=campaign, parent=None)
        .select_related("tree__problem")
        .order_by("tree__problem__external_id")
    )
    profile = ensure_campaign_profile(campaign)
    budget = {"max_calls": args.calls}

    # Warm the model once so neither side pays for loading it.
    ModelClient(Job(seed=0), roots[0].tree.problem, profile, Budget()).expand([roots[0]], 1)

    beam = {"solved": 0, "calls": 0, "tokens": 0, "expansions": 0, "nodes": 0, "seconds": 0.0}
    for index, root in enumerate(roots):
        job, _ = do_create_job(
            "beam_search",
            campaign=campaign,
            tree=root.tree,
            node=root,
            params={
                "beam_width": args.beam,
                "k": args.k,
                "max_depth": args.depth,
                "score": "confidence",
                "stop_on_correct": True,
                "seed": args.seed + index,
                "budget": budget,
            },
        )
        start = time.perf_counter()
        beam_search.apply(args=[job.pk])
        beam["seconds"] += time.perf_counter() - start
        job.refresh_from_db()
        assert job.status == "succeeded", job.error
        beam["solved"] += 1 if job.result["found"] else 0
        beam["calls"] += job.result["budget"]["calls"]
        beam["tokens"] += job.result["budget"]["tokens"]
        beam["expansions"] += job.result["expanded"]
        beam["nodes"] += Node.objects.filter(job=job).count()

    sampled = {"solved": 0, "calls": 0, "tokens": 0, "samples": 0, "seconds": 0.0}
    for index, root in enumerate(roots):
        calls = ModelClient(
            Job(seed=args.seed + index),
            root.tree.problem,
            profile,
            Budget(max_calls=args.calls),
        )
        start = time.perf_counter()
        solved = False
        while not solved:
            rollouts = calls.rollouts([root], args.k)
            if rollouts is None:
                break
            sampled["samples"] += len(rollouts)
            solved = any(rollout.correct for rollout in rollouts)
        sampled["seconds"] += time.perf_counter() - start
        sampled["solved"] += 1 if solved else 0
        sampled["calls"] += calls.budget.calls
        sampled["tokens"] += calls.budget.tokens

    def per(total: float, solved: int) -> str:
        return f"{total / solved:.1f}" if solved else "n/a"

    print(
        f"{args.problems} demo problems, budget {args.calls} model calls each, k={args.k} "
        f"samples per call, beam width {args.beam}, depth {args.depth} ({vendor})"
    )
    print(
        f"beam search:          {beam['expansions'] / beam['seconds']:.1f} nodes expanded/s "
        f"({beam['nodes'] / beam['seconds']:.1f} new nodes stored/s); solved "
        f"{beam['solved']}/{args.problems}; {per(beam['calls'], beam['solved'])} model calls and "
        f"{per(beam['tokens'], beam['solved'])} tokens per verified correct answer "
        f"({beam['calls']} calls, {beam['seconds']:.1f} s)"
    )
    print(
        f"independent sampling: {sampled['samples'] / sampled['seconds']:.1f} solutions/s; solved "
        f"{sampled['solved']}/{args.problems}; {per(sampled['calls'], sampled['solved'])} model "
        f"calls and {per(sampled['tokens'], sampled['solved'])} tokens per verified correct "
        f"answer ({sampled['calls']} calls, {sampled['seconds']:.1f} s)"
    )


if __name__ == "__main__":
    main()
