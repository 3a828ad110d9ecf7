"""Jobs in the workspace as the server has them: the job log lists a tree's jobs and still does
after a reload; a cancelled job shows cancelled (its bar gone), a paused loop shows paused
with no running bar beside it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from .conftest import Server, log_in, screenshot
from .test_workspace import first_problem_tree

LOG_ROW = '[data-testid=job-log] tr[data-job-id="{id}"]'


def tree_job_ids(server: Server, username: str, tree_id: int) -> list[int]:
    jobs = server.api(username).get(f"/api/v1/campaigns/demo/jobs/?tree={tree_id}&limit=100")
    return [job["id"] for job in jobs["results"]]


def new_job_in_log(page: Any, known: list[int]) -> int:
    """Wait for a row in the job log that is not one of `known`; its job id."""
    handle = page.wait_for_function(
        """(known) => {
            const rows = [...document.querySelectorAll('[data-testid=job-log] tr[data-job-id]')];
            const ids = rows.map((r) => Number(r.dataset.jobId));
            return ids.find((id) => !known.includes(id)) ?? false;
        }""",
        arg=known,
        timeout=30_000,
    )
    return int(handle.json_value())


@dataclass
class HeldModel:
    """A campaign whose model answers no call until released: its jobs stay running for as
    long as a test needs (the demo reasoner finishes 64 rollouts in about a second, so a
    test racing it to Cancel or Pause loses on a busy machine)."""

    slug: str
    problem: int
    tree: dict[str, Any]
    calls: threading.Event


@pytest.fixture(scope="module")
def held_model(arbor_server: Server, browser: Any) -> Iterator[HeldModel]:
    release, called = threading.Event(), threading.Event()

    class Held(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            called.set()
            release.wait(timeout=300)
            # Released: a 400 (not retried), so the held job's worker ends at once.
            body = json.dumps({"error": {"message": "released by the test"}}).encode()
            self.send_response(400)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Held)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    api = arbor_server.api("demo")
    slug = "held-model"
    api.post("/api/v1/campaigns/", {"name": "Held model", "slug": slug})
    profile = api.post(
        "/api/v1/model-profiles/",
        {
            "name": "held",
            "backend": "openai",
            "model_name": "held",
            "base_url": f"http://127.0.0.1:{server.server_address[1]}/v1",
        },
    )
    api.patch(f"/api/v1/campaigns/{slug}/", {"default_model_profile": profile["id"]})
    for expert in ("expert1", "expert2"):
        api.post(f"/api/v1/campaigns/{slug}/members/", {"username": expert, "role": "expert"})
    line = {
        "id": "held",
        "question": "A shop sells 3 pens for $2. How much do 12 pens cost?",
        "answer": "8",
        "solutions": [{"steps": ["12 / 3 = 4 groups.", "4 * 2 = 8", "A: 8"], "model": "m"}],
    }
    context = browser.new_context(extra_http_headers={"Authorization": f"Token {api.token}"})
    response = context.request.post(
        f"{arbor_server.url}/api/v1/campaigns/{slug}/imports/",
        multipart={
            "file": {
                "name": "held.jsonl",
                "mimeType": "application/json",
                "buffer": json.dumps(line).encode(),
            },
            "format": "solutions",
        },
    )
    job = response.json()
    context.close()
    assert api.wait_for_job(job["id"])["status"] == "succeeded"
    problem = api.get(f"/api/v1/campaigns/{slug}/problems/")["results"][0]["id"]
    tree = api.get(f"/api/v1/problems/{problem}/tree/")
    yield HeldModel(slug=slug, problem=problem, tree=tree, calls=called)
    release.set()
    server.shutdown()


def open_job_log(page: Any) -> None:
    page.get_by_role("tab", name="Job log").click()


def test_a_job_is_in_the_job_log_with_its_final_state_and_still_is_after_a_reload(
    arbor_server: Server, browser: Any
) -> None:
    problem_id, tree = first_problem_tree(arbor_server, "expert1", index=3)
    known = tree_job_ids(arbor_server, "expert1", tree["id"])
    page = log_in(browser, arbor_server, "expert1")
    page.goto(f"{arbor_server.url}/problems/{problem_id}")
    page.get_by_test_id(f"node-{tree['root']}").wait_for()
    open_job_log(page)
    page.get_by_test_id("expand").click()

    job_id = new_job_in_log(page, known)
    row = page.locator(LOG_ROW.format(id=job_id))
    assert "expand" in row.inner_text()
    page.locator(LOG_ROW.format(id=job_id) + '[data-status="succeeded"]').wait_for(timeout=90_000)
    job = arbor_server.api("expert1").get(f"/api/v1/jobs/{job_id}/")
    assert job["status"] == "succeeded"
    screenshot(page, "jobs-log-after-expand")

    # A reload keeps the log: it is read from the server, with the job's final state.
    page.reload()
    page.get_by_test_id(f"node-{tree['root']}").wait_for()
    open_job_log(page)
    page.locator(LOG_ROW.format(id=job_id) + '[data-status="succeeded"]').wait_for()
    shown = [
        int(value)
        for value in page.locator("[data-testid=job-log] tr[data-job-id]").evaluate_all(
            "(rows) => rows.map((r) => r.dataset.jobId)"
        )
    ]
    assert shown == tree_job_ids(arbor_server, "expert1", tree["id"]) == [job_id, *known]
    assert page.get_by_test_id("job-bar").count() == 0
    page.context.close()


def test_a_cancelled_job_shows_cancelled_not_running(
    arbor_server: Server, browser: Any, held_model: HeldModel
) -> None:
    problem_id, tree = held_model.problem, held_model.tree
    page = log_in(browser, arbor_server, "expert2")
    page.goto(f"{arbor_server.url}/problems/{problem_id}")
    page.get_by_test_id(f"node-{tree['root']}").wait_for()
    page.locator(".model-row", has_text="Rollouts").locator("input").fill("64")
    page.locator(".model-row", has_text="Rollouts").get_by_role("button").click()

    bar = page.locator('[data-testid=job-bar][data-status="running"]')
    bar.wait_for(timeout=30_000)
    assert held_model.calls.wait(timeout=30)  # the worker is inside its model call
    job_id = int(bar.get_attribute("data-job-id"))
    bar.get_by_role("button", name="Cancel job").click()

    # The bar goes at once with the server's answer; the log says cancelled.
    page.locator(f'[data-testid=job-bar][data-job-id="{job_id}"]').wait_for(state="detached")
    open_job_log(page)
    cancelled = page.locator(LOG_ROW.format(id=job_id) + '[data-status="cancelled"]')
    cancelled.wait_for()
    # The worker is still inside its call and may report once more: still cancelled.
    page.wait_for_timeout(3000)
    assert cancelled.count() == 1
    assert page.locator(f'[data-testid=job-bar][data-job-id="{job_id}"]').count() == 0
    assert arbor_server.api("expert2").get(f"/api/v1/jobs/{job_id}/")["status"] == "cancelled"
    screenshot(page, "jobs-cancelled")

    page.reload()
    page.get_by_test_id(f"node-{tree['root']}").wait_for()
    open_job_log(page)
    page.locator(LOG_ROW.format(id=job_id) + '[data-status="cancelled"]').wait_for()
    page.context.close()


def test_a_paused_loop_shows_paused_and_no_running_bar(
    arbor_server: Server, browser: Any, held_model: HeldModel
) -> None:
    problem_id, tree = held_model.problem, held_model.tree
    step = next(n for n in tree["nodes"] if n["parent"] == tree["root"])
    page = log_in(browser, arbor_server, "expert1")
    page.goto(f"{arbor_server.url}/problems/{problem_id}")
    page.get_by_test_id(f"node-{step['id']}").click()
    page.get_by_role("tab", name="Critique thread").click()
    page.get_by_label("rounds").fill("20")
    page.get_by_role("button", name="Start a loop on the selected step").click()
    page.locator(".loop-head .pill.running").wait_for(timeout=30_000)
    loop_id = int(page.locator(".loop-head strong").inner_text().split("#")[1])
    page.get_by_role("button", name="Pause").click()
    page.locator(".loop-head .pill.paused").wait_for()

    page.get_by_role("button", name="Resume").wait_for()
    # Paused is what the server says; no bar beside it, then or a moment later.
    for _ in range(3):
        assert page.locator(f'[data-testid=job-bar][data-job-id="{loop_id}"]').count() == 0
        assert page.locator(".loop-head .pill.running").count() == 0
        page.wait_for_timeout(1000)
    api = arbor_server.api("expert1")
    assert api.get(f"/api/v1/jobs/{loop_id}/")["status"] == "paused"
    screenshot(page, "jobs-paused-loop")
    api.post(f"/api/v1/jobs/{loop_id}/cancel/")
    page.locator(".loop-head .pill.cancelled").wait_for()
    page.context.close()


DJANGO_500 = """<!doctype html>
<html lang="en"><head><title>Server Error (500)</title></head>
<body><h1>Server Error (500)</h1><p></p></body></html>"""


def test_a_server_error_page_reads_as_a_message_and_keeps_what_was_typed(
    arbor_server: Server, browser: Any
) -> None:
    problem_id, tree = first_problem_tree(arbor_server, "expert1", index=3)
    page = log_in(browser, arbor_server, "expert1")
    page.goto(f"{arbor_server.url}/problems/{problem_id}")
    page.get_by_test_id(f"node-{tree['root']}").wait_for()
    # The server answers this one request with Django's HTML error page, as a crash would.
    page.route(
        "**/api/v1/nodes/*/children/",
        lambda route: route.fulfill(status=500, body=DJANGO_500, content_type="text/html"),
    )
    page.keyboard.press("a")
    page.get_by_label("New step text").fill("Half of 18 is 9.")
    page.keyboard.press("Control+Enter")
    alert = page.locator(".ws-flash.error")
    alert.wait_for()
    text = alert.inner_text()
    assert "The server had an error (500 Internal Server Error)" in text
    assert "JSON" not in text and "Unexpected token" not in text
    assert page.get_by_label("New step text").input_value() == "Half of 18 is 9."
    page.context.close()
