"""My label in a real browser: the note and the flag are saved on their own and shown after a
reload, a later rating keeps them, the active rating is never cleared by a second click, and
the keys still work after the flag or the note (checked through the API, as the server has it)."""

from __future__ import annotations

import time
from typing import Any

from .conftest import Server, log_in, screenshot

USER = "expert2"


def open_own_step(server: Server, browser: Any, index: int, text: str) -> tuple[Any, int]:
    """A step of its own under problem `index`'s root (so no other test's labels touch it),
    the workspace opened on that problem and the step selected with a click."""
    api = server.api(USER)
    problems = api.get("/api/v1/campaigns/demo/problems/?limit=100")["results"]
    problem_id = problems[index % len(problems)]["id"]
    tree = api.get(f"/api/v1/problems/{problem_id}/tree/")
    step = api.post(f"/api/v1/nodes/{tree['root']}/children/", {"text": text})
    page = log_in(browser, server, USER)
    page.goto(f"{server.url}/problems/{problem_id}")
    page.get_by_test_id(f"node-{step['id']}").click()
    page.get_by_test_id("path-current").wait_for()
    return page, step["id"]


def label_on_server(
    server: Server, node_id: int, expected: tuple[Any, str, bool], timeout: float = 10
) -> tuple[Any, str, bool]:
    """My label (rating, note, flag) as the server has it, once it equals `expected` or
    `timeout` seconds have passed."""
    api = server.api(USER)
    deadline = time.monotonic() + timeout
    while True:
        node = api.get(f"/api/v1/nodes/{node_id}/")
        got = (node["my_label"], node["my_note"], node["my_flagged"])
        if got == expected or time.monotonic() > deadline:
            return got
        time.sleep(0.1)


def test_a_note_typed_after_labelling_is_saved(arbor_server: Server, browser: Any) -> None:
    page, step = open_own_step(arbor_server, browser, 5, "Note: 6 * 7 = 42")
    note = page.get_by_label("My note")
    # Before a rating there is no label to hold a note: the bar says so instead of dropping it.
    assert note.is_disabled()
    page.get_by_text("Label this step first").wait_for()
    page.keyboard.press("1")
    note.click()
    note.type("checks the product")  # typing 1, 2 or 3 here writes text, not labels
    note.press("Enter")
    assert label_on_server(arbor_server, step, (1, "checks the product", False)) == (
        1,
        "checks the product",
        False,
    )
    assert page.get_by_test_id("note-status").inner_text() == "note saved"
    screenshot(page, "labels-note-saved")
    page.context.close()


def test_a_flag_ticked_after_labelling_is_saved(arbor_server: Server, browser: Any) -> None:
    page, step = open_own_step(arbor_server, browser, 6, "Flag: 9 - 4 = 5")
    page.keyboard.press("3")
    page.get_by_label("flag").check()
    assert label_on_server(arbor_server, step, (-1, "", True)) == (-1, "", True)
    page.context.close()


def test_keys_work_after_ticking_the_flag(arbor_server: Server, browser: Any) -> None:
    page, step = open_own_step(arbor_server, browser, 7, "Keys: 8 / 2 = 4")
    page.keyboard.press("1")
    page.get_by_label("flag").check()
    assert label_on_server(arbor_server, step, (1, "", True)) == (1, "", True)
    page.keyboard.press("2")  # the checkbox gave the keyboard back
    assert label_on_server(arbor_server, step, (0, "", True)) == (0, "", True)
    page.keyboard.press("!")
    assert label_on_server(arbor_server, step, (0, "", False)) == (0, "", False)
    page.context.close()


def test_clicking_the_active_label_does_not_clear_it(arbor_server: Server, browser: Any) -> None:
    page, step = open_own_step(arbor_server, browser, 8, "Active: 3 + 3 = 6")
    plus_one = page.get_by_role("group", name="My label").get_by_role("button", name="+1")
    plus_one.click()
    assert label_on_server(arbor_server, step, (1, "", False)) == (1, "", False)
    plus_one.click()
    page.get_by_role("status").get_by_text("My label is already +1").wait_for()
    time.sleep(1)  # long enough for a clearing request to have landed
    assert label_on_server(arbor_server, step, (1, "", False), timeout=0) == (1, "", False)
    assert plus_one.get_attribute("aria-pressed") == "true"
    page.context.close()


def test_a_saved_note_and_flag_are_shown_after_a_reload(arbor_server: Server, browser: Any) -> None:
    page, step = open_own_step(arbor_server, browser, 9, "Reload: 10 - 7 = 3")
    page.keyboard.press("2")
    page.get_by_label("My note").fill("no progress: restates the sum")
    page.get_by_role("button", name="Save note").click()
    page.get_by_label("flag").check()
    expected = (0, "no progress: restates the sum", True)
    assert label_on_server(arbor_server, step, expected) == expected
    page.reload()
    page.get_by_test_id(f"node-{step}").click()
    assert page.get_by_label("My note").input_value() == "no progress: restates the sum"
    assert page.get_by_label("flag").is_checked()
    screenshot(page, "labels-after-reload")
    page.context.close()


def test_pressing_2_later_keeps_the_note_and_flag_and_0_clears_visibly(
    arbor_server: Server, browser: Any
) -> None:
    page, step = open_own_step(arbor_server, browser, 10, "Later: 4 * 4 = 16")
    api = arbor_server.api(USER)
    api.put(f"/api/v1/nodes/{step}/label/", {"rating": 1, "note": "kept", "flagged": True})
    page.reload()
    page.get_by_test_id(f"node-{step}").click()
    page.get_by_label("My note").wait_for()
    assert page.get_by_label("My note").input_value() == "kept"
    page.keyboard.press("2")
    assert label_on_server(arbor_server, step, (0, "kept", True)) == (0, "kept", True)
    # 0 clears the whole label, and says what went with it; z brings every part back.
    page.keyboard.press("0")
    page.get_by_role("status").get_by_text("Cleared my 0 label with its note and flag").wait_for()
    assert label_on_server(arbor_server, step, (None, "", False)) == (None, "", False)
    page.keyboard.press("z")
    assert label_on_server(arbor_server, step, (0, "kept", True)) == (0, "kept", True)
    assert page.get_by_label("My note").input_value() == "kept"
    page.context.close()
