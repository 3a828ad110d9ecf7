"""The data invariants on real text: GSM8K test problems with real solutions, wrong and
truncated variants and the source's own (sometimes wrong) claims, labelled and edited as
experts do, derived into long thoughts and exported in every format.

Invariants checked over everything that comes out:
- every answer node's verdict matches a fresh grading of its current text;
- every source claim is kept, and the import counted each agreement and disagreement;
- no export row repeats its answer or states the reference answer in a transition;
- no DPO pair has equal sides; every PRM row's labels match its completions one to one;
- every long thought's passages link to nodes that exist in its tree.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from tests.exports.conftest import read_rows, run_export
from tests.shared_data import gsm8k_test_file
from trees.core.answers import grade, parse_gsm8k_answer
from trees.core.export_contract import row_problems
from trees.exporting.spec import FORMATS
from trees.models import Export, Node, Problem
from trees.services.imports import do_import_problems
from trees.services.labels import do_label_step
from trees.services.longthoughts import do_derive_long_thought
from trees.services.nodes import do_edit_step

PROBLEMS = 40


def _gsm8k_lines(count: int) -> list[dict[str, Any]]:
    with gsm8k_test_file().open(encoding="utf-8") as handle:
        return [json.loads(line) for _, line in zip(range(count), handle, strict=False)]


def _solutions_line(index: int, row: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """One problem with the real solution, a wrong final answer, a solution cut off mid-line
    and, for every fifth problem, a wrong answer the source claims is correct."""
    reference, solution = parse_gsm8k_answer(row["answer"])
    steps = [line for line in solution.splitlines() if line.strip()]
    wrong = str(int(float(reference)) + 1 + index % 3) if reference.lstrip("-").isdigit() else "0"
    cut_line = steps[rng.randrange(len(steps))]
    cut = cut_line[: max(3, len(cut_line) // 2)]
    solutions = [
        {"steps": [*steps, f"#### {reference}"], "model": "gsm8k-reference", "is_correct": True},
        {"steps": [*steps, f"#### {wrong}"], "model": "policy", "is_correct": index % 5 == 0},
        {"steps": [*steps[: steps.index(cut_line)], cut], "model": "policy", "is_correct": False},
    ]
    return {
        "id": f"gsm8k-{index}",
        "question": row["question"],
        "answer": reference,
        "solutions": solutions,
    }


@pytest.fixture
def real_campaign(campaign: Any, bob: Any, carol: Any) -> dict[str, Any]:
    rng = random.Random(7)
    rows = [_solutions_line(i, row, rng) for i, row in enumerate(_gsm8k_lines(PROBLEMS))]
    outcome = do_import_problems(campaign, "solutions", [json.dumps(r) for r in rows])
    assert outcome.imported == PROBLEMS, outcome.errors
    problems = list(Problem.objects.filter(campaign=campaign).order_by("external_id"))
    edited = []
    for number, problem in enumerate(problems):
        answers = {
            n.text: n for n in Node.objects.filter(tree__problem=problem, kind=Node.Kind.ANSWER)
        }
        right = next(n for n in answers.values() if n.correctness == Node.Correctness.CORRECT)
        wrong = next(n for n in answers.values() if n.correctness == Node.Correctness.INCORRECT)
        # The expert labels the shared steps +1 (both answers hang from the last of them),
        # the right answer +1 and the wrong one -1 with a reason.
        step = right.parent
        while step is not None and step.parent_id is not None:
            do_label_step(step, bob, 1)
            step = step.parent
        do_label_step(right, bob, 1)
        do_label_step(wrong, bob, -1, note="the final sum is off")
        if number % 4 == 0:
            # An expert corrects the wrong answer's text: its verdict must follow the text,
            # and no DPO pair may then put the two (now equal) answers against each other.
            wrong.refresh_from_db()
            do_edit_step(wrong, right.text, wrong.version, carol)
            edited.append(wrong.pk)
    for problem in problems:
        do_derive_long_thought(problem.tree, "journey", {"max_wrong": 2, "seed": 3})
    return {"campaign": campaign, "outcome": outcome, "problems": problems, "edited": edited}


def test_every_verdict_matches_a_fresh_grading_of_its_text(real_campaign: dict) -> None:
    answers = Node.objects.filter(
        tree__problem__campaign=real_campaign["campaign"], kind=Node.Kind.ANSWER
    ).select_related("tree__problem")
    assert answers.count() >= 2 * PROBLEMS
    for node in answers:
        problem = node.tree.problem
        extracted, correct = grade(node.text, problem.reference_answer, problem.answer_type)
        expected = {True: "correct", False: "incorrect", None: "unknown"}[correct]
        assert (node.extracted_answer or None, node.correctness) == (extracted, expected), (
            node.pk,
            node.text,
        )
    edited = Node.objects.filter(pk__in=real_campaign["edited"])
    assert edited and all(n.correctness == Node.Correctness.CORRECT for n in edited)


def test_truncated_solutions_are_not_answers(real_campaign: dict) -> None:
    campaign = real_campaign["campaign"]
    # Two answers per problem (the reference and the wrong final answer); the cut-off third
    # solution ends in a plain step.
    per_problem = Node.objects.filter(tree__problem__campaign=campaign, kind=Node.Kind.ANSWER)
    assert per_problem.count() == 2 * PROBLEMS
    assert not per_problem.filter(text__regex=r"<<[^>]*$").exists()


def test_source_claims_are_kept_and_counted(real_campaign: dict) -> None:
    campaign = real_campaign["campaign"]
    claims = real_campaign["outcome"].claims
    lying = len([i for i in range(PROBLEMS) if i % 5 == 0])
    # The wrong answers claimed correct disagree with the verifier; the truncated solutions'
    # claims meet no verdict at all.
    assert claims.disagree == lying, claims
    assert claims.agree == 2 * PROBLEMS - lying, claims
    assert claims.unverified == PROBLEMS, claims
    disagreeing = Node.objects.filter(
        tree__problem__campaign=campaign,
        source_correct=True,
        correctness=Node.Correctness.INCORRECT,
    )
    assert disagreeing.count() == lying - len(
        [i for i in range(0, PROBLEMS, 4) if i % 5 == 0]  # edited since, now correct
    )


def test_long_thought_passages_link_to_nodes_of_their_tree(real_campaign: dict) -> None:
    for problem in real_campaign["problems"]:
        thought = problem.tree.long_thoughts.get()
        nodes = set(Node.objects.filter(tree=problem.tree).values_list("id", flat=True))
        assert thought.spans, thought.rendered_text
        for node_id, start, end in thought.spans:
            assert node_id in nodes
            assert 0 <= start < end <= len(thought.rendered_text)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_export_row_keeps_the_contract(real_campaign: dict, fmt: str) -> None:
    campaign = real_campaign["campaign"]
    export = run_export(campaign, fmt)
    assert export.status == Export.Status.SUCCEEDED, export.error
    rows = read_rows(export)
    assert rows, fmt
    references = {p.statement: p.reference_answer for p in real_campaign["problems"]}
    for row in rows:
        question = _question_of(fmt, row)
        problems = row_problems(fmt, row, reference=references.get(question))
        assert problems == [], (fmt, problems, row)
    if fmt == "dpo":
        assert all(r["chosen"] != r["rejected"] for r in rows)
        paired = {q for q in references if any(r["prompt"].startswith(q) for r in rows)}
        assert len(paired) == PROBLEMS - len(real_campaign["edited"])
        # An edited answer now says what the right one says: no pair of its problem puts it
        # against the right answer (the expert's old -1 on it would make chosen == rejected).
        for node in Node.objects.filter(pk__in=real_campaign["edited"]).select_related(
            "tree__problem"
        ):
            own = [r for r in rows if r["prompt"].startswith(node.tree.problem.statement)]
            assert not [r for r in own if r["rejected"] == node.text], node.pk


def _question_of(fmt: str, row: dict[str, Any]) -> str:
    if "messages" in row:
        return row["messages"][0]["content"]
    if fmt == "prm800k":
        return row["question"]["problem"]
    return row["prompt"].split("\n", 1)[0].strip()
