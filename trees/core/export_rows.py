"""Rows of each export format, built from a plain tree snapshot (`trees.core.derive.TreeView`).

What each row promises (separators, the answer line, label mapping) is the export contract,
`trees.core.export_contract`; the functions here build rows that keep it.

Every function returns or yields plain dicts with a fixed key order, ready for json.dumps, in
a deterministic order (depth-first, siblings in order). Shapes by example: shared/FORMATS.md.
Writing files, manifests and token limits (with the target tokenizer) belong to the caller;
`within_limits` only compares the counts it is given.

Pure: no Django. Walks are iterative and keep the current path as a stack, so a tree is
walked once however deep it is.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from trees.core.answers import extract_answer
from trees.core.derive import TreeView, children, preorder
from trees.core.export_contract import (
    ANSWER_BREAK,
    ANSWER_PREFIX,
    SOFT_LABEL_COLUMN,
    STEP_SEPARATOR,
    answer_line,
    answer_statements,
    strip_answer_statements,
)
from trees.core.steps import normalize_step

# Steiner kept samples with reasoning under 4,096 tokens and everything under 8,192.
STEINER_LIMITS = {"reasoning": 4096, "total": 8192}


def _messages(problem: str, content: str) -> dict[str, Any]:
    return {
        "messages": [
            {"role": "user", "content": problem},
            {"role": "assistant", "content": content},
        ]
    }


def sft_row(problem: str, thought_text: str, answer: str | None) -> dict[str, Any]:
    """A TRL conversational SFT row: the problem, then the thought and "Answer: x".

    Pass the thought without its answer line (`RenderedThought.thought`); with answer None
    the thought is used as it is.
    """
    thought = thought_text.rstrip()
    if answer is None:
        content = thought
    elif thought:
        content = f"{thought}{ANSWER_BREAK}{answer_line(answer)}"
    else:
        content = answer_line(answer)
    return _messages(problem, content)


def state_answer_once(text: str) -> str:
    """A reviewed long thought's text with its answer stated once, as the contract says: the
    last line `Answer: x` after a blank line, other answer statements left out. Text that
    already keeps the contract, or states no answer at all, is returned as it is; a text whose
    only statement is another form (`A: 8` as its last line) gets it as `Answer: 8`.

    Thoughts approved before the contract ended "…\nA: 8\n\nAnswer: 8"; this is what makes
    them say it once."""
    text = text.rstrip()
    head, _, last = text.rpartition("\n")
    if not last.startswith(ANSWER_PREFIX):
        answer = extract_answer(last) if answer_statements(last) else None
        if answer is None:
            return text
        last = answer_line(answer)
    if answer_statements(text) == 1 and (not head or head.endswith("\n")):
        return text
    thought = strip_answer_statements(head)
    return f"{thought}{ANSWER_BREAK}{last}" if thought else last


def steiner_row(problem: str, rendered_text: str) -> dict[str, Any]:
    """A Steiner-format row in the same TRL conversational shape as `sft_row`: the assistant
    turn is the rendered reasoning (special tokens as text) followed by the answer."""
    return _messages(problem, rendered_text)


def within_limits(lengths: Mapping[str, int], limits: Mapping[str, int]) -> bool:
    """Whether every measured length is under its limit (strictly, as in Steiner's filter).

    Raises ValueError if a limit names a length that was not measured, since silently passing
    an unmeasured sample would defeat the filter.
    """
    for name, limit in limits.items():
        if name not in lengths:
            raise ValueError(f"no length given for limit {name!r}")
        if lengths[name] >= limit:
            return False
    return True


def root_to_leaf_paths(tree: TreeView) -> Iterator[list[int]]:
    """Every path from the root to a leaf (a node without children), depth-first.

    A path lists step ids from the root's child down to the leaf; the root (the question)
    itself is left out. A tree that is only a root has no paths.
    """
    kids = children(tree)
    path: list[int] = []
    stack = [(child, 0) for child in reversed(kids[tree.root])]
    while stack:
        node, depth = stack.pop()
        del path[depth:]
        path.append(node)
        below = kids[node]
        if below:
            stack.extend((child, depth + 1) for child in reversed(below))
        else:
            yield list(path)


def _label(rating: int, zero_is_true: bool) -> bool:
    return rating == 1 or (rating == 0 and zero_is_true)


def prm_stepwise_rows(
    tree: TreeView, *, zero_is_true: bool = False, soft_labels: bool = False
) -> Iterator[dict[str, Any]]:
    """TRL stepwise-supervision rows: prompt, completions, labels, and ratings beside them.

    The prompt is the problem followed by the step separator (the trainer tokenizes prompt and
    steps apart and joins them, so this is where the completion begins). With `soft_labels`,
    a `values` column beside the labels holds each step's Monte-Carlo soft value, or None
    where the step has none or its value is stale (its text, or one below it, changed since).

    Each root-to-leaf path is cut after its first false step (+1 is true, -1 false, 0 false
    unless `zero_is_true`) and before its first unlabelled step, since every completion needs
    a label. Of the cut paths, those that are empty, identical to another or a strict prefix of
    another are dropped (a prefix adds no label the longer row lacks). So a row ends at a false
    step, at a leaf, or at a labelled step none of whose children is labelled, and each row
    ends at a different node.
    """
    steps = tree.steps
    kids = children(tree)
    prompt = tree.problem.strip() + STEP_SEPARATOR
    texts: list[str] = []
    ratings: list[int] = []
    values: list[float | None] = []
    stack = [(child, 0) for child in reversed(kids[tree.root])]
    while stack:
        node, depth = stack.pop()
        step = steps[node]
        rating = step.rating
        if rating is None:
            continue  # The parent's row, if any, is emitted when the parent is visited.
        del texts[depth:], ratings[depth:], values[depth:]
        texts.append(step.text.strip())
        ratings.append(rating)
        values.append(current_value(step.value, step.value_stale))
        labelled = [child for child in kids[node] if steps[child].rating is not None]
        if _label(rating, zero_is_true) and labelled:
            stack.extend((child, depth + 1) for child in reversed(labelled))
            continue
        row: dict[str, Any] = {
            "prompt": prompt,
            "completions": list(texts),
            "labels": [_label(r, zero_is_true) for r in ratings],
            "ratings": list(ratings),
        }
        if soft_labels:
            row[SOFT_LABEL_COLUMN] = list(values)
        yield row


def current_value(value: float | None, stale: bool) -> float | None:
    """A soft label: the Monte-Carlo value as a float in [0, 1], None when missing or stale."""
    if value is None or stale:
        return None
    return min(1.0, max(0.0, float(value)))


def _path_texts(tree: TreeView, node: int) -> list[str]:
    """The step texts from the root's child down to `node`."""
    steps = tree.steps
    texts: list[str] = []
    current: int | None = node
    while current is not None and current != tree.root:
        texts.append(steps[current].text.strip())
        current = steps[current].parent
    return texts[::-1]


def _path_text(tree: TreeView, node: int) -> str:
    """The steps from the root's child down to `node`, one per line."""
    return STEP_SEPARATOR.join(_path_texts(tree, node))


def dpo_prompt(problem: str, steps: list[str]) -> str:
    """A preference prompt: the problem and the steps so far, each followed by the step
    separator, so that prompt + completion (TRL joins them verbatim) reads as one text."""
    return "".join(text + STEP_SEPARATOR for text in [problem.strip(), *steps])


def solution_text(tree: TreeView, node: int) -> str:
    """A full path as a completion, in the SFT rows' form: the steps one per line with their
    own answer statements left out, then a blank line and "Answer: x" (x from the terminal;
    for a correct terminal that states none, the reference). A path whose answer cannot be
    read keeps its text as it is."""
    texts = _path_texts(tree, node)
    answer = extract_answer(texts[-1]) if texts else None
    if answer is None and tree.steps[node].correctness == "correct":
        answer = tree.reference_answer.strip() or None
    if answer is None:
        return STEP_SEPARATOR.join(texts)
    shown = [text for text in map(strip_answer_statements, texts) if text]
    body = STEP_SEPARATOR.join(shown)
    return f"{body}{ANSWER_BREAK}{answer_line(answer)}" if body else answer_line(answer)


def dpo_step_rows(
    tree: TreeView, *, max_pairs_per_parent: int | None = None
) -> Iterator[dict[str, Any]]:
    """Step-level preference rows: at each parent with a +1 and a -1 child, the +1 step is
    chosen and the -1 step rejected, with the problem and the path to the parent as prompt.

    Pairs come in `spread_pairs` order over the children in sibling order, up to
    `max_pairs_per_parent`. Pairs whose two steps read the same (after whitespace
    normalisation) are skipped: they teach no preference. The prompt ends with the step
    separator (`dpo_prompt`).
    """
    steps = tree.steps
    kids = children(tree)
    for parent in preorder(tree, kids):
        below = kids[parent]
        good = [child for child in below if steps[child].rating == 1]
        bad = [child for child in below if steps[child].rating == -1]
        if not good or not bad:
            continue
        prompt = dpo_prompt(tree.problem, _path_texts(tree, parent))
        made = 0
        for i, j in spread_pairs(len(good), len(bad)):
            if max_pairs_per_parent is not None and made >= max_pairs_per_parent:
                break
            chosen_text = steps[good[i]].text.strip()
            rejected_text = steps[bad[j]].text.strip()
            if normalize_step(chosen_text) == normalize_step(rejected_text):
                continue
            made += 1
            yield {"prompt": prompt, "chosen": chosen_text, "rejected": rejected_text}


def spread_pairs(n_chosen: int, n_rejected: int) -> Iterator[tuple[int, int]]:
    """Every (i, j) index pair once, spread out: round r pairs chosen i with rejected
    (i + r) mod n_rejected, so a capped prefix uses as many different items as it can."""
    if n_chosen <= 0 or n_rejected <= 0:
        return
    for r in range(n_rejected):
        for i in range(n_chosen):
            yield i, (i + r) % n_rejected


def dpo_solution_rows(tree: TreeView, *, max_pairs: int) -> Iterator[dict[str, Any]]:
    """Solution-level preference rows: a correct full path chosen over an incorrect one.

    Full paths end at terminals, graded by the verifier (unknown ones are left out), and read
    as `solution_text` shows them; the prompt is the problem and the step separator. Pairing
    is deterministic, in `spread_pairs` order over the paths in depth-first order, so the
    first pairs use as many different paths as possible; a pair whose two sides read the same
    is skipped. At most `max_pairs` rows.
    """
    if max_pairs <= 0:
        return
    steps = tree.steps
    kids = children(tree)
    correct: list[int] = []
    incorrect: list[int] = []
    for node in preorder(tree, kids):
        step = steps[node]
        if node == tree.root or not step.is_terminal:
            continue
        if step.correctness == "correct":
            correct.append(node)
        elif step.correctness == "incorrect":
            incorrect.append(node)
    if not correct or not incorrect:
        return
    texts: dict[int, str] = {}

    def text_of(node: int) -> str:
        if node not in texts:
            texts[node] = solution_text(tree, node)
        return texts[node]

    prompt = dpo_prompt(tree.problem, [])
    made = 0
    for i, j in spread_pairs(len(correct), len(incorrect)):
        if made >= max_pairs:
            break
        chosen, rejected = text_of(correct[i]), text_of(incorrect[j])
        if normalize_step(chosen) == normalize_step(rejected):
            continue
        made += 1
        yield {"prompt": prompt, "chosen": chosen, "rejected": rejected}


def prm800k_rows(
    tree: TreeView,
    *,
    labeler: str = "arbor",
    timestamp: str | None = None,
    generation: int | None = None,
) -> Iterator[dict[str, Any]]:
    """PRM800K lines written back from a tree: one per labelled root-to-leaf path.

    A path runs from the root's child to a leaf, stopping after its first -1 step (where a
    PRM800K labeller stops too); it is written when at least one of its steps is rated. Each
    step lists the chosen node and its siblings, in sibling order, as `completions` with
    their ratings (null when unlabelled), `chosen_completion` being the node's index.
    `finish_reason` is "found_error" when the path has a -1 step, "solution" when it ends at a
    terminal, else "give_up". Rows parse back with `trees.core.imports.parse_lines`.
    """
    steps = tree.steps
    kids = children(tree)
    path: list[int] = []
    rated: list[bool] = []  # rated[d]: some step of path[: d + 1] has a rating
    stack = [(child, 0) for child in reversed(kids[tree.root])]
    while stack:
        node, depth = stack.pop()
        del path[depth:], rated[depth:]
        step = steps[node]
        path.append(node)
        rated.append(step.rating is not None or (depth > 0 and rated[depth - 1]))
        if step.rating != -1 and kids[node]:
            stack.extend((child, depth + 1) for child in reversed(kids[node]))
            continue
        if not rated[-1]:
            continue
        if step.rating == -1:
            finish_reason = "found_error"
        elif step.is_terminal:
            finish_reason = "solution"
        else:
            finish_reason = "give_up"
        yield _prm800k_line(tree, kids, path, finish_reason, labeler, timestamp, generation)


def _prm800k_line(
    tree: TreeView,
    kids: dict[int, list[int]],
    path: list[int],
    finish_reason: str,
    labeler: str,
    timestamp: str | None,
    generation: int | None,
) -> dict[str, Any]:
    steps = tree.steps
    label_steps = []
    parent = tree.root
    for node in path:
        siblings = kids[parent]
        label_steps.append(
            {
                "completions": [
                    {
                        "text": steps[sibling].text.strip(),
                        "rating": steps[sibling].rating,
                        "flagged": None,
                    }
                    for sibling in siblings
                ],
                "human_completion": None,
                "chosen_completion": siblings.index(node),
            }
        )
        parent = node
    return {
        "labeler": labeler,
        "timestamp": timestamp,
        "generation": generation,
        "is_quality_control_question": False,
        "is_initial_screening_question": False,
        "question": {"problem": tree.problem, "ground_truth_answer": tree.reference_answer},
        "label": {"steps": label_steps, "total_time": None, "finish_reason": finish_reason},
    }
