"""`manage.py build_demo_model`: train the demo reasoner on this machine's CPU (a few minutes), or
say it is already cached. Training lives in workers.demo.train; this only parses and reports."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from workers.demo.paths import demo_model_dir
from workers.demo.train import build_demo_model, cached_report

REAL_MODEL_HINT = (
    "It is a DEMO model (a tiny GPT-2 trained here on synthetic arithmetic word problems), not a "
    "real reasoning model. To use a real one, create a ModelProfile with backend 'openai' and the "
    "base URL of a vLLM server (e.g. http://127.0.0.1:8001/v1), or backend 'transformers' and the "
    "directory of a local model."
)


class Command(BaseCommand):
    help = (
        "Build the demo reasoner (a small model trained on the CPU in a few minutes) into "
        "--out, default $ARBOR_DEMO_MODEL_DIR or var/models/demo. Reuses a cached build."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, default=None, help="directory to build into")
        parser.add_argument("--seed", type=int, default=0, help="training seed (default 0)")
        parser.add_argument(
            "--quick", action="store_true", help="a much smaller model in seconds (tests)"
        )
        parser.add_argument(
            "--force", action="store_true", help="rebuild even when a build is cached"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out_dir: Path = options["out"] or demo_model_dir()
        seed: int = options["seed"]
        quick: bool = options["quick"]
        cached = cached_report(out_dir, seed=seed, quick=quick)
        if cached is not None and not options["force"]:
            self.stdout.write(
                f"Demo model cached in {out_dir} (seed {seed}, "
                f"accuracy {cached['eval_accuracy']:.0%} on {cached['eval_problems']} fresh "
                "problems); --force rebuilds it."
            )
            return
        size = "quick (test-sized)" if quick else "full"
        self.stdout.write(f"Building the {size} demo model in {out_dir} (seed {seed})...")
        with _ProgressBars() as progress:
            report = build_demo_model(out_dir, seed=seed, quick=quick, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo model built in {report['build_seconds']:.0f} s: accuracy "
                f"{report['eval_accuracy']:.0%} ({report['eval_correct']}/"
                f"{report['eval_problems']} fresh problems), saved in {out_dir}"
            )
        )
        self.stdout.write(REAL_MODEL_HINT)


class _ProgressBars:
    """One tqdm bar on stderr per stage of the build ("training", "evaluating").

    Messages read "stage" or "stage: detail"; the detail goes beside the bar.
    """

    def __init__(self) -> None:
        self._stage = ""
        self._bar: Any = None

    def __enter__(self) -> _ProgressBars:
        return self

    def __exit__(self, *exc: object) -> None:
        self._close()

    def __call__(self, done: int, total: int, message: str) -> None:
        from tqdm import tqdm

        stage, _, detail = message.partition(":")
        if stage != self._stage or self._bar is None:
            self._close()
            # Straight to sys.stderr: Django's wrapper adds a newline to every write, which
            # would break tqdm's redraw-in-place.
            self._bar = tqdm(total=total, desc=stage, file=sys.stderr, leave=True)
            self._stage = stage
        if detail:
            self._bar.set_postfix_str(detail.strip(), refresh=False)
        self._bar.update(done - self._bar.n)

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
