"""The transformers backend on a tiny random GPT-2: batching, stop strings, logprobs, seeds."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from workers.backends.base import BackendConfig, BackendError, GenerationRequest

PROMPT = "Step 1:"


def ascii_token_index(completion: Any, start: int) -> int:
    """The index of the first token from `start` on whose text is a plain ASCII word."""
    for index in range(start, len(completion.logprobs)):
        token = completion.logprobs[index].token
        if token.strip().isalnum() and token.isascii() and len(token.strip()) >= 2:
            return index
    pytest.skip("the random model wrote no plain ASCII token to use as a stop string")


def test_n_samples_come_from_one_generate_call(tiny_backend: Any, monkeypatch: Any) -> None:
    calls: list[dict[str, Any]] = []
    original = tiny_backend.model.generate

    def counting_generate(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(tiny_backend.model, "generate", counting_generate)
    completions = tiny_backend.generate(GenerationRequest(PROMPT, n=6, max_tokens=12, seed=1))
    assert len(completions) == 6
    assert len(calls) == 1
    assert calls[0]["num_return_sequences"] == 6


def test_samples_hit_max_tokens_with_finish_reason_length(tiny_backend: Any) -> None:
    completions = tiny_backend.generate(GenerationRequest(PROMPT, n=4, max_tokens=10, seed=2))
    for completion in completions:
        if completion.finish_reason == "length":
            assert completion.token_count == 10
        else:  # the random model may write end-of-sequence early
            assert completion.token_count < 10
        assert completion.stop_reason is None
    assert any(c.finish_reason == "length" for c in completions)


def test_the_same_seed_gives_the_same_samples(tiny_backend: Any) -> None:
    request = GenerationRequest(PROMPT, n=3, max_tokens=16, seed=7)
    first = tiny_backend.generate(request)
    assert tiny_backend.generate(request) == first
    other = tiny_backend.generate(GenerationRequest(PROMPT, n=3, max_tokens=16, seed=8))
    assert [c.text for c in other] != [c.text for c in first]


def test_each_token_has_its_logprob_and_top_five(tiny_backend: Any) -> None:
    completions = tiny_backend.generate(GenerationRequest(PROMPT, n=3, max_tokens=16, seed=3))
    for completion in completions:
        assert completion.logprobs is not None
        assert len(completion.logprobs) == completion.token_count
        for token in completion.logprobs:
            assert token.logprob <= 0
            # Partial UTF-8 tokens read as their bytes, not as an ambiguous "\ufffd".
            assert "\ufffd" not in token.token
            assert 1 <= len(token.top) <= 5
            assert all(value <= 0 for value in token.top.values())
            # The top alternatives are the likeliest tokens: none is less likely than the
            # chosen one unless the chosen one is among them.
            if token.token in token.top:
                assert token.top[token.token] == pytest.approx(token.logprob)
            else:
                assert min(token.top.values()) >= token.logprob


def test_logprobs_are_model_probabilities_not_temperature_warped(tiny_backend: Any) -> None:
    hot = tiny_backend.generate(GenerationRequest(PROMPT, max_tokens=1, temperature=2.0, seed=1))
    cold = tiny_backend.generate(GenerationRequest(PROMPT, max_tokens=1, temperature=0.1, seed=1))
    assert hot[0].logprobs[0].top == cold[0].logprobs[0].top
    # Over the whole vocabulary they would sum to one; the top five sum to less.
    assert sum(math.exp(v) for v in hot[0].logprobs[0].top.values()) < 1


def test_no_logprobs_when_none_are_asked_for(tiny_backend: Any) -> None:
    completions = tiny_backend.generate(GenerationRequest(PROMPT, max_tokens=4, logprobs=0))
    assert completions[0].logprobs is None
    assert completions[0].token_count > 0


def test_a_stop_string_cuts_the_sample_before_it(tiny_backend: Any) -> None:
    request = GenerationRequest(PROMPT, n=4, max_tokens=40, seed=11)
    full = tiny_backend.generate(request)[0]
    index = ascii_token_index(full, 3)
    stop = full.logprobs[index].token.strip()
    cut = full.text.find(stop)

    stopped = tiny_backend.generate(
        GenerationRequest(PROMPT, n=4, max_tokens=40, seed=11, stop=("never there", stop))
    )[0]
    assert stopped.text == full.text[:cut]
    assert stop not in stopped.text
    assert stopped.finish_reason == "stop"
    assert stopped.stop_reason == stop
    # Tokens up to and including the one where the stop string begins are kept.
    assert stopped.token_count <= index + 1
    assert stopped.logprobs == full.logprobs[: stopped.token_count]


def test_a_stop_string_across_the_prompt_boundary_does_not_stop(tiny_backend: Any) -> None:
    # transformers' own stop_strings would match ":" + the first generated character, since
    # the prompt ends with ":"; only the generated text counts.
    full = tiny_backend.generate(GenerationRequest(PROMPT, n=3, max_tokens=8, seed=5))
    stop = PROMPT[-1] + full[0].text[0]
    stopped = tiny_backend.generate(
        GenerationRequest(PROMPT, n=3, max_tokens=8, seed=5, stop=(stop,))
    )
    for before, after in zip(full, stopped, strict=True):
        cut = before.text.find(stop)
        assert after.text == (before.text if cut < 0 else before.text[:cut])
    assert stopped[0] == full[0] or stop in full[0].text


def test_greedy_samples_are_identical(tiny_backend: Any) -> None:
    completions = tiny_backend.generate(GenerationRequest(PROMPT, n=3, max_tokens=8, temperature=0))
    assert len(completions) == 3
    assert completions[0] == completions[1] == completions[2]
    assert completions[0] is not completions[1]


def test_a_prompt_longer_than_the_context_is_refused(tiny_backend: Any) -> None:
    with pytest.raises(BackendError, match="at most 256 tokens"):
        tiny_backend.generate(GenerationRequest("Step 1: " * 300, max_tokens=4))


def test_a_missing_model_directory_is_a_clear_error(tmp_path: Path) -> None:
    from workers.backends.transformers_backend import TransformersBackend

    with pytest.raises(BackendError, match="No model found"):
        TransformersBackend(BackendConfig(backend="transformers", model=str(tmp_path)))


def test_generation_ends_as_soon_as_a_stop_string_appears(
    tiny_backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = tiny_backend.generate(GenerationRequest(PROMPT, max_tokens=80, seed=21))[0]
    stop = full.logprobs[ascii_token_index(full, 30)].token.strip()
    steps: list[int] = []
    original = tiny_backend.model.generate

    def recording_generate(*args: Any, **kwargs: Any) -> Any:
        output = original(*args, **kwargs)
        steps.append(len(output.logits))
        return output

    monkeypatch.setattr(tiny_backend.model, "generate", recording_generate)
    [stopped] = tiny_backend.generate(
        GenerationRequest(PROMPT, max_tokens=80, seed=21, stop=(stop,))
    )
    assert stopped.stop_reason == stop
    # It stopped on the token that completed the stop string, not at max_tokens.
    assert stopped.token_count <= steps[0] <= stopped.token_count + len(stop.encode())


def test_concurrent_calls_from_a_thread_pool_are_safe(tiny_backend: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    requests = [GenerationRequest(PROMPT, n=2, max_tokens=8, seed=s, stop=("e",)) for s in range(6)]
    expected = [tiny_backend.generate(request) for request in requests]
    with ThreadPoolExecutor(max_workers=3) as pool:
        assert list(pool.map(tiny_backend.generate, requests)) == expected


def test_a_one_token_sample_has_its_logprobs(tiny_backend: Any) -> None:
    # Regression: decoding the names of a single token id once returned a bare string.
    [completion] = tiny_backend.generate(
        GenerationRequest(prompt="The cat", n=1, max_tokens=1, temperature=0.0, logprobs=1)
    )
    assert completion.token_count == len(completion.logprobs) <= 1
