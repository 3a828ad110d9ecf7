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
