"""Long-thought reads: one for a user, a tree's or a campaign's, revisions, and the
campaign's long-thought statistics (two aggregate queries)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, QuerySet, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from trees.errors import NotFound
from trees.models import Campaign, LongThought, LongThoughtRevision, Role, Tree
from trees.queries.access import User, require_role

# Reflection phrases (trees.core.render) as flat keys of LongThought.stats, so the database
# can sum them.
REFLECTIONS = {
    "wait": "reflection_wait",
    "alternatively": "reflection_alternatively",
    "hmm": "reflection_hmm",
    "let me check": "reflection_let_me_check",
}


def get_long_thought_for(user: User, pk: int, minimum: str = Role.EXPERT) -> LongThought:
    """A long thought the user may see with at least the `minimum` role (404 otherwise)."""
    thought = LongThought.objects.select_related("tree__problem").filter(pk=pk).first()
    if thought is None:
        raise NotFound(f"No long thought {pk}.")
    require_role(user, thought.tree.problem.campaign_id, minimum)
    return thought


def long_thoughts_of_campaign(campaign: Campaign) -> QuerySet[LongThought]:
    return LongThought.objects.filter(tree__problem__campaign_id=campaign.pk)


def _aggregates() -> dict[str, Any]:
    sums = {
        column: Sum(Cast(KT(f"stats__{column}"), IntegerField())) for column in REFLECTIONS.values()
    }
    return {
        "count": Count("pk"),
        "counted_tokens": Count("token_count"),
        "tokens": Sum("token_count"),
        "lines": Sum("line_count"),
        "backtracks": Sum("backtracks"),
        **sums,
    }


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    count = row["count"] or 0
    reflections = {phrase: row[column] or 0 for phrase, column in REFLECTIONS.items()}
    totals: dict[str, Any] = {
        "tokens": row["tokens"] or 0,
        "lines": row["lines"] or 0,
        "backtracks": row["backtracks"] or 0,
        "reflections": reflections,
    }

    def mean(total: int, n: int) -> float | None:
        return round(total / n, 3) if n else None

    means = {
        "tokens": mean(totals["tokens"], row["counted_tokens"] or 0),
        "lines": mean(totals["lines"], count),
        "backtracks": mean(totals["backtracks"], count),
        "reflections": {phrase: mean(value, count) for phrase, value in reflections.items()},
    }
    return {"count": count, "totals": totals, "means": means}


def long_thought_stats(
    campaign: Campaign, *, status: str | None = None, style: str | None = None
) -> dict[str, Any]:
    """Token, line, backtrack and reflection-word totals and means over the campaign's long
    thoughts (optionally of one status or style), overall and per style: two queries."""
    thoughts = long_thoughts_of_campaign(campaign)
    if status:
        thoughts = thoughts.filter(status=status)
    if style:
        thoughts = thoughts.filter(style=style)
    overall = thoughts.aggregate(**_aggregates())
    per_style = thoughts.order_by().values("style").annotate(**_aggregates())
    return {
        "campaign": campaign.slug,
        **_summary(overall),
        "by_style": {row["style"]: _summary(row) for row in per_style},
    }


def list_long_thoughts_of_tree(tree: Tree) -> QuerySet[LongThought]:
    """A tree's long thoughts, newest first."""
    return LongThought.objects.filter(tree=tree).select_related("tree").order_by("-pk")


def list_long_thought_revisions(thought: LongThought) -> QuerySet[LongThoughtRevision]:
    return LongThoughtRevision.objects.filter(long_thought=thought).order_by("version")
