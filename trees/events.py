"""Typed realtime events, sent to the group `tree.<id>` only after the transaction commits."""

from __future__ import annotations

import logging
from typing import Any, Literal, TypedDict

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)


class NodeEvent(TypedDict):
    type: Literal["node.created", "node.updated", "node.deleted", "node.restored"]
    tree: int
    node: dict[str, Any]


class LabelEvent(TypedDict):
    """A rater's label on a step changed (rating None: cleared). As sent to the group; each
    viewer receives `event_for_viewer` of it."""

    type: Literal["label.changed"]
    tree: int
    node_id: int
    user_id: int
    rating: int | None
    note: str
    flagged: bool
    counts: dict[str, int]


class LabelCountsEvent(TypedDict):
    """What an expert sees of another rater's label change: the step's new counts only."""

    type: Literal["label.changed"]
    tree: int
    node_id: int
    counts: dict[str, int]


class GoldEvent(TypedDict):
    type: Literal["gold.changed"]
    tree: int
    node_id: int
    rating: int | None


class JobEvent(TypedDict):
    type: Literal["job.progress"]
    tree: int
    job: dict[str, Any]


class CritiqueEvent(TypedDict):
    """A proposal of a propose-critique loop was judged (by a model or an expert)."""

    type: Literal["critique.created"]
    tree: int
    critique: dict[str, Any]


Event = NodeEvent | LabelEvent | GoldEvent | JobEvent | CritiqueEvent
EVENT_TYPES = {
    "node.created",
    "node.updated",
    "node.deleted",
    "node.restored",
    "label.changed",
    "gold.changed",
    "job.progress",
    "critique.created",
}


# Who rated what, with notes and flags, is for the rater and for reviewers and above, the
# same people `GET nodes/<id>/labels/` answers; other experts see only the counts.
LABEL_COUNTS_KEYS = ("type", "tree", "node_id", "counts")


def event_for_viewer(
    event: dict[str, Any], viewer_id: int | None, sees_raters: bool
) -> dict[str, Any]:
    """The part of `event` one websocket viewer may receive."""
    if event.get("type") != "label.changed" or sees_raters or event.get("user_id") == viewer_id:
        return event
    return {key: event[key] for key in LABEL_COUNTS_KEYS}


def tree_group(tree_id: int) -> str:
    return f"tree.{tree_id}"


def send_now(event: Event) -> None:
    """Send one event to its tree's group. Delivery is best effort: a down layer is logged,
    never allowed to fail the write that caused the event."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(
            tree_group(event["tree"]), {"type": "tree.event", "event": dict(event)}
        )
    except Exception:  # the write has committed; losing a live update must not raise
        log.exception("could not send realtime event %s", event["type"])


def send_on_commit(event: Event) -> None:
    """Schedule `event` for after the current transaction commits (now, if none is open)."""
    transaction.on_commit(lambda: send_now(event))
