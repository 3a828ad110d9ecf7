"""Open a 2,000-node tree in headless chromium: time to first render, DOM size, panning.

Builds the tree in a throwaway database (SQLite, or PostgreSQL when DATABASE_URL is set),
starts the embedded server on it, signs in and opens the workspace. Needs the built
frontend (`make frontend`) and Debian's chromium."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from setup_db import setup
from tree_read import build

NODES = 2_000
LABELS = 4_000
ROOT = Path(__file__).resolve().parents[1]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    vendor = setup("arbor_bench_ui")
    problem_id, expert = build(NODES, LABELS)
    expert.set_password("bench")
    expert.save()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        measure(url, problem_id, expert.username, vendor)
    finally:
        server.terminate()
        server.wait(timeout=10)


def measure(url: str, problem_id: int, username: str, vendor: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.on("console", lambda m: m.type == "error" and print("console:", m.text))
        page.goto(f"{url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "bench")
        page.click("button[type=submit]")
        page.wait_for_url(f"{url}/")
        firsts = []
        for _ in range(3):
            page.goto(f"{url}/problems/{problem_id}")
            page.wait_for_selector(".node-card", timeout=60_000)
            firsts.append(page.evaluate("performance.now()"))
        dom_nodes = page.evaluate("document.getElementsByTagName('*').length")
        cards = page.locator(".node-card").count()
        steps = page.evaluate("document.querySelector('.ws-head').textContent")

        # Pan by dragging the canvas for 60 moves and record the frame gaps meanwhile.
        page.evaluate(
            """() => { window.__frames = []; const tick = (t) => { window.__frames.push(t);
            if (window.__frames.length < 10000) requestAnimationFrame(tick); };
            requestAnimationFrame(tick); }"""
        )
        box = page.locator(".ws-canvas").bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        for i in range(60):
            page.mouse.move(x - 12 * i, y - 6 * i)
        page.mouse.up()
        frames = page.evaluate("window.__frames")
        gaps = [b - a for a, b in itertools.pairwise(frames)]
        cards_after_pan = page.locator(".node-card").count()

        page.keyboard.press("f")  # fit the whole tree in view
        page.wait_for_timeout(600)
        cards_fit = page.locator(".node-card").count()
        browser.close()

    print(f"database: {vendor}; tree: {NODES} nodes, {LABELS} labels; chromium headless")
    print(f"header: {' '.join(steps.split())}")
    print(
        f"time to first rendered node (from navigation start): "
        f"{', '.join(f'{t:.0f}' for t in firsts)} ms (median {statistics.median(firsts):.0f} ms)"
    )
    print(f"DOM elements on the page: {dom_nodes}; node cards rendered: {cards} of {NODES}")
    print(
        f"panning: {len(gaps)} frames, median gap {statistics.median(gaps):.1f} ms, "
        f"p95 {sorted(gaps)[int(0.95 * len(gaps))]:.1f} ms, worst {max(gaps):.1f} ms; "
        f"cards rendered after the pan: {cards_after_pan}"
    )
    print(f"after fit-to-view (whole tree in view): {cards_fit} node cards rendered")


if __name__ == "__main__":
    main()
