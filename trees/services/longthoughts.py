"""Long thoughts: derive one from a tree (the body of a "derive" Job), smooth, edit it with
revisions, review it. Reads (a long thought for a user, campaign statistics) live in
trees.queries.longthoughts."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from trees.core.derive import derive_journey, derive_shortcut, index_tree, plan_to_data
from trees.core.jobresults import LongThoughtResult
from trees.core.render import DEFAULT_TOKENS, render_prose, render_steiner, thought_stats
from trees.core.smooth import Smoothed
from trees.errors import Invalid, StaleVersion
from trees.exporting.snapshots import load_view
from trees.exporting.tokens import text_tokens
from trees.models import Job, LongThought, LongThoughtRevision, Tree
from trees.queries.longthoughts import REFLECTIONS
from trees.services.common import apply_stats
from trees.services.jobs import do_fail_job, do_finish_job

MAX_TEXT_CHARS = 500_000
DERIVE_DEFAULTS: dict[str, Any] = {"max_wrong": 2, "max_depth_wrong": 2, "render": "prose"}


def check_derive_params(style: Any, params: dict[str, Any]) -> dict[str, Any]:
    """The derivation parameters with defaults filled in; raises Invalid on a bad one."""
    if style not in LongThought.Style.values:
        raise Invalid(f"style must be one of {LongThought.Style.values}.", field="style")
    checked = {**DERIVE_DEFAULTS, **{k: v for k, v in params.items() if v is not None}}
    if checked["render"] not in LongThought.PLAN_RENDERS:
        raise Invalid(f"render must be one of {list(LongThought.PLAN_RENDERS)}.", field="render")
    for name, high in (("max_wrong", 32), ("max_depth_wrong", 64)):
        value = checked[name]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
            raise Invalid(f"{name} must be an integer from 0 to {high}.", field=name)
    seed = checked.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise Invalid("seed must be an integer.", field="seed")
    allowed = {"max_wrong", "max_depth_wrong", "render", "seed"}
    return {"style": style, **{k: v for k, v in checked.items() if k in allowed}}


def text_stats(text: str, render: str, backtracks: int) -> dict[str, Any]:
    """Size and shape of a long thought's text: characters, lines, words, tokens (with the
    demo tokenizer when it is built, else an estimate), backtracks, reflection phrases."""
    shape = thought_stats(text)
    tokens, tokenizer = text_tokens(text)
    if render == LongThought.Render.STEINER:
        backtracks = text.count(DEFAULT_TOKENS.backtrack)
    return {
        "chars": shape["chars"],
        "lines": shape["lines"],
        "words": shape["words"],
        "tokens": tokens,
        "tokenizer": tokenizer,
        "backtracks": backtracks,
        "reflections": shape["reflections"],
        **{column: shape[phrase] for phrase, column in REFLECTIONS.items()},
    }


def long_thought_dict(thought: LongThought) -> dict[str, Any]:
    """The API shape of a long thought (also the `current` of a 409)."""
    return {
        "id": thought.pk,
        "tree": thought.tree_id,
        "style": thought.style,
        "render": thought.render,
        "params": thought.params,
        "plan": thought.plan,
        "rendered_text": thought.rendered_text,
        "thought_end": thought.thought_end,
        "answer": thought.answer,
        "spans": thought.spans,
        "edited_text": thought.edited_text,
        "text": thought.text,
        "status": thought.status,
        "stats": thought.stats,
        "token_count": thought.token_count,
        "line_count": thought.line_count,
        "backtracks": thought.backtracks,
        "reviewer": thought.reviewer_id,
        "reviewed_at": thought.reviewed_at.isoformat() if thought.reviewed_at else None,
        "job": thought.job_id,
        "created_by": thought.created_by_id,
        "version": thought.version,
        "created_at": thought.created_at.isoformat() if thought.created_at else None,
        "updated_at": thought.updated_at.isoformat() if thought.updated_at else None,
    }


def do_derive_long_thought(
    tree: Tree,
    style: str,
    params: dict[str, Any],
    job: Job | None = None,
    *,
    created_by: Any = None,
) -> LongThought | None:
    """Derive a long thought from the tree's current labels and store it (a draft).

    Labels: the gold label where there is one, else the majority of the experts' labels.
    With a job, the thought is stored and the job finished in one transaction, so a
    re-delivered job returns the thought it made instead of making a second, and a job
    cancelled meanwhile makes none (None). Raises Invalid when the tree has no correct path
    to an answer yet.
    """
    params = check_derive_params(style, params)
    render = params["render"]
    view = load_view(tree.problem, with_parts=render == LongThought.Render.STEINER)
    if view is None:
        raise Invalid("This tree has no root.")
    index = index_tree(view)
    if style == LongThought.Style.SHORTCUT:
        plan = derive_shortcut(view, index=index)
    else:
        plan = derive_journey(
            view,
            max_wrong=params["max_wrong"],
            max_depth_wrong=params["max_depth_wrong"],
            rng_seed=params.get("seed"),
            index=index,
        )
    if plan is None:
        raise Invalid(
            "This tree has no correct path to an answer yet: it needs a terminal step the "
            "verifier graded correct, reached without a step rated -1."
        )
    rendered = render_steiner(view, plan) if render == "steiner" else render_prose(view, plan)
    thought = LongThought(
        tree=tree,
        style=style,
        render=render,
        params=params,
        plan=plan_to_data(plan),
        rendered_text=rendered.text,
        thought_end=rendered.thought_end,
        answer=rendered.answer or "",
        spans=[list(span) for span in rendered.spans],
        job=job,
        created_by=created_by if created_by is not None else getattr(job, "created_by", None),
    )
    apply_stats(thought, text_stats(rendered.text, render, rendered.backtracks))
    return _save_once(thought, job)


def _save_once(thought: LongThought, job: Job | None) -> LongThought | None:
    """Save a new long thought and finish its job in one transaction. A re-delivered job
    returns the thought it made instead of making a second; a job cancelled meanwhile makes
    none (None)."""
    with transaction.atomic():
        if job is not None:
            locked = Job.objects.select_for_update().get(pk=job.pk)
            existing = LongThought.objects.filter(job=job).first()
            if existing is not None and not locked.is_finished:
                do_finish_job(job, LongThoughtResult(existing.pk).to_data())
            if locked.is_finished or existing is not None:
                return existing
        thought.save()
        if job is not None:
            do_finish_job(job, LongThoughtResult(thought.pk).to_data())
    return thought


def do_run_derive_job(job: Job) -> Job:
    """The body of a "derive" job: params hold the style and the derivation parameters."""
    assert job.tree_id is not None, "a derive job belongs to a tree"
    tree = Tree.objects.select_related("problem").get(pk=job.tree_id)
    params = dict(job.params)
    style = params.pop("style", None)
    try:
        do_derive_long_thought(tree, style, params, job)
    except Invalid as exc:
        return do_fail_job(job, exc.message)
    job.refresh_from_db()
    return job


# --- The smoothing pass ---------------------------------------------------------------------


def check_smoothable(thought: LongThought) -> None:
    """Smoothing rewrites the derived prose passage by passage; raises Invalid otherwise."""
    if thought.render != LongThought.Render.PROSE:
        raise Invalid(
            f"Only a prose long thought can be smoothed (this one is {thought.render}).",
            field="long_thought",
        )
    if thought.edited_text:
        raise Invalid(
            "This long thought has been edited by hand; smoothing rewrites the derived text "
            "passage by passage. Smooth before editing, or derive a new one.",
            field="long_thought",
        )


def do_store_smoothed(
    job: Job, source: LongThought, smoothed: Smoothed, model: str
) -> LongThought | None:
    """Store the smoothed rendering as a new draft long thought beside its source (which is
    left as it was), and finish the job, once."""
    thought = LongThought(
        tree_id=source.tree_id,
        style=source.style,
        render=LongThought.Render.SMOOTHED,
        params={
            **source.params,
            "smoothed_from": source.pk,
            "model": model,
            "rewritten": smoothed.rewritten,
            "kept": smoothed.kept,
        },
        plan=source.plan,
        rendered_text=smoothed.text,
        thought_end=smoothed.thought_end,
        answer=source.answer,
        spans=[list(span) for span in smoothed.spans],
        job=job,
        created_by=job.created_by,
    )
    apply_stats(thought, text_stats(smoothed.text, thought.render, source.backtracks))
    return _save_once(thought, job)


def check_text(text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise Invalid("A long thought needs non-empty text.", field="edited_text")
    if len(text) > MAX_TEXT_CHARS:
        raise Invalid(
            f"A long thought is at most {MAX_TEXT_CHARS} characters (got {len(text)}).",
            field="edited_text",
        )
    return text


def _check_version(current: LongThought, version: int) -> None:
    if current.version != version:
        raise StaleVersion(
            f"Long thought {current.pk} was changed by someone else (version "
            f"{current.version}, you saw version {version}).",
            current=long_thought_dict(current),
        )


@transaction.atomic
def do_edit_long_thought(
    thought: LongThought, text: str, version: int, editor: Any = None
) -> LongThought:
    """Replace the long thought's text if the client saw the current version; every edit is
    kept as a revision (the first also keeps the rendered original). An edit of a reviewed
    thought sets it back to draft: the verdict was about the old text.

    Raises StaleVersion (409) with the current long thought when someone saved first.
    """
    check_text(text)
    current = LongThought.objects.select_for_update().get(pk=thought.pk)
    _check_version(current, version)
    if not LongThoughtRevision.objects.filter(long_thought=current).exists():
        LongThoughtRevision.objects.create(
            long_thought=current,
            version=current.version,
            text=current.text,
            editor=current.created_by,
            created_at=current.created_at,
        )
    current.edited_text = text
    current.version += 1
    if current.status != LongThought.Status.DRAFT:
        current.status = LongThought.Status.DRAFT
        current.reviewer = None
        current.reviewed_at = None
    apply_stats(current, text_stats(text, current.render, current.backtracks))
    current.save()
    LongThoughtRevision.objects.create(
        long_thought=current, version=current.version, text=text, editor=editor
    )
    return current


@transaction.atomic
def do_review_long_thought(
    thought: LongThought, reviewer: Any, status: str, version: int | None = None
) -> LongThought:
    """Approve or reject a long thought. With `version`, a thought edited since the reviewer
    read it is a 409 (StaleVersion) instead of an approval of text they did not see."""
    if status not in (LongThought.Status.APPROVED, LongThought.Status.REJECTED):
        raise Invalid("status must be approved or rejected.", field="status")
    current = LongThought.objects.select_for_update().get(pk=thought.pk)
    if version is not None:
        _check_version(current, version)
    current.status = status
    current.reviewer = reviewer
    current.reviewed_at = timezone.now()
    current.save(update_fields=["status", "reviewer", "reviewed_at", "updated_at"])
    return current
