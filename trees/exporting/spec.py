"""What an export asks for: a format and its filters, validated and in a canonical form.

Pure: no Django. The canonical filters (`ExportSpec.to_filters`) are what an Export stores and
what its manifest shows, so two exports with the same spec are the same request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

FORMATS = ("sft-journey", "sft-shortcut", "dpo", "prm-stepwise", "prm800k", "steiner")
LABEL_POLICIES = ("gold", "consensus")
DPO_LEVELS = ("both", "step", "solution")

# Formats whose rows are long thoughts (approved ones can stand in for derived ones).
THOUGHT_FORMATS = {"sft-journey": "journey", "sft-shortcut": "shortcut", "steiner": "journey"}


@dataclass(frozen=True)
class ExportSpec:
    """An export's format and filters.

    problems: problem ids to export (None: the whole campaign). approved_only: SFT and Steiner
    rows come only from approved long thoughts (edited text if any); without it an approved
    long thought is used where a problem has one and the thought is derived on the fly
    elsewhere. labels: "gold" uses gold labels only; "consensus" uses the gold label where
    there is one, else the rating held by more than half of a step's labels, when it has at
    least `min_experts`. zero_is_true: PRM labels count 0 as true. max_pairs: DPO pairs per
    problem and level (step-level, solution-level; `dpo_level` picks). soft_labels: PRM
    stepwise rows carry a `values` column of Monte-Carlo soft values (null where missing or
    stale). max_wrong and
    max_depth_wrong: the journey's wrong turns. tokenizer: "demo", a local directory holding a
    tokenizer.json, or None for no token limits; rows at or over `max_reasoning_tokens` or
    `max_total_tokens` are skipped and counted.
    """

    format: str
    problems: tuple[int, ...] | None = None
    approved_only: bool = False
    labels: str = "consensus"
    min_experts: int = 1
    zero_is_true: bool = False
    soft_labels: bool = False
    max_pairs: int = 8
    dpo_level: str = "both"
    max_wrong: int = 2
    max_depth_wrong: int = 2
    tokenizer: str | None = None
    max_reasoning_tokens: int = 4096
    max_total_tokens: int = 8192

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"Unknown export format {self.format!r}; use one of {FORMATS}.")
        if self.labels not in LABEL_POLICIES:
            raise ValueError(f"labels must be one of {LABEL_POLICIES}.")
        if self.dpo_level not in DPO_LEVELS:
            raise ValueError(f"dpo_level must be one of {DPO_LEVELS}.")
        for name, low in (
            ("min_experts", 1),
            ("max_pairs", 1),
            ("max_wrong", 0),
            ("max_depth_wrong", 0),
            ("max_reasoning_tokens", 1),
            ("max_total_tokens", 1),
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"{name} must be an integer of at least {low}.")
        if self.problems is not None and not all(
            isinstance(pk, int) and not isinstance(pk, bool) for pk in self.problems
        ):
            raise ValueError("problems must be a list of problem ids.")

    def to_filters(self) -> dict[str, Any]:
        """The filters as JSON-ready data (without the format), problem ids sorted."""
        data = asdict(self)
        data.pop("format")
        if self.problems is not None:
            data["problems"] = sorted(set(self.problems))
        return data

    @classmethod
    def from_filters(cls, fmt: str, filters: Mapping[str, Any] | None) -> ExportSpec:
        """Read a spec back from `to_filters` output (or an API body); unknown keys are an
        error, missing ones take their defaults. Raises ValueError on anything invalid."""
        filters = dict(filters or {})
        known = {field.name for field in fields(cls)} - {"format"}
        unknown = sorted(set(filters) - known)
        if unknown:
            raise ValueError(f"Unknown export filter(s): {', '.join(unknown)}.")
        problems = filters.get("problems")
        if problems is not None:
            if not isinstance(problems, list | tuple) or not all(
                isinstance(pk, int) and not isinstance(pk, bool) for pk in problems
            ):
                raise ValueError("problems must be a list of problem ids.")
            filters["problems"] = tuple(sorted(set(problems)))
        return cls(format=fmt, **filters)

    @property
    def measures_tokens(self) -> bool:
        return bool(self.tokenizer)
