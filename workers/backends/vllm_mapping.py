"""Translation between Arbor's generation types and vLLM's, with no vLLM import, so it is
tested anywhere on small stand-ins shaped like vLLM's `RequestOutput`."""

from __future__ import annotations

from typing import Any

from workers.backends.base import Completion, GenerationRequest, TokenLogprob


def sampling_params_kwargs(request: GenerationRequest) -> dict[str, Any]:
    """Keyword arguments for `vllm.SamplingParams` that ask for what `request` asks for."""
    return {
        "n": request.n,
        "temperature": request.temperature,
        "top_p": request.top_p,
        "max_tokens": request.max_tokens,
        "stop": list(request.stop),
        "seed": request.seed,
        "logprobs": request.logprobs if request.logprobs > 0 else None,
        # Stop strings end a step and are not part of it (the delimiter is re-added on join).
        "include_stop_str_in_output": False,
    }


def completions_from_vllm(request_output: Any, top_k: int | None = None) -> list[Completion]:
    """Completions from one vLLM `RequestOutput`, in sample order.

    vLLM lists the top-k alternatives of each token plus the chosen token when it ranks below
    them; `top_k` keeps only the k likeliest (as the other backends report), None keeps all.
    """
    completions = []
    for output in sorted(request_output.outputs, key=lambda output: output.index):
        token_ids = list(output.token_ids)
        stop_reason = output.stop_reason if isinstance(output.stop_reason, str) else None
        completions.append(
            Completion(
                text=output.text,
                # None means unfinished (aborted); "abort" likewise did not end on its own.
                finish_reason="stop" if output.finish_reason == "stop" else "length",
                token_count=len(token_ids),
                logprobs=_token_logprobs(token_ids, output.logprobs, top_k),
                stop_reason=stop_reason,
            )
        )
    return completions


def _token_logprobs(
    token_ids: list[int], logprobs: Any, top_k: int | None
) -> list[TokenLogprob] | None:
    if not logprobs:
        return None
    result = []
    for token_id, alternatives in zip(token_ids, logprobs, strict=False):
        ranked = sorted(alternatives.items(), key=lambda item: -item[1].logprob)
        if top_k is not None:
            ranked = ranked[:top_k]
        top: dict[str, float] = {}
        for alternative_id, entry in ranked:
            top.setdefault(_text(alternative_id, entry), float(entry.logprob))
        chosen = alternatives.get(token_id)
        chosen_text = _text(token_id, chosen)
        if chosen is not None and any(alt_id == token_id for alt_id, _ in ranked):
            # Two ids may decode alike; the chosen token's own entry wins.
            top[chosen_text] = float(chosen.logprob)
        result.append(
            TokenLogprob(
                token=chosen_text,
                logprob=float(chosen.logprob) if chosen is not None else 0.0,
                top=top,
            )
        )
    return result


def _text(token_id: int, entry: Any) -> str:
    # decoded_token is None when vLLM was asked not to detokenize.
    decoded = getattr(entry, "decoded_token", None)
    return decoded if decoded is not None else str(token_id)
