"""From a ModelProfile row to what backends and prompts need."""

from __future__ import annotations

from typing import Any

from trees.core.generation import DEFAULT_TEMPLATES
from workers.backends import Backend, BackendConfig, get_backend

DEFAULT_SAMPLING = {
    "temperature": 0.8,
    "top_p": 1.0,
    "step_max_tokens": 96,
    "rollout_max_tokens": 320,
}


def backend_config(profile: Any) -> BackendConfig:
    return BackendConfig(
        backend=profile.backend,
        model=profile.model_name if profile.backend != "demo" else "",
        base_url=profile.base_url,
        api_key_env=profile.api_key_env,
        chat=profile.chat,
    )


def backend_for(profile: Any) -> Backend:
    return get_backend(backend_config(profile))


def template(profile: Any, action: str) -> str:
    return (profile.prompt_templates or {}).get(action) or DEFAULT_TEMPLATES[action]


def sampling(profile: Any, **overrides: Any) -> dict[str, Any]:
    values = {**DEFAULT_SAMPLING, **(profile.sampling_defaults or {})}
    values.update({key: value for key, value in overrides.items() if value is not None})
    return values
