"""Celery tasks: thin, take ids, record failures on the Job. No business logic here."""

from __future__ import annotations

from workers.tasks.imports import import_problems

__all__ = ["import_problems"]
