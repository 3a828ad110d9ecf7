"""From a ModelProfile row to what backends and prompts need: backend config, the prompt
template of each action, sampling defaults."""

from __future__ import annotations

from typing import Any

from trees.core.critique import CRITIC_TEMPLATE, REVISE_TEMPLATE
from trees.core.generation import DEFAULT_TEMPLATES
from trees.core.smooth import SMOOTH_TEMPLATE
from trees.models import ModelProfile
from workers.backends import Backend, BackendConfig, get_backend

DEFAULT_SAMPLING = {
    "temperature": 0.8,
    "top_p": 1.0,
    "step_max_tokens": 96,
    "rollout_max_tokens": 320,
}

# Steiner re-completion's second pass: complete the path with the reference answer revealed.
REVEAL_TEMPLATE = "Q: {question} (The answer is {reference_answer}.)\n{steps}"

# The template of each action a job asks a model for, unless the profile names its own:
# expand (one next step), rollout (a completion to a final answer, also inside searches),
# critique, revise, smooth and recomplete (the answer-revealed completion).
TEMPLATES: dict[str, str] = {
    **DEFAULT_TEMPLATES,
    "critique": CRITIC_TEMPLATE,
    "revise": REVISE_TEMPLATE,
    "smooth": SMOOTH_TEMPLATE,
    "recomplete": REVEAL_TEMPLATE,
}


def backend_config(profile: ModelProfile) -> BackendConfig:
    return BackendConfig(
        backend=profile.backend,
        model=profile.model_name if profile.backend != "demo" else "",
        base_url=profile.base_url,
        api_key_env=profile.api_key_env,
        chat=profile.chat,
    )


def backend_for(profile: ModelProfile) -> Backend:
    return get_backend(backend_config(profile))


def template(profile: ModelProfile, action: str) -> str:
    """The profile's prompt template for `action`, else the default one."""
    return (profile.prompt_templates or {}).get(action) or TEMPLATES[action]


def sampling(profile: ModelProfile, **overrides: Any) -> dict[str, Any]:
    values = {**DEFAULT_SAMPLING, **(profile.sampling_defaults or {})}
    values.update({key: value for key, value in overrides.items() if value is not None})
    return values
