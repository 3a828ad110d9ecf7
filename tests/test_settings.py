"""The settings module: services mode needs a secret key, knobs fail loudly on bad values, and
the settings are read in one place (annotator/settings.py through annotator/env.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRINT = "from django.conf import settings; print(repr(settings.{name}))"


def read_setting(name: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Import annotator.settings in a fresh process with only `env` set and print a setting."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ARBOR_", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_"))
    }
    clean.update(DJANGO_SETTINGS_MODULE="annotator.settings", ARBOR_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-c", PRINT.format(name=name)],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_services_mode_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = read_setting("SECRET_KEY", tmp_path, DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr
    assert "SECRET_KEY_FILE" in result.stderr


def test_services_mode_reads_the_secret_key_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "secret"
    key_file.write_text("from-a-file-0123456789\n")
    result = read_setting(
        "SECRET_KEY",
        tmp_path,
        DATABASE_URL="postgres://u@127.0.0.1:5432/x",
        SECRET_KEY_FILE=str(key_file),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "'from-a-file-0123456789'"


def test_a_missing_secret_key_file_is_named_in_the_error(tmp_path: Path) -> None:
    result = read_setting("SECRET_KEY", tmp_path, SECRET_KEY_FILE=str(tmp_path / "nope"))
    assert result.returncode != 0
    assert "SECRET_KEY_FILE=" in result.stderr and "cannot be read" in result.stderr


def test_the_embedded_mode_starts_without_a_secret_key(tmp_path: Path) -> None:
    result = read_setting("SECRET_KEY", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "insecure" in result.stdout


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ARBOR_TORCH_THREADS", "0", "must be at least 1"),
        ("ARBOR_TORCH_THREADS", "two", "is not an integer"),
        ("ARBOR_EMBEDDER", "word2vec", "must be one of ['hashing', 'minilm']"),
    ],
)
def test_bad_knob_values_fail_at_start_up(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    result = read_setting(name, tmp_path, **{name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_the_model_knobs_come_from_the_environment(tmp_path: Path) -> None:
    script = (
        "from django.conf import settings; from workers.demo.paths import demo_model_dir; "
        "print(demo_model_dir(), settings.ARBOR_TORCH_THREADS, settings.ARBOR_EMBEDDER, "
        "settings.ARBOR_DEMO_PASSWORD)"
    )
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("ARBOR_", "DJANGO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="annotator.settings",
        ARBOR_VAR_DIR=str(tmp_path),
        ARBOR_DEMO_MODEL_DIR=str(tmp_path / "shared-model"),
        ARBOR_TORCH_THREADS="3",
        ARBOR_EMBEDDER="hashing",
        ARBOR_DEMO_PASSWORD="s3cret-demo",
    )
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(tmp_path / "shared-model"), "3", "hashing", "s3cret-demo"]


# Environment reads that are not settings: a model profile names the variable holding its API
# key (never stored), and the entry points choose the settings module.
ALLOWED_READS = {
    "annotator/env.py",
    "workers/backends/openai_backend.py",
}
ENV_READ = re.compile(r"os\.environ\.get\(|os\.environ\[[^\]]+\](?!\s*=)|os\.getenv\(")


def test_settings_are_read_only_in_the_settings_module() -> None:
    readers = []
    for package in ("annotator", "trees", "workers"):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative in ALLOWED_READS or "/migrations/" in relative:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if ENV_READ.search(line):
                    readers.append(f"{relative}:{number}: {line.strip()}")
    assert readers == []


def test_env_example_lists_every_knob_the_settings_read() -> None:
    read = set(
        re.findall(r'env_[a-z]+\(\s*"([A-Z0-9_]+)"', (ROOT / "annotator/settings.py").read_text())
    )
    listed = set(re.findall(r"^# ([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read and read - listed == set()
