"""Exports of every format through the export job: rows, label policies, determinism,
atomic files, manifests, token limits, and PRM800K files that import back."""

from __future__ import annotations

import json

import pytest

from tests.exports.conftest import (
    APPLES,
    PENS,
    PROBLEMS,
    import_problems,
    node,
    read_rows,
    run_export,
)
from trees.core.export_contract import row_problems
from trees.exporting import dataset
from trees.exporting.writer import manifest_path
from trees.models import Export, Job, Node, Problem, StepLabel
from trees.services.exports import export_path
from trees.services.imports import do_import_problems
from trees.services.longthoughts import (
    do_derive_long_thought,
    do_edit_long_thought,
    do_review_long_thought,
)
from trees.services.nodes import do_set_deleted

pytestmark = pytest.mark.django_db


def test_prm_stepwise_rows_stop_at_the_first_error_and_keep_the_ratings(labelled):
    export = run_export(labelled.campaign, "prm-stepwise")
    assert export.status == "succeeded", export.error
    rows = read_rows(export)
    assert rows == [
        {"prompt": PENS + "\n", "completions": ["12 / 2 = 6"], "labels": [False], "ratings": [0]},
        {
            "prompt": PENS + "\n",
            "completions": ["12 / 3 = 4", "4 * 2 = 8", "A: 8"],
            "labels": [True, True, True],
            "ratings": [1, 1, 1],
        },
        {
            "prompt": PENS + "\n",
            "completions": ["12 / 3 = 4", "4 * 3 = 12"],
            "labels": [True, False],
            "ratings": [1, -1],
        },
        {
            "prompt": APPLES + "\n",
            "completions": ["5 + 7 = 12", "A: 12"],
            "labels": [True, True],
            "ratings": [1, 1],
        },
        {
            "prompt": APPLES + "\n",
            "completions": ["5 * 7 = 35"],
            "labels": [False],
            "ratings": [-1],
        },
    ]
    assert export.rows == 5
    assert export.manifest["counts"]["problems"] == 2


def test_zero_is_true_makes_a_neutral_step_a_true_label(labelled):
    rows = read_rows(run_export(labelled.campaign, "prm-stepwise", zero_is_true=True))
    assert rows[0] == {
        "prompt": PENS + "\n",
        "completions": ["12 / 2 = 6"],
        "labels": [True],
        "ratings": [0],
    }


def test_gold_only_exports_only_adjudicated_steps(labelled):
    rows = read_rows(run_export(labelled.campaign, "prm-stepwise", labels="gold"))
    assert rows == [
        {"prompt": PENS + "\n", "completions": ["12 / 2 = 6"], "labels": [False], "ratings": [0]}
    ]


def test_consensus_needs_min_experts_and_a_majority(labelled, larry, alice):
    # With two experts required, only the gold label counts (bob labelled alone).
    rows = read_rows(run_export(labelled.campaign, "prm-stepwise", min_experts=2))
    assert [row["completions"] for row in rows] == [["12 / 2 = 6"]]
    from trees.services.labels import do_label_step

    # larry agrees with bob on the apples' right step: a majority of two.
    do_label_step(node(labelled.apples, "5 + 7 = 12"), larry, 1)
    # alice disagrees with bob on the wrong one: 1 vs -1 is no majority.
    do_label_step(node(labelled.apples, "5 * 7 = 35"), alice, 1)
    rows = read_rows(run_export(labelled.campaign, "prm-stepwise", min_experts=2))
    assert [row["completions"] for row in rows] == [["12 / 2 = 6"], ["5 + 7 = 12"]]


def test_sft_journey_takes_wrong_turns_and_backtracks_before_the_answer(labelled):
    export = run_export(labelled.campaign, "sft-journey")
    rows = read_rows(export)
    assert len(rows) == 2
    pens = rows[0]["messages"]
    assert pens[0] == {"role": "user", "content": PENS}
    assert pens[1]["role"] == "assistant"
    content = pens[1]["content"]
    # carol's gold 0 on "12 / 2 = 6" leaves the branch wrong only by its answer, 18: the
    # transition says so from the tree and never names the reference answer, 8.
    assert content == (
        "12 / 2 = 6\n"
        "6 * 3 = 18\n"
        "Wait, this leads to 18, which is wrong. Going back to the start.\n"
        "12 / 3 = 4\n"
        "4 * 3 = 12\n"
        "Hmm, this leads to 12, which is wrong. Going back to \u201c12 / 3 = 4\u201d.\n"
        "4 * 2 = 8\n\n"
        "Answer: 8"
    )
    assert all(row_problems("sft-journey", row, reference="8") == [] for row in rows[:1])


def test_sft_shortcut_is_the_correct_path_only(labelled):
    rows = read_rows(run_export(labelled.campaign, "sft-shortcut"))
    assert rows[0]["messages"][1]["content"] == "12 / 3 = 4\n4 * 2 = 8\n\nAnswer: 8"
    assert rows[1]["messages"][1]["content"] == "5 + 7 = 12\n\nAnswer: 12"


def test_steiner_rows_wrap_steps_in_reasoning_tokens(labelled):
    rows = read_rows(run_export(labelled.campaign, "steiner"))
    content = rows[0]["messages"][1]["content"]
    assert content.startswith("<|reasoning_start|><|reasoning_step_start|>")
    assert "<|reasoning_backtrack|>" in content
    assert content.endswith("<|reasoning_end|>Answer: 8")
    assert "A: 8" not in content and row_problems("steiner", rows[0], reference="8") == []


def test_dpo_has_step_pairs_and_capped_solution_pairs(labelled):
    rows = read_rows(run_export(labelled.campaign, "dpo"))
    step = {"prompt": f"{PENS}\n12 / 3 = 4\n", "chosen": "4 * 2 = 8", "rejected": "4 * 3 = 12"}
    assert step in rows
    assert {"prompt": APPLES + "\n", "chosen": "5 + 7 = 12", "rejected": "5 * 7 = 35"} in rows
    solution = [row for row in rows if row["prompt"] == PENS + "\n"]
    assert {row["rejected"] for row in solution} == {
        "12 / 2 = 6\n6 * 3 = 18\n\nAnswer: 18",
        "12 / 3 = 4\n4 * 3 = 12\n\nAnswer: 12",
    }
    assert {row["chosen"] for row in solution} == {"12 / 3 = 4\n4 * 2 = 8\n\nAnswer: 8"}
    assert all(row_problems("dpo", row) == [] for row in rows)
    capped = read_rows(run_export(labelled.campaign, "dpo", max_pairs=1, dpo_level="solution"))
    assert [row["prompt"] for row in capped] == [PENS + "\n", APPLES + "\n"]


def test_the_same_data_and_filters_give_the_same_bytes(labelled):
    for fmt in ("sft-journey", "sft-shortcut", "dpo", "prm-stepwise", "prm800k", "steiner"):
        first = run_export(labelled.campaign, fmt)
        second = run_export(labelled.campaign, fmt)
        assert first.status == second.status == "succeeded", (fmt, first.error)
        assert (first.version, second.version) == (1, 2)
        assert first.sha256 == second.sha256 and first.bytes == second.bytes > 0, fmt
        assert export_path(first).read_bytes() == export_path(second).read_bytes()
        assert first.rows == len(read_rows(first))


def test_the_manifest_describes_the_file(labelled):
    export = run_export(labelled.campaign, "prm-stepwise", zero_is_true=True)
    manifest = json.loads(manifest_path(export_path(export)).read_text())
    assert manifest == export.manifest
    assert manifest["format"] == "prm-stepwise"
    assert manifest["source"]["campaign"]["slug"] == "pilot"
    assert manifest["filters"]["zero_is_true"] is True
    assert manifest["rows"] == export.rows == manifest["counts"]["rows"]
    assert manifest["bytes"] == export_path(export).stat().st_size
    import hashlib

    assert manifest["sha256"] == hashlib.sha256(export_path(export).read_bytes()).hexdigest()
    assert manifest["arbor_version"] and manifest["created_at"]
    assert manifest["export"] == {"id": export.pk, "version": 1}


def test_prm800k_exports_import_back_into_another_campaign(labelled, alice):
    from tests.factories import make_campaign

    export = run_export(labelled.campaign, "prm800k")
    lines = export_path(export).read_bytes().splitlines()
    assert len(lines) == export.rows == 5
    first = json.loads(lines[0])
    assert first["question"] == {"problem": PENS, "ground_truth_answer": "8"}
    assert len(first["label"]["steps"]) == 3 and first["label"]["finish_reason"] == "solution"
    reasons = [json.loads(line)["label"]["finish_reason"] for line in lines]
    assert reasons.count("found_error") == 2  # "4 * 3 = 12" and "5 * 7 = 35"
    other = make_campaign(alice, "reimport")
    outcome = do_import_problems(other, "prm800k", lines)
    assert outcome.error_count == 0, outcome.errors
    assert outcome.imported == 2
    pens = Problem.objects.get(campaign=other, statement=PENS)
    texts = set(Node.objects.filter(tree__problem=pens).values_list("text", flat=True))
    assert {"12 / 2 = 6", "12 / 3 = 4", "4 * 2 = 8", "4 * 3 = 12", "A: 8"} <= texts
    ratings = dict(
        StepLabel.objects.filter(node__tree__problem=pens).values_list("node__text", "rating")
    )
    assert ratings["4 * 3 = 12"] == -1 and ratings["A: 8"] == 1


def test_a_failing_export_leaves_no_partial_file(labelled, monkeypatch):
    good = run_export(labelled.campaign, "prm-stepwise")
    before = export_path(good).read_bytes()
    calls = {"n": 0}
    real = dataset.tree_rows

    def explode(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk on fire")
        return real(*args, **kwargs)

    monkeypatch.setattr(dataset, "tree_rows", explode)
    failed = run_export(labelled.campaign, "prm-stepwise")
    assert failed.status == "failed" and "disk on fire" in failed.error
    assert Job.objects.get(pk=failed.job_id).status == "failed"
    directory = export_path(failed).parent
    assert not export_path(failed).exists()
    assert not manifest_path(export_path(failed)).exists()
    assert sorted(p.name for p in directory.iterdir()) == sorted(
        [export_path(good).name, manifest_path(export_path(good)).name]
    )
    assert export_path(good).read_bytes() == before


def test_rows_over_the_token_limits_are_skipped_and_counted(labelled, tiny_tokenizer_dir):
    from trees.exporting.tokens import count_tokens, load_tokenizer

    spec = str(tiny_tokenizer_dir)
    unlimited = run_export(labelled.campaign, "prm-stepwise", tokenizer=spec)
    assert unlimited.rows == 5
    assert unlimited.manifest["counts"]["skipped_over_token_limit"] == 0
    tokenizer = load_tokenizer(spec)
    totals = [
        sum(count_tokens(tokenizer, [row["prompt"], "\n".join(row["completions"])]))
        for row in read_rows(unlimited)
    ]
    limit = sorted(totals)[2]  # rows with a total at or over the limit are skipped
    limited = run_export(labelled.campaign, "prm-stepwise", tokenizer=spec, max_total_tokens=limit)
    kept = [row for row, total in zip(read_rows(unlimited), totals, strict=True) if total < limit]
    assert read_rows(limited) == kept
    assert limited.manifest["counts"]["skipped_over_token_limit"] == 5 - len(kept) > 0
    tight = run_export(labelled.campaign, "sft-journey", tokenizer=spec, max_reasoning_tokens=5)
    assert tight.status == "failed" and tight.rows == 0
    assert tight.error == (
        "Nothing to export in sft-journey from 2 problem(s): all 2 row(s) were at or over the "
        "token limits (5 reasoning, 8192 total)."
    )
    tokenizer_used = limited.manifest["contract"]["token_limits"]["tokenizer"]
    assert tokenizer_used["name"] == spec and len(tokenizer_used["sha256"]) == 64


def test_the_demo_tokenizer_is_found_by_name(labelled, tiny_tokenizer_dir, settings):
    settings.ARBOR_DEMO_MODEL_DIR = tiny_tokenizer_dir
    export = run_export(labelled.campaign, "prm-stepwise", tokenizer="demo")
    assert export.status == "succeeded" and export.rows == 5


def test_approved_long_thoughts_stand_in_for_derived_ones(labelled, bob, carol):
    thought = do_derive_long_thought(labelled.pens.tree, "journey", {})
    edited = do_edit_long_thought(thought, "I checked every step.\n\nAnswer: 8", 1, editor=bob)
    only = run_export(labelled.campaign, "sft-journey", approved_only=True)
    assert only.status == "failed" and only.rows == 0  # drafts do not count
    assert "no problem has an approved long thought" in only.error
    do_review_long_thought(edited, carol, "approved")
    only = run_export(labelled.campaign, "sft-journey", approved_only=True)
    assert read_rows(only) == [
        {
            "messages": [
                {"role": "user", "content": PENS},
                {"role": "assistant", "content": "I checked every step.\n\nAnswer: 8"},
            ]
        }
    ]
    mixed = read_rows(run_export(labelled.campaign, "sft-journey"))
    assert mixed[0] == read_rows(only)[0]
    assert mixed[1]["messages"][1]["content"].endswith("Answer: 12")  # derived on the fly
    shortcut = run_export(labelled.campaign, "sft-shortcut", approved_only=True)
    assert shortcut.status == "failed"  # the approved thought is a journey


def test_problem_filters_and_deleted_steps(labelled, bob):
    rows = read_rows(run_export(labelled.campaign, "prm-stepwise", problems=[labelled.apples.pk]))
    assert {row["prompt"] for row in rows} == {APPLES + "\n"}
    do_set_deleted(node(labelled.apples, "5 * 7 = 35"), True)
    rows = read_rows(run_export(labelled.campaign, "prm-stepwise", problems=[labelled.apples.pk]))
    assert [row["completions"] for row in rows] == [["5 + 7 = 12", "A: 12"]]


def test_a_cancelled_export_writes_nothing(labelled, monkeypatch):
    from trees.services.exports import do_create_export
    from trees.services.jobs import do_cancel_job
    from workers.tasks import export_dataset

    export, job, _ = do_create_export(labelled.campaign, "prm-stepwise", {})
    monkeypatch.setattr("trees.services.exports.is_cancelled", lambda job_id: True)
    export_dataset.apply(args=[job.pk])
    do_cancel_job(Job.objects.get(pk=job.pk))
    export.refresh_from_db()
    assert export.status == Export.Status.CANCELLED
    assert not export_path(export).exists()


def test_an_export_with_no_rows_fails_with_the_reason_and_leaves_no_file(campaign):
    """PRM stepwise with no labels used to end as a 0-byte success that `datasets` then
    failed on: now the job and the export say why there is nothing, and there is no file."""
    import_problems(campaign, PROBLEMS)  # trees, but nobody has labelled a step yet
    empty = run_export(campaign, "prm-stepwise")
    reason = (
        "Nothing to export in prm-stepwise from 2 problem(s): no step has a label under the "
        "label policy (labels=consensus, min_experts=1)."
    )
    assert empty.status == "failed" and empty.error == reason and empty.rows == 0
    job = Job.objects.get(pk=empty.job_id)
    assert job.status == "failed" and job.error == reason
    assert not export_path(empty).exists() and not manifest_path(export_path(empty)).exists()
    assert run_export(campaign, "sft-journey").status == "succeeded"  # verdicts suffice there


def test_the_manifest_writes_the_contract_with_the_neutral_label_choice(labelled):
    contract = run_export(labelled.campaign, "prm-stepwise").manifest["contract"]
    assert contract["label_map"] == {"1": True, "0": False, "-1": False}
    assert contract["neutral_label"] is False and contract["step_separator"] == "\n"
    assert contract["truncation"] == "after the first false label"
    assert contract["soft_labels"] is None and contract["token_limits"] is None
    assert contract["answer_line"] is None  # PRM steps are labelled as written
    lenient = run_export(labelled.campaign, "prm-stepwise", zero_is_true=True, soft_labels=True)
    contract = lenient.manifest["contract"]
    assert contract["label_map"]["0"] is True and contract["soft_labels"]["column"] == "values"
    rows = read_rows(lenient)
    assert all(row_problems("prm-stepwise", row, zero_is_true=True) == [] for row in rows)
    sft = run_export(labelled.campaign, "sft-journey").manifest["contract"]
    assert sft["answer_line"] == "Answer: {answer}" and sft["columns"] == ["messages"]


def test_soft_labels_are_current_values_and_stale_ones_are_left_out(labelled):
    right = node(labelled.pens, "12 / 3 = 4")
    Node.objects.filter(pk=right.pk).update(mc_soft=0.75)
    Node.objects.filter(pk=node(labelled.pens, "4 * 2 = 8").pk).update(
        mc_soft=1.0, values_stale=True
    )
    export = run_export(labelled.campaign, "prm-stepwise", soft_labels=True)
    rows = read_rows(export)
    path = next(row for row in rows if row["completions"][:2] == ["12 / 3 = 4", "4 * 2 = 8"])
    assert path["values"] == [0.75, None, None]
    assert export.manifest["counts"]["stale_values_left_out"] == 1


def test_the_note_on_a_wrong_label_says_why_a_branch_is_left(labelled, bob):
    from trees.services.labels import do_label_step

    wrong = node(labelled.pens, "4 * 3 = 12")
    do_label_step(wrong, bob, -1, note="Each group of pens costs 2 dollars, not 3.")
    thought = do_derive_long_thought(labelled.pens.tree, "journey", {})
    assert (
        "this step is wrong: Each group of pens costs 2 dollars, not 3. "
        "Going back to \u201c12 / 3 = 4\u201d."
    ) in thought.rendered_text
