"""Write one training-set file: snapshots in batches -> rows -> token limits -> the atomic
writer, then the manifest beside it. Reads the database, writes only files; the services
record the outcome on an Export and its Job."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from django.utils import timezone

from trees.core.export_contract import manifest_contract
from trees.core.export_rows import within_limits
from trees.errors import JobStopped
from trees.exporting.rows import lengths, measured_texts, tree_rows
from trees.exporting.snapshots import approved_texts, count_problems, iter_tree_views
from trees.exporting.spec import THOUGHT_FORMATS, ExportSpec
from trees.exporting.tokens import count_tokens, load_tokenizer, tokenizer_identity
from trees.exporting.writer import (
    AtomicJsonlWriter,
    manifest_path,
    remove_stale_temps,
    write_json_atomically,
)
from trees.models import Campaign

Progress = Callable[[int, int], None]


# Raised when the export was cancelled between two batches (nothing was written): the one
# stop signal of every job, under the name the export code has always used.
ExportStopped = JobStopped


class NothingToExport(Exception):
    """The export would have no rows; nothing was written. The message says why, in words a
    data lead can act on (it is shown on the Export and its Job)."""


def empty_reason(spec: ExportSpec, counts: dict[str, int]) -> str:
    """Why an export has no rows, from the counts the walk kept."""
    fmt = spec.format
    problems = counts["problems"]
    if problems == 0:
        where = "the selected problems have" if spec.problems is not None else "this campaign has"
        return f"Nothing to export: {where} no trees yet."
    said = f"Nothing to export in {fmt} from {problems} problem(s): "
    over = counts["skipped_over_token_limit"]
    if over:
        return said + (
            f"all {over} row(s) were at or over the token limits "
            f"({spec.max_reasoning_tokens} reasoning, {spec.max_total_tokens} total)."
        )
    policy = f"labels={spec.labels}, min_experts={spec.min_experts}"
    if fmt in ("prm-stepwise", "prm800k"):
        if counts["labelled_steps"] == 0:
            return said + f"no step has a label under the label policy ({policy})."
        return said + "no labelled path starts at the question."
    if fmt == "dpo":
        return said + (
            "no step has both a +1 and a -1 sibling, and no problem has both a correct and an "
            f"incorrect graded answer (dpo_level={spec.dpo_level}, {policy})."
        )
    if counts["no_approved_long_thought"]:
        return said + "no problem has an approved long thought (approved_only is set)."
    return said + (
        "no tree has a correct path to an answer (a terminal the verifier graded correct, "
        f"reached without a step rated -1; {policy})."
    )


@dataclass
class DatasetOutcome:
    path: Path
    rows: int = 0
    bytes: int = 0
    sha256: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)


@lru_cache(maxsize=1)
def arbor_version() -> str:
    """The installed package's version, else the checkout's pyproject.toml's."""
    try:
        return metadata.version("arbor")
    except metadata.PackageNotFoundError:  # running from a checkout that was not installed
        pass
    try:
        with (Path(__file__).resolve().parents[2] / "pyproject.toml").open("rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def write_dataset(
    campaign: Campaign,
    spec: ExportSpec,
    target: Path,
    *,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
    manifest_extra: dict[str, Any] | None = None,
) -> DatasetOutcome:
    """Export the campaign's trees in `spec`'s format to `target` (JSONL), atomically, and
    write `<name>.manifest.json` beside it. Deterministic: problems in id order, each tree's
    rows in depth-first sibling order, no timestamps in the data. Raises ExportStopped when
    `should_stop` says so between batches, and NothingToExport (with the reason) when no row
    would be written; either way no file is left behind. The manifest records the format's
    contract (`trees.core.export_contract.manifest_contract`)."""
    target = Path(target)
    tokenizer = load_tokenizer(spec.tokenizer) if spec.tokenizer else None
    limits = {"reasoning": spec.max_reasoning_tokens, "total": spec.max_total_tokens}
    style = THOUGHT_FORMATS.get(spec.format)
    # A smoothed thought is prose too: SFT rows take the latest approved of either.
    renders = ("steiner",) if spec.format == "steiner" else ("prose", "smoothed")
    total = count_problems(campaign.pk, spec.problems)
    counts = {
        "problems": 0,
        "problems_with_rows": 0,
        "skipped_over_token_limit": 0,
        "no_correct_path": 0,
        "no_approved_long_thought": 0,
        "labelled_steps": 0,
    }
    if spec.soft_labels:
        counts["stale_values_left_out"] = 0
    if progress:
        progress(0, total)
    remove_stale_temps(target)
    with AtomicJsonlWriter(target) as writer:
        batches = iter_tree_views(
            campaign.pk,
            problem_ids=spec.problems,
            labels=spec.labels,
            min_experts=spec.min_experts,
            with_parts=spec.format == "steiner",
        )
        for batch in batches:
            if should_stop is not None and should_stop():
                raise ExportStopped()
            texts = approved_texts([s.tree_id for s in batch], style, renders) if style else {}
            rows: list[dict[str, Any]] = []
            for snapshot in batch:
                counts["labelled_steps"] += sum(
                    step.rating is not None for step in snapshot.view.steps.values()
                )
                found, reason = tree_rows(spec, snapshot.view, texts.get(snapshot.tree_id))
                if reason:
                    counts[reason] += 1
                if found:
                    counts["problems_with_rows"] += 1
                    rows.extend(found)
            if tokenizer is not None:
                kept = _within_token_limits(spec.format, rows, tokenizer, limits)
                counts["skipped_over_token_limit"] += len(rows) - len(kept)
                rows = kept
            if spec.soft_labels:
                counts["stale_values_left_out"] += _stale_values(batch, rows)
            writer.write_rows(rows)
            counts["problems"] += len(batch)
            if progress:
                progress(counts["problems"], total)
        if writer.rows == 0:
            raise NothingToExport(empty_reason(spec, counts))
        writer.commit()
    tokenizer_data = tokenizer_identity(spec.tokenizer) if spec.tokenizer else None
    manifest = {
        "format": spec.format,
        "arbor_version": arbor_version(),
        "source": {"campaign": {"id": campaign.pk, "slug": campaign.slug, "name": campaign.name}},
        "filters": spec.to_filters(),
        "file": target.name,
        "rows": writer.rows,
        "bytes": writer.bytes,
        "sha256": writer.sha256,
        "counts": {"rows": writer.rows, **counts},
        "contract": manifest_contract(
            spec.format,
            zero_is_true=spec.zero_is_true,
            soft_labels=spec.soft_labels,
            tokenizer=tokenizer_data,
            limits=limits,
        ),
        "created_at": timezone.now().isoformat(),
        **(manifest_extra or {}),
    }
    write_json_atomically(manifest_path(target), manifest)
    return DatasetOutcome(
        path=target,
        rows=writer.rows,
        bytes=writer.bytes,
        sha256=writer.sha256,
        counts=manifest["counts"],
        manifest=manifest,
    )


def _stale_values(batch: list[Any], rows: list[dict[str, Any]]) -> int:
    """How many soft labels of these rows were left out (null) because they were stale."""
    stale = {
        step.text.strip()
        for snapshot in batch
        for step in snapshot.view.steps.values()
        if step.value_stale and step.value is not None
    }
    if not stale:
        return 0
    return sum(
        value is None and text in stale
        for row in rows
        for text, value in zip(row["completions"], row["values"], strict=True)
    )


def _within_token_limits(
    fmt: str, rows: list[dict[str, Any]], tokenizer: Any, limits: dict[str, int]
) -> list[dict[str, Any]]:
    """The rows whose reasoning and total token counts are under the limits (one batched
    tokenizer call for the whole batch of rows)."""
    texts: list[str] = []
    sizes: list[int] = []
    for row in rows:
        measured = measured_texts(fmt, row)
        sizes.append(len(measured))
        texts.extend(measured)
    token_counts = count_tokens(tokenizer, texts)
    kept = []
    position = 0
    for row, size in zip(rows, sizes, strict=True):
        row_counts = token_counts[position : position + size]
        position += size
        if within_limits(lengths(fmt, row_counts), limits):
            kept.append(row)
    return kept
