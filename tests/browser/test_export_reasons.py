"""An export that would have no rows, in a browser: the exports page shows why (the job fails
with the reason instead of succeeding with a 0-byte file that `datasets` cannot load)."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Server, log_in, screenshot

FINISH_MS = 60_000


def test_an_empty_export_fails_with_its_reason_on_the_page(
    arbor_server: Server, browser: Any
) -> None:
    # A campaign of its own (no problems yet), so the demo campaign's exports stay as they are.
    arbor_server.api("demo").post("/api/v1/campaigns/", {"name": "Empty", "slug": "empty-exp"})
    page = log_in(browser, arbor_server, "demo")
    page.goto(f"{arbor_server.url}/campaigns/empty-exp/exports")
    page.get_by_role("heading", name="New export").wait_for()
    page.check("input[name=format][value=prm-stepwise]")
    page.get_by_role("button", name="Export PRM stepwise").click()
    failed = page.locator("[data-testid=exports-table] tr[data-status=failed]")
    failed.first.wait_for(timeout=FINISH_MS)
    reason = failed.first.locator(".exp-error").inner_text()
    assert reason == "Nothing to export: this campaign has no trees yet."
    assert failed.first.get_by_role("link", name="Download").count() == 0
    screenshot(page, "export-empty-reason")
    page.context.close()
