"""The OpenAI-compatible backend against Arbor's real loopback server and small stubs."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.backends.conftest import StubEndpoint, closed_port
from workers.backends import openai_backend
from workers.backends.base import BackendConfig, BackendError, GenerationRequest
from workers.backends.openai_backend import OpenAIBackend

REQUEST = GenerationRequest("Step 1:", n=3, max_tokens=12, seed=4, logprobs=5)

Stub = Callable[[list[tuple[int, Any]]], StubEndpoint]


def completions_body(*texts: str) -> dict[str, Any]:
    choices = [
        {"index": i, "text": text, "finish_reason": "length", "logprobs": None}
        for i, text in enumerate(texts)
    ]
    return {"choices": choices, "usage": {"completion_tokens": 4 * len(texts)}}


@pytest.fixture(autouse=True)
def _fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openai_backend, "BACKOFF_BASE_S", 0.01)


def http_backend(base_url: str, **options: Any) -> OpenAIBackend:
    return OpenAIBackend(
        BackendConfig(backend="openai", model="tiny", base_url=base_url, **options)
    )


@pytest.mark.parametrize("chat", [False, True], ids=["completions", "chat"])
def test_the_server_returns_n_completions_with_logprobs(tiny_server: str, chat: bool) -> None:
    completions = http_backend(tiny_server, chat=chat).generate(REQUEST)
    assert len(completions) == 3
    for completion in completions:
        assert completion.logprobs is not None
        assert completion.token_count == len(completion.logprobs) > 0
        for token in completion.logprobs:
            assert token.logprob <= 0
            assert 1 <= len(token.top) <= 5


def test_completions_over_http_equal_the_local_ones(tiny_server: str, tiny_backend: Any) -> None:
    request = GenerationRequest("Step 2:", n=2, max_tokens=10, seed=9, stop=("e",))
    assert http_backend(tiny_server).generate(request) == tiny_backend.generate(request)


def test_chat_mode_sends_the_prompt_as_one_user_message(stub_endpoint: Stub) -> None:
    body = {
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "five"},
                "finish_reason": "stop",
                "logprobs": {
                    "content": [
                        {
                            "token": "five",
                            "logprob": -0.5,
                            "top_logprobs": [
                                {"token": "five", "logprob": -0.5},
                                {"token": "six", "logprob": -1.5},
                            ],
                        }
                    ]
                },
            }
        ]
    }
    stub = stub_endpoint([(200, body)])
    request = GenerationRequest("2 + 3 =", n=1, max_tokens=5, stop=("\n",), logprobs=2)
    [completion] = http_backend(stub.base_url, chat=True).generate(request)
    assert completion.text == "five"
    assert completion.finish_reason == "stop"
    assert completion.logprobs[0].top == {"five": -0.5, "six": -1.5}
    sent = stub.requests[0]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["body"]["messages"] == [{"role": "user", "content": "2 + 3 ="}]
    assert sent["body"]["logprobs"] is True
    assert sent["body"]["top_logprobs"] == 2
    assert sent["body"]["stop"] == ["\n"]
    assert "seed" not in sent["body"]


def test_choices_are_sorted_by_index_and_counted_from_usage(stub_endpoint: Stub) -> None:
    body = completions_body("a", "bbb")
    body["choices"].reverse()
    stub = stub_endpoint([(200, body)])
    request = GenerationRequest("x", n=2, logprobs=0)
    completions = http_backend(stub.base_url).generate(request)
    assert [c.text for c in completions] == ["a", "bbb"]
    assert [c.token_count for c in completions] == [2, 6]
    assert all(c.finish_reason == "length" for c in completions)


def test_an_unreachable_endpoint_fails_quickly_and_clearly() -> None:
    backend = http_backend(f"http://127.0.0.1:{closed_port()}/v1", timeout_s=2, max_retries=1)
    started = time.monotonic()
    with pytest.raises(BackendError, match=r"unreachable \(connection refused\) after 1 attempt"):
        backend.generate(REQUEST)
    assert time.monotonic() - started < 2


def test_a_server_error_is_retried(stub_endpoint: Stub) -> None:
    stub = stub_endpoint([(500, {"error": "busy"}), (200, completions_body("ok"))])
    completions = http_backend(stub.base_url).generate(GenerationRequest("x", logprobs=0))
    assert [c.text for c in completions] == ["ok"]
    assert len(stub.requests) == 2


def test_persistent_rate_limiting_gives_up_after_max_retries(stub_endpoint: Stub) -> None:
    stub = stub_endpoint([(429, {"error": "slow down"})])
    with pytest.raises(BackendError, match=r"answered 429.*after 3 attempts"):
        http_backend(stub.base_url, max_retries=3).generate(REQUEST)
    assert len(stub.requests) == 3


def test_a_client_error_is_not_retried(stub_endpoint: Stub) -> None:
    stub = stub_endpoint([(404, {"error": {"message": "model tiny does not exist"}})])
    with pytest.raises(BackendError, match=r"answered 404: .*model tiny does not exist"):
        http_backend(stub.base_url).generate(REQUEST)
    assert len(stub.requests) == 1


@pytest.mark.parametrize(
    ("answer", "message"),
    [("not json", "invalid JSON"), ({"choices": []}, "without choices"), ({}, "without choices")],
)
def test_a_malformed_answer_is_a_clear_error(
    stub_endpoint: Stub, answer: Any, message: str
) -> None:
    stub = stub_endpoint([(200, answer)])
    with pytest.raises(BackendError, match=message):
        http_backend(stub.base_url).generate(REQUEST)


def test_a_provider_that_ignores_n_is_asked_again(stub_endpoint: Stub) -> None:
    stub = stub_endpoint([(200, completions_body("one"))])
    request = GenerationRequest("x", n=3, seed=10, logprobs=0)
    completions = http_backend(stub.base_url).generate(request)
    assert len(completions) == 3
    assert [r["body"]["n"] for r in stub.requests] == [3, 2, 1]
    # Same seed again would repeat the sample already received.
    assert [r["body"]["seed"] for r in stub.requests] == [10, 11, 12]


def test_the_api_key_comes_from_the_named_variable(
    stub_endpoint: Stub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARBOR_TEST_KEY", "sk-secret")
    stub = stub_endpoint([(200, completions_body("ok"))])
    http_backend(stub.base_url, api_key_env="ARBOR_TEST_KEY").generate(REQUEST)
    assert stub.requests[0]["headers"]["Authorization"] == "Bearer sk-secret"


def test_a_missing_api_key_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ARBOR_MISSING_KEY", raising=False)
    with pytest.raises(BackendError, match="ARBOR_MISSING_KEY"):
        http_backend("http://127.0.0.1:9/v1", api_key_env="ARBOR_MISSING_KEY")
