"""A backend that runs a model in-process with vLLM on a GPU worker (the fast path).

Prefix caching is on: the k candidates of an expansion share their prompt, and so do
successive expansions along one path, so the shared prefix is computed once.
"""

from __future__ import annotations

import gc
import logging
import threading
from typing import Any

from workers.backends.base import BackendConfig, BackendError, Completion, GenerationRequest
from workers.backends.vllm_mapping import completions_from_vllm, sampling_params_kwargs

logger = logging.getLogger(__name__)


class VLLMBackend:
    """Generates with `vllm.LLM(config.model)`, loaded once per worker process."""

    def __init__(self, config: BackendConfig) -> None:
        try:
            import vllm
        except ImportError as error:
            raise BackendError(
                "vLLM is not installed: pip install '.[gpu]' on a GPU worker"
            ) from error
        if not config.model:
            raise BackendError("The vLLM backend needs a model (model=...).")
        self.config = config
        self._vllm = vllm
        # vLLM's engine is not meant to be driven from several threads at once.
        self._lock = threading.Lock()
        self.llm: Any = vllm.LLM(model=config.model, enable_prefix_caching=True)
        logger.info("Loaded %s with vLLM", config.model)

    def generate(self, request: GenerationRequest) -> list[Completion]:
        """`request.n` samples from one `LLM.generate` call."""
        params = self._vllm.SamplingParams(**sampling_params_kwargs(request))
        with self._lock:
            outputs = self.llm.generate([request.prompt], params, use_tqdm=False)
        return completions_from_vllm(outputs[0], top_k=request.logprobs or None)

    def close(self) -> None:
        """Release the engine and its GPU memory."""
        with self._lock:
            self.llm = None
            gc.collect()
            try:
                import torch

                torch.cuda.empty_cache()
            except ImportError:
                pass
