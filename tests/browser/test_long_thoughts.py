"""Long thoughts in the expert's workspace, in a browser: derive one from the tree in the "Long
thought" tab, follow a passage to its node and back, edit it (a draft survives a reload),
approve it, and see it counted on the campaign page."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Server, log_in, screenshot

DERIVE_MS = 60_000


def demo_problem(server: Server, external_id: str = "demo-1") -> dict[str, Any]:
    problems = server.api("demo").get("/api/v1/campaigns/demo/problems/?limit=50")["results"]
    return next(problem for problem in problems if problem["external_id"] == external_id)


def open_long_thought_tab(page: Any) -> Any:
    page.get_by_role("tab", name="Long thought").click()
    tab = page.locator(".lt-tab")
    tab.wait_for()
    return tab


def test_an_expert_derives_follows_edits_and_approves_a_long_thought(
    arbor_server: Server, browser: Any
) -> None:
    problem = demo_problem(arbor_server)
    page = log_in(browser, arbor_server, "demo")
    page.goto(f"{arbor_server.url}/problems/{problem['id']}")
    tab = open_long_thought_tab(page)

    # Derive: the form is open when there is nothing yet, behind "+ Derive…" otherwise.
    already = tab.locator("[data-thought-id]").count()
    if not tab.locator("form.lt-derive").is_visible():
        tab.get_by_role("button", name="+ Derive…").click()
    tab.locator("select[name=style]").select_option("journey")
    tab.locator("input[name=max_wrong]").fill("2")
    tab.get_by_role("button", name="Derive", exact=True).click()
    tab.locator("[data-thought-id]").nth(already).wait_for(timeout=DERIVE_MS)
    passages = tab.locator(".lt-passage")
    passages.first.wait_for()
    assert passages.count() >= 2
    assert tab.locator(".lt-gap", has_text="Answer:").count() == 1
    screenshot(page, "long-thought-derived")

    # A passage selects its node in the workspace, and the selection comes back highlighted.
    passage = passages.nth(1)
    node_id = passage.get_attribute("data-node-id")
    passage.click()
    page.locator(f'.lt-passage[data-node-id="{node_id}"][aria-pressed="true"]').wait_for()
    current = page.locator("[data-testid=path-current]")
    if current.count():
        assert passage.locator(".lt-step-text").inner_text().strip() in current.inner_text()
    # And the other way: a node selected in the tree highlights its passage.
    other = passages.first.get_attribute("data-node-id")
    tree_node = page.locator(f'.react-flow__node[data-id="{other}"]')
    if tree_node.count():
        tree_node.click()
        page.locator(f'.lt-passage[data-node-id="{other}"][aria-pressed="true"]').wait_for()
    screenshot(page, "long-thought-selected")

    # Edit: what is typed survives a reload as a draft, then saves as a new version.
    tab.get_by_role("button", name="Edit", exact=True).click()
    editor = tab.locator("textarea[name=long_thought_text]")
    original = editor.input_value()
    edited = original.replace("Answer:", "Let me check the total once more.\n\nAnswer:", 1)
    assert edited != original
    editor.fill(edited)
    page.reload()
    tab = open_long_thought_tab(page)
    tab.get_by_text("Restored your unsaved draft").wait_for()
    assert tab.locator("textarea[name=long_thought_text]").input_value() == edited
    tab.get_by_role("button", name="Save", exact=True).click()
    tab.locator(".lt-gap", has_text="Let me check the total once more.").wait_for()
    tab.locator("[data-thought-id] .lt-item-figures", has_text="edited").first.wait_for()
    # The edit kept the steps linked to their nodes.
    assert tab.locator(f'.lt-passage[data-node-id="{node_id}"]').count() == 1

    # Review: the demo admin approves it.
    tab.get_by_role("button", name="✓ Approve").click()
    tab.locator("[data-testid=long-thought-status]", has_text="approved").wait_for()
    screenshot(page, "long-thought-approved")

    thought = arbor_server.api("demo").get(f"/api/v1/problems/{problem['id']}/long-thoughts/")
    newest = thought["results"][0]
    assert newest["status"] == "approved"
    assert "Let me check the total once more." in newest["text"]
    assert newest["version"] == 2

    # The campaign page counts it.
    page.goto(f"{arbor_server.url}/campaigns/demo")
    stats = page.locator("[data-testid=long-thought-stats]")
    stats.get_by_role("cell", name="Journey").wait_for()
    screenshot(page, "long-thought-stats")
    page.context.close()


def test_an_expert_cannot_review_long_thoughts(arbor_server: Server, browser: Any) -> None:
    problem = demo_problem(arbor_server)
    api = arbor_server.api("demo")
    job = api.post(f"/api/v1/problems/{problem['id']}/long-thoughts/", {"style": "shortcut"})
    assert api.wait_for_job(job["id"])["status"] == "succeeded"
    page = log_in(browser, arbor_server, "expert1")
    page.goto(f"{arbor_server.url}/problems/{problem['id']}")
    tab = open_long_thought_tab(page)
    tab.locator(".lt-passage").first.wait_for(timeout=DERIVE_MS)
    assert tab.get_by_role("button", name="Edit", exact=True).is_visible()
    assert tab.get_by_role("button", name="✓ Approve").count() == 0
    page.context.close()


def test_an_expert_smooths_a_long_thought_into_a_new_draft(
    arbor_server: Server, browser: Any
) -> None:
    problem = demo_problem(arbor_server, "demo-2")
    api = arbor_server.api("expert1")
    job = api.post(f"/api/v1/problems/{problem['id']}/long-thoughts/", {"style": "journey"})
    job = api.wait_for_job(job["id"])
    assert job["status"] == "succeeded", job
    page = log_in(browser, arbor_server, "expert1")
    page.goto(f"{arbor_server.url}/problems/{problem['id']}")
    tab = open_long_thought_tab(page)
    tab.locator(".lt-passage").first.wait_for(timeout=DERIVE_MS)
    before = tab.locator("[data-thought-id]").count()
    tab.get_by_role("button", name="Smooth with the model").click()
    tab.locator("[data-thought-id]").nth(before).wait_for(timeout=DERIVE_MS)
    tab.locator(".lt-view-title", has_text="smoothed").wait_for()
    tab.locator(".lt-passage").first.wait_for()
    # A smoothed thought is not smoothed again.
    assert tab.get_by_role("button", name="Smooth with the model").count() == 0
    thoughts = api.get(f"/api/v1/problems/{problem['id']}/long-thoughts/")["results"]
    smoothed = [t for t in thoughts if t["render"] == "smoothed"]
    assert [t["params"]["smoothed_from"] for t in smoothed] == [job["result"]["long_thought"]]
    screenshot(page, "long-thought-smoothed")
    page.context.close()
