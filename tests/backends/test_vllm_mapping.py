"""Mapping to and from vLLM's types, on stand-ins shaped like its RequestOutput."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from workers.backends.base import GenerationRequest
from workers.backends.vllm_mapping import completions_from_vllm, sampling_params_kwargs


@dataclass
class Logprob:
    logprob: float
    rank: int | None = None
    decoded_token: str | None = None


@dataclass
class CompletionOutput:
    index: int
    text: str
    token_ids: list[int]
    finish_reason: str | None
    stop_reason: str | int | None = None
    logprobs: list[dict[int, Logprob]] | None = field(default=None)


def test_sampling_params_ask_for_what_the_request_asks_for() -> None:
    request = GenerationRequest(
        "Q:", n=4, max_tokens=64, temperature=0.7, top_p=0.9, stop=("\n\n",), seed=3
    )
    assert sampling_params_kwargs(request) == {
        "n": 4,
        "temperature": 0.7,
        "top_p": 0.9,
        "max_tokens": 64,
        "stop": ["\n\n"],
        "seed": 3,
        "logprobs": 5,
        "include_stop_str_in_output": False,
    }


def test_no_logprobs_are_asked_for_when_the_request_wants_none() -> None:
    assert sampling_params_kwargs(GenerationRequest("Q:", logprobs=0))["logprobs"] is None


def test_outputs_become_completions_in_index_order() -> None:
    output = SimpleNamespace(
        outputs=[
            CompletionOutput(1, "six", [7], "length"),
            CompletionOutput(0, "five", [5, 6], "stop", stop_reason="\n\n"),
        ]
    )
    first, second = completions_from_vllm(output)
    assert (first.text, first.finish_reason, first.stop_reason, first.token_count) == (
        "five",
        "stop",
        "\n\n",
        2,
    )
    assert (second.text, second.finish_reason, second.stop_reason) == ("six", "length", None)
    assert first.logprobs is None


def test_end_of_sequence_is_stop_without_a_stop_string() -> None:
    output = SimpleNamespace(outputs=[CompletionOutput(0, "5", [5, 2], "stop", stop_reason=2)])
    [completion] = completions_from_vllm(output)
    assert completion.finish_reason == "stop"
    assert completion.stop_reason is None


def test_an_unfinished_output_counts_as_length() -> None:
    output = SimpleNamespace(outputs=[CompletionOutput(0, "5", [5], None)])
    assert completions_from_vllm(output)[0].finish_reason == "length"


def test_logprobs_keep_the_chosen_token_and_the_k_likeliest() -> None:
    def entry(value: float, rank: int, text: str | None) -> Logprob:
        return Logprob(value, rank, text)

    per_token: list[dict[int, Any]] = [
        # The chosen token ranks first.
        {5: entry(-0.1, 1, " five"), 6: entry(-2.5, 2, " six")},
        # The chosen token (9) ranks third: vLLM lists it beside the top 2.
        {8: entry(-0.5, 1, "."), 3: entry(-1.0, 2, "!"), 9: entry(-3.0, 3, None)},
    ]
    output = SimpleNamespace(
        outputs=[CompletionOutput(0, " five9", [5, 9], "length", logprobs=per_token)]
    )
    [completion] = completions_from_vllm(output, top_k=2)
    first, second = completion.logprobs
    assert (first.token, first.logprob, first.top) == (" five", -0.1, {" five": -0.1, " six": -2.5})
    # No decoded text: the token id stands in.
    assert (second.token, second.logprob) == ("9", -3.0)
    assert second.top == {".": -0.5, "!": -1.0}

    [untrimmed] = completions_from_vllm(output)
    assert untrimmed.logprobs[1].top == {".": -0.5, "!": -1.0, "9": -3.0}
