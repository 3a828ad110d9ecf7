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


class WorkerProcess:
    """A `celery worker` subprocess on the given queues (both by default), sharing the test
    database."""

    def __init__(self, log_path: Path, env: dict[str, str], queues: str = "cpu,gpu") -> None:
        self.log_path = log_path
        self._log = log_path.open("a")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "annotator",
                "worker",
                "-Q",
                queues,
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
                "-n",
                f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, seconds: float = 60) -> None:
        from annotator.celery import app

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited: {self.log_path.read_text()[-2000:]}")
            if app.control.ping(timeout=0.5):
                return
        self.kill()
        pytest.fail(f"the Celery worker did not answer a ping within {seconds} s")

    def kill(self) -> None:
        """SIGKILL: the worker dies mid-task without acknowledging anything."""
        self.process.kill()
        self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


@pytest.fixture
def start_worker(transactional_db: None, settings: Any, tmp_path: Path):
    """Start worker processes (`start_worker(queues="cpu,gpu", **extra_env)`); all are stopped
    afterwards."""
    require_services()
    from annotator.celery import app

    settings.JOBS_MODE = "celery"
    app.control.purge()  # stale tasks from an earlier run must not meet this run's ids
    workers: list[WorkerProcess] = []

    def start(queues: str = "cpu,gpu", **extra_env: str) -> WorkerProcess:
        env = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PYTHONUNBUFFERED": "1",
            **extra_env,
        }
        worker = WorkerProcess(tmp_path / "worker.log", env, queues)
        workers.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def celery_worker(start_worker):
    return start_worker()
