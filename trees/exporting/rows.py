"""The rows one tree contributes to an export of each format, and what token limits measure.

Pure: no Django. `tree_rows` picks the `trees.core.export_rows` builder for the format;
`measured_texts`/`lengths` say which texts of a row count as its reasoning and its total.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

from trees.core.derive import TreeView, derive_journey, derive_shortcut, index_tree
from trees.core.export_rows import (
    dpo_solution_rows,
    dpo_step_rows,
    prm800k_rows,
    prm_stepwise_rows,
    sft_row,
    state_answer_once,
    steiner_row,
)
from trees.core.render import render_prose, render_steiner
from trees.exporting.spec import ExportSpec

# Why a problem gave no row (counted in the manifest).
NO_CORRECT_PATH = "no_correct_path"
NO_APPROVED_THOUGHT = "no_approved_long_thought"


def tree_rows(
    spec: ExportSpec, tree: TreeView, approved_text: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """The rows of one tree, in their deterministic order, and why there are none (or None).

    `approved_text` is the text of the problem's approved long thought in the export's style,
    if it has one: SFT and Steiner rows use it as the assistant turn (SFT rows with the answer
    stated once, `state_answer_once`).
    """
    fmt = spec.format
    if fmt in ("sft-journey", "sft-shortcut", "steiner"):
        if approved_text is not None:
            # The reviewed text already ends with its answer: it is the assistant turn.
            text = approved_text.rstrip()
            if fmt == "steiner":
                return [steiner_row(tree.problem, text)], None
            return [sft_row(tree.problem, state_answer_once(text), None)], None
        if spec.approved_only:
            return [], NO_APPROVED_THOUGHT
        return _derived_thought_rows(spec, tree)
    if fmt == "prm-stepwise":
        rows = prm_stepwise_rows(tree, zero_is_true=spec.zero_is_true, soft_labels=spec.soft_labels)
        return list(rows), None
    if fmt == "prm800k":
        return list(prm800k_rows(tree, labeler="arbor", timestamp=None)), None
    if fmt == "dpo":
        return list(_dpo_rows(spec, tree)), None
    raise ValueError(f"unknown export format {fmt!r}")


def _derived_thought_rows(
    spec: ExportSpec, tree: TreeView
) -> tuple[list[dict[str, Any]], str | None]:
    index = index_tree(tree)
    if spec.format == "sft-shortcut":
        plan = derive_shortcut(tree, index=index)
    else:
        plan = derive_journey(
            tree, max_wrong=spec.max_wrong, max_depth_wrong=spec.max_depth_wrong, index=index
        )
    if plan is None:
        return [], NO_CORRECT_PATH
    if spec.format == "steiner":
        return [steiner_row(tree.problem, render_steiner(tree, plan).text)], None
    rendered = render_prose(tree, plan)
    return [sft_row(tree.problem, rendered.thought, rendered.answer)], None


def _dpo_rows(spec: ExportSpec, tree: TreeView) -> Iterator[dict[str, Any]]:
    if spec.dpo_level in ("both", "step"):
        rows = dpo_step_rows(tree, max_pairs_per_parent=spec.max_pairs)
        yield from islice(rows, spec.max_pairs)
    if spec.dpo_level in ("both", "solution"):
        yield from dpo_solution_rows(tree, max_pairs=spec.max_pairs)


def measured_texts(fmt: str, row: dict[str, Any]) -> list[str]:
    """The texts of a row whose token counts `lengths` combines, in a fixed order."""
    if fmt in ("sft-journey", "sft-shortcut", "steiner"):
        messages = row["messages"]
        return [messages[0]["content"], messages[1]["content"]]
    if fmt == "dpo":
        return [row["prompt"], row["chosen"], row["rejected"]]
    if fmt == "prm-stepwise":
        return [row["prompt"], "\n".join(row["completions"])]
    if fmt == "prm800k":
        steps = row["label"]["steps"]
        chosen = [step["completions"][step["chosen_completion"]]["text"] for step in steps]
        others = [
            completion["text"]
            for step in steps
            for position, completion in enumerate(step["completions"])
            if position != step["chosen_completion"]
        ]
        return [row["question"]["problem"], "\n".join(chosen), "\n".join(others)]
    raise ValueError(f"unknown export format {fmt!r}")


def lengths(fmt: str, counts: list[int]) -> dict[str, int]:
    """Reasoning and total token counts of a row from its `measured_texts` counts.

    The reasoning is what the model writes: the assistant turn (SFT, Steiner), the longer
    answer of a pair (DPO), the steps (PRM); the total adds the prompt (and for PRM800K the
    alternative completions shown beside the chosen ones).
    """
    if fmt == "dpo":
        prompt, chosen, rejected = counts
        longer = max(chosen, rejected)
        return {"reasoning": longer, "total": prompt + longer}
    return {"reasoning": counts[1], "total": sum(counts)}
