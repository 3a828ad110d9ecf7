"""Where the public data beside the project lives; tests that need it skip without it."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
GSM8K_TEST = SHARED_DATA / "gsm8k_test.jsonl"


def gsm8k_test_file() -> Path:
    if not GSM8K_TEST.is_file():
        pytest.skip(f"the real GSM8K test split is not at {GSM8K_TEST} (../shared/data)")
    return GSM8K_TEST
