"""Real text in a real browser: GSM8K test problems with money and calculator annotations,
imported through the import API as a solutions file (the real solution, a wrong one the
source claims is right, and one cut off mid-line), then read in the workspace as an expert
reads them."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.shared_data import gsm8k_test_file
from trees.core.answers import parse_gsm8k_answer

from .conftest import Server, log_in, screenshot

SLUG = "real-text"


def _money_problem() -> dict[str, Any]:
    """The first GSM8K test problem whose question holds two or more `$` amounts and whose
    solution has a calculator annotation and a multiplication."""
    with gsm8k_test_file().open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["question"].count("$") >= 2 and "*" in row["answer"] and "<<" in row["answer"]:
                return row
    raise AssertionError("no GSM8K problem with money and arithmetic")


def _import(server: Server, browser: Any, lines: list[dict[str, Any]]) -> dict[str, Any]:
    api = server.api("demo")
    api.post("/api/v1/campaigns/", {"name": "Real text", "slug": SLUG})
    context = browser.new_context(extra_http_headers={"Authorization": f"Token {api.token}"})
    body = "\n".join(json.dumps(line) for line in lines).encode()
    response = context.request.post(
        f"{server.url}/api/v1/campaigns/{SLUG}/imports/",
        multipart={
            "file": {"name": "real.jsonl", "mimeType": "application/json", "buffer": body},
            "format": "solutions",
        },
    )
    assert response.status == 202, response.text()
    job = api.wait_for_job(response.json()["id"])
    context.close()
    assert job["status"] == "succeeded", job
    return job


def test_money_arithmetic_and_source_claims_read_as_written(
    arbor_server: Server, browser: Any
) -> None:
    row = _money_problem()
    reference, solution = parse_gsm8k_answer(row["answer"])
    steps = [line for line in solution.splitlines() if line.strip()]
    wrong = str(int(float(reference)) + 10)
    job = _import(
        arbor_server,
        browser,
        [
            {
                "id": "money",
                "question": row["question"],
                "answer": reference,
                "solutions": [
                    {"steps": [*steps, f"#### {reference}"], "model": "gsm8k", "is_correct": True},
                    {"steps": [*steps, f"#### {wrong}"], "model": "policy", "is_correct": True},
                    {"steps": [*steps[:-1], steps[-1][:12]], "model": "policy"},
                ],
            }
        ],
    )
    assert job["result"]["source_claims"] == {"agree": 1, "disagree": 1, "unverified": 0}

    api = arbor_server.api("demo")
    problem = api.get(f"/api/v1/campaigns/{SLUG}/problems/")["results"][0]
    tree = api.get(f"/api/v1/problems/{problem['id']}/tree/")
    by_text = {node["text"]: node for node in tree["nodes"]}
    wrong_answer = by_text[f"#### {wrong}"]
    assert wrong_answer["correctness"] == "incorrect" and wrong_answer["source_correct"] is True
    cut = by_text[steps[-1][:12]]
    assert cut["kind"] == "step" and cut["correctness"] == "unknown"

    page = log_in(browser, arbor_server, "demo")
    page.goto(f"{arbor_server.url}/problems/{problem['id']}")
    page.get_by_test_id(f"node-{wrong_answer['id']}").click()
    page.get_by_test_id("path-current").wait_for()
    # The question: every `$` amount shows as written, nothing becomes math or italics.
    panel = page.locator("ol.path")
    question = panel.locator(".markdown").first
    assert " ".join(question.inner_text().split()) == " ".join(row["question"].split())
    assert question.locator(".katex, em").count() == 0
    # The steps: `*` and `<<…>>` annotations show as written.
    for step in steps:
        assert " ".join(step.split()) in " ".join(panel.inner_text().split()), step
    assert panel.locator(".katex, em").count() == 0
    # The source said this wrong answer was right: the card says so beside the verdict.
    claim = page.get_by_test_id(f"node-{wrong_answer['id']}").get_by_test_id("source-claim")
    claim.wait_for()
    assert "source" in claim.inner_text()
    time.sleep(0.2)
    screenshot(page, "real-text-money-and-claims")
