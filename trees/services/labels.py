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


def label_event(node: Node, user_id: int, label: StepLabel | None) -> None:
    """Tell the tree a label changed. The event carries the rater's note and flag; the
    consumer shows those (and who rated) only to the rater and to reviewers and above, as
    `GET nodes/<id>/labels/` would (see `trees.events.event_for_viewer`)."""
    send_on_commit(
        {
            "type": "label.changed",
            "tree": node.tree_id,
            "node_id": node.pk,
            "user_id": user_id,
            "rating": label.rating if label else None,
            "note": label.note if label else "",
            "flagged": label.flagged if label else False,
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
    rating: int | None,
    *,
    note: str | None = None,
    flagged: bool | None = None,
    seconds_spent: int | None = None,
) -> StepLabel:
    """Set the user's label on a step (one per user and step; relabelling replaces it).

    Rating, note and flag are parts of one label, each changed on its own: a part given as
    None keeps its current value (a new label starts with no note and no flag), so relabelling
    never wipes a note or flag. A label needs a rating, so a note or flag on a step I have not
    rated is refused ("label first")."""
    if rating is not None:
        rating = check_rating(rating)
    if note is not None:
        note = check_note(note)
    if node.kind == Node.Kind.ROOT:
        raise Invalid("The root is the question; label its steps instead.")
    existing = StepLabel.objects.select_for_update().filter(node=node, expert=user).first()
    if existing is None:
        if rating is None:
            raise Invalid(
                "Label this step first (+1, 0 or -1): a note or flag belongs to a label.",
                field="rating",
            )
        label = StepLabel.objects.create(
            node=node,
            expert=user,
            rating=rating,
            note=note or "",
            flagged=bool(flagged),
            seconds_spent=seconds_spent,
        )
        old = None
    else:
        label = existing
        old = existing.rating
        if rating is not None:
            label.rating = rating
        if note is not None:
            label.note = note
        if flagged is not None:
            label.flagged = bool(flagged)
        if seconds_spent is not None:
            label.seconds_spent = seconds_spent
        label.save(update_fields=["rating", "note", "flagged", "seconds_spent", "updated_at"])
    counted = _shift_counts(node, old, label.rating)
    label_event(counted, user.pk, label)
    return label


@transaction.atomic
def do_unlabel_step(node: Node, user: Any) -> None:
    """Remove the user's label from a step, its note and flag with it (they are parts of the
    label). The workspace does this only on an explicit clear, which it shows and can undo."""
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
