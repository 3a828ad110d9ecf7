"""vLLM end to end: only on a GPU machine with vLLM installed and a local model named by
ARBOR_VLLM_TEST_MODEL."""

from __future__ import annotations

import os

import pytest

from workers.backends.base import BackendConfig, GenerationRequest


def test_vllm_generates_n_samples_with_stop_strings_and_logprobs() -> None:
    pytest.importorskip("vllm", reason="vLLM is not installed (GPU workers only)")
    import torch

    if not torch.cuda.is_available():
        pytest.skip("vLLM needs a CUDA GPU")
    model = os.environ.get("ARBOR_VLLM_TEST_MODEL")
    if not model:
        pytest.skip("set ARBOR_VLLM_TEST_MODEL to a local model directory to run this test")
    from workers.backends.vllm_backend import VLLMBackend

    backend = VLLMBackend(BackendConfig(backend="vllm", model=model))
    try:
        request = GenerationRequest(
            "Question: what is 2 + 3?\nAnswer step by step.\n",
            n=4,
            max_tokens=48,
            stop=("\n",),
            seed=0,
        )
        completions = backend.generate(request)
        assert len(completions) == 4
        for completion in completions:
            assert "\n" not in completion.text
            assert completion.finish_reason in {"stop", "length"}
            assert completion.logprobs is not None
            assert all(len(token.top) <= 5 for token in completion.logprobs)
        # Seeded requests repeat (texts; logprobs may differ in the last float bits).
        assert [c.text for c in backend.generate(request)] == [c.text for c in completions]
    finally:
        backend.close()
