from __future__ import annotations

from django.db import models


class ModelProfile(models.Model):
    """How a campaign talks to a model: backend, prompts, step delimiter, sampling defaults.

    API keys are never stored: `api_key_env` names the environment variable that holds one.
    """

    class Backend(models.TextChoices):
        VLLM = "vllm", "vLLM (in-process)"
        OPENAI = "openai", "OpenAI-compatible HTTP"
        TRANSFORMERS = "transformers", "transformers (local)"
        DEMO = "demo", "Demo reasoner"

    class Delimiter(models.TextChoices):
        LINE = "line", "One step per line"
        BLANK_LINE = "blank_line", "Blank line between steps"
        STEP_MARKER = "step_marker", "'Step k:' markers"
        STEINER = "steiner", "Steiner step tokens"
        MINI_STEP = "mini_step", "Mini-steps of N tokens"

    name = models.CharField(max_length=100, unique=True)
    backend = models.CharField(max_length=16, choices=Backend.choices, default=Backend.DEMO)
    model_name = models.CharField(max_length=300, blank=True)
    base_url = models.URLField(blank=True)
    api_key_env = models.CharField(
        max_length=100, blank=True, help_text="Environment variable that holds the API key."
    )
    chat = models.BooleanField(
        default=False, help_text="OpenAI-compatible: use the chat endpoint, not completions."
    )
    prompt_templates = models.JSONField(default=dict, blank=True)
    delimiter = models.CharField(max_length=16, choices=Delimiter.choices, default=Delimiter.LINE)
    mini_step_tokens = models.PositiveSmallIntegerField(default=32)
    sampling_defaults = models.JSONField(default=dict, blank=True)
    queue = models.CharField(max_length=32, default="gpu")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
