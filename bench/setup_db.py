"""Point Django at a throwaway benchmark database and migrate it."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def setup(name: str = "arbor_bench") -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base, _, _ = url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{base}/{name}"
        # Services mode needs a secret key; a throwaway bench database signs nothing real.
        os.environ.setdefault("SECRET_KEY", f"bench-only-{os.getpid()}")
    else:
        os.environ["ARBOR_VAR_DIR"] = tempfile.mkdtemp(prefix="arbor-bench-")
    os.environ.pop("REDIS_URL", None)
    os.environ["ARBOR_JOBS_MODE"] = "inline"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    return connection.vendor
