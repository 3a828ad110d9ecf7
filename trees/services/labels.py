from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F

from trees.errors import Invalid
from trees.events import send_on_commit
from trees.models import GoldLabel, Node, StepLabel, Tree

COUNTER = {1: "labels_pos", 0: "labels_zero", -1: "labels_neg"}


def check_rating(rating: Any) -> int:
    if isinstance(rating, bool) or rating not in COUNTER:
        raise Invalid("rating must be one of 1, 0, -1.", field="rating")
    return int(rating)


def check_note(note: Any) -> str:
    if note is None:
        return ""
    if not isinstance(note, str):
        raise Invalid("note must be a string.", field="note")
    if len(note) > settings.ARBOR_MAX_NOTE_CHARS:
        raise Invalid(f"note is at most {settings.ARBOR_MAX_NOTE_CHARS} characters.", field="note")
    return note


def label_event(node: Node, user_id: int, rating: int | None) -> None:
    send_on_commit(
        {
            "type": "label.changed",
            "tree": node.tree_id,
            "node_id": node.pk,
            "user_id": user_id,
            "rating": rating,
            "counts": {"1": node.labels_pos, "0": node.labels_zero, "-1": node.labels_neg},
        }
    )


def _shift_counts(node: Node, old: int | None, new: int | None) -> Node:
    """Move one label from rating `old` to `new` in the node's counters and the tree's
    labelled-node count, with F() updates that cannot lose a concurrent change."""
    changes: dict[str, Any] = {}
    if old is not None:
        changes[COUNTER[old]] = F(COUNTER[old]) - 1
    if new is not None:
        changes[COUNTER[new]] = F(COUNTER[new]) + 1
    if old == new or not changes:
        return node
    locked = Node.objects.select_for_update().get(pk=node.pk)
    before = locked.label_total
    Node.objects.filter(pk=node.pk).update(**changes)
    locked.refresh_from_db(fields=["labels_pos", "labels_zero", "labels_neg"])
    after = locked.label_total
    if before == 0 and after > 0:
        Tree.objects.filter(pk=node.tree_id).update(labelled_count=F("labelled_count") + 1)
    elif before > 0 and after == 0:
        Tree.objects.filter(pk=node.tree_id).update(labelled_count=F("labelled_count") - 1)
    return locked


@transaction.atomic
def do_label_step(
    node: Node,
    user: Any,
    rating: int,
    *,
    note: str | None = None,
    flagged: bool = False,
    seconds_spent: int | None = None,
) -> StepLabel:
    """Set the user's label on a step (one per user and step; relabelling replaces it)."""
    rating = check_rating(rating)
    note = check_note(note)
    if node.kind == Node.Kind.ROOT:
        raise Invalid("The root is the question; label its steps instead.")
    existing = StepLabel.objects.select_for_update().filter(node=node, expert=user).first()
    old = existing.rating if existing else None
    if existing is None:
        label = StepLabel.objects.create(
            node=node,
            expert=user,
            rating=rating,
            note=note,
            flagged=bool(flagged),
            seconds_spent=seconds_spent,
        )
    else:
        label = existing
        label.rating, label.note, label.flagged = rating, note, bool(flagged)
        label.seconds_spent = seconds_spent
        label.save(update_fields=["rating", "note", "flagged", "seconds_spent", "updated_at"])
    counted = _shift_counts(node, old, rating)
    label_event(counted, user.pk, rating)
    return label


@transaction.atomic
def do_unlabel_step(node: Node, user: Any) -> None:
    existing = StepLabel.objects.select_for_update().filter(node=node, expert=user).first()
    if existing is None:
        return
    old = existing.rating
    existing.delete()
    counted = _shift_counts(node, old, None)
    label_event(counted, user.pk, None)


@transaction.atomic
def do_set_gold_label(node: Node, reviewer: Any, rating: int | None, note: str = "") -> None:
    """Set (or, with rating None, clear) the adjudicated label of a step."""
    if rating is None:
        GoldLabel.objects.filter(node=node).delete()
    else:
        rating = check_rating(rating)
        GoldLabel.objects.update_or_create(
            node=node, defaults={"rating": rating, "reviewer": reviewer, "note": check_note(note)}
        )
    Node.objects.filter(pk=node.pk).update(gold_rating=rating)
    send_on_commit(
        {"type": "gold.changed", "tree": node.tree_id, "node_id": node.pk, "rating": rating}
    )
