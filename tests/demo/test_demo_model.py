"""The demo reasoner build: a quick model per test session (seconds), the command around it,
and the accuracy band of the full model (cached in demo_model_dir(); built there if missing)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from workers.demo.paths import demo_model_dir
from workers.demo.problems import generate_problems, prompt_for
from workers.demo.train import (
    DEMO_MODEL_VERSION,
    build_demo_model,
    cached_report,
    final_answer,
    state_dict_digest,
)

# The tests marked slow train models: the session's quick build (shared with every other
# test that needs it, tests/conftest.py), a second one to check builds are deterministic, and
# the full model when no cached build exists.


@pytest.fixture(scope="session")
def quick_model(quick_demo_model: tuple[Path, dict[str, Any]]) -> tuple[Path, dict[str, Any]]:
    return quick_demo_model


def _load(out_dir: Path) -> tuple[Any, Any]:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    return AutoTokenizer.from_pretrained(out_dir), AutoModelForCausalLM.from_pretrained(out_dir)


@pytest.mark.slow
def test_quick_model_loads_with_auto_classes_and_generates_a_line(
    quick_model: tuple[Path, dict[str, Any]],
) -> None:
    import torch

    tokenizer, model = _load(quick_model[0])
    prompt = prompt_for(generate_problems(1, seed=99)[0].question)
    encoded = tokenizer(prompt, return_tensors="pt")
    torch.manual_seed(0)
    with torch.no_grad():
        output = model.generate(**encoded, do_sample=True, max_new_tokens=40)
    text = tokenizer.decode(output[0, encoded["input_ids"].shape[1] :], skip_special_tokens=True)
    assert output.shape[1] > encoded["input_ids"].shape[1]
    assert isinstance(text.split("\n", 1)[0], str)
    assert tokenizer.eos_token == "<|endoftext|>"
    assert tokenizer.pad_token is not None and tokenizer.pad_token != tokenizer.eos_token


@pytest.mark.slow
def test_tokenizer_round_trips_text_and_keeps_each_number_one_token(
    quick_model: tuple[Path, dict[str, Any]],
) -> None:
    tokenizer, _ = _load(quick_model[0])
    text = "Q: Mia has 24 - 8 = 16 stickers left.\nThe answer is 16\n"
    ids = tokenizer(text)["input_ids"]
    assert tokenizer.decode(ids) == text
    tokens = tokenizer.convert_ids_to_tokens(ids)
    assert {"Ġ24", "Ġ8", "Ġ16"} <= set(tokens)
    # The newline is a token of its own, so a product can stop a step at "\n".
    assert "Ċ" in tokens
    # Any text a product prompts with encodes, whatever its alphabet.
    assert tokenizer.decode(tokenizer("Ünïcødé ½ → ✓")["input_ids"]) == "Ünïcødé ½ → ✓"


@pytest.mark.slow
def test_quick_build_writes_weights_tokenizer_and_report(
    quick_model: tuple[Path, dict[str, Any]],
) -> None:
    out_dir, report = quick_model
    assert (out_dir / "model.safetensors").exists()
    assert (out_dir / "config.json").exists()
    assert json.loads((out_dir / "report.json").read_text()) == report
    assert report["version"] == DEMO_MODEL_VERSION
    assert (report["seed"], report["quick"]) == (0, True)
    assert report["parameters"] > 0 and report["train_steps"] > 0
    assert 0.0 <= report["eval_accuracy"] <= 1.0
    assert "The answer is N" in report["format"]
    assert not [p for p in out_dir.parent.iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_the_command_builds_the_same_quick_model_again_then_reports_it_cached(
    quick_model: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    """A second build with the same seed, through the command, has identical weights."""
    out_dir = tmp_path / "demo"
    first, second = io.StringIO(), io.StringIO()
    call_command(
        "build_demo_model", "--quick", "--out", str(out_dir), stdout=first, stderr=io.StringIO()
    )
    assert "DEMO model" in first.getvalue()
    assert str(out_dir) in first.getvalue()
    again = cached_report(out_dir, seed=0, quick=True)
    assert again is not None
    assert state_dict_digest(_load(quick_model[0])[1]) == state_dict_digest(_load(out_dir)[1])
    assert again["weights_sha256"] == quick_model[1]["weights_sha256"]
    assert again["eval_correct"] == quick_model[1]["eval_correct"]
    call_command("build_demo_model", "--quick", "--out", str(out_dir), stdout=second)
    assert "cached" in second.getvalue()


def test_final_answer_reads_the_last_answer_line() -> None:
    assert final_answer("2 + 3 = 5 apples.\nThe answer is 5") == 5
    assert final_answer("The answer is 4\nThe answer is 7\n") == 7
    assert final_answer("2 + 3 = 5 apples.\n") is None


@pytest.mark.slow
def test_full_demo_model_makes_real_mistakes_but_often_gets_it_right() -> None:
    # CI builds the full model before the tests; without a cached build this takes minutes.
    out_dir = demo_model_dir()
    report = cached_report(out_dir, seed=0, quick=False)
    if report is None:
        report = build_demo_model(out_dir, seed=0)
    assert report["eval_problems"] == 200
    assert 0.20 <= report["eval_accuracy"] <= 0.85
