"""Real clients: every export loads with `datasets`, and SFT, DPO and PRM stepwise rows go
through TRL's own data preparation into one optimisation step of a tiny local GPT-2 on the CPU.
Each also round-trips: the tokens TRL prepared decode back to the row's text (prompt +
completion, with nothing lost at the boundary), and every row keeps the export contract
(`trees.core.export_contract.row_problems`).

PRM: TRL 1.x removed its PRM trainer (huggingface/trl#7133 dropped `trl.experimental.prm`,
and the stepwise-supervision dataset type with it). Where it is still installed, the rows go
through `PRMTrainer` itself. Otherwise the test checks the rows the way that trainer consumed
them: TRL's `is_conversational` must see a standard (non-chat) row; each step's token ids are
followed by the step separator and its label sits on the step's last token (-100 elsewhere),
and a token-classification GPT-2 takes one `transformers.Trainer` step on them.
"""

from __future__ import annotations

import importlib.util
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.tiny_model import build_tiny_gpt2, one_torch_thread

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
trl = pytest.importorskip("trl", reason="TRL is a test client: pip install -e '.[dev]'")
datasets = pytest.importorskip("datasets", reason="datasets is a test client (dev extra)")

from tests.exports.conftest import APPLES, PENS, node, run_export  # noqa: E402
from trees.core.export_contract import STEP_SEPARATOR, row_problems  # noqa: E402
from trees.models import Node  # noqa: E402
from trees.services.exports import export_path  # noqa: E402

REFERENCES = {PENS: "8", APPLES: "12"}

pytestmark = [
    pytest.mark.django_db,
    # transformers 5 renamed gradient checkpointing; TRL still calls the old names.
    pytest.mark.filterwarnings("ignore:.*gradient_checkpointing.*:FutureWarning"),
]

CHAT_TEMPLATE = (
    "{% for message in messages %}<|{{ message['role'] }}|>\n{{ message['content'] }}"
    "<|endoftext|>\n{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)


@pytest.fixture(autouse=True)
def _one_torch_thread() -> Iterator[None]:
    """TRL steps on a tiny model run with one torch thread (see tests.tiny_model)."""
    with one_torch_thread():
        yield


@pytest.fixture(scope="module")
def tiny_gpt2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer, 32-wide GPT-2 with a byte-level BPE tokenizer trained here (no downloads)."""
    corpus = [
        PENS,
        APPLES,
        "12 / 3 = 4\n4 * 2 = 8\n\nAnswer: 8",
        "Wait, this leads to 18, which is wrong. Going back to the start.",
    ]
    return build_tiny_gpt2(
        tmp_path_factory.mktemp("tiny-gpt2-trl"),
        corpus,
        vocab_size=400,
        n_positions=512,
        chat_template=CHAT_TEMPLATE,
        pad=True,
    )


def load_export(campaign: Any, fmt: str, tmp_path: Path, **filters: Any) -> Any:
    export = run_export(campaign, fmt, **filters)
    assert export.status == "succeeded" and export.rows > 0, (fmt, export.error)
    dataset = datasets.load_dataset(
        "json",
        data_files=str(export_path(export)),
        split="train",
        cache_dir=str(tmp_path / "hf-cache"),
    )
    assert len(dataset) == export.rows
    return dataset


def common_args(tmp_path: Path) -> dict[str, Any]:
    return {
        "output_dir": str(tmp_path / "out"),
        "max_steps": 1,
        "per_device_train_batch_size": 2,
        "report_to": [],
        "use_cpu": True,
        "save_strategy": "no",
        "logging_steps": 1,
        "learning_rate": 1e-3,
    }


def assert_one_step(trainer: Any) -> None:
    trainer.train()
    assert trainer.state.global_step == 1
    losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
    assert losses and all(math.isfinite(loss) for loss in losses)


@pytest.mark.slow  # one training step with TRL
@pytest.mark.parametrize("fmt", ["sft-journey", "sft-shortcut", "steiner"])
def test_sft_rows_train_one_step_with_trl_sft_trainer(labelled, tiny_gpt2, tmp_path, fmt):
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    # The export's token limits, measured with the trainer's own tokenizer, keep every row
    # under the model's 512 positions (the Steiner journey of the pens is longer: skipped).
    limits = {"tokenizer": str(tiny_gpt2), "max_total_tokens": 480}
    dataset = load_export(labelled.campaign, fmt, tmp_path, **limits)
    assert dataset.column_names == ["messages"]
    assert trl.data_utils.is_conversational(dataset[0])
    tokenizer = AutoTokenizer.from_pretrained(tiny_gpt2)
    trainer = SFTTrainer(
        model=AutoModelForCausalLM.from_pretrained(tiny_gpt2),
        args=SFTConfig(**common_args(tmp_path), max_length=512),
        train_dataset=dataset,
        processing_class=tokenizer,
    )
    prepared = trainer.train_dataset["input_ids"]
    assert len(prepared) == len(dataset)
    for row, ids in zip(dataset, prepared, strict=True):
        # TRL's tokens are the chat template's text, whole: the answer stated once, at the end.
        text = tokenizer.apply_chat_template(row["messages"], tokenize=False)
        assert len(ids) < 512 and tokenizer.decode(ids) == text
        reference = REFERENCES[row["messages"][0]["content"]]
        assert text.count("Answer:") == 1 and f"Answer: {reference}<|endoftext|>" in text
        assert row_problems(fmt, row, reference=reference) == []
    assert_one_step(trainer)


@pytest.mark.slow  # one training step with TRL
def test_dpo_rows_train_one_step_with_trl_dpo_trainer(labelled, tiny_gpt2, tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import DPOConfig, DPOTrainer

    dataset = load_export(labelled.campaign, "dpo", tmp_path)
    assert sorted(dataset.column_names) == ["chosen", "prompt", "rejected"]
    tokenizer = AutoTokenizer.from_pretrained(tiny_gpt2)
    trainer = DPOTrainer(
        model=AutoModelForCausalLM.from_pretrained(tiny_gpt2),
        args=DPOConfig(**common_args(tmp_path), max_length=512),
        train_dataset=dataset,
        processing_class=tokenizer,
    )
    prepared = trainer.train_dataset
    eos = tokenizer.eos_token
    for row, prompt_ids, chosen_ids, rejected_ids in zip(
        dataset,
        prepared["prompt_ids"],
        prepared["chosen_ids"],
        prepared["rejected_ids"],
        strict=True,
    ):
        assert row_problems("dpo", row) == []
        # TRL cuts the prompt where prompt and prompt + completion tokens diverge: the whole
        # prompt survives (it ends on the separator), and each side decodes to its own text.
        assert prompt_ids == tokenizer(row["prompt"])["input_ids"]
        assert tokenizer.decode(prompt_ids) == row["prompt"]
        assert tokenizer.decode(chosen_ids) == row["chosen"] + eos
        assert tokenizer.decode(rejected_ids) == row["rejected"] + eos
        joined = tokenizer.decode(prompt_ids + chosen_ids)
        assert joined == row["prompt"] + row["chosen"] + eos
        assert "?" + row["chosen"][:3] not in joined  # the old rows ran "…cost?12 / 3"
        assert chosen_ids != rejected_ids
    assert_one_step(trainer)


def stepwise_features(row: dict[str, Any], tokenizer: Any, separator: str) -> dict[str, Any]:
    """The stepwise-supervision encoding: prompt, then each step and the separator, the label
    on the step's last token and -100 (ignored) on every other token."""
    separator_ids = tokenizer.encode(separator, add_special_tokens=False)
    input_ids = [tokenizer.bos_token_id, *tokenizer.encode(row["prompt"], add_special_tokens=False)]
    labels = [-100] * len(input_ids)
    for completion, label in zip(row["completions"], row["labels"], strict=True):
        step = tokenizer.encode(completion, add_special_tokens=False) + separator_ids
        input_ids.extend(step)
        labels.extend([-100] * (len(step) - 1) + [int(label)])
    return {"input_ids": input_ids, "labels": labels}


@pytest.mark.slow  # one training step with TRL
def test_prm_stepwise_rows_train_one_step(labelled, tiny_gpt2, tmp_path):
    from transformers import AutoTokenizer, GPT2ForTokenClassification

    dataset = load_export(labelled.campaign, "prm-stepwise", tmp_path)
    assert sorted(dataset.column_names) == ["completions", "labels", "prompt", "ratings"]
    row = dataset[1]
    assert isinstance(row["prompt"], str) and isinstance(row["completions"], list)
    assert all(isinstance(label, bool) for label in row["labels"])
    assert not trl.data_utils.is_conversational(row)  # TRL's standard (non-chat) format
    tokenizer = AutoTokenizer.from_pretrained(tiny_gpt2)
    model = GPT2ForTokenClassification.from_pretrained(tiny_gpt2, num_labels=2)
    model.config.pad_token_id = tokenizer.pad_token_id
    args = common_args(tmp_path)
    if importlib.util.find_spec("trl.experimental.prm") is not None:  # TRL before #7133
        from trl.experimental.prm import PRMConfig, PRMTrainer

        trainer = PRMTrainer(
            model=model,
            args=PRMConfig(**args, max_length=512),
            train_dataset=dataset,
            processing_class=tokenizer,
        )
    else:
        from transformers import DataCollatorForTokenClassification, Trainer, TrainingArguments

        encoded = dataset.map(
            stepwise_features,
            fn_kwargs={"tokenizer": tokenizer, "separator": STEP_SEPARATOR},
            remove_columns=dataset.column_names,
            features=datasets.Features(
                {
                    "input_ids": datasets.Sequence(datasets.Value("int64")),
                    "labels": datasets.Sequence(datasets.Value("int64")),
                }
            ),
        )
        labelled_tokens = [label for labels in encoded["labels"] for label in labels if label >= 0]
        steps = sum(len(labels) for labels in dataset["labels"])
        assert len(labelled_tokens) == steps  # one supervised token per step
        assert sorted(set(labelled_tokens)) == [0, 1]
        for row, ids, labels in zip(dataset, encoded["input_ids"], encoded["labels"], strict=True):
            assert row_problems("prm-stepwise", row) == []
            positions = [i for i, label in enumerate(labels) if label != -100]
            assert [bool(labels[i]) for i in positions] == row["labels"]
            for k, position in enumerate(positions):
                # The text up to each supervised token is the prompt and the steps so far,
                # each ended by the separator: labels align with steps.
                steps_so_far = "".join(c + STEP_SEPARATOR for c in row["completions"][: k + 1])
                assert tokenizer.decode(ids[1 : position + 1]) == row["prompt"] + steps_so_far
        trainer = Trainer(
            model=model,
            args=TrainingArguments(**args),
            train_dataset=encoded,
            data_collator=DataCollatorForTokenClassification(tokenizer),
        )
    assert_one_step(trainer)


def test_soft_labels_load_with_datasets_as_floats_and_nulls(labelled, tmp_path):
    Node.objects.filter(pk=node(labelled.pens, "12 / 3 = 4").pk).update(mc_soft=0.5)
    Node.objects.filter(pk=node(labelled.pens, "4 * 2 = 8").pk).update(
        mc_soft=1.0, values_stale=True
    )
    dataset = load_export(labelled.campaign, "prm-stepwise", tmp_path, soft_labels=True)
    assert dataset.features["values"].feature.dtype == "float64"
    by_steps = {tuple(row["completions"]): row["values"] for row in dataset}
    assert by_steps[("12 / 3 = 4", "4 * 2 = 8", "A: 8")] == [0.5, None, None]
    assert all(len(row["values"]) == len(row["labels"]) for row in dataset)


def test_prm800k_rows_load_with_datasets(labelled, tmp_path):
    dataset = load_export(labelled.campaign, "prm800k", tmp_path)
    first = dataset[0]
    assert first["question"]["problem"] == PENS
    steps = first["label"]["steps"]
    assert steps[0]["completions"][steps[0]["chosen_completion"]]["text"] == "12 / 2 = 6"
