"""The expert's path through the workspace in a real browser: queue, canvas, keyboard labels,
model candidates, live updates between two browsers, edit conflicts, inert markup."""

from __future__ import annotations

import re
import time
from typing import Any

from .conftest import Server, log_in, screenshot


def first_problem_tree(server: Server, username: str, index: int = 0) -> tuple[int, dict[str, Any]]:
    api = server.api(username)
    problems = api.get("/api/v1/campaigns/demo/problems/?limit=100")["results"]
    problem = problems[index]
    return problem["id"], api.get(f"/api/v1/problems/{problem['id']}/tree/")


def node_by_id(tree: dict[str, Any], node_id: int) -> dict[str, Any]:
    return next(node for node in tree["nodes"] if node["id"] == node_id)


def wait_for_my_chip(page: Any, node_id: int, text: str) -> None:
    """Wait until the canvas card of `node_id` shows my label `text`."""
    page.wait_for_function(
        '([id, text]) => document.querySelector(`[data-node-id="${id}"] .chip.mine`)'
        "?.textContent.includes(text)",
        arg=[node_id, text],
    )


def test_an_expert_opens_the_queue_expands_with_the_model_and_labels_with_keys(
    arbor_server: Server, browser: Any
) -> None:
    page = log_in(browser, arbor_server, "expert1")
    page.get_by_test_id("open-next").click()
    page.wait_for_url(re.compile(r"/problems/\d+$"))
    problem_id = int(page.url.rstrip("/").split("/")[-1])
    api = arbor_server.api("expert1")
    tree = api.get(f"/api/v1/problems/{problem_id}/tree/")
    root = tree["root"]
    page.get_by_test_id(f"node-{root}").wait_for()
    before = page.locator(".node-card").count()
    screenshot(page, "workspace-opened")

    # x asks the demo reasoner for candidates; they appear on the canvas as they arrive.
    page.keyboard.press("x")
    page.get_by_test_id("job-bar").first.wait_for(state="attached")
    page.wait_for_function(
        f"document.querySelectorAll('.node-card').length > {before}", timeout=60_000
    )
    new_tree = api.get(f"/api/v1/problems/{problem_id}/tree/")
    model_children = [
        n for n in new_tree["nodes"] if n["parent"] == root and n["origin"] == "model"
    ]
    assert model_children, "the model proposed no candidates"
    screenshot(page, "workspace-after-expand")

    # j moves down to a child, 1 labels it +1, z undoes it, Z redoes it.
    page.keyboard.press("j")
    current = page.get_by_test_id("path-current")
    current.wait_for()
    selected = int(page.locator(".node-card.selected").get_attribute("data-node-id"))
    assert node_by_id(new_tree, selected)["parent"] == root
    page.keyboard.press("1")
    page.locator(f'[data-node-id="{selected}"] .chip.mine').wait_for()

    def my_label(expected: int) -> int | None:
        # The chip shows at once (optimistic); the server's copy follows within a moment.
        deadline = time.monotonic() + 10
        while True:
            label = node_by_id(api.get(f"/api/v1/problems/{problem_id}/tree/"), selected)
            if label["my_label"] == expected or time.monotonic() > deadline:
                return label["my_label"]
            time.sleep(0.1)

    assert my_label(1) == 1
    page.keyboard.press("3")
    wait_for_my_chip(page, selected, "\u22121")
    assert my_label(-1) == -1
    page.keyboard.press("z")
    wait_for_my_chip(page, selected, "+1")
    assert my_label(1) == 1
    page.keyboard.press("Z")
    wait_for_my_chip(page, selected, "\u22121")
    assert my_label(-1) == -1

    # ? lists every binding from the command registry.
    page.keyboard.press("?")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    help_dialog.wait_for()
    for text in ("Label +1", "Undo my last edit", "Ask the model for next-step candidates"):
        assert help_dialog.get_by_text(text).count() == 1
    screenshot(page, "workspace-help")
    page.keyboard.press("Escape")
    help_dialog.wait_for(state="detached")
    page.context.close()


def test_a_label_made_in_one_browser_arrives_live_in_another(
    arbor_server: Server, browser: Any
) -> None:
    problem_id, tree = first_problem_tree(arbor_server, "expert1", index=1)
    # A step of its own, so labels from other tests cannot tie the consensus.
    step = arbor_server.api("expert1").post(
        f"/api/v1/nodes/{tree['root']}/children/", {"text": "Live: 5 * 4 = 20"}
    )
    first = log_in(browser, arbor_server, "expert1")
    second = log_in(browser, arbor_server, "expert2")
    for page in (first, second):
        page.goto(f"{arbor_server.url}/problems/{problem_id}")
        page.get_by_test_id(f"node-{step['id']}").wait_for()
    # Each sees the other arrive.
    second.get_by_test_id("presence").get_by_text("expert1").wait_for()
    first.get_by_test_id("presence").get_by_text("expert2").wait_for()

    first.get_by_test_id(f"node-{step['id']}").click()
    first.keyboard.press("3")
    # The other browser shows the new consensus without a reload.
    second.locator(f'[data-node-id="{step["id"]}"].tone-bad').wait_for(timeout=10_000)
    screenshot(second, "workspace-live-label")
    first.context.close()
    second.get_by_test_id("presence").get_by_text("expert1").wait_for(state="detached")
    second.context.close()


def test_two_experts_editing_one_step_see_the_conflict_and_lose_nothing(
    arbor_server: Server, browser: Any
) -> None:
    problem_id, tree = first_problem_tree(arbor_server, "expert1", index=2)
    step = next(n for n in tree["nodes"] if n["parent"] == tree["root"])
    first = log_in(browser, arbor_server, "expert1")
    second = log_in(browser, arbor_server, "expert2")
    for page in (first, second):
        page.goto(f"{arbor_server.url}/problems/{problem_id}")
        page.get_by_test_id(f"node-{step['id']}").click()
        page.keyboard.press("e")
        page.get_by_label("Step text").wait_for()

    second.get_by_label("Step text").fill("Theirs: 12 + 5 = 17")
    second.keyboard.press("Control+Enter")
    second.get_by_label("Step text").wait_for(state="detached")

    first.get_by_label("Step text").fill("Mine: 12 + 5 = 17, so 17 apples")
    first.keyboard.press("Control+Enter")
    dialog = first.get_by_role("dialog", name="Edit conflict")
    dialog.wait_for()
    assert "Mine: 12 + 5" in first.get_by_test_id("conflict-mine").inner_text()
    assert "Theirs: 12 + 5" in first.get_by_test_id("conflict-theirs").inner_text()
    screenshot(first, "workspace-conflict")
    dialog.get_by_role("button", name="Keep mine").click()
    dialog.wait_for(state="detached")

    api = arbor_server.api("expert1")
    node = api.get(f"/api/v1/nodes/{step['id']}/")
    assert node["text"] == "Mine: 12 + 5 = 17, so 17 apples"
    revisions = api.get(f"/api/v1/nodes/{step['id']}/revisions/")
    texts = [revision["text"] for revision in revisions]
    assert step["text"] in texts and "Theirs: 12 + 5 = 17" in texts
    first.context.close()
    second.context.close()


def test_markup_in_a_step_renders_inert_and_latex_renders(
    arbor_server: Server, browser: Any
) -> None:
    problem_id, tree = first_problem_tree(arbor_server, "expert1", index=3)
    api = arbor_server.api("expert1")
    payload = (
        'Evil <img src=x onerror="window.__xss=1"> and <script>window.__xss=2</script> '
        "[link](javascript:window.__xss=3) and $x^2 + 1$"
    )
    step = api.post(f"/api/v1/nodes/{tree['root']}/children/", {"text": payload})
    page = log_in(browser, arbor_server, "expert1")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{arbor_server.url}/problems/{problem_id}")
    page.get_by_test_id(f"node-{step['id']}").click()
    current = page.get_by_test_id("path-current")
    current.locator(".katex").first.wait_for()
    assert page.locator("img[src=x]").count() == 0
    assert page.locator(".side-panel script").count() == 0
    links = current.locator("a")
    for i in range(links.count()):
        assert "javascript" not in (links.nth(i).get_attribute("href") or "")
    if links.count():
        links.first.click()
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    screenshot(page, "workspace-inert-markup")
    page.context.close()


def test_a_draft_survives_a_reload(arbor_server: Server, browser: Any) -> None:
    problem_id, tree = first_problem_tree(arbor_server, "expert2", index=4)
    page = log_in(browser, arbor_server, "expert2")
    page.goto(f"{arbor_server.url}/problems/{problem_id}")
    page.get_by_test_id(f"node-{tree['root']}").wait_for()
    page.keyboard.press("a")
    page.get_by_label("New step text").fill("A half-written step")
    page.reload()
    page.get_by_test_id(f"node-{tree['root']}").wait_for()
    page.keyboard.press("a")
    assert page.get_by_label("New step text").input_value() == "A half-written step"
    page.keyboard.press("Control+Enter")
    page.get_by_label("New step text").wait_for(state="detached")
    tree_now = arbor_server.api("expert2").get(f"/api/v1/problems/{problem_id}/tree/")
    assert any(n["text"] == "A half-written step" for n in tree_now["nodes"])
    page.context.close()


def test_the_editor_follows_the_selected_step(arbor_server: Server, browser: Any) -> None:
    problem_id, tree = first_problem_tree(arbor_server, "expert2", index=4)
    first, second = [n for n in tree["nodes"] if n["parent"] == tree["root"]][:2]
    page = log_in(browser, arbor_server, "expert2")
    page.goto(f"{arbor_server.url}/problems/{problem_id}")
    page.get_by_test_id(f"node-{first['id']}").click()
    page.keyboard.press("e")
    page.get_by_label("Step text").fill("Typed for the first step")
    page.get_by_test_id(f"node-{second['id']}").click()
    # The other step's editor holds its own text, never the first step's.
    assert page.get_by_label("Step text").input_value() == second["text"]
    page.context.close()
