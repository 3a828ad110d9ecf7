"""Settings for the test run: Arbor's own, plus a test-only secret key in services mode.

Services mode (DATABASE_URL set) refuses to start without SECRET_KEY; a test run against
PostgreSQL gets a throwaway one here, before the settings are read. Worker processes the
tests start inherit it through the environment."""

from __future__ import annotations

import os
import secrets

if os.environ.get("DATABASE_URL") and not (
    os.environ.get("SECRET_KEY") or os.environ.get("SECRET_KEY_FILE")
):
    os.environ["SECRET_KEY"] = f"arbor-tests-only-{secrets.token_hex(16)}"

from annotator.settings import *  # noqa: F403

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile
    from pathlib import Path

    # The test database is a file, not Django's default shared-cache in-memory database: in
    # shared-cache mode SQLite locks whole tables between connections and answers "database
    # table is locked" at once, ignoring the busy timeout, so a test that polls a Job while
    # the embedded thread pool writes it failed now and then. A file gets the same WAL, busy
    # timeout and immediate transactions as the embedded default. One file per test process,
    # so test runs side by side never share one.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"arbor-test-{os.getpid()}.sqlite3")
    }
