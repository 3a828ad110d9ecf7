"""Import problems (and their existing solutions and labels) into a campaign, all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from trees.core.imports import (
    FORMATS,
    ClaimCounts,
    ImportLimits,
    LineError,
    ProblemRecord,
    group_records,
    parse_lines,
)
from trees.core.jobresults import ImportResult
from trees.core.merge import merge_paths
from trees.errors import Invalid
from trees.models import Campaign, Job, Node, Problem, StepLabel, Tree
from trees.services.jobs import do_fail_job, do_finish_job, do_report_progress
from trees.services.labels import COUNTER

User = get_user_model()
BATCH = 2000
Progress = Callable[[int, int], None]


@dataclass
class ImportOutcome:
    imported: int = 0
    nodes: int = 0
    labels: int = 0
    lines: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0
    # The solutions' own `is_correct` against Arbor's verifier, over the imported solutions.
    claims: ClaimCounts = field(default_factory=ClaimCounts)

    def as_dict(self) -> dict[str, Any]:
        """The job's typed result (`ImportResult`), as stored on the Job."""
        return ImportResult(
            imported=self.imported,
            nodes=self.nodes,
            labels=self.labels,
            lines=self.lines,
            error_count=self.error_count,
            errors=self.errors,
            source_claims=self.claims.as_dict(),
        ).to_data()


def import_limits() -> ImportLimits:
    return ImportLimits(
        max_statement_chars=settings.ARBOR_MAX_STATEMENT_CHARS,
        max_step_chars=settings.ARBOR_MAX_STEP_CHARS,
    )


def parse_import(
    campaign: Campaign, fmt: str, lines: Iterable[str | bytes], progress: Progress | None = None
) -> tuple[list[ProblemRecord], list[LineError], int]:
    """Parse and validate every line, then check ids against the file and the campaign.

    Returns (records, errors, line count); nothing is written.
    """
    if fmt not in FORMATS:
        raise Invalid(f"Unknown import format {fmt!r}; use one of {list(FORMATS)}.", field="format")
    records: list[ProblemRecord] = []
    errors: list[LineError] = []
    count = 0
    parsed = parse_lines(fmt, lines, import_limits(), last_number=campaign.last_number_answers)
    for count, item in enumerate(parsed, start=1):
        if isinstance(item, LineError):
            errors.append(item)
        else:
            records.append(item)
        if progress and count % 1000 == 0:
            progress(count, 0)
    if fmt == "prm800k":
        records = group_records(records)
    seen: dict[str, int] = {}
    unique: list[ProblemRecord] = []
    for record in records:
        if record.external_id in seen:
            errors.append(
                LineError(
                    record.line,
                    f'id "{record.external_id}" repeats the problem on line '
                    f"{seen[record.external_id]}",
                )
            )
            continue
        seen[record.external_id] = record.line
        unique.append(record)
    ids = list(seen)
    existing: set[str] = set()
    for start in range(0, len(ids), BATCH):
        existing.update(
            Problem.objects.filter(
                campaign=campaign, external_id__in=ids[start : start + BATCH]
            ).values_list("external_id", flat=True)
        )
    if existing:
        for record in unique:
            if record.external_id in existing:
                errors.append(
                    LineError(
                        record.line,
                        f'id "{record.external_id}" is already in campaign "{campaign.slug}"',
                    )
                )
        unique = [record for record in unique if record.external_id not in existing]
    errors.sort(key=lambda error: error.line)
    return unique, errors, count


def do_import_problems(
    campaign: Campaign,
    fmt: str,
    lines: Iterable[str | bytes],
    *,
    skip_invalid: bool = False,
    job: Job | None = None,
    progress: Progress | None = None,
    finish: Callable[[ImportOutcome], Any] | None = None,
) -> ImportOutcome:
    """Validate the whole file, then import it in one transaction.

    With errors and `skip_invalid` false nothing is written and the outcome lists them;
    with `skip_invalid` the good lines are imported and the bad ones reported. `finish` runs
    inside the write transaction, so a job is marked done atomically with its data: a
    re-delivered task finds it finished and writes nothing twice.
    """
    records, errors, line_count = parse_import(campaign, fmt, lines, progress)
    outcome = ImportOutcome(lines=line_count, error_count=len(errors))
    outcome.errors = [
        {"line": error.line, "message": error.message}
        for error in errors[: settings.ARBOR_MAX_IMPORT_ERRORS]
    ]
    if errors and not skip_invalid:
        return outcome
    with transaction.atomic():
        if job is not None and Job.objects.select_for_update().get(pk=job.pk).is_finished:
            return outcome  # finished or cancelled meanwhile: write nothing
        outcome.imported, outcome.nodes, outcome.labels = _write_records(
            campaign, records, job, progress
        )
        for record in records:
            outcome.claims.add(record.paths)
        if finish is not None:
            finish(outcome)
    return outcome


def _write_records(
    campaign: Campaign, records: list[ProblemRecord], job: Any, progress: Progress | None
) -> tuple[int, int, int]:
    problems = Problem.objects.bulk_create(
        [
            Problem(
                campaign=campaign,
                external_id=record.external_id,
                statement=record.statement,
                reference_answer=record.reference_answer,
                reference_solution=record.reference_solution,
                answer_type=record.answer_type,
                subject=record.subject,
                difficulty=record.difficulty,
                source=record.source,
                metadata=record.metadata,
                import_job=job,
            )
            for record in records
        ],
        batch_size=BATCH,
    )
    merged = [merge_paths(record.paths) for record in records]
    trees = Tree.objects.bulk_create(
        [
            Tree(
                problem=problem,
                node_count=1 + len(nodes),
                labelled_count=len({label.node for label in labels}),
                correct_leaves=sum(1 for node in nodes if node.terminal and node.correct),
            )
            for problem, (nodes, labels) in zip(problems, merged, strict=True)
        ],
        batch_size=BATCH,
    )
    roots = Node.objects.bulk_create(
        [
            Node(
                tree=tree,
                text=problem.statement,
                kind=Node.Kind.ROOT,
                origin=Node.Origin.IMPORT,
                source=problem.source,
                job=job,
            )
            for tree, problem in zip(trees, problems, strict=True)
        ],
        batch_size=BATCH,
    )
    if progress:
        progress(len(records), len(records))
    node_total, label_total = _write_steps(trees, roots, merged, job)
    Campaign.objects.filter(pk=campaign.pk).update(problem_count=F("problem_count") + len(records))
    return len(records), node_total, label_total


def _write_steps(
    trees: list[Tree], roots: list[Node], merged: list[tuple[list, list]], job: Any
) -> tuple[int, int]:
    """Create imported steps depth by depth (parents get ids before their children)."""
    by_depth: dict[int, list[tuple[int, Any]]] = {}
    for position, (nodes, _) in enumerate(merged):
        for node in nodes:
            by_depth.setdefault(node.depth, []).append((position, node))
    ids: dict[tuple[int, int], int] = {}
    for depth in sorted(by_depth):
        batch = by_depth[depth]
        created = Node.objects.bulk_create(
            [
                Node(
                    tree=trees[position],
                    parent_id=roots[position].pk
                    if node.parent is None
                    else ids[(position, node.parent)],
                    text=node.text,
                    kind=Node.Kind.ANSWER if node.terminal else Node.Kind.STEP,
                    origin=Node.Origin.IMPORT,
                    source=node.source,
                    depth=depth,
                    order=node.order,
                    is_terminal=node.terminal,
                    extracted_answer=node.extracted_answer or "",
                    correctness=_correctness(node.correct),
                    source_correct=node.source_correct,
                    job=job,
                )
                for position, node in batch
            ],
            batch_size=BATCH,
        )
        for (position, node), row in zip(batch, created, strict=True):
            ids[(position, node.index)] = row.pk
    labellers = _labeller_users({label.labeler for _, labels in merged for label in labels})
    labels = [
        StepLabel(
            node_id=ids[(position, label.node)],
            expert=labellers[label.labeler],
            rating=label.rating,
            flagged=label.flagged,
            source="import",
        )
        for position, (_, node_labels) in enumerate(merged)
        for label in node_labels
    ]
    StepLabel.objects.bulk_create(labels, batch_size=BATCH)
    _count_labels(labels)
    return len(ids), len(labels)


def _count_labels(labels: list[StepLabel]) -> None:
    """Set the per-rating counters of the labelled imported nodes."""
    per_node: dict[int, dict[int, int]] = {}
    for label in labels:
        counts = per_node.setdefault(label.node_id, {1: 0, 0: 0, -1: 0})
        counts[label.rating] += 1
    changed = []
    for node_id, counts in per_node.items():
        node = Node(pk=node_id)
        for rating, column in COUNTER.items():
            setattr(node, column, counts[rating])
        changed.append(node)
    Node.objects.bulk_update(changed, list(COUNTER.values()), batch_size=BATCH)


def _correctness(correct: bool | None) -> str:
    if correct is None:
        return Node.Correctness.UNKNOWN
    return Node.Correctness.CORRECT if correct else Node.Correctness.INCORRECT


def _labeller_users(names: set[str]) -> dict[str, Any]:
    """Imported labels belong to inactive users named after their source labeller."""
    usernames = {name: f"import:{name}"[:150] for name in names}
    found = {user.username: user for user in User.objects.filter(username__in=usernames.values())}
    missing = [
        User(username=username, is_active=False)
        for username in usernames.values()
        if username not in found
    ]
    for user in missing:
        user.set_unusable_password()
    for user in User.objects.bulk_create(missing):
        found[user.username] = user
    return {name: found[username] for name, username in usernames.items()}


def count_lines(job: Job) -> int:
    total = 0
    with job.input_file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            total += chunk.count(b"\n")
    return total


def do_run_import_job(job: Job) -> Job:
    """Run a queued import job to its end: succeeded with counts, or failed with the
    per-line errors and nothing imported (unless the job asked to skip bad lines)."""
    params = job.params
    assert job.campaign_id is not None, "an import job belongs to a campaign"
    campaign = Campaign.objects.get(pk=job.campaign_id)
    total = count_lines(job)
    do_report_progress(job, 0, total)

    def progress(done: int, _total: int) -> None:
        do_report_progress(job, min(done, total), total)

    with job.input_file.open("rb") as handle:
        outcome = do_import_problems(
            campaign,
            params["format"],
            handle,
            skip_invalid=bool(params.get("skip_invalid")),
            job=job,
            progress=progress,
            finish=lambda outcome: do_finish_job(job, outcome.as_dict()),
        )
    if outcome.error_count and not params.get("skip_invalid"):
        first = outcome.errors[0]
        return do_fail_job(
            job,
            f"{outcome.error_count} bad line(s); nothing was imported. "
            f"First: line {first['line']}: {first['message']}",
            outcome.as_dict(),
        )
    job.refresh_from_db()
    return job
