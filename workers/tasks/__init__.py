"""Celery tasks: thin, take ids, record failures on the Job. No business logic here."""

from __future__ import annotations

from workers.tasks.generation import expand_node, find_first_error, rollout_node
from workers.tasks.imports import import_problems

__all__ = ["expand_node", "find_first_error", "import_problems", "rollout_node"]
