"""Shared plumbing of the permission matrices: personas, expected outcomes, one request."""

from __future__ import annotations

from typing import Any

PERSONAS = ["alice", "larry", "carol", "bob", "mallory"]  # admin, lead, reviewer, expert, outsider
OK, NO, HIDDEN = "ok", 403, 404


def call(client: Any, method: str, url: str, body: Any) -> Any:
    if method == "post-multipart":
        return client.post(url, body, format="multipart")
    return getattr(client, method)(url, body, format="json")


def check(client: Any, case: tuple[Any, ...], world: Any, want: Any, who: str) -> None:
    """Make the case's request as `client` and assert the expected outcome."""
    name, method, url, body, _ = case
    response = call(client, method, url(world), body(world) if body else None)
    if want == OK:
        assert 200 <= response.status_code < 300, (name, who, response.content[:300])
    elif want == "anonymous":
        assert response.status_code in (401, 403), (name, who, response.content[:200])
    else:
        assert response.status_code == want, (name, who, response.content[:300])


def matrix_tests(cases: list[tuple[Any, ...]]) -> tuple[Any, Any]:
    """The two tests every matrix module runs over its cases (each persona, then an anonymous
    client); assign them to `test_...` names in the module so pytest collects them. The module
    provides a `world` fixture that the cases' url and body functions read."""
    import pytest

    names = ("name", "method", "url", "body", "expected")
    ids = [case[0] for case in cases]

    @pytest.mark.parametrize("persona", PERSONAS)
    @pytest.mark.parametrize(names, cases, ids=ids)
    def by_persona(request, world, client_for, persona, name, method, url, body, expected):
        client = client_for(request.getfixturevalue(persona))
        case = (name, method, url, body, expected)
        check(client, case, world, expected[PERSONAS.index(persona)], persona)

    @pytest.mark.parametrize(names, cases, ids=ids)
    def anonymous(world, client_for, name, method, url, body, expected):
        case = (name, method, url, body, expected)
        check(client_for(None), case, world, "anonymous", "anonymous")

    return by_persona, anonymous
