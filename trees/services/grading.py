"""Keeping a step's verdict with its text: every change of a step's text (edit, loop edit,
restore of a revision) calls `do_regrade_node` in the same transaction.

It re-extracts the answer, re-grades it against the problem's reference, keeps the tree's
correct-leaves counter right, and marks what was computed from the old text as stale:
Monte-Carlo values, critic scores and search statistics of the step, of every step above it
and of every step below it (their rollouts continued the old text) get `values_stale`, cleared
when rollouts recompute them; pending suggested labels on the step and below it are deleted,
since the search that made them read the old text (confirmed and rejected ones are history and
stay; a confirmed one is already an expert's label). An approved long thought whose plan visits
the step holds its old text: it goes back to draft, so a reviewer approves what it now says
(and `approved_only` exports leave it out until then).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q

from trees.core.answers import grade
from trees.events import send_on_commit
from trees.models import LongThought, Node, Problem, SuggestedLabel, Tree
from trees.queries import node_to_dict

# A node holds a value derived from text when one of these is set.
HAS_VALUES = (
    Q(mc_soft__isnull=False)
    | Q(mc_hard__isnull=False)
    | Q(rollout_count__gt=0)
    | Q(score__isnull=False)
    | Q(visits__gt=0)
)


@dataclass(frozen=True)
class Regrade:
    """What a re-grade changed: the verdict (answer or correctness) and the nodes newly marked
    stale."""

    verdict_changed: bool
    stale: tuple[int, ...]


def _correctness(correct: bool | None) -> str:
    if correct is None:
        return Node.Correctness.UNKNOWN
    return Node.Correctness.CORRECT if correct else Node.Correctness.INCORRECT


def _related(tree_id: int, node_id: int) -> tuple[list[int], list[int]]:
    """(ancestors, descendants) of a node, from one query over the tree's (id, parent) pairs."""
    parents: dict[int, int | None] = {}
    children: dict[int, list[int]] = {}
    for pk, parent in Node.objects.filter(tree_id=tree_id).values_list("id", "parent_id"):
        parents[pk] = parent
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    ancestors = []
    up = parents.get(node_id)
    while up is not None:
        ancestors.append(up)
        up = parents.get(up)
    descendants = []
    stack = list(children.get(node_id, ()))
    while stack:
        pk = stack.pop()
        descendants.append(pk)
        stack.extend(children.get(pk, ()))
    return ancestors, descendants


def do_regrade_node(node: Node, *, text_changed: bool = True, created: bool = False) -> Regrade:
    """Re-extract and re-grade a step from its current text, inside the caller's transaction
    (which should hold the node's row lock). `node` is updated in place and saved.

    A plain step becomes an answer when its text states one (`#### x`, `A: x`, `\\boxed{}`,
    "the answer is x", `# Answer`). An answer stays the end of its path, read by its last
    number too when the campaign sets `last_number_answers`; edited so that it states none, it
    is an ungraded answer (no extracted answer, correctness unknown), left out of graded
    exports until it states one again. The node's `source_correct` (an import's claim) is kept
    as it was: it is what the source said, compared with the new verdict in the workspace. A
    `created` node is graded for the first time: nothing was computed from it yet, so nothing
    becomes stale.
    """
    if node.kind == Node.Kind.ROOT:
        return Regrade(verdict_changed=False, stale=())
    problem = (
        Problem.objects.select_related("campaign")
        .only("reference_answer", "answer_type", "campaign__last_number_answers")
        .get(tree__pk=node.tree_id)
    )
    was_answer = node.is_terminal or node.kind == Node.Kind.ANSWER
    last_number = problem.campaign.last_number_answers and was_answer
    extracted, correct = grade(
        node.text, problem.reference_answer, problem.answer_type, last_number=last_number
    )
    is_answer = was_answer or extracted is not None
    before = (node.kind, node.is_terminal, node.extracted_answer, node.correctness)
    was_correct = node.correctness == Node.Correctness.CORRECT
    node.kind = Node.Kind.ANSWER if is_answer else Node.Kind.STEP
    node.is_terminal = is_answer
    node.extracted_answer = extracted or ""
    node.correctness = _correctness(correct)
    after = (node.kind, node.is_terminal, node.extracted_answer, node.correctness)
    verdict_changed = before != after
    if verdict_changed:
        node.save(update_fields=["kind", "is_terminal", "extracted_answer", "correctness"])
        delta = int(node.correctness == Node.Correctness.CORRECT) - int(was_correct)
        if delta:
            Tree.objects.filter(pk=node.tree_id).update(correct_leaves=F("correct_leaves") + delta)
    if created or not (verdict_changed or text_changed):
        return Regrade(verdict_changed=False, stale=())
    ancestors, descendants = _related(node.tree_id, node.pk)
    affected = [node.pk, *ancestors]
    if text_changed:
        affected += descendants
        SuggestedLabel.objects.filter(
            node_id__in=[node.pk, *descendants], status=SuggestedLabel.Status.PENDING
        ).delete()
        _reopen_long_thoughts(node)
    fresh = Node.objects.filter(pk__in=affected, values_stale=False).filter(HAS_VALUES)
    stale = tuple(fresh.values_list("id", flat=True))
    if stale:
        Node.objects.filter(pk__in=stale).update(values_stale=True)
        if node.pk in stale:
            node.values_stale = True
        for other in Node.objects.filter(pk__in=stale).exclude(pk=node.pk):
            send_on_commit(
                {"type": "node.updated", "tree": other.tree_id, "node": node_to_dict(other)}
            )
    return Regrade(verdict_changed=verdict_changed, stale=stale)


def _reopen_long_thoughts(node: Node) -> None:
    """Approved long thoughts of the tree that visit `node` go back to draft (a tree has a
    handful of thoughts; their plans are read here rather than queried as JSON)."""
    approved = LongThought.objects.filter(
        tree_id=node.tree_id, status=LongThought.Status.APPROVED
    ).only("id", "plan")
    stale = [
        thought.pk
        for thought in approved
        if any(visit.get("node") == node.pk for visit in thought.plan or ())
    ]
    if stale:
        LongThought.objects.filter(pk__in=stale).update(
            status=LongThought.Status.DRAFT, reviewer=None, reviewed_at=None
        )
