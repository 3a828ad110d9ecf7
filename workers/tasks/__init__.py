"""Celery tasks: thin, take ids, record failures on the Job. No business logic here."""

from __future__ import annotations

from workers.tasks.exports import derive_long_thought, export_dataset, run_export_schedule
from workers.tasks.generation import (
    expand_node,
    find_first_error,
    rollout_node,
    smooth_long_thought,
)
from workers.tasks.imports import import_problems
from workers.tasks.search import (
    beam_search,
    cluster_steps,
    critique_loop,
    fan_out_run,
    mcts,
    recomplete,
)

__all__ = [
    "beam_search",
    "cluster_steps",
    "critique_loop",
    "derive_long_thought",
    "expand_node",
    "export_dataset",
    "fan_out_run",
    "find_first_error",
    "import_problems",
    "mcts",
    "recomplete",
    "rollout_node",
    "run_export_schedule",
    "smooth_long_thought",
]
