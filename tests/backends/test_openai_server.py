"""The OpenAI-compatible server's shapes and its refusals."""

from __future__ import annotations

from typing import Any

import httpx
import pytest


def post(base_url: str, path: str, body: Any) -> httpx.Response:
    content = body if isinstance(body, bytes) else None
    return httpx.post(
        f"{base_url}{path}", content=content, json=None if content else body, timeout=30
    )


def test_models_lists_the_served_model(tiny_server: str) -> None:
    answer = httpx.get(f"{tiny_server}/models").json()
    assert [model["id"] for model in answer["data"]] == ["tiny"]


def test_completions_have_the_standard_shape(tiny_server: str) -> None:
    body = {"model": "tiny", "prompt": "Step 1:", "n": 2, "max_tokens": 5, "logprobs": 3}
    answer = post(tiny_server, "/completions", body).json()
    assert answer["object"] == "text_completion"
    assert [choice["index"] for choice in answer["choices"]] == [0, 1]
    logprobs = answer["choices"][0]["logprobs"]
    assert (
        len(logprobs["tokens"]) == len(logprobs["token_logprobs"]) == len(logprobs["top_logprobs"])
    )
    assert all(len(top) <= 3 for top in logprobs["top_logprobs"])
    usage = answer["usage"]
    assert usage["prompt_tokens"] > 0
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_chat_completions_have_the_standard_shape(tiny_server: str) -> None:
    body = {
        "model": "tiny",
        "messages": [{"role": "user", "content": "Step 1:"}],
        "max_tokens": 4,
        "logprobs": True,
        "top_logprobs": 2,
        "seed": 1,
    }
    answer = post(tiny_server, "/chat/completions", body).json()
    assert answer["object"] == "chat.completion"
    choice = answer["choices"][0]
    assert choice["message"]["role"] == "assistant"
    content = choice["logprobs"]["content"]
    assert content and all(len(item["top_logprobs"]) <= 2 for item in content)


def test_without_logprobs_none_are_returned(tiny_server: str) -> None:
    body = {"prompt": "Step 1:", "max_tokens": 3}
    answer = post(tiny_server, "/completions", body).json()
    assert answer["choices"][0]["logprobs"] is None
    assert answer["usage"]["completion_tokens"] > 0


@pytest.mark.parametrize(
    ("path", "body", "param"),
    [
        ("/completions", b"{not json", None),
        ("/completions", {"max_tokens": 3}, "prompt"),
        ("/completions", {"prompt": "x", "n": 0}, "n"),
        ("/completions", {"prompt": "x", "temperature": "hot"}, "temperature"),
        ("/completions", {"prompt": "x", "stop": [1]}, "stop"),
        ("/completions", {"prompt": "x", "stream": True}, "stream"),
        ("/chat/completions", {"messages": []}, "messages"),
        ("/chat/completions", {"messages": [{"role": "user"}]}, "messages"),
    ],
)
def test_bad_requests_get_an_openai_style_400(
    tiny_server: str, path: str, body: Any, param: str | None
) -> None:
    response = post(tiny_server, path, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["message"]
    assert error["param"] == param


def test_unknown_routes_are_404(tiny_server: str) -> None:
    assert post(tiny_server, "/embeddings", {"input": "x"}).status_code == 404
