"""Labelled steps to PRM stepwise JSONL on the export job's own code path: rows per second and
the exporting process's peak RSS, at 100,000 and at 200,000 labelled steps (memory must stay
flat as the data doubles). Target (DESIGN section 8): 20,000+ rows/s, peak RSS under 300 MB.

The data is PRM800K-shaped: each problem has a 10-step chosen path ending in a correct answer
and one labelled alternative beside every chosen step (20 labelled steps per problem). It is
made with bulk_create (bench data; the services are measured elsewhere). Each export runs in
a fresh child process, so its peak RSS is the export's alone.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from setup_db import setup

DEPTH = 10  # chosen steps per problem; each has one alternative sibling
SIZES = (100_000, 200_000)


def build(slug: str, steps: int, seed: int) -> None:
    """A campaign with `steps` labelled steps (steps / 20 problems), one label each."""
    from django.contrib.auth import get_user_model

    from trees.models import Campaign, Node, Problem, StepLabel, Tree

    User = get_user_model()
    expert, _ = User.objects.get_or_create(username="bench-expert")
    campaign = Campaign.objects.create(name=slug, slug=slug)
    rng = random.Random(seed)
    problems_total = steps // (2 * DEPTH)
    chunk = 1000
    for start in range(0, problems_total, chunk):
        count = min(chunk, problems_total - start)
        problems = Problem.objects.bulk_create(
            Problem(
                campaign=campaign,
                external_id=f"{slug}-{start + i}",
                statement=f"[{start + i}] A farm has {rng.randint(2, 999)} hens. Each lays "
                f"{rng.randint(2, 99)} eggs a week and {rng.randint(2, 50)} break. How many "
                "whole eggs are there after one week?",
                reference_answer=str(rng.randint(10, 9999)),
            )
            for i in range(count)
        )
        trees = Tree.objects.bulk_create(
            Tree(problem=p, node_count=1 + 2 * DEPTH, labelled_count=2 * DEPTH) for p in problems
        )
        parents = Node.objects.bulk_create(
            Node(tree=t, text=p.statement, kind="root", origin="import")
            for t, p in zip(trees, problems, strict=True)
        )
        labelled: list[Node] = []
        for depth in range(1, DEPTH + 1):
            last = depth == DEPTH
            made = []
            for tree, parent in zip(trees, parents, strict=True):
                a, b = rng.randint(2, 99), rng.randint(2, 99)
                made.append(
                    Node(
                        tree=tree,
                        parent=parent,
                        text=f"A: {a * b}"
                        if last
                        else f"Step {depth}: {a} * {b} = {a * b}, "
                        f"which we carry into the next line of the working.",
                        kind="answer" if last else "step",
                        origin="import",
                        depth=depth,
                        order=0,
                        is_terminal=last,
                        correctness="correct" if last else "unknown",
                        labels_pos=1,
                    )
                )
                rating = rng.choice((-1, -1, 0, 1))
                made.append(
                    Node(
                        tree=tree,
                        parent=parent,
                        text=f"Step {depth}: {a} + {b} = {a + b}, which looks right but is a "
                        "different quantity altogether.",
                        origin="import",
                        depth=depth,
                        order=1,
                        labels_pos=int(rating == 1),
                        labels_zero=int(rating == 0),
                        labels_neg=int(rating == -1),
                    )
                )
            made = Node.objects.bulk_create(made, batch_size=5000)
            labelled.extend(made)
            parents = made[0::2]  # the chosen steps
        StepLabel.objects.bulk_create(
            (
                StepLabel(
                    node_id=n.pk,
                    expert=expert,
                    rating=1 if n.labels_pos else (0 if n.labels_zero else -1),
                )
                for n in labelled
            ),
            batch_size=5000,
        )


def analyze() -> None:
    """Refresh the planner's statistics, as autovacuum does for a live database: right after a
    bulk load PostgreSQL knows nothing of the new rows and may pick a slow plan."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def proc_status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (Linux), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak_rss() -> bool:
    """Reset the kernel's RSS high-water mark (VmHWM), so it measures what follows alone."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def child(slug: str) -> None:
    """Run one export job in this fresh process and print its figures as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
    import django

    django.setup()
    from trees.models import Campaign
    from trees.services.exports import do_create_export, export_path

    campaign = Campaign.objects.get(slug=slug)
    startup_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    before = proc_status_mb("VmRSS")
    reset = reset_peak_rss()
    # The jobs mode is inline (setup_db): the export job runs its task as soon as the
    # create commits, on the same code path a worker runs.
    started = time.perf_counter()
    export, _job, _ = do_create_export(campaign, "prm-stepwise", {})
    seconds = time.perf_counter() - started
    export.refresh_from_db()
    print(
        json.dumps(
            {
                "status": export.status,
                "rows": export.rows,
                "bytes": export.bytes,
                "seconds": seconds,
                "startup_peak_mb": startup_peak,
                "before_mb": before,
                # With the high-water mark reset, VmHWM is the export's own peak.
                "peak_mb": proc_status_mb("VmHWM") if reset else startup_peak,
                "file": str(export_path(export)),
            }
        )
    )


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
        return
    vendor = setup("arbor_bench_export")
    print(f"database: {vendor}")
    for number, steps in enumerate(SIZES):
        slug = f"bench-{steps // 1000}k"
        started = time.perf_counter()
        build(slug, steps, seed=number)
        print(f"built {steps:,} labelled steps ({slug}) in {time.perf_counter() - started:.1f} s")
    analyze()
    media = tempfile.mkdtemp(prefix="arbor-bench-media-")
    env = {**os.environ, "MEDIA_ROOT": media}
    try:
        for steps in SIZES:
            slug = f"bench-{steps // 1000}k"
            result = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--child", slug],
                env=env,
                capture_output=True,
                text=True,
            )
            if result.returncode:
                raise SystemExit(f"the export child failed:\n{result.stderr[-3000:]}")
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            assert figures["status"] == "succeeded", figures
            print(
                f"PRM stepwise export of {steps:,} labelled steps: {figures['rows']:,} rows, "
                f"{figures['bytes'] / 1e6:.1f} MB in {figures['seconds']:.2f} s = "
                f"{figures['rows'] / figures['seconds']:,.0f} rows/s "
                f"({steps / figures['seconds']:,.0f} steps/s); peak RSS during the export "
                f"{figures['peak_mb']:.0f} MB (RSS before it {figures['before_mb']:.0f} MB; "
                f"start-up and imports peaked at {figures['startup_peak_mb']:.0f} MB)"
            )
    finally:
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    main()
