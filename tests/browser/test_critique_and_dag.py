"""A propose-critique loop as a thread beside the step, and the merged step DAG view."""

from __future__ import annotations

from typing import Any

from .conftest import Server, log_in, screenshot
from .test_workspace import first_problem_tree


def test_a_critique_loop_reads_as_a_thread_the_expert_can_take_over(
    arbor_server: Server, browser: Any
) -> None:
    problem_id, tree = first_problem_tree(arbor_server, "expert2", index=5)
    step = next(n for n in tree["nodes"] if n["parent"] == tree["root"])
    page = log_in(browser, arbor_server, "expert2")
    page.goto(f"{arbor_server.url}/problems/{problem_id}")
    page.get_by_test_id(f"node-{step['id']}").click()
    page.get_by_role("tab", name="Critique thread").click()
    page.get_by_role("button", name="Start a loop on the selected step").click()
    # Proposals and critiques arrive in the thread as the loop runs.
    page.locator(".thread-entry.proposal").first.wait_for(timeout=60_000)
    page.locator(".thread-entry.critique").first.wait_for(timeout=60_000)
    page.locator(".loop-head .pill", has_text="succeeded").wait_for(timeout=90_000)
    assert page.locator(".thread-entry.critique .pill").count() >= 1
    screenshot(page, "workspace-critique-thread")
    api = arbor_server.api("expert2")
    loops = api.get(f"/api/v1/campaigns/demo/jobs/?kind=critique_loop&tree={tree['id']}")["results"]
    loop = api.get(f"/api/v1/loops/{loops[0]['id']}/")
    shown = page.locator(".thread-entry").count()
    assert shown == len(loop["thread"]) >= 2
    page.context.close()


def test_the_dag_view_merges_steps_after_clustering(arbor_server: Server, browser: Any) -> None:
    problem_id, tree = first_problem_tree(arbor_server, "expert1", index=0)
    page = log_in(browser, arbor_server, "expert1")
    page.goto(f"{arbor_server.url}/problems/{problem_id}")
    page.get_by_test_id(f"node-{tree['root']}").wait_for()
    page.keyboard.press("g")
    page.locator("[data-testid^=vertex-]").first.wait_for()
    page.get_by_role("button", name="Cluster similar steps").click()
    api = arbor_server.api("expert1")
    clustered = None
    for _ in range(120):
        dag = api.get(f"/api/v1/problems/{problem_id}/dag/")
        if dag["clustered"]:
            clustered = dag
            break
        page.wait_for_timeout(500)
    assert clustered is not None, "clustering did not finish"
    count = len(clustered["vertices"])
    page.locator(".dag-bar", has_text=f"{count} vertices").wait_for()
    members = sum(len(v["members"]) for v in clustered["vertices"])
    assert members == len(api.get(f"/api/v1/problems/{problem_id}/tree/")["nodes"])
    # A vertex selects one of its steps, and g returns to the tree with it selected.
    vertex = clustered["vertices"][-1]
    page.get_by_test_id(f"vertex-{vertex['id']}").click()
    page.keyboard.press("g")
    page.locator(".node-card.selected").wait_for()
    selected = int(page.locator(".node-card.selected").get_attribute("data-node-id"))
    assert selected in vertex["members"]
    page.context.close()
