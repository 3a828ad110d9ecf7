"""Browser tests: Playwright drives Debian's chromium against a live Arbor server.

The server is the embedded mode a newcomer runs (`make run`: SQLite, jobs on an in-process
thread pool, the in-memory channel layer, the demo reasoner), started once per session in a
subprocess with its own database, migrated and seeded with the demo campaign. The tests talk
to it only through the browser and the HTTP API, as users do."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "arbor-demo"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "var" / "screenshots"
# As the services tests skip without PostgreSQL and Redis: `make test` installs chromium with
# apt-get where it can (Debian, root), and says so where it cannot.
NO_CHROMIUM = (
    "Debian's chromium is not installed (`apt-get install chromium`; `make chromium` does it "
    "on Debian as root): the browser tests need it"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Without chromium, skip the tests that drive it before their live server starts."""
    if shutil.which("chromium") is not None:
        return
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def api(self, username: str) -> Api:
        return Api(self.url, username)


class Api:
    """Token-authenticated JSON calls as one of the demo users."""

    def __init__(self, url: str, username: str) -> None:
        self.url = url
        body = self._call(
            "POST", "/api/v1/auth/token/", {"username": username, "password": PASSWORD}
        )
        self.token = body["token"]

    def _call(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Token {token}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        with urllib.request.urlopen(request, timeout=60) as response:
            text = response.read()
        return json.loads(text) if text else None

    def get(self, path: str) -> Any:
        return self._call("GET", path, token=self.token)

    def post(self, path: str, body: Any = None) -> Any:
        return self._call("POST", path, body or {}, token=self.token)

    def put(self, path: str, body: Any = None) -> Any:
        return self._call("PUT", path, body or {}, token=self.token)

    def patch(self, path: str, body: Any = None) -> Any:
        return self._call("PATCH", path, body or {}, token=self.token)

    def wait_for_job(self, job_id: int, timeout: float = 120) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.get(f"/api/v1/jobs/{job_id}/")
            if job["status"] in ("succeeded", "failed", "cancelled"):
                return job
            time.sleep(0.3)
        raise AssertionError(f"job {job_id} did not finish in {timeout} s")


@pytest.fixture(scope="session")
def arbor_server(tmp_path_factory: pytest.TempPathFactory, demo_model: Any) -> Iterator[Server]:
    if not (ROOT / "frontend" / "dist" / "index.html").exists():
        pytest.fail("The frontend is not built: run `make frontend` (make test does it).")
    var_dir = tmp_path_factory.mktemp("arbor-browser")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        ARBOR_VAR_DIR=str(var_dir),
        ARBOR_DEMO_MODEL_DIR=str(demo_model),
        PYTHONUNBUFFERED="1",
    )
    log = var_dir / "server.log"
    manage = [sys.executable, str(ROOT / "manage.py")]
    with log.open("ab") as out:
        for command in (["migrate", "--noinput"], ["seed_demo"]):
            subprocess.run(
                [*manage, *command], cwd=ROOT, env=env, stdout=out, stderr=out, check=True
            )
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2).read()
            break
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise AssertionError(f"the server did not start:\n{log.read_text()}") from None
            time.sleep(0.3)
    yield Server(url=url, process=process, log=log)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip(NO_CHROMIUM)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def log_in(
    browser: Any, server: Server, username: str, viewport: tuple[int, int] = (1440, 900)
) -> Any:
    """A new browser context signed in as `username` through the login form; returns its page."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{server.url}/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/")
    return page


def screenshot(page: Any, name: str) -> Path:
    """Save a screenshot under var/screenshots/ to look at after the run."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
