"""A 10,000-node tree with 20,000 labels read through the API: SQL queries and latency."""

from __future__ import annotations

import random
import statistics
import time

from setup_db import setup

NODES = 10_000
LABELS = 20_000
RUNS = 20


def build(nodes: int = NODES, labels: int = LABELS) -> tuple[int, object]:
    from django.contrib.auth import get_user_model

    from trees.models import Node, Role, StepLabel, Tree
    from trees.services.campaigns import do_add_member, do_create_campaign
    from trees.services.imports import do_import_problems

    User = get_user_model()
    admin = User.objects.create_user("bench-admin", password="x")
    campaign = do_create_campaign("Bench", "bench", created_by=admin)
    do_import_problems(campaign, "gsm8k", ['{"question": "Big tree?", "answer": "#### 1"}'])
    tree = Tree.objects.get()
    root = Node.objects.get(tree=tree)
    rng = random.Random(7)
    # Bench data is made in bulk: the services are measured elsewhere, this measures the read.
    level = [root]
    made = 1
    while made < nodes:
        batch = []
        for parent in level:
            for order in range(3):
                if made + len(batch) >= nodes:
                    break
                batch.append(
                    Node(
                        tree=tree,
                        parent=parent,
                        depth=parent.depth + 1,
                        order=order,
                        text=f"Step {made + len(batch)}: 12 * {rng.randint(2, 99)} = "
                        f"{rng.randint(24, 1188)}. " + "x" * rng.randint(20, 200),
                    )
                )
        level = Node.objects.bulk_create(batch, batch_size=2000)
        made += len(level)
    experts = [User.objects.create_user(f"bench-expert-{i}", password="x") for i in range(4)]
    for expert in experts:
        do_add_member(campaign, expert, Role.EXPERT)
    step_ids = list(
        Node.objects.filter(tree=tree).exclude(parent=None).values_list("pk", flat=True)
    )
    rows = []
    for index in range(labels):
        node_id = step_ids[index % len(step_ids)]
        rows.append(
            StepLabel(
                node_id=node_id,
                expert=experts[(index // len(step_ids)) % 4],
                rating=rng.choice([1, 0, -1]),
            )
        )
    StepLabel.objects.bulk_create(rows, batch_size=5000)
    tree.node_count = made
    tree.save(update_fields=["node_count"])
    return tree.problem_id, experts[0]


def main() -> None:
    vendor = setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    problem_id, expert = build()
    client = Client()
    client.force_login(expert)
    url = f"/api/v1/problems/{problem_id}/tree/"
    timings = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            body = response.content
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    nodes = len(__import__("orjson").loads(body)["nodes"])
    print(
        f"tree_read ({vendor}): {nodes} nodes, {LABELS} labels, {len(queries)} SQL queries, "
        f"{len(body) / 1e6:.1f} MB; p50 {statistics.median(timings):.0f} ms, "
        f"p95 {sorted(timings)[int(RUNS * 0.95) - 1]:.0f} ms, min {min(timings):.0f} ms"
    )


if __name__ == "__main__":
    main()
