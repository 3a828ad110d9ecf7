"""The one interface every model backend speaks (vLLM, OpenAI-compatible HTTP, transformers,
the demo reasoner). Plain dataclasses: no torch, no HTTP client, nothing heavy here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


class BackendError(Exception):
    """A backend could not answer (endpoint down, bad response, model missing). The message is
    shown to users on the failed Job, so it says what went wrong and what to do."""


@dataclass(frozen=True)
class BackendConfig:
    """Where a model lives and how to reach it (built from a ModelProfile)."""

    backend: str  # "vllm" | "openai" | "transformers" | "demo"
    model: str = ""  # model name (HTTP, vLLM) or local directory (transformers)
    base_url: str = ""  # OpenAI-compatible endpoint, e.g. http://127.0.0.1:8001/v1
    api_key_env: str = ""  # name of the environment variable holding the API key
    chat: bool = False  # OpenAI-compatible: use /chat/completions instead of /completions
    device: str = "auto"  # transformers: "cpu", "cuda", or "auto"
    timeout_s: float = 60.0
    max_retries: int = 3


@dataclass(frozen=True)
class GenerationRequest:
    """One prompt, `n` samples. `stop` strings end a sample and are not part of its text."""

    prompt: str
    n: int = 1
    max_tokens: int = 128
    temperature: float = 0.8
    top_p: float = 1.0
    stop: tuple[str, ...] = ()
    seed: int | None = None
    logprobs: int = 5  # top-k alternatives per generated token; 0 for none


@dataclass
class TokenLogprob:
    token: str
    logprob: float  # of the chosen token
    top: dict[str, float] = field(default_factory=dict)  # top-k alternatives, chosen included


@dataclass
class Completion:
    text: str
    finish_reason: str  # "stop" (stop string or end of sequence) | "length"
    token_count: int
    logprobs: list[TokenLogprob] | None = None
    stop_reason: str | None = None  # the stop string that ended it, if any


@runtime_checkable
class Backend(Protocol):
    config: BackendConfig

    def generate(self, request: GenerationRequest) -> list[Completion]:
        """Return `request.n` completions of `request.prompt`, in one batched call."""
        ...

    def close(self) -> None: ...
