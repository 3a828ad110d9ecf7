"""Services-mode fixtures: a real Celery worker process on the Redis broker, sharing the test
database (PostgreSQL) with the test."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def require_services() -> None:
    if not django_settings.REDIS_URL:
        pytest.skip("services mode: set REDIS_URL (and DATABASE_URL) to run against Redis")
    if connection.vendor != "postgresql":
        pytest.skip("services mode: set DATABASE_URL to a PostgreSQL database")


def test_database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def celery_worker(transactional_db: None, settings: Any, tmp_path: Path):
    """Start `celery worker` as a separate process on both queues; stop it afterwards."""
    require_services()
    from annotator.celery import app

    settings.JOBS_MODE = "celery"
    app.control.purge()  # stale tasks from an earlier run must not meet this run's ids
    log = (tmp_path / "worker.log").open("w")
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "annotator",
            "worker",
            "-Q",
            "cpu,gpu",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "info",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the worker exited: {(tmp_path / 'worker.log').read_text()[-2000:]}")
        if app.control.ping(timeout=0.5):
            break
    else:
        process.kill()
        pytest.fail("the Celery worker did not answer a ping within 60 s")
    process.log_path = tmp_path / "worker.log"  # type: ignore[attr-defined]
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
