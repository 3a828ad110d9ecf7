"""DESIGN §8's realtime and load bars, against the real ASGI server (daphne) in a subprocess:

1. 50 websocket viewers of one tree: the time from sending a label (HTTP) until each viewer
   has the `label.changed` event, over 30 labels (1,500 deliveries).
2. 50 experts labelling at once for BENCH_SECONDS (default 60): requests, errors, lost labels
   (the database disagrees with the last label the server accepted) and latency.

Uses a throwaway database (PostgreSQL when DATABASE_URL is set, else SQLite) and, with
REDIS_URL set, the Redis channel layer, as in services mode."""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REDIS_URL = os.environ.get("REDIS_URL")  # setup() drops it for this process; the server keeps it

from setup_db import setup  # noqa: E402
from tree_read import build  # noqa: E402

VIEWERS = 50
EXPERTS = 50
LABELS = 30
SECONDS = int(os.environ.get("BENCH_SECONDS", "60"))
# Pause between one expert's labels: 0 is a closed loop (the server's saturation), 1000 ms is a
# very fast human.
THINK_MS = [int(x) for x in os.environ.get("BENCH_THINK_MS", "0,1000").split(",")]
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def make_people() -> tuple[int, list[int], list[str], list[str]]:
    """Experts with API tokens and logged-in sessions, on a 300-step tree."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from rest_framework.authtoken.models import Token

    from trees.models import Campaign, Node, Role
    from trees.services.campaigns import do_add_member

    problem_id, _ = build(300, 0)
    campaign = Campaign.objects.get(slug="bench")
    tree_nodes = list(
        Node.objects.filter(tree__problem_id=problem_id)
        .exclude(parent=None)
        .values_list("pk", flat=True)
    )
    User = get_user_model()
    tokens, sessions = [], []
    for i in range(max(VIEWERS, EXPERTS)):
        user = User.objects.create_user(f"rt-{i}", password="x")
        do_add_member(campaign, user, Role.EXPERT)
        tokens.append(Token.objects.create(user=user).key)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    tree_id = Node.objects.filter(pk=tree_nodes[0]).values_list("tree_id", flat=True).get()
    return tree_id, tree_nodes, tokens, sessions


async def fan_out(url: str, tree_id: int, nodes: list[int], tokens: list[str], sessions: list[str]):
    import httpx
    import websockets

    host = url.removeprefix("http://")
    arrivals: dict[int, list[float]] = {}

    async def viewer(session_key: str, ready: asyncio.Event, opened: list[int]) -> None:
        async with websockets.connect(
            f"ws://{host}/ws/trees/{tree_id}/",
            additional_headers={"Cookie": f"sessionid={session_key}", "Origin": url},
            max_queue=None,
        ) as socket_:
            opened.append(1)
            if len(opened) == VIEWERS:
                ready.set()
            async for raw in socket_:
                if os.environ.get("BENCH_DEBUG") and session_key == sessions[0]:
                    print("viewer 0 got:", raw[:160])
                if '"label.changed"' in raw:
                    event = json.loads(raw)
                    arrivals.setdefault(event["node_id"], []).append(time.perf_counter())

    ready, opened = asyncio.Event(), []
    tasks = [asyncio.create_task(viewer(key, ready, opened)) for key in sessions[:VIEWERS]]
    await asyncio.wait_for(ready.wait(), 60)
    await asyncio.sleep(2)  # let the presence chatter of 50 arrivals settle
    latencies: list[float] = []
    missing = 0
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        for node_id in random.Random(1).sample(nodes, LABELS):
            start = time.perf_counter()
            response = await client.put(
                f"/api/v1/nodes/{node_id}/label/",
                json={"rating": 1},
                headers={"Authorization": f"Token {tokens[0]}"},
            )
            assert response.status_code == 200, response.text
            deadline = time.perf_counter() + 5
            while len(arrivals.get(node_id, [])) < VIEWERS and time.perf_counter() < deadline:
                await asyncio.sleep(0.002)
            got = arrivals.get(node_id, [])
            missing += VIEWERS - len(got)
            latencies += [(t - start) * 1000 for t in got]
    for task in tasks:
        task.cancel()
    return latencies, missing


async def load(url: str, nodes: list[int], tokens: list[str], think_ms: int):
    import httpx

    latencies: list[float] = []
    errors = 0
    last: dict[tuple[int, int], int] = {}
    stop_at = time.perf_counter() + SECONDS

    async def expert(index: int, client: httpx.AsyncClient) -> None:
        nonlocal errors
        rng = random.Random(index)
        headers = {"Authorization": f"Token {tokens[index]}"}
        while time.perf_counter() < stop_at:
            node_id, rating = rng.choice(nodes), rng.choice([1, 0, -1])
            start = time.perf_counter()
            try:
                response = await client.put(
                    f"/api/v1/nodes/{node_id}/label/", json={"rating": rating}, headers=headers
                )
            except httpx.HTTPError as exc:
                errors += 1
                if errors <= 3:
                    print("error:", type(exc).__name__, exc)
                continue
            latencies.append((time.perf_counter() - start) * 1000)
            if think_ms:
                await asyncio.sleep(think_ms / 1000 * (0.5 + rng.random()))
            if response.status_code == 200:
                last[(index, node_id)] = rating
            else:
                errors += 1
                if errors <= 3:
                    print("error:", response.status_code, response.text[:200])

    limits = httpx.Limits(max_connections=EXPERTS, max_keepalive_connections=EXPERTS)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
        await asyncio.gather(*(expert(i, client) for i in range(EXPERTS)))
    return latencies, errors, last


def lost_labels(last: dict[tuple[int, int], int]) -> int:
    from django.contrib.auth import get_user_model

    from trees.models import StepLabel

    users = dict(
        get_user_model().objects.filter(username__startswith="rt-").values_list("pk", "username")
    )
    stored = {
        (int(users[expert].removeprefix("rt-")), node): rating
        for expert, node, rating in StepLabel.objects.filter(expert_id__in=users).values_list(
            "expert_id", "node_id", "rating"
        )
    }
    return sum(1 for key, rating in last.items() if stored.get(key) != rating)


def main() -> None:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    vendor = setup("arbor_bench_realtime")
    tree_id, nodes, tokens, sessions = make_people()
    env = os.environ.copy()
    if REDIS_URL:
        env["REDIS_URL"] = REDIS_URL
        env["CHANNELS_PREFIX"] = f"bench-{os.getpid()}"  # no groups left over from other runs
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "annotator.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=open(os.environ.get("BENCH_SERVER_LOG", os.devnull), "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        layer = "Redis" if REDIS_URL else "in-memory"
        latencies, missing = asyncio.run(fan_out(url, tree_id, nodes, tokens, sessions))
        print(
            f"realtime ({vendor}, {layer} channel layer, one daphne process): {LABELS} labels "
            f"to {VIEWERS} viewers, {len(latencies)} deliveries, {missing} missing; from the "
            f"label's HTTP request to arrival p50 {statistics.median(latencies):.0f} ms, "
            f"p95 {percentile(latencies, 0.95):.0f} ms, max {max(latencies):.0f} ms"
        )
        for think_ms in THINK_MS:
            latencies, errors, last = asyncio.run(load(url, nodes, tokens, think_ms))
            print(
                f"load: {EXPERTS} experts labelling for {SECONDS} s, {think_ms} ms between "
                f"labels: {len(latencies)} requests ({len(latencies) / SECONDS:.0f}/s), {errors} "
                f"errors, {lost_labels(last)} lost labels of {len(last)}; latency p50 "
                f"{statistics.median(latencies):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
