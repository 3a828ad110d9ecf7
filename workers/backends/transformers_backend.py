"""A backend that runs a local Hugging Face causal LM in-process with transformers.

It is the CPU-friendly path (the demo reasoner, small local models, tests); vLLM is the fast one.
Samples, stop strings and logprobs follow vLLM's conventions so callers cannot tell them apart.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from django.conf import settings
from transformers import AutoModelForCausalLM, AutoTokenizer, StoppingCriteria

from workers.backends.base import (
    BackendConfig,
    BackendError,
    Completion,
    GenerationRequest,
    TokenLogprob,
)

logger = logging.getLogger(__name__)


def resolve_device(device: str) -> str:
    """`"auto"` becomes `"cuda"` when a GPU is visible, else `"cpu"`; anything else is kept."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


class _GeneratedTextStop(StoppingCriteria):
    """Stops a sample once one of the stop strings appears in its *generated* text.

    transformers' own `stop_strings=` also matches across the prompt boundary: with a prompt
    ending in "\\n" and the stop string "\\n\\n", a first generated "\\n" would stop the sample
    at once. vLLM only looks at generated text, and so do we.
    """

    def __init__(self, tokenizer: Any, prompt_length: int, stops: Sequence[str]) -> None:
        self.tokenizer = tokenizer
        self.prompt_length = prompt_length
        self.stops = tuple(stops)
        # Checked at every step, a stop string is new only if it ends in the last token, so a
        # tail of tokens suffices: a character is at most 4 bytes and a token at least one,
        # and the margin keeps the match away from the tail's first token (whose decoding may
        # lose a leading space or a split character).
        self.window = 4 * max(len(stop) for stop in self.stops) + 8
        self.done: torch.Tensor | None = None

    def __call__(self, input_ids: torch.Tensor, scores: Any, **kwargs: Any) -> torch.Tensor:
        if self.done is None:
            self.done = torch.zeros(input_ids.shape[0], dtype=torch.bool)
        start = max(self.prompt_length, input_ids.shape[1] - self.window)
        for row in range(input_ids.shape[0]):
            if self.done[row]:
                continue
            text = self.tokenizer.decode(input_ids[row, start:], skip_special_tokens=True)
            if any(stop in text for stop in self.stops):
                self.done[row] = True
        return self.done.to(input_ids.device)


@dataclass(frozen=True)
class _StepLogprobs:
    """Per sample and generated token: the chosen token's logprob and the top-k (ids and
    logprobs), from the raw logits.

    Raw logits, not the processed scores: logprobs are the model's probabilities, not ones
    warped by temperature or top-p. Computed one step at a time on the model's device, so a
    full-vocabulary float32 copy of all steps never exists.
    """

    chosen: list[list[float]]  # [sample][step]
    top_values: list[list[list[float]]]  # [sample][step][rank]
    top_ids: list[list[list[int]]]  # [sample][step][rank]

    @classmethod
    def of(
        cls, logits: Sequence[torch.Tensor] | None, generated: torch.Tensor, k: int
    ) -> _StepLogprobs | None:
        if k <= 0 or not logits:
            return None
        chosen, top_values, top_ids = [], [], []
        for step, step_logits in enumerate(logits):
            logprobs = step_logits.float().log_softmax(dim=-1)
            chosen.append(logprobs.gather(1, generated[:, step : step + 1]).squeeze(1))
            values, ids = logprobs.topk(min(k, logprobs.shape[-1]), dim=-1)
            top_values.append(values)
            top_ids.append(ids)
        # (samples, steps[, k]) lists, moved off the device once.
        return cls(
            torch.stack(chosen, dim=1).tolist(),
            torch.stack(top_values, dim=1).tolist(),
            torch.stack(top_ids, dim=1).tolist(),
        )


class TransformersBackend:
    """Runs `config.model` (a local model directory) with transformers' `generate`.

    The model is loaded once; `generate` makes one batched call for all `n` samples and is
    serialized by a lock, because the embedded mode calls it from a small thread pool and a
    model is not safe to drive from two threads at once.
    """

    def __init__(self, config: BackendConfig) -> None:
        self.config = config
        self.device = resolve_device(config.device)
        if self.device == "cpu":
            # Intra-op threads beyond the free cores make generation many times slower when the
            # web process, other jobs or other workers share the machine (seen: 50x on 2 cores).
            torch.set_num_threads(settings.ARBOR_TORCH_THREADS)
        self._lock = threading.Lock()
        self.tokenizer, self.model = self._load(self.model_dir())
        self._eos_ids = self._eos_token_ids()
        # Models without a pad token (GPT-2, Llama) pad finished samples with end-of-sequence.
        pad = self.tokenizer.pad_token_id
        self._pad_id = pad if pad is not None else (min(self._eos_ids) if self._eos_ids else 0)
        self._max_positions = getattr(self.model.config, "max_position_embeddings", None)

    def model_dir(self) -> Path:
        """The local directory holding the model and tokenizer."""
        if not self.config.model:
            raise BackendError("The transformers backend needs a model directory (model=...).")
        return Path(self.config.model)

    def _load(self, directory: Path) -> tuple[Any, Any]:
        if not (directory / "config.json").is_file():
            raise BackendError(
                f"No model found in {directory}: the transformers backend needs a local "
                "directory with config.json, the weights and the tokenizer."
            )
        try:
            tokenizer = AutoTokenizer.from_pretrained(directory)
            model = AutoModelForCausalLM.from_pretrained(directory)
        except (OSError, ValueError) as error:
            raise BackendError(f"Could not load the model in {directory}: {error}") from error
        model.to(self.device)  # type: ignore[arg-type]  # a functools.wraps method: mypy loses self
        model.eval()
        logger.info("Loaded %s on %s", directory, self.device)
        return tokenizer, model

    def _eos_token_ids(self) -> set[int]:
        # The generation config may list several (chat models end turns with their own token).
        ids: set[int] = set()
        for source in (self.model.generation_config.eos_token_id, self.tokenizer.eos_token_id):
            if isinstance(source, int):
                ids.add(source)
            elif source is not None:
                ids.update(source)
        return ids

    def count_tokens(self, text: str) -> int:
        """How many tokens `text` is as a prompt (special tokens included)."""
        with self._lock:
            return len(self.tokenizer(text)["input_ids"])

    def generate(self, request: GenerationRequest) -> list[Completion]:
        """`request.n` samples of `request.prompt` from one batched `model.generate` call."""
        if request.n < 1:
            raise BackendError("A generation request needs n >= 1.")
        # The lock covers the tokenizer too: a fast tokenizer used from two threads at once
        # can fail with "Already borrowed".
        with self._lock:
            return self._generate(request)

    def _generate(self, request: GenerationRequest) -> list[Completion]:
        encoded = self.tokenizer(request.prompt, return_tensors="pt")
        # Only what every causal LM accepts (some tokenizers add token_type_ids).
        inputs = {
            "input_ids": encoded["input_ids"].to(self.device),
            "attention_mask": encoded["attention_mask"].to(self.device),
        }
        prompt_length = inputs["input_ids"].shape[1]
        max_new_tokens = self._max_new_tokens(prompt_length, request.max_tokens)
        if max_new_tokens == 0:
            return [
                Completion(text="", finish_reason="length", token_count=0) for _ in range(request.n)
            ]
        kwargs = self._generate_kwargs(request, max_new_tokens)
        if request.stop:
            kwargs["stopping_criteria"] = [
                _GeneratedTextStop(self.tokenizer, prompt_length, request.stop)
            ]
        with self._seeded(request.seed), torch.inference_mode():
            output = self.model.generate(**inputs, **kwargs)
            generated = output.sequences[:, prompt_length:]
            steps = _StepLogprobs.of(output.logits, generated, request.logprobs)
        completions = [
            self._completion(tokens, steps, row, request)
            for row, tokens in enumerate(generated.tolist())
        ]
        if len(completions) < request.n:
            # Greedy decoding ran once (see _generate_kwargs); its n samples are all the same.
            completions += [copy.deepcopy(completions[0]) for _ in range(request.n - 1)]
        return completions

    def _max_new_tokens(self, prompt_length: int, max_tokens: int) -> int:
        if self._max_positions is None:
            return max_tokens
        room = self._max_positions - prompt_length
        if room <= 0:
            raise BackendError(
                f"The prompt is {prompt_length} tokens long; the model accepts at most "
                f"{self._max_positions} tokens in all."
            )
        return max(0, min(max_tokens, room))

    def _generate_kwargs(self, request: GenerationRequest, max_new_tokens: int) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "max_new_tokens": max_new_tokens,
            # transformers refuses several return sequences without sampling; greedy samples
            # are identical anyway, so one is decoded and copied.
            "num_return_sequences": request.n if request.temperature > 0 else 1,
            "pad_token_id": self._pad_id,
            # Raw logits for the logprobs; they cost n x length x vocabulary floats, so only
            # when asked for.
            "output_logits": request.logprobs > 0,
            "return_dict_in_generate": True,
        }
        if request.temperature > 0:
            # transformers fills an unset top_k with 50; vLLM and OpenAI apply no top-k unless
            # asked, so only the model's own generation config may set one.
            top_k = self.model.generation_config.top_k
            kwargs.update(
                do_sample=True,
                temperature=request.temperature,
                top_p=request.top_p,
                top_k=top_k if top_k is not None else 0,
            )
        else:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        return kwargs

    @contextlib.contextmanager
    def _seeded(self, seed: int | None) -> Iterator[None]:
        """Seed the RNGs for one call without touching the process-wide random state."""
        if seed is None:
            yield
            return
        devices = [torch.device(self.device).index or 0] if self.device.startswith("cuda") else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(seed)
            yield

    def _completion(
        self, tokens: list[int], steps: _StepLogprobs | None, row: int, request: GenerationRequest
    ) -> Completion:
        finish_reason = "length"
        # End-of-sequence ends the sample and is not part of it (nor counted), like the stop
        # strings; what follows it is padding.
        for position, token in enumerate(tokens):
            if token in self._eos_ids:
                tokens, finish_reason = tokens[:position], "stop"
                break
        text = self.tokenizer.decode(tokens, skip_special_tokens=True)
        stop_reason = None
        cut = _first_stop(text, request.stop)
        if cut is not None:
            position, stop_reason = cut
            text = text[:position]
            tokens = tokens[: self._tokens_through_char(tokens, position)]
            finish_reason = "stop"
        return Completion(
            text=text,
            finish_reason=finish_reason,
            token_count=len(tokens),
            logprobs=self._token_logprobs(tokens, steps, row) if steps is not None else None,
            stop_reason=stop_reason,
        )

    def _tokens_through_char(self, tokens: list[int], char: int) -> int:
        """How many tokens it takes for the decoded text to reach past character `char`.

        Binary search over prefix decodes: decoded length grows with the prefix (a token cut
        in the middle of a UTF-8 character may shrink it by one, which does not matter here).
        """
        low, high = 1, len(tokens)
        while low < high:
            middle = (low + high) // 2
            if len(self.tokenizer.decode(tokens[:middle], skip_special_tokens=True)) > char:
                high = middle
            else:
                low = middle + 1
        return low

    def _token_logprobs(
        self, tokens: list[int], steps: _StepLogprobs, row: int
    ) -> list[TokenLogprob]:
        chosen = steps.chosen[row][: len(tokens)]
        top_values = steps.top_values[row][: len(tokens)]
        top_ids = steps.top_ids[row][: len(tokens)]
        names = self._token_texts(sorted({*tokens, *(i for ids in top_ids for i in ids)}))
        result = []
        for token, value, values, ids in zip(tokens, chosen, top_values, top_ids, strict=True):
            top: dict[str, float] = {}
            for alternative_value, alternative_id in zip(values, ids, strict=True):
                # Different ids may still read alike; keep the likelier one, except that the
                # chosen token's own entry always wins.
                top.setdefault(names[alternative_id], alternative_value)
                if alternative_id == token:
                    top[names[alternative_id]] = alternative_value
            result.append(TokenLogprob(token=names[token], logprob=value, top=top))
        return result

    def _token_texts(self, token_ids: list[int]) -> dict[int, str]:
        """Each token's text on its own; a token that is only part of a UTF-8 character is
        written as its bytes, `bytes:\\xe2\\x80`, as OpenAI's API does, so such tokens stay
        distinct instead of all reading "\ufffd"."""
        # One decode per id: batch_decode of a single one-token sequence returns a bare string
        # in transformers 5, which would be read character by character.
        texts = [self.tokenizer.decode([token_id]) for token_id in token_ids]
        names = {}
        for token_id, text in zip(token_ids, texts, strict=True):
            if "\ufffd" in text:
                raw = self.tokenizer.convert_ids_to_tokens(token_id)
                data = _token_bytes(raw)
                text = "bytes:" + "".join(f"\\x{b:02x}" for b in data) if data else raw
            names[token_id] = text
        return names

    def close(self) -> None:
        """Drop the model so its memory can be reclaimed."""
        with self._lock:
            self.model = None
            if self.device.startswith("cuda"):
                torch.cuda.empty_cache()


def _first_stop(text: str, stops: Sequence[str]) -> tuple[int, str] | None:
    """The earliest stop string in `text` and where it starts, or None."""
    best: tuple[int, str] | None = None
    for stop in stops:
        position = text.find(stop) if stop else -1
        if position >= 0 and (best is None or position < best[0]):
            best = (position, stop)
    return best


def _byte_level_alphabet() -> dict[str, int]:
    """GPT-2's byte-level BPE writes each byte as one printable character; this undoes it."""
    printable = [*range(33, 127), *range(161, 173), *range(174, 256)]
    characters = {byte: chr(byte) for byte in printable}
    shifted = 0
    for byte in range(256):
        if byte not in characters:
            characters[byte] = chr(256 + shifted)
            shifted += 1
    return {character: byte for byte, character in characters.items()}


_BYTE_LEVEL = _byte_level_alphabet()
_BYTE_FALLBACK = re.compile(r"<0x([0-9A-Fa-f]{2})>")


def _token_bytes(raw: str | None) -> bytes | None:
    """The bytes behind a vocabulary entry: SentencePiece byte fallback (`<0xE2>`) or a
    byte-level BPE token; None for anything else."""
    if not raw:
        return None
    match = _BYTE_FALLBACK.fullmatch(raw)
    if match:
        return bytes([int(match.group(1), 16)])
    if all(character in _BYTE_LEVEL for character in raw):
        return bytes(_BYTE_LEVEL[character] for character in raw)
    return None
