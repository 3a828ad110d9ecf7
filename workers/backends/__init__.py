"""Model backends: a registry from name to dotted path, loaded lazily and kept warm per process.

Heavy imports (torch, transformers, vllm, httpx) happen inside the backend modules, never when
the web process imports this package.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import replace

from workers.backends.base import Backend, BackendConfig, BackendError
from workers.demo.paths import demo_model_dir

REGISTRY: dict[str, str] = {
    "vllm": "workers.backends.vllm_backend.VLLMBackend",
    "openai": "workers.backends.openai_backend.OpenAIBackend",
    "transformers": "workers.backends.transformers_backend.TransformersBackend",
    "demo": "workers.backends.demo_backend.DemoBackend",
}

_loaded: dict[BackendConfig, Backend] = {}
_lock = threading.Lock()


def get_backend(config: BackendConfig) -> Backend:
    """The backend for `config`, created once per process and reused (models stay warm)."""
    if config.backend == "demo" and not config.model:
        # Key the cache by the demo model's directory, so pointing ARBOR_DEMO_MODEL_DIR at
        # another build loads that build instead of reusing the old one.
        config = replace(config, model=str(demo_model_dir()))
    with _lock:
        backend = _loaded.get(config)
        if backend is None:
            if config.backend not in REGISTRY:
                raise BackendError(
                    f"Unknown backend {config.backend!r}; use one of {sorted(REGISTRY)}."
                )
            module_name, _, class_name = REGISTRY[config.backend].rpartition(".")
            backend_class = getattr(importlib.import_module(module_name), class_name)
            backend = backend_class(config)
            _loaded[config] = backend
        return backend


def close_all() -> None:
    with _lock:
        for backend in _loaded.values():
            backend.close()
        _loaded.clear()


__all__ = ["Backend", "BackendConfig", "BackendError", "close_all", "get_backend"]
