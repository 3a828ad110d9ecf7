"""The data lead's exports page in a browser: exports started through the form run to the end
with live progress, download as JSONL, and a schedule is created, listed and paused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.browser.conftest import Server, log_in, screenshot

FINISH_MS = 90_000


def label_demo_steps(server: Server) -> None:
    """+1 on every step of the first two demo problems, so PRM rows exist."""
    api = server.api("demo")
    problems = api.get("/api/v1/campaigns/demo/problems/?limit=2")["results"]
    for problem in problems:
        tree = api.get(f"/api/v1/problems/{problem['id']}/tree/")
        for node in tree["nodes"]:
            if node["kind"] != "root":
                api.put(f"/api/v1/nodes/{node['id']}/label/", {"rating": 1})


def start_export(page: Any, format_value: str, label: str) -> None:
    page.check(f"input[name=format][value={format_value}]")
    page.get_by_role("button", name=f"Export {label}").click()
    page.get_by_role("status").filter(has_text=f"Started {label} export").wait_for()


def finished_row(page: Any, label: str) -> Any:
    row = page.locator("[data-testid=exports-table] tr[data-status=succeeded]", has_text=label)
    row.first.wait_for(timeout=FINISH_MS)
    return row.first


def test_a_lead_exports_prm_and_sft_downloads_jsonl_and_schedules(
    arbor_server: Server, browser: Any, tmp_path: Path
) -> None:
    label_demo_steps(arbor_server)
    page = log_in(browser, arbor_server, "demo")
    page.goto(f"{arbor_server.url}/campaigns/demo/exports")
    page.get_by_role("heading", name="New export").wait_for()

    # A check in the form: a bad value is marked before anything is sent.
    page.fill("input[name=min_experts]", "0")
    page.get_by_role("button", name="Export PRM stepwise").click()
    assert page.locator(".exp-field.invalid", has_text="Minimum experts").is_visible()
    page.fill("input[name=min_experts]", "1")

    page.check("input[name=zero_is_true]")
    start_export(page, "prm-stepwise", "PRM stepwise")
    start_export(page, "sft-shortcut", "SFT shortcut")
    prm = finished_row(page, "PRM stepwise")
    sft = finished_row(page, "SFT shortcut")
    assert "0 → true" in prm.inner_text()
    assert page.locator("[data-testid=exports-table] tr[data-status=failed]").count() == 0
    screenshot(page, "exports-finished")

    downloaded = {}
    for name, row in (("prm", prm), ("sft", sft)):
        rows = int(row.locator("td.num").first.inner_text().replace(",", ""))
        assert rows > 0
        with page.expect_download() as download_info:
            row.get_by_role("link", name="Download").click()
        target = tmp_path / f"{name}.jsonl"
        download_info.value.save_as(target)
        lines = [json.loads(line) for line in target.read_text().splitlines() if line.strip()]
        assert len(lines) == rows
        downloaded[name] = lines
    for line in downloaded["prm"]:
        assert isinstance(line["prompt"], str)
        assert len(line["completions"]) == len(line["labels"]) > 0
        assert all(isinstance(label, bool) for label in line["labels"])
    for line in downloaded["sft"]:
        assert [message["role"] for message in line["messages"]] == ["user", "assistant"]

    # A schedule from the same settings: listed with its timing, then paused.
    page.locator("summary", has_text="Run these settings on a schedule").click()
    page.fill("input[name=schedule_name]", "nightly shortcut")
    page.select_option("select[name=timing]", "crontab")
    page.fill("input[name=cron_minute]", "30")
    page.fill("input[name=cron_hour]", "2")
    page.get_by_role("button", name="Create schedule").click()
    schedule = page.locator("[data-testid=schedules-table] tr", has_text="nightly shortcut")
    schedule.wait_for()
    assert "daily at 02:30 UTC" in schedule.inner_text()
    assert "enabled" in schedule.inner_text()
    schedule.get_by_role("button", name="Pause").click()
    schedule.locator(".pill", has_text="paused").wait_for()
    screenshot(page, "exports-schedules")
    page.context.close()


def test_an_expert_is_told_exports_are_for_leads(arbor_server: Server, browser: Any) -> None:
    page = log_in(browser, arbor_server, "expert1")
    page.goto(f"{arbor_server.url}/campaigns/demo/exports")
    page.get_by_text("Exports are for data leads and admins").wait_for()
    assert page.get_by_role("heading", name="New export").count() == 0
    page.context.close()
