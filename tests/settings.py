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
