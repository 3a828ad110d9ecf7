"""The demo backend's missing-model error and the registry's one-instance-per-config."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from workers import backends
from workers.backends import get_backend
from workers.backends.base import BackendConfig, BackendError, GenerationRequest


@pytest.fixture
def forget_loaded() -> Iterator[list[BackendConfig]]:
    """Configs to drop from the registry's process-wide cache after the test."""
    configs: list[BackendConfig] = []
    yield configs
    for config in configs:
        loaded = backends._loaded.pop(config, None)
        if loaded is not None:
            loaded.close()


def test_the_demo_backend_says_how_to_build_a_missing_model(tmp_path: Path, settings: Any) -> None:
    settings.ARBOR_DEMO_MODEL_DIR = tmp_path
    with pytest.raises(BackendError, match=r"python manage\.py build_demo_model"):
        get_backend(BackendConfig(backend="demo"))


def test_the_demo_backend_loads_the_model_in_the_demo_directory(
    tiny_model_dir: Path, settings: Any, forget_loaded: list[BackendConfig]
) -> None:
    settings.ARBOR_DEMO_MODEL_DIR = tiny_model_dir
    config = BackendConfig(backend="demo", device="cpu")
    forget_loaded.append(config)
    backend = get_backend(config)
    assert backend.model_dir() == tiny_model_dir
    assert len(backend.generate(GenerationRequest("Step 1:", n=2, max_tokens=3))) == 2


def test_the_registry_returns_one_backend_per_config(forget_loaded: list[BackendConfig]) -> None:
    config = BackendConfig(backend="openai", model="m", base_url="http://127.0.0.1:9/v1")
    other = BackendConfig(backend="openai", model="other", base_url="http://127.0.0.1:9/v1")
    forget_loaded.extend([config, other])
    assert get_backend(config) is get_backend(config)
    assert get_backend(other) is not get_backend(config)


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(BackendError, match="Unknown backend"):
        get_backend(BackendConfig(backend="nope"))


def test_vllm_missing_is_a_clear_error() -> None:
    pytest.importorskip("torch")
    try:
        import vllm  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("vLLM is installed here")
    with pytest.raises(BackendError, match=r"vLLM is not installed: pip install '\.\[gpu\]'"):
        get_backend(BackendConfig(backend="vllm", model="m"))
