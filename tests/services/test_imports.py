from __future__ import annotations

import json

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from tests.shared_data import gsm8k_test_file
from trees.core.answers import parse_gsm8k_answer
from trees.models import Node, Problem, StepLabel, Tree
from trees.services.imports import do_import_problems, do_run_import_job
from trees.services.jobs import do_create_job


def test_the_real_gsm8k_test_split_imports_every_problem_with_its_answer(campaign):
    with gsm8k_test_file().open("rb") as handle:
        outcome = do_import_problems(campaign, "gsm8k", handle)
    assert outcome.error_count == 0, outcome.errors[:3]
    assert outcome.imported == 1319
    assert Problem.objects.filter(campaign=campaign).count() == 1319
    janet = Problem.objects.get(campaign=campaign, statement__startswith="Janet\u2019s ducks")
    assert janet.reference_answer == "18"
    assert "16 - 3 - 4" in janet.reference_solution
    assert not Problem.objects.filter(campaign=campaign, reference_answer="").exists()
    assert Tree.objects.filter(problem__campaign=campaign, node_count=1).count() == 1319
    campaign.refresh_from_db()
    assert campaign.problem_count == 1319


def test_a_bad_line_reports_its_number_and_imports_nothing(campaign):
    lines = [
        json.dumps({"question": "What is 1 + 1?", "answer": "#### 2"}),
        '{"question": "broken"',
        json.dumps({"question": "What is 2 + 2?"}),
    ]
    outcome = do_import_problems(campaign, "gsm8k", lines)
    assert outcome.imported == 0
    assert [error["line"] for error in outcome.errors] == [2, 3]
    assert "answer" in outcome.errors[1]["message"]
    assert not Problem.objects.exists() and not Node.objects.exists()


def test_skipping_invalid_lines_imports_the_rest_and_reports_the_bad(campaign):
    lines = [json.dumps({"question": "What is 1 + 1?", "answer": "#### 2"}), "not json"]
    outcome = do_import_problems(campaign, "gsm8k", lines, skip_invalid=True)
    assert outcome.imported == 1 and outcome.error_count == 1
    assert outcome.errors[0]["line"] == 2


def test_importing_the_same_problems_twice_is_refused_per_line(campaign):
    line = json.dumps({"question": "What is 1 + 1?", "answer": "#### 2"})
    assert do_import_problems(campaign, "gsm8k", [line]).imported == 1
    again = do_import_problems(campaign, "gsm8k", [line])
    assert again.imported == 0 and "already in campaign" in again.errors[0]["message"]
    assert Problem.objects.count() == 1


def test_solutions_merge_by_shared_prefix_and_are_verified(campaign):
    line = json.dumps(
        {
            "id": "shop-17",
            "question": "A shop sells 3 pens for $2. How much do 12 pens cost?",
            "answer": "8",
            "solutions": [
                {"text": "12 / 3 = 4\n4 * 2 = 8\nA: 8", "model": "policy-7b"},
                {"text": "12 / 3 = 4\n4 * 3 = 12\nA: 12", "model": "policy-7b"},
                {"text": "12 / 2 = 6\n6 * 3 = 18\nA: 18", "model": "policy-7b", "is_correct": True},
            ],
        }
    )
    outcome = do_import_problems(campaign, "solutions", [line])
    assert outcome.imported == 1, outcome.errors
    tree = Tree.objects.get(problem__external_id="shop-17")
    root = Node.objects.get(tree=tree, parent=None)
    assert Node.objects.filter(parent=root).count() == 2
    assert tree.node_count == 1 + 2 + 3 + 3
    leaves = dict(
        Node.objects.filter(tree=tree, is_terminal=True).values_list("text", "correctness")
    )
    assert leaves == {"A: 8": "correct", "A: 12": "incorrect", "A: 18": "incorrect"}
    assert tree.correct_leaves == 1


def test_prm800k_alternatives_become_siblings_and_ratings_labels(campaign):
    line = json.dumps(
        {
            "labeler": "3f2a",
            "generation": 1,
            "question": {"problem": "What is 3 * 5?", "ground_truth_answer": "15"},
            "label": {
                "steps": [
                    {
                        "completions": [{"text": "Multiply.", "rating": 1, "flagged": None}],
                        "human_completion": None,
                        "chosen_completion": 0,
                    },
                    {
                        "completions": [
                            {"text": "So it is 16.", "rating": -1, "flagged": None},
                            {"text": "So it is 15.", "rating": 1, "flagged": None},
                        ],
                        "human_completion": None,
                        "chosen_completion": 1,
                    },
                ],
                "finish_reason": "solution",
            },
        }
    )
    outcome = do_import_problems(campaign, "prm800k", [line])
    assert outcome.imported == 1, outcome.errors
    first = Node.objects.get(text="Multiply.")
    siblings = dict(Node.objects.filter(parent=first).values_list("text", "labels_neg"))
    assert siblings == {"So it is 16.": 1, "So it is 15.": 0}
    assert StepLabel.objects.count() == 3
    assert Node.objects.get(text="So it is 15.").correctness == "correct"
    assert Tree.objects.get().labelled_count == 3


def test_the_import_command_runs_the_same_import(campaign, tmp_path, capsys):
    path = tmp_path / "problems.jsonl"
    path.write_text(json.dumps({"question": "What is 1 + 1?", "answer": "#### 2"}) + "\n")
    call_command("import_problems", "pilot", str(path), "--format", "gsm8k")
    assert "Imported 1 problems" in capsys.readouterr().out
    assert Problem.objects.get().reference_answer == "2"


def test_the_sources_claims_are_stored_on_the_answers_and_counted_against_the_verifier(campaign):
    line = json.dumps(
        {
            "id": "shop-18",
            "question": "A shop sells 3 pens for $2. How much do 12 pens cost?",
            "answer": "8",
            "solutions": [
                {"text": "12 / 3 = 4\n4 * 2 = 8\nA: 8", "is_correct": True},
                {"text": "12 / 3 = 4\n4 * 3 = 12\nA: 12", "is_correct": True},
                {"text": "12 / 2 = 6\n6 * 3 = 18\nA: 18", "is_correct": False},
                {"text": "12 / 4 = 3\n3 * 2 = <<3*2=6", "is_correct": True},
                {"text": "12 * 2 = 24\nThe answer is 8"},
            ],
        }
    )
    outcome = do_import_problems(campaign, "solutions", [line])
    assert outcome.imported == 1, outcome.errors
    assert outcome.as_dict()["source_claims"] == {"agree": 2, "disagree": 1, "unverified": 1}
    ends = {
        text: (kind, correctness, claim)
        for text, kind, correctness, claim in Node.objects.filter(children__isnull=True)
        .exclude(kind="root")
        .values_list("text", "kind", "correctness", "source_correct")
    }
    assert ends == {
        "A: 8": ("answer", "correct", True),
        "A: 12": ("answer", "incorrect", True),  # the source and the verifier disagree
        "A: 18": ("answer", "incorrect", False),
        "3 * 2 = <<3*2=6": ("step", "unknown", True),  # cut off: not an answer
        "The answer is 8": ("answer", "correct", None),
    }
    assert Tree.objects.get(problem__external_id="shop-18").correct_leaves == 2


def test_the_import_jobs_result_counts_the_sources_claims(campaign, larry, tmp_path):
    line = {
        "id": "c1",
        "question": "What is 1 + 1?",
        "answer": "2",
        "solutions": [{"text": "A: 3", "is_correct": True}, {"text": "A: 2", "is_correct": True}],
    }
    job, _ = do_create_job(
        "import",
        campaign=campaign,
        params={"format": "solutions"},
        created_by=larry,
        input_file=ContentFile((json.dumps(line) + "\n").encode(), name="claims.jsonl"),
    )
    job = do_run_import_job(job)
    assert job.status == "succeeded", job.error
    assert job.result["source_claims"] == {"agree": 1, "disagree": 1, "unverified": 0}


def _cut_gsm8k_solutions(count: int) -> list[tuple[str, str, list[str]]]:
    """Real GSM8K reference solutions cut off half-way through their last calculator
    annotation, as a model's output is when it runs out of tokens (`… = $<<41.472+8.`):
    (question, reference answer, solution lines)."""
    cut = []
    for line in gsm8k_test_file().read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        reference, solution = parse_gsm8k_answer(item["answer"])
        steps = solution.splitlines()
        opens, closes = steps[-1].rfind("<<"), steps[-1].rfind(">>")
        if 0 <= opens < closes:
            steps[-1] = steps[-1][: opens + 2 + (closes - opens) // 2]
            cut.append((item["question"], reference, steps))
        if len(cut) == count:
            break
    return cut


@pytest.mark.parametrize("last_number", [False, True])
def test_real_gsm8k_solutions_cut_off_mid_line_import_without_answers(campaign, last_number):
    campaign.last_number_answers = last_number
    campaign.save(update_fields=["last_number_answers"])
    solutions = _cut_gsm8k_solutions(50)
    assert len(solutions) == 50
    lines = [
        json.dumps(
            {
                "id": f"cut-{number}",
                "question": question,
                "answer": reference,
                "solutions": [{"steps": steps, "model": "cut", "is_correct": True}],
            }
        )
        for number, (question, reference, steps) in enumerate(solutions)
    ]
    outcome = do_import_problems(campaign, "solutions", lines)
    assert outcome.imported == 50, outcome.errors[:3]
    nodes = Node.objects.filter(tree__problem__campaign=campaign)
    assert nodes.count() > 100
    assert not nodes.filter(kind="answer").exists()
    assert not nodes.filter(is_terminal=True).exists()
    assert set(Tree.objects.values_list("correct_leaves", flat=True)) == {0}
    assert outcome.as_dict()["source_claims"] == {"agree": 0, "disagree": 0, "unverified": 50}


def test_real_gsm8k_solutions_uncut_end_in_answers_graded_correct(campaign):
    lines = [
        json.dumps(
            {
                "id": f"whole-{number}",
                "question": item["question"],
                "answer": parse_gsm8k_answer(item["answer"])[0],
                "solutions": [{"text": item["answer"], "is_correct": True}],
            }
        )
        for number, item in enumerate(
            json.loads(raw)
            for raw in gsm8k_test_file().read_text(encoding="utf-8").splitlines()[:50]
        )
    ]
    outcome = do_import_problems(campaign, "solutions", lines)
    assert outcome.imported == 50, outcome.errors[:3]
    assert set(Tree.objects.values_list("correct_leaves", flat=True)) == {1}
    assert outcome.as_dict()["source_claims"] == {"agree": 50, "disagree": 0, "unverified": 0}
