"""The API docs page works offline: Swagger UI comes from Arbor's own static files."""

from __future__ import annotations

import re

import pytest

ASSET = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


def test_the_api_docs_page_references_only_local_static_files(client) -> None:
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assets = ASSET.findall(page)
    assert any(url.endswith("swagger-ui-bundle.js") for url in assets), assets
    assert all(url.startswith("/static/drf_spectacular_sidecar/") for url in assets), assets
    assert not re.search(r"https?://|//cdn|jsdelivr|unpkg", page)


@pytest.mark.parametrize("name", ["swagger-ui-bundle.js", "swagger-ui.css"])
def test_the_swagger_ui_static_files_are_served(client, name: str) -> None:
    page = client.get("/api/docs/").content.decode()
    url = next(url for url in ASSET.findall(page) if url.endswith(name))
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert len(body) > 100_000
    if name.endswith(".js"):
        assert b"SwaggerUIBundle" in body
