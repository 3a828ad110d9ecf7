"""Celery tasks: thin, take ids, record failures on the Job. No business logic here."""

from __future__ import annotations

from workers.tasks.exports import derive_long_thought, export_dataset, run_export_schedule
from workers.tasks.generation import expand_node, find_first_error, rollout_node
from workers.tasks.imports import import_problems

__all__ = [
    "derive_long_thought",
    "expand_node",
    "export_dataset",
    "find_first_error",
    "import_problems",
    "rollout_node",
    "run_export_schedule",
]
