"""The table of job kinds: for each kind, the Celery task that runs it (by name), the queue it
goes to when its model profile names none, and what the starter pins on the Job.

Pure data, no Django: trees.services.jobs reads it to start every job, workers.tasks defines
tasks under these names, and a test checks the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

GPU = "gpu"
CPU = "cpu"

# The task of a campaign-wide run's parent job: it fans out to one job per problem.
FAN_OUT_TASK = "arbor.cpu.fan_out_run"


@dataclass(frozen=True)
class JobKind:
    """How a kind of job starts.

    `model`: the job calls a model, so the starter pins a model profile (the campaign's default
    unless one is given) and the queue that profile names (else `queue`). `seeded`: the starter
    fixes a seed for its samples, so a retried job regenerates the same samples. `campaign_run`:
    the kind can run over a whole campaign (a parent job fanning out, see FAN_OUT_TASK).
    """

    name: str
    task: str
    queue: str
    model: bool = False
    seeded: bool = False
    campaign_run: bool = False


JOB_KINDS: dict[str, JobKind] = {
    kind.name: kind
    for kind in (
        JobKind("import", "arbor.cpu.import_problems", CPU),
        JobKind("expand", "arbor.gpu.expand_node", GPU, model=True, seeded=True),
        JobKind("rollout", "arbor.gpu.rollout_node", GPU, model=True, seeded=True),
        JobKind("first_error", "arbor.gpu.find_first_error", GPU, model=True, seeded=True),
        JobKind("critique_loop", "arbor.gpu.critique_loop", GPU, model=True, seeded=True),
        JobKind(
            "beam_search", "arbor.gpu.beam_search", GPU, model=True, seeded=True, campaign_run=True
        ),
        JobKind("mcts", "arbor.gpu.mcts", GPU, model=True, seeded=True, campaign_run=True),
        JobKind(
            "recomplete", "arbor.gpu.recomplete", GPU, model=True, seeded=True, campaign_run=True
        ),
        JobKind("cluster", "arbor.cpu.cluster_steps", CPU),
        JobKind("derive", "arbor.cpu.derive_long_thought", CPU),
        JobKind("smooth", "arbor.gpu.smooth_long_thought", GPU, model=True, seeded=True),
        JobKind("export", "arbor.cpu.export_dataset", CPU),
    )
}

CAMPAIGN_RUN_KINDS = tuple(name for name, kind in JOB_KINDS.items() if kind.campaign_run)


def job_kind(name: str) -> JobKind:
    """The kind called `name`; KeyError names the known kinds."""
    try:
        return JOB_KINDS[name]
    except KeyError:
        raise KeyError(f"Unknown job kind {name!r}; known: {sorted(JOB_KINDS)}") from None


def task_for(name: str, *, campaign_run: bool = False) -> str:
    """The Celery task name a job of kind `name` is sent to."""
    kind = job_kind(name)
    if campaign_run:
        if not kind.campaign_run:
            raise ValueError(f"A {name} job cannot run over a whole campaign.")
        return FAN_OUT_TASK
    return kind.task
