"""A backend that speaks the OpenAI-compatible HTTP protocol: vLLM's server, Arbor's own
`workers.openai_server`, and hosted providers.

Completions mode sends the prompt as raw text (`/completions`); chat mode wraps it as one user
message (`/chat/completions`) for providers that only offer chat. Transient failures
(connection errors, timeouts, 429, 5xx) are retried with exponential backoff; other 4xx are not.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

import httpx

from workers.backends.base import (
    BackendConfig,
    BackendError,
    Completion,
    GenerationRequest,
    TokenLogprob,
)

logger = logging.getLogger(__name__)

BACKOFF_BASE_S = 0.5
BACKOFF_MAX_S = 8.0
# A provider that ignores `n` answers with fewer choices; the rest are asked for in follow-up
# calls, but never more than this many, so a broken endpoint cannot loop.
MAX_FOLLOW_UP_CALLS = 8
BODY_EXCERPT_CHARS = 300
LENGTH_REASONS = {"length", "max_tokens"}


class OpenAIBackend:
    """Generates through an OpenAI-compatible endpoint at `config.base_url`."""

    def __init__(self, config: BackendConfig) -> None:
        if not config.base_url:
            raise BackendError("The OpenAI-compatible backend needs a base URL (base_url=...).")
        self.config = config
        self.base_url = config.base_url.rstrip("/")
        headers = {"Content-Type": "application/json"}
        api_key = self._api_key()
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self._client = httpx.Client(headers=headers, timeout=config.timeout_s)

    def _api_key(self) -> str | None:
        if not self.config.api_key_env:
            return None
        key = os.environ.get(self.config.api_key_env)
        if not key:
            raise BackendError(
                f"The API key variable {self.config.api_key_env} is not set in the worker's "
                "environment."
            )
        return key

    def generate(self, request: GenerationRequest) -> list[Completion]:
        """`request.n` completions, normally from one HTTP call."""
        completions: list[Completion] = []
        for call in range(MAX_FOLLOW_UP_CALLS):
            missing = request.n - len(completions)
            # A follow-up call with the same seed would repeat the samples already received.
            seed = None if request.seed is None else request.seed + call
            got = self._call(request, missing, seed)
            if not got:
                break
            completions.extend(got[:missing])
            if len(completions) >= request.n:
                return completions
        if not completions:
            raise BackendError(f"The model endpoint {self.base_url} answered without choices.")
        logger.warning("%s returned %d of %d samples", self.base_url, len(completions), request.n)
        return completions

    def _call(self, request: GenerationRequest, n: int, seed: int | None) -> list[Completion]:
        if self.config.chat:
            url = f"{self.base_url}/chat/completions"
            body = self._chat_body(request, n, seed)
        else:
            url = f"{self.base_url}/completions"
            body = self._completions_body(request, n, seed)
        payload = self._post(url, body)
        choices = payload.get("choices") if isinstance(payload, dict) else None
        if not isinstance(choices, list) or not choices:
            raise BackendError(f"The model endpoint {self.base_url} answered without choices.")
        parse = _chat_choice if self.config.chat else _completions_choice
        try:
            choices = sorted(choices, key=lambda choice: choice.get("index", 0))
            completions = [parse(choice, request.logprobs) for choice in choices]
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise BackendError(
                f"The model endpoint {self.base_url} answered with an unexpected shape: {error!r}"
            ) from error
        _fill_token_counts(completions, payload.get("usage"))
        return completions

    def _common_body(self, request: GenerationRequest, n: int, seed: int | None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.config.model,
            "n": n,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "top_p": request.top_p,
        }
        # Some providers reject an empty stop list or a null seed, so leave them out.
        if request.stop:
            body["stop"] = list(request.stop)
        if seed is not None:
            body["seed"] = seed
        return body

    def _completions_body(
        self, request: GenerationRequest, n: int, seed: int | None
    ) -> dict[str, Any]:
        body = {**self._common_body(request, n, seed), "prompt": request.prompt}
        if request.logprobs > 0:
            body["logprobs"] = request.logprobs
        return body

    def _chat_body(self, request: GenerationRequest, n: int, seed: int | None) -> dict[str, Any]:
        body = {
            **self._common_body(request, n, seed),
            "messages": [{"role": "user", "content": request.prompt}],
        }
        if request.logprobs > 0:
            body["logprobs"] = True
            body["top_logprobs"] = request.logprobs
        return body

    def _post(self, url: str, body: dict[str, Any]) -> Any:
        attempts = max(1, self.config.max_retries)
        failure = ""
        for attempt in range(1, attempts + 1):
            retry_after: float | None = None
            try:
                response = self._client.post(url, json=body)
            except httpx.TimeoutException:
                failure = f"did not answer within {self.config.timeout_s:g} s"
            except httpx.TransportError as error:
                failure = f"is unreachable ({_describe_transport_error(error)})"
            else:
                if response.status_code == 429 or response.status_code >= 500:
                    failure = f"answered {response.status_code}: {_excerpt(response.text)}"
                    retry_after = _retry_after(response)
                elif response.status_code >= 400:
                    raise BackendError(
                        f"The model endpoint answered {response.status_code}: "
                        f"{_excerpt(response.text)}"
                    )
                else:
                    try:
                        return response.json()
                    except ValueError:
                        raise BackendError(
                            f"The model endpoint {url} answered with invalid JSON: "
                            f"{_excerpt(response.text)}"
                        ) from None
            if attempt < attempts:
                delay = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** (attempt - 1))
                if retry_after is not None:
                    delay = min(BACKOFF_MAX_S, max(delay, retry_after))
                logger.warning("%s %s (attempt %d of %d)", url, failure, attempt, attempts)
                time.sleep(delay)
        plural = "s" if attempts != 1 else ""
        raise BackendError(f"The model endpoint {url} {failure} after {attempts} attempt{plural}")

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()


def _describe_transport_error(error: httpx.TransportError) -> str:
    text = str(error) or type(error).__name__
    if isinstance(error, httpx.ConnectError) and "refused" in text.lower():
        return "connection refused"
    return text


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > BODY_EXCERPT_CHARS:
        return text[:BODY_EXCERPT_CHARS] + "…"
    return text or "(empty body)"


def _finish(choice: dict[str, Any]) -> tuple[str, str | None]:
    """Our finish reason ("stop" | "length") and the stop string, when the server names it.

    vLLM reports the matched stop string in `stop_reason` (an int there is a stop token id);
    hosted providers do not say which stop string ended a sample.
    """
    reason = choice.get("finish_reason")
    if reason in LENGTH_REASONS:
        return "length", None
    stop_reason = choice.get("stop_reason")
    return "stop", stop_reason if isinstance(stop_reason, str) else None


def _top_k(alternatives: dict[str, float], k: int) -> dict[str, float]:
    # vLLM adds the chosen token to the top-k when it ranks lower; keep the k likeliest, as the
    # other backends do.
    return dict(sorted(alternatives.items(), key=lambda item: -item[1])[:k])


def _completions_choice(choice: dict[str, Any], k: int) -> Completion:
    finish_reason, stop_reason = _finish(choice)
    logprobs = None
    data = choice.get("logprobs")
    if k > 0 and data:
        tokens = data["tokens"]
        values = data["token_logprobs"]
        tops = data.get("top_logprobs") or [None] * len(tokens)
        logprobs = [
            TokenLogprob(
                token=token,
                logprob=float(value) if value is not None else 0.0,
                top=_top_k({str(t): float(v) for t, v in (top or {}).items()}, k),
            )
            for token, value, top in zip(tokens, values, tops, strict=True)
        ]
    return Completion(
        text=choice["text"],
        finish_reason=finish_reason,
        token_count=len(logprobs) if logprobs is not None else 0,
        logprobs=logprobs,
        stop_reason=stop_reason,
    )


def _chat_choice(choice: dict[str, Any], k: int) -> Completion:
    finish_reason, stop_reason = _finish(choice)
    logprobs = None
    data = choice.get("logprobs")
    if k > 0 and data and data.get("content") is not None:
        logprobs = [
            TokenLogprob(
                token=item["token"],
                logprob=float(item["logprob"]),
                top=_top_k(
                    {alt["token"]: float(alt["logprob"]) for alt in item.get("top_logprobs") or []},
                    k,
                ),
            )
            for item in data["content"]
        ]
    return Completion(
        text=choice["message"].get("content") or "",
        finish_reason=finish_reason,
        token_count=len(logprobs) if logprobs is not None else 0,
        logprobs=logprobs,
        stop_reason=stop_reason,
    )


def _fill_token_counts(completions: list[Completion], usage: Any) -> None:
    """Token counts for choices without logprobs, from `usage` (a total over all choices).

    With one choice the total is exact; with several it is shared out in proportion to the
    text lengths, an estimate good enough for statistics.
    """
    missing = [c for c in completions if c.logprobs is None]
    total = usage.get("completion_tokens") if isinstance(usage, dict) else None
    if not missing or not isinstance(total, int):
        return
    known = sum(c.token_count for c in completions if c.logprobs is not None)
    remaining = max(0, total - known)
    characters = sum(len(c.text) for c in missing)
    for completion in missing:
        share = len(completion.text) / characters if characters else 1 / len(missing)
        completion.token_count = round(remaining * share)
