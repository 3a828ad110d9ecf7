"""The typed result of each kind of job: what `Job.result` holds once the job has run (and,
for MCTS and campaign-wide runs, while it runs). Pure dataclasses with `to_data` (JSON-ready)
and `from_data` (tolerant of keys it does not know and of keys left out).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

R = TypeVar("R", bound="JobResult")


@dataclass
class JobResult:
    kind: ClassVar[str] = ""

    def to_data(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_data(cls: type[R], data: dict[str, Any] | None) -> R:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in (data or {}).items() if key in names})


@dataclass
class ExpandResult(JobResult):
    kind = "expand"
    created: list[int] = field(default_factory=list)
    generated: int = 0
    duplicates: int = 0


@dataclass
class RolloutResult(JobResult):
    kind = "rollout"
    rollouts: int = 0
    correct: int = 0
    mc_soft: float | None = None
    mc_hard: float | None = None
    created: list[int] = field(default_factory=list)
    answers: list[str | None] = field(default_factory=list)


@dataclass
class FirstErrorResult(JobResult):
    kind = "first_error"
    probed_steps: list[int] = field(default_factory=list)
    # node id (a string once stored as JSON) -> the step's soft Monte-Carlo value
    values: dict[Any, float] = field(default_factory=dict)
    first_error: int | None = None
    suggestion: int | None = None


@dataclass
class BeamSearchResult(JobResult):
    kind = "beam_search"
    found: int | None = None
    found_path: list[int] | None = None
    expanded: int = 0
    depth: int = 0
    stop: str = ""
    budget: dict[str, Any] = field(default_factory=dict)


@dataclass
class MctsResult(JobResult):
    """Also the running state: after each iteration the job's contribution to the nodes'
    visits and value sums (`search_stats`: node id -> [visits, value]), so a re-run replaces
    its earlier part instead of counting it twice."""

    kind = "mcts"
    found: int | None = None
    iterations: int = 0
    stop: str = ""
    best_path: list[int] = field(default_factory=list)
    budget: dict[str, Any] = field(default_factory=dict)
    search_stats: dict[str, list[float]] = field(default_factory=dict)


@dataclass
class RecompleteResult(JobResult):
    kind = "recomplete"
    source_path: list[int] = field(default_factory=list)
    truncated_at: int | None = None
    completions: int = 0
    correct: int = 0
    wrong_branches: list[int] = field(default_factory=list)
    revealed: list[int] = field(default_factory=list)
    found: int | None = None
    budget: dict[str, Any] = field(default_factory=dict)
    stop: str = ""


@dataclass
class ClusterResult(JobResult):
    kind = "cluster"
    trees: int = 0
    clusters: int = 0
    changed: int = 0
    threshold: float = 0.0
    band: int = 0
    same_numbers: bool = True
    embedder: str = ""


@dataclass
class CritiqueLoopResult(JobResult):
    """Also the loop's running state: its proposals (node ids, round r's is the r-th) and the
    budget spent so far; once it ends, the proposal accepted (if any) and why it ended."""

    kind = "critique_loop"
    proposals: list[int] = field(default_factory=list)
    budget: dict[str, Any] = field(default_factory=dict)
    accepted: int | None = None
    accepted_by: int | None = None
    reason: str = ""


@dataclass
class LongThoughtResult(JobResult):
    """A derive or smooth job: the long thought it made."""

    kind = "derive"
    long_thought: int | None = None


@dataclass
class ExportResult(JobResult):
    kind = "export"
    export: int | None = None
    rows: int = 0
    bytes: int = 0
    sha256: str = ""
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class ImportResult(JobResult):
    """An import's counts; `errors` holds the first per-line errors (line, message), and
    `source_claims` the solutions' own `is_correct` against Arbor's verifier (agree,
    disagree, unverified)."""

    kind = "import"
    imported: int = 0
    nodes: int = 0
    labels: int = 0
    lines: int = 0
    error_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    source_claims: dict[str, int] = field(default_factory=dict)


@dataclass
class RunCounts:
    """A campaign-wide run's children by outcome (`solved`: those that found an answer)."""

    total: int = 0
    finished: int = 0
    succeeded: int = 0
    failed: int = 0
    cancelled: int = 0
    solved: int = 0


@dataclass
class CampaignRunResult(JobResult):
    """A campaign-wide run's parent job: its children's counts, kept current as they end."""

    kind = "campaign_run"
    children: RunCounts = field(default_factory=RunCounts)
    note: str = ""

    @classmethod
    def from_data(cls, data: dict[str, Any] | None) -> CampaignRunResult:
        data = data or {}
        counts = data.get("children") or {}
        names = {f.name for f in dataclasses.fields(RunCounts)}
        return cls(
            children=RunCounts(**{k: v for k, v in counts.items() if k in names}),
            note=str(data.get("note") or ""),
        )


RESULTS: dict[str, type[JobResult]] = {
    cls.kind: cls
    for cls in (
        ExpandResult,
        RolloutResult,
        FirstErrorResult,
        BeamSearchResult,
        MctsResult,
        RecompleteResult,
        ClusterResult,
        CritiqueLoopResult,
        LongThoughtResult,
        ExportResult,
        ImportResult,
        CampaignRunResult,
    )
}
RESULTS["smooth"] = LongThoughtResult
