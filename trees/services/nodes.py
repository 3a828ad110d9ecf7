from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from trees.errors import Conflict, Invalid, StaleVersion
from trees.events import send_on_commit
from trees.models import Node, NodeRevision, Tree
from trees.queries import node_to_dict
from trees.services.grading import do_regrade_node


def check_step_text(text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise Invalid("A step needs non-empty text.", field="text")
    limit = settings.ARBOR_MAX_STEP_CHARS
    if len(text) > limit:
        raise Invalid(f"A step is at most {limit} characters (got {len(text)}).", field="text")
    return text


def next_child_order(parent: Node) -> int:
    highest = Node.objects.filter(parent=parent).aggregate(m=Max("order"))["m"]
    return 0 if highest is None else highest + 1


@transaction.atomic
def do_add_child_step(
    parent: Node,
    text: str,
    author: Any = None,
    *,
    origin: str = Node.Origin.HUMAN,
    kind: str = Node.Kind.STEP,
    **fields: Any,
) -> Node:
    """Add a step below `parent` and count it on the tree. Unless the caller brings its own
    verdict (`correctness`), the step is graded from its text (`do_regrade_node`): one that
    states an answer, or is added as an answer, is an answer with the verifier's verdict."""
    check_step_text(text)
    if parent.is_deleted:
        raise Conflict("Cannot add a step below a deleted step; restore it first.")
    # Lock the tree row: sibling order and counters are updated by one writer at a time.
    Tree.objects.select_for_update().filter(pk=parent.tree_id).first()
    if kind == Node.Kind.ANSWER:
        fields.setdefault("is_terminal", True)
    node = Node.objects.create(
        tree_id=parent.tree_id,
        parent=parent,
        text=text,
        kind=kind,
        origin=origin,
        author=author,
        depth=parent.depth + 1,
        order=next_child_order(parent),
        **fields,
    )
    Tree.objects.filter(pk=parent.tree_id).update(node_count=F("node_count") + 1)
    if "correctness" not in fields:
        do_regrade_node(node, created=True)
    send_on_commit({"type": "node.created", "tree": node.tree_id, "node": node_to_dict(node)})
    return node


@transaction.atomic
def do_edit_step(node: Node, text: str, version: int, editor: Any = None) -> Node:
    """Replace a step's text if the client saw the current version; keep every revision.

    The step is re-graded from its new text in the same transaction (`do_regrade_node`): an
    answer's verdict always belongs to the text it judged, and values computed from the old
    text are marked stale. Restoring a revision is an edit with that revision's text. Raises
    StaleVersion (409) with the current node when someone else saved first.
    """
    check_step_text(text)
    if node.kind == Node.Kind.ROOT:
        raise Invalid("The root holds the problem statement; edit the problem instead.")
    current = Node.objects.select_for_update().get(pk=node.pk)
    if current.version != version:
        raise StaleVersion(
            f"Step {node.pk} was changed by someone else (version {current.version}, "
            f"you edited version {version}).",
            current=node_to_dict(current),
        )
    now = timezone.now()
    if not NodeRevision.objects.filter(node=current).exists():
        # The first edit also snapshots the original text, so history starts where it began.
        NodeRevision.objects.create(
            node=current,
            version=current.version,
            text=current.text,
            editor=current.author,
            created_at=current.created_at,
        )
    text_changed = current.text != text
    current.text = text
    current.version += 1
    current.save(update_fields=["text", "version", "updated_at"])
    NodeRevision.objects.create(
        node=current, version=current.version, text=text, editor=editor, created_at=now
    )
    do_regrade_node(current, text_changed=text_changed)
    send_on_commit({"type": "node.updated", "tree": current.tree_id, "node": node_to_dict(current)})
    return current


@transaction.atomic
def do_set_deleted(node: Node, deleted: bool) -> Node:
    """Soft-delete (hides the subtree) or restore a step. Nothing is removed from the table."""
    if node.kind == Node.Kind.ROOT:
        raise Invalid("The root cannot be deleted.")
    current = Node.objects.select_for_update().get(pk=node.pk)
    if current.is_deleted != deleted:
        current.is_deleted = deleted
        current.version += 1
        current.save(update_fields=["is_deleted", "version", "updated_at"])
    send_on_commit(
        {
            "type": "node.deleted" if deleted else "node.restored",
            "tree": current.tree_id,
            "node": node_to_dict(current),
        }
    )
    return current


def do_delete_step(node: Node) -> Node:
    return do_set_deleted(node, True)


def do_restore_step(node: Node) -> Node:
    return do_set_deleted(node, False)
