"""Labelled trees built through the services (import, then label as experts do), export
helpers, and a tiny local tokenizer (no downloads)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from trees.models import Export, Node, Problem
from trees.services.exports import do_create_export, export_path
from trees.services.imports import do_import_problems
from trees.services.labels import do_label_step, do_set_gold_label
from workers.tasks import export_dataset

PENS = "A shop sells 3 pens for $2. How much do 12 pens cost?"
APPLES = "Tom has 5 apples and buys 7 more. How many apples does he have?"

PROBLEMS = [
    {
        "id": "pens",
        "question": PENS,
        "answer": "8",
        "solutions": [
            {"text": "12 / 2 = 6\n6 * 3 = 18\nA: 18", "model": "policy"},
            {"text": "12 / 3 = 4\n4 * 2 = 8\nA: 8", "model": "policy"},
            {"text": "12 / 3 = 4\n4 * 3 = 12\nA: 12", "model": "policy"},
        ],
    },
    {
        "id": "apples",
        "question": APPLES,
        "answer": "12",
        "solutions": [
            {"text": "5 + 7 = 12\nA: 12", "model": "policy"},
            {"text": "5 * 7 = 35\nA: 35", "model": "policy"},
        ],
    },
]

# (problem id, step text, rating) for bob, the expert.
BOB_LABELS = [
    ("pens", "12 / 2 = 6", -1),
    ("pens", "12 / 3 = 4", 1),
    ("pens", "4 * 2 = 8", 1),
    ("pens", "A: 8", 1),
    ("pens", "4 * 3 = 12", -1),
    ("apples", "5 + 7 = 12", 1),
    ("apples", "A: 12", 1),
    ("apples", "5 * 7 = 35", -1),
]


@dataclass
class Labelled:
    campaign: Any
    pens: Problem
    apples: Problem


def node(problem: Problem, text: str) -> Node:
    return Node.objects.get(tree__problem=problem, text=text)


def import_problems(campaign: Any, rows: list[dict[str, Any]]) -> None:
    outcome = do_import_problems(campaign, "solutions", [json.dumps(row) for row in rows])
    assert outcome.imported == len(rows), outcome.errors


@pytest.fixture
def labelled(campaign: Any, bob: Any, carol: Any) -> Labelled:
    """Two problems with right and wrong branches, labelled by bob; carol set one gold label
    (0 on "12 / 2 = 6", over bob's -1)."""
    import_problems(campaign, PROBLEMS)
    problems = {p.external_id: p for p in Problem.objects.filter(campaign=campaign)}
    for external_id, text, rating in BOB_LABELS:
        do_label_step(node(problems[external_id], text), bob, rating)
    do_set_gold_label(node(problems["pens"], "12 / 2 = 6"), carol, 0)
    return Labelled(campaign=campaign, pens=problems["pens"], apples=problems["apples"])


def run_export(campaign: Any, fmt: str, **filters: Any) -> Export:
    """Create an export and run its task (inline), as the API's dispatch would."""
    export, job, _ = do_create_export(campaign, fmt, filters)
    export_dataset.apply(args=[job.pk])
    export.refresh_from_db()
    return export


def read_rows(export: Export) -> list[dict[str, Any]]:
    path = export_path(export)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="session")
def tiny_tokenizer_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A byte-level BPE tokenizer trained on a few sentences, saved as tokenizer.json."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    directory = tmp_path_factory.mktemp("tiny-tokenizer")
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=300,
        special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tokenizer.train_from_iterator([PENS, APPLES, "12 / 3 = 4", "4 * 2 = 8", "A: 8"] * 4, trainer)
    tokenizer.save(str(directory / "tokenizer.json"))
    return directory
