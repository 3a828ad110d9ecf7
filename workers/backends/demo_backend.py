"""The demo reasoner as a backend: the transformers backend on the locally built demo model."""

from __future__ import annotations

from pathlib import Path

from workers.backends.base import BackendError
from workers.backends.transformers_backend import TransformersBackend
from workers.demo.paths import demo_model_dir

NOT_BUILT = (
    "The demo model is not built yet: run `python manage.py build_demo_model` (make run does it)."
)


class DemoBackend(TransformersBackend):
    """Serves the demo model from `demo_model_dir()` (or `config.model` when one is given)."""

    def model_dir(self) -> Path:
        """`config.model` if set, else where `build_demo_model` puts the demo model."""
        directory = Path(self.config.model) if self.config.model else demo_model_dir()
        if not (directory / "config.json").is_file():
            raise BackendError(NOT_BUILT)
        return directory
