"""`manage.py export_dataset`: the same export code, synchronously, into a named file."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from tests.exports.conftest import read_rows, run_export
from trees.exporting.writer import manifest_path
from trees.services.exports import export_path

pytestmark = pytest.mark.django_db


def test_the_command_writes_the_same_bytes_as_the_export_job(labelled, tmp_path, capsys):
    out = tmp_path / "prm.jsonl"
    call_command(
        "export_dataset", "pilot", "--format", "prm-stepwise", "-o", str(out), "--zero-is-true"
    )
    job_export = run_export(labelled.campaign, "prm-stepwise", zero_is_true=True)
    assert out.read_bytes() == export_path(job_export).read_bytes()
    manifest = json.loads(manifest_path(out).read_text())
    assert manifest["sha256"] == job_export.sha256
    assert manifest["filters"]["zero_is_true"] is True
    assert "Wrote 5 rows" in capsys.readouterr().out
    assert len(read_rows(job_export)) == 5


def test_the_command_takes_the_label_filters(labelled, tmp_path):
    out = tmp_path / "gold.jsonl"
    call_command(
        "export_dataset", "pilot", "--format", "prm-stepwise", "-o", str(out), "--labels", "gold"
    )
    assert len(out.read_text().splitlines()) == 1
    soft = tmp_path / "soft.jsonl"
    call_command(
        "export_dataset", "pilot", "--format", "prm-stepwise", "-o", str(soft), "--soft-labels"
    )
    assert all("values" in json.loads(line) for line in soft.read_text().splitlines())
    out = tmp_path / "approved.jsonl"
    with pytest.raises(CommandError, match="no problem has an approved long thought"):
        call_command(
            "export_dataset", "pilot", "--format", "sft-journey", "-o", str(out), "--approved-only"
        )
    assert not out.exists()  # no 0-byte file that `datasets` would fail on
    out = tmp_path / "two.jsonl"
    call_command(
        "export_dataset", "pilot", "--format", "prm-stepwise", "-o", str(out), "--min-experts", "2"
    )
    assert len(out.read_text().splitlines()) == 1


def test_the_command_refuses_an_unknown_campaign_or_bad_filters(labelled, tmp_path):
    with pytest.raises(CommandError, match="No campaign"):
        call_command("export_dataset", "nope", "--format", "dpo", "-o", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="min_experts"):
        call_command(
            "export_dataset",
            "pilot",
            "--format",
            "dpo",
            "-o",
            str(tmp_path / "x"),
            "--min-experts",
            "0",
        )
