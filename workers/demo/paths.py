from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "var" / "models" / "demo"


def demo_model_dir() -> Path:
    """Where the demo model is cached: $ARBOR_DEMO_MODEL_DIR, else var/models/demo."""
    return Path(os.environ.get("ARBOR_DEMO_MODEL_DIR") or DEFAULT_DIR)
