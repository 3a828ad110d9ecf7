"""API shapes for model profiles."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from trees.models import (
    ModelProfile,
)


class ModelProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = ModelProfile
        fields = [
            "id",
            "name",
            "backend",
            "model_name",
            "base_url",
            "api_key_env",
            "chat",
            "prompt_templates",
            "delimiter",
            "mini_step_tokens",
            "sampling_defaults",
            "queue",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def validate_prompt_templates(self, value: Any) -> Any:
        from trees.core.generation import build_prompt
        from trees.core.smooth import smooth_prompt

        if not isinstance(value, dict):
            raise serializers.ValidationError("An object of action -> template.")
        for action, template in value.items():
            if action not in {"expand", "rollout", "critique", "revise", "smooth"}:
                raise serializers.ValidationError(f"Unknown action {action!r}.")
            try:
                if action == "smooth":
                    smooth_prompt(str(template), "q", "p")
                else:
                    build_prompt(str(template), "q", ["s"], "line", "a")
            except ValueError as exc:
                raise serializers.ValidationError(str(exc)) from exc
        return value

    def validate_sampling_defaults(self, value: Any) -> Any:
        allowed = {"temperature", "top_p", "step_max_tokens", "rollout_max_tokens"}
        if not isinstance(value, dict) or set(value) - allowed:
            raise serializers.ValidationError(f"Keys allowed: {sorted(allowed)}.")
        return value
