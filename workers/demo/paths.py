from __future__ import annotations

from pathlib import Path

from django.conf import settings


def demo_model_dir() -> Path:
    """Where the demo model is cached: settings.ARBOR_DEMO_MODEL_DIR (default var/models/demo)."""
    return Path(settings.ARBOR_DEMO_MODEL_DIR)
