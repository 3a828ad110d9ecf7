"""Long-thought derivation: plans that walk a labelled reasoning tree (journey learning).

A *plan* is the ordered list of steps a long thought visits, each with what the reasoning does
after it: proceed to the next step, backtrack to an earlier point, or end with the answer.
`derive_journey` walks the tree depth-first and takes a few wrong turns before each right one
(O1-Journey's DFS over a reasoning tree); `derive_shortcut` is the correct path alone. Turning
a plan into text is `trees.core.render`'s job, so a plan can be stored, edited and re-rendered.

Pure: plain dataclasses in and out, no Django. Everything is iterative, since trees can be
very deep, and each tree is indexed once in O(n).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from trees.core.answers import extract_answer
from trees.core.export_contract import (
    CLOSE_QUOTE,
    OPEN_QUOTE,
    mentions_answer,
    strip_answer_statements,
)

ACTIONS = ("proceed", "backtrack", "end")
CORRECTNESS = ("unknown", "correct", "incorrect")

# How many words of a step a backtrack reason or a transition quotes.
SNIPPET_WORDS = 8


@dataclass(frozen=True)
class StepView:
    """One node of a tree as the deriver and the exporters see it."""

    id: int
    parent: int | None  # None for the root, which holds the question
    text: str
    order: int  # sibling order
    is_terminal: bool = False
    correctness: str = "unknown"  # verifier verdict on a terminal: unknown, correct, incorrect
    rating: int | None = None  # -1/0/+1: gold if set, else consensus (the caller decides)
    # Optional Steiner step parts: title, summary, reflection. Left out of the hash so a
    # StepView stays hashable although a dict is not.
    parts: dict[str, str] = field(default_factory=dict, hash=False)
    # The note of the label that set `rating` to -1 (gold first), if it has one: a backtrack
    # may say why the step is wrong in the expert's words.
    note: str = ""
    # Monte-Carlo soft value (fraction of rollouts correct), and whether the step's text (or one
    # below it) changed since it was estimated: a stale value is not current.
    value: float | None = None
    value_stale: bool = False


@dataclass(frozen=True)
class TreeView:
    """A plain snapshot of one problem's tree: the statement, the reference and every node."""

    problem: str
    reference_answer: str
    steps: dict[int, StepView] = field(hash=False)  # includes the root
    root: int


@dataclass(frozen=True)
class Visit:
    """One step of a plan and what the reasoning does after it.

    action: "proceed" (on to the next visit), "backtrack" (this branch failed; the next visit
    starts again from `returns_to`, whose text it continues) or "end" (the step gives the final
    answer). A backtrack carries `reason`, a short clause saying what went wrong.
    """

    node: int
    action: str
    returns_to: int | None = None
    reason: str = ""

    def to_data(self) -> dict[str, Any]:
        """The visit as a JSON-ready dict (keys in a fixed order; backtrack fields only there)."""
        data: dict[str, Any] = {"node": self.node, "action": self.action}
        if self.action == "backtrack":
            data["returns_to"] = self.returns_to
            data["reason"] = self.reason
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Visit:
        """Read a visit written by `to_data`; raises ValueError on an unknown action."""
        action = data["action"]
        if action not in ACTIONS:
            raise ValueError(f"unknown plan action {action!r}; expected one of {ACTIONS}")
        return cls(
            node=int(data["node"]),
            action=action,
            returns_to=data.get("returns_to"),
            reason=str(data.get("reason") or ""),
        )


@dataclass
class TreeIndex:
    """What derivation needs to know about every node, computed once per tree in O(n).

    kids: children in sibling order (then id). leads: the node is on some way to a correct
    answer, i.e. its subtree holds a correct terminal reachable without passing a node rated
    -1 (the node itself included). dead: its subtree has answers and all of them are wrong.
    wrong: rated -1, or dead. A terminal ends the reasoning, so whatever hangs below a terminal
    counts for nothing here.
    """

    tree: TreeView
    kids: dict[int, list[int]]
    leads: dict[int, bool]
    has_answer: dict[int, bool]
    dead: dict[int, bool]

    def wrong(self, node: int) -> bool:
        return self.tree.steps[node].rating == -1 or self.dead[node]


def children(tree: TreeView) -> dict[int, list[int]]:
    """Each node's children, ordered by sibling order and then id; every node has an entry.

    Nodes whose parent is not in the tree are left out of every list (they are unreachable).
    """
    steps = tree.steps
    root = tree.root
    kids: dict[int, list[int]] = {node: [] for node in steps}
    siblings_of = kids.get
    # One sort of all steps, then appending in that order, leaves every list sorted; it is
    # cheaper than sorting each list with its own key lookups.
    for step in sorted(steps.values(), key=_sibling_key):
        if step.parent is not None and step.id != root:
            siblings = siblings_of(step.parent)
            if siblings is not None:
                siblings.append(step.id)
    return kids


def _sibling_key(step: StepView) -> tuple[int, int]:
    return step.order, step.id


def preorder(tree: TreeView, kids: dict[int, list[int]] | None = None) -> Iterator[int]:
    """Node ids depth-first from the root (root first, children in sibling order)."""
    kids = children(tree) if kids is None else kids
    stack = [tree.root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(kids[node]))


def index_tree(tree: TreeView) -> TreeIndex:
    """Compute children and the per-node flags of `TreeIndex` bottom-up, without recursion."""
    if tree.root not in tree.steps:
        raise ValueError(f"root {tree.root} is not among the tree's steps")
    steps = tree.steps
    kids = children(tree)
    # Breadth-first order lists every parent before its children, so walking it backwards
    # sees every child before its parent: one pass computes the subtree flags.
    order = [tree.root]
    for node in order:
        order.extend(kids[node])
    leads: dict[int, bool] = {}
    has_answer: dict[int, bool] = {}
    dead: dict[int, bool] = {}
    root = tree.root
    for node in reversed(order):
        step = steps[node]
        if step.is_terminal and node != root:
            answered = True
            all_wrong = step.correctness == "incorrect"
            lead = step.correctness == "correct"
        else:
            answered = False
            all_wrong = True
            lead = False
            for child in kids[node]:
                if has_answer[child]:
                    answered = True
                    if not dead[child]:
                        all_wrong = False
                if leads[child]:
                    lead = True
        # The root is the question: its own rating, if any, never blocks the way.
        if lead and step.rating == -1 and node != root:
            lead = False
        leads[node] = lead
        has_answer[node] = answered
        dead[node] = answered and all_wrong
    return TreeIndex(tree=tree, kids=kids, leads=leads, has_answer=has_answer, dead=dead)


def _preference(step: StepView) -> int:
    """Rank of a step among siblings that all lead to a correct answer: +1 before unlabelled
    before neutral, so a neutral step is passed through only when nothing better leads on."""
    if step.rating == 1:
        return 0
    if step.rating is None:
        return 1
    return 2


def _next_on_path(index: TreeIndex, node: int) -> int | None:
    """The child the correct path continues through (None when no child leads anywhere)."""
    steps = index.tree.steps
    best: int | None = None
    best_rank = 3
    for child in index.kids[node]:  # already in sibling order, so ties keep the first
        if index.leads[child]:
            rank = _preference(steps[child])
            if rank < best_rank:
                best, best_rank = child, rank
                if rank == 0:
                    break
    return best


def _correct_path(index: TreeIndex) -> list[int] | None:
    """Step ids from the root's chosen child to a correct terminal, or None when none exists."""
    tree = index.tree
    if not index.leads[tree.root]:
        return None
    path: list[int] = []
    node = tree.root
    while node == tree.root or not tree.steps[node].is_terminal:
        nxt = _next_on_path(index, node)
        if nxt is None:  # Unreachable when leads[node] holds; kept as a guard.
            return None
        path.append(nxt)
        node = nxt
    return path


def derive_shortcut(tree: TreeView, *, index: TreeIndex | None = None) -> list[Visit] | None:
    """The correct root-to-answer path as a plan (proceed ..., end), or None if there is none.

    At each step the path takes a child that leads to a correct answer, preferring +1, then
    unlabelled, then neutral children, and sibling order among equals.
    """
    index = index_tree(tree) if index is None else index
    path = _correct_path(index)
    if path is None:
        return None
    return [Visit(node, "proceed") for node in path[:-1]] + [Visit(path[-1], "end")]


def derive_journey(
    tree: TreeView,
    *,
    max_wrong: int = 2,
    max_depth_wrong: int = 2,
    rng_seed: int | None = None,
    index: TreeIndex | None = None,
) -> list[Visit] | None:
    """A journey plan: the correct path with wrong turns taken and abandoned along the way.

    Walking the correct path (the shortcut's) from the root, at each node it first tries up
    to `max_wrong` wrong children (rated -1, or all of whose answers are wrong), in sibling
    order or, given `rng_seed`, in a seeded shuffle. It goes at most `max_depth_wrong` steps
    into each, following the first child each time (the first that reaches an answer, when
    one does, so the reason can name it), and leaves it with a backtrack that returns to the
    node it branched from. Then it proceeds along the correct path and ends at the answer.
    Every node appears at most once. None when the tree has no correct path.
    """
    if max_wrong < 0 or max_depth_wrong < 0:
        raise ValueError("max_wrong and max_depth_wrong must not be negative")
    index = index_tree(tree) if index is None else index
    path = _correct_path(index)
    if path is None:
        return None
    rng = random.Random(rng_seed) if rng_seed is not None else None
    plan: list[Visit] = []
    parent = tree.root
    tries = max_wrong if max_depth_wrong > 0 else 0
    for position, node in enumerate(path):
        if tries:
            # A wrong child that only states an answer ("A: 18") shows nothing to turn back
            # from: it is not taken as a wrong turn.
            wrong = [
                child
                for child in index.kids[parent]
                if index.wrong(child) and not _answer_only(tree.steps[child])
            ]
            if rng is not None:
                rng.shuffle(wrong)
            for start in wrong[:tries]:
                branch = _wrong_branch(index, start, max_depth_wrong)
                plan.extend(Visit(step, "proceed") for step in branch[:-1])
                reason = backtrack_reason(index, branch)
                plan.append(Visit(branch[-1], "backtrack", returns_to=parent, reason=reason))
        action = "end" if position == len(path) - 1 else "proceed"
        plan.append(Visit(node, action))
        parent = node
    return plan


def _first_child(index: TreeIndex, node: int) -> int | None:
    """The child a wrong branch is followed into: the first that reaches an answer, else the
    first child at all; None at a terminal or a leaf."""
    if index.tree.steps[node].is_terminal:
        return None
    kids = index.kids[node]
    for child in kids:
        if index.has_answer[child]:
            return child
    return kids[0] if kids else None


def _answer_only(step: StepView) -> bool:
    return step.is_terminal and not strip_answer_statements(step.text)


def _wrong_branch(index: TreeIndex, start: int, depth: int) -> list[int]:
    """The steps a wrong turn visits: from `start`, first children, at most `depth` of them,
    stopping before a terminal that only states an answer (a wrong branch never states its
    answer as an answer: the backtrack names it, once)."""
    branch = [start]
    while len(branch) < depth:
        child = _first_child(index, branch[-1])
        if child is None or _answer_only(index.tree.steps[child]):
            break
        branch.append(child)
    return branch


def snippet(text: str, words: int = SNIPPET_WORDS) -> str:
    """The first `words` words of `text` on one line, with an ellipsis when cut short (for
    previews; transitions quote whole steps with `quote_step` instead)."""
    parts = text.split(None, words)
    if len(parts) > words:
        return " ".join(parts[:words]) + "…"
    return " ".join(parts)


# A step longer than this (in words) is referred to by its first sentence, if it has several.
QUOTE_WORDS = 16
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=\S)")


def quote_step(text: str) -> str:
    """How a transition refers to a step, never cut mid-sentence: the step's first line
    whole, or, when that line is long and has several sentences, its first sentence whole.
    Answer statements are left out (the answer is stated once, at the end)."""
    shown = strip_answer_statements(text)
    line = shown.splitlines()[0].strip() if shown else ""
    if len(line.split()) > QUOTE_WORDS:
        sentences = _SENTENCE_RE.split(line, maxsplit=1)
        if len(sentences) > 1:
            return sentences[0]
    return line


def quoted(text: str) -> str:
    return f"{OPEN_QUOTE}{text}{CLOSE_QUOTE}"


def clean_note(note: str, reference: str) -> str:
    """An expert's note on a -1 label as a clause of a transition: one line, no final period;
    empty when it would state the reference answer (the model must not learn the answer
    before deriving it) or quote text in a way transitions do not."""
    text = " ".join(note.split()).rstrip(".")
    if not text or OPEN_QUOTE in text or CLOSE_QUOTE in text or "…" in text:
        return ""
    if reference.strip() and mentions_answer(text, reference):
        return ""
    return text


def backtrack_reason(index: TreeIndex, branch: list[int]) -> str:
    """A short clause saying why a wrong branch is abandoned, from the tree alone.

    From what the tree knows, never from the reference answer: the first visited step rated
    -1 ("this step is wrong" when it is the step just written, else the step quoted whole)
    with its label's note when there is one; else, when every answer below the branch is
    wrong, the answer it reaches ("this leads to 18, which is wrong", looking past the
    visited steps if need be); else the step rated -1 without a note.
    """
    tree = index.tree
    steps = tree.steps
    reference = tree.reference_answer.strip()
    wrong = ""
    for position, visited in enumerate(branch):
        step = steps[visited]
        if step.rating != -1:
            continue
        # The step's own text, as the thought shows it (a Steiner summary is not shown in
        # prose, so quoting it would refer to text the reader never saw).
        shown = quote_step(step.text)
        if not shown:
            wrong = "this answer is wrong"
        elif position == len(branch) - 1:
            wrong = "this step is wrong"
        else:
            wrong = f"{quoted(shown)} is wrong"
        note = clean_note(step.note, reference)
        if note:
            return f"{wrong}: {note}"
        break
    start = branch[0]
    if index.dead[start]:
        node: int | None = branch[-1] if index.has_answer[branch[-1]] else start
        while node is not None and not steps[node].is_terminal:
            node = _first_child(index, node)
        answer = extract_answer(steps[node].text) if node is not None else None
        if answer and not (reference and mentions_answer(answer, reference)):
            return f"this leads to {answer}, which is wrong"
        return wrong or "this does not lead to a right answer"
    return wrong or "this step is wrong"


def plan_to_data(plan: Iterable[Visit]) -> list[dict[str, Any]]:
    """A plan as JSON-ready data (for LongThought.plan)."""
    return [visit.to_data() for visit in plan]


def plan_from_data(data: Iterable[Mapping[str, Any]]) -> list[Visit]:
    """A plan read back from `plan_to_data`'s output."""
    return [Visit.from_data(item) for item in data]
