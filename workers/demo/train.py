"""Builds the demo reasoner: a byte-level BPE tokenizer and a small GPT-2-style causal LM trained
from scratch on the CPU on generated arithmetic word problems, evaluated on fresh ones, and saved
so `transformers.AutoTokenizer`/`AutoModelForCausalLM.from_pretrained(out_dir)` load it.

torch, transformers and tokenizers are imported inside the functions, so reading a report (the
cache check of `manage.py build_demo_model`) stays cheap.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workers.demo.problems import (
    FORMAT_DESCRIPTION,
    DemoProblem,
    format_example,
    generate_problems,
    prompt_for,
)

if TYPE_CHECKING:
    import torch
    from transformers import GPT2LMHeadModel, PreTrainedTokenizerFast

# Bump when the problems, the format or the recipe change, so cached builds are rebuilt.
DEMO_MODEL_VERSION = "arbor-demo-2"
EOS_TOKEN = "<|endoftext|>"
PAD_TOKEN = "<|pad|>"
REPORT_NAME = "report.json"
EVAL_TEMPERATURE = 0.7
EVAL_MAX_NEW_TOKENS = 160
# Training and evaluation draw from disjoint seed streams, so evaluation problems are fresh.
TRAIN_SEED_OFFSET = 1_000
EVAL_SEED_OFFSET = 2_000_000

Progress = Callable[[int, int, str], None]
_ANSWER_LINE = re.compile(r"^The answer is (-?\d+)\s*$")


@dataclass(frozen=True)
class Recipe:
    """Model size and training schedule. The step count, not a clock, bounds training, so a
    build is deterministic."""

    vocab_size: int
    n_layer: int
    n_embd: int
    n_head: int
    n_positions: int
    train_steps: int
    batch_size: int
    learning_rate: float
    warmup_steps: int
    tokenizer_problems: int
    eval_problems: int
    eval_batch_size: int


# Measured on the 2-core machine (seed 0): the whole build takes 2 min 10 s when the machine is
# otherwise idle (under 3 min beside other work), and answers 48% of 200 fresh problems right.
FULL = Recipe(
    vocab_size=2048,
    n_layer=2,
    n_embd=128,
    n_head=4,
    n_positions=512,
    train_steps=1200,
    batch_size=32,
    learning_rate=8e-3,
    warmup_steps=40,
    tokenizer_problems=4_000,
    eval_problems=200,
    eval_batch_size=50,
)
QUICK = Recipe(
    vocab_size=2048,
    n_layer=1,
    n_embd=32,
    n_head=2,
    n_positions=512,
    train_steps=30,
    batch_size=16,
    learning_rate=3e-3,
    warmup_steps=5,
    tokenizer_problems=500,
    eval_problems=40,
    eval_batch_size=40,
)


def build_demo_model(
    out_dir: Path,
    *,
    seed: int = 0,
    quick: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train, evaluate and save the demo model into `out_dir`, replacing what is there.

    The files appear at once: everything is written into a temporary directory beside
    `out_dir` and renamed. Returns the report also saved as `report.json`.
    """
    # OpenMP threads that spin while waiting lose their time slice whenever anything else runs
    # on this small machine, and a training step then takes five times as long; sleeping
    # waiters do not. The runtime reads this once, when torch loads, so it only helps a
    # process that has not imported torch yet (the management command).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch
    from transformers.utils import logging as transformers_logging

    threads = torch.get_num_threads()
    bars = transformers_logging.is_progress_bar_enabled()
    # Two threads: the size of the target machine, and a fixed count keeps float sums in the
    # same order from one build to the next.
    torch.set_num_threads(2)
    # Small weights and Adam moments decay into denormal floats, which this CPU handles about
    # ten times slower; flushing them to zero changes no result that matters here.
    torch.set_flush_denormal(True)
    # The caller shows progress; transformers' own bars (saving shards) would interleave.
    transformers_logging.disable_progress_bar()
    try:
        recipe = QUICK if quick else FULL
        return _build(Path(out_dir), recipe, seed=seed, quick=quick, progress=progress)
    finally:
        torch.set_num_threads(threads)
        torch.set_flush_denormal(False)
        if bars:
            transformers_logging.enable_progress_bar()


def read_report(out_dir: Path) -> dict[str, Any] | None:
    """The report of the model built in `out_dir`, or None when there is none (or it is torn)."""
    try:
        report = json.loads((Path(out_dir) / REPORT_NAME).read_text())
    except (OSError, ValueError):
        return None
    return report if isinstance(report, dict) else None


def cached_report(out_dir: Path, *, seed: int, quick: bool) -> dict[str, Any] | None:
    """The report of a model in `out_dir` built with this seed, size and version, else None."""
    report = read_report(out_dir)
    if report is None or not (Path(out_dir) / "config.json").exists():
        return None
    same = (
        report.get("version") == DEMO_MODEL_VERSION
        and report.get("seed") == seed
        and report.get("quick") == quick
    )
    return report if same else None


def final_answer(text: str) -> int | None:
    """The number on the last `The answer is N` line of a generated solution, if any."""
    for line in reversed(text.splitlines()):
        match = _ANSWER_LINE.match(line.strip())
        if match:
            return int(match.group(1))
    return None


def state_dict_digest(model: torch.nn.Module) -> str:
    """A SHA-256 over the names and bytes of every tensor: equal digests, equal weights."""
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def _build(
    out_dir: Path, recipe: Recipe, *, seed: int, quick: bool, progress: Progress | None
) -> dict[str, Any]:
    import torch

    started = time.monotonic()
    report_progress = progress or (lambda done, total, stage: None)
    torch.manual_seed(seed)

    train_problems = generate_problems(
        recipe.train_steps * recipe.batch_size, seed + TRAIN_SEED_OFFSET
    )
    tokenizer = _train_tokenizer(
        [format_example(p) for p in train_problems[: recipe.tokenizer_problems]], recipe.vocab_size
    )
    model = _new_model(tokenizer, recipe)
    train_started = time.monotonic()
    final_loss = _train(model, tokenizer, train_problems, recipe, seed, report_progress)
    train_seconds = time.monotonic() - train_started

    eval_problems = generate_problems(recipe.eval_problems, seed + EVAL_SEED_OFFSET)
    eval_started = time.monotonic()
    correct = _evaluate(model, tokenizer, eval_problems, recipe, seed, report_progress)
    eval_seconds = time.monotonic() - eval_started

    report: dict[str, Any] = {
        "name": "Arbor demo reasoner (not a real reasoning model)",
        "version": DEMO_MODEL_VERSION,
        "seed": seed,
        "quick": quick,
        "parameters": sum(p.numel() for p in model.parameters()),
        "train_steps": recipe.train_steps,
        "train_problems": len(train_problems),
        "train_seconds": round(train_seconds, 1),
        "final_train_loss": round(final_loss, 4),
        "eval_problems": len(eval_problems),
        "eval_correct": correct,
        "eval_accuracy": correct / len(eval_problems),
        "eval_temperature": EVAL_TEMPERATURE,
        "eval_seconds": round(eval_seconds, 1),
        "format": FORMAT_DESCRIPTION,
        "recipe": asdict(recipe),
        "weights_sha256": state_dict_digest(model),
        "torch_version": torch.__version__,
    }
    report["build_seconds"] = round(time.monotonic() - started, 1)
    _save_atomically(out_dir, model, tokenizer, report)
    return report


def _train_tokenizer(texts: list[str], vocab_size: int) -> PreTrainedTokenizerFast:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    # Byte-level BPE encodes any text a product may prompt with. GPT-2's pre-tokenizer keeps a
    # number in one piece, so every number in the problems becomes one token and each step's
    # sum is a lookup the model learns within minutes: 58% of fresh problems right after
    # 1,600 steps, where single-digit tokens (carries to learn place by place) reached 27%.
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[EOS_TOKEN, PAD_TOKEN],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token=EOS_TOKEN,
        eos_token=EOS_TOKEN,
        unk_token=EOS_TOKEN,
        pad_token=PAD_TOKEN,
        model_max_length=FULL.n_positions,
    )


def _new_model(tokenizer: PreTrainedTokenizerFast, recipe: Recipe) -> GPT2LMHeadModel:
    from transformers import GPT2Config, GPT2LMHeadModel

    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=recipe.n_positions,
        n_embd=recipe.n_embd,
        n_layer=recipe.n_layer,
        n_head=recipe.n_head,
        # No dropout: the data is fresh every step, so there is nothing to overfit.
        resid_pdrop=0.0,
        embd_pdrop=0.0,
        attn_pdrop=0.0,
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    model = GPT2LMHeadModel(config)
    # Named outright: transformers cannot infer it from the class name and warns otherwise.
    model.loss_type = "ForCausalLM"
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    return model


def _batches(
    tokenizer: PreTrainedTokenizerFast, problems: list[DemoProblem], batch_size: int
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:

    for batch in _length_buckets(problems, batch_size):
        encoded = tokenizer(
            [format_example(p) + EOS_TOKEN for p in batch], padding=True, return_tensors="pt"
        )
        input_ids, attention_mask = encoded["input_ids"], encoded["attention_mask"]
        # The loss covers the solution and its EOS only: the question is given at inference,
        # and its random numbers would teach the small model nothing.
        labels = input_ids.masked_fill(attention_mask == 0, -100)
        prompts = tokenizer([prompt_for(p.question) for p in batch])["input_ids"]
        for row, prompt in enumerate(prompts):
            labels[row, : len(prompt)] = -100
        # Right padding after the EOS never reaches a real token through causal attention, so
        # the batch needs no attention mask; padding with EOS keeps transformers from warning
        # that one is missing.
        yield input_ids.masked_fill(attention_mask == 0, tokenizer.eos_token_id), labels


def _length_buckets(problems: list[DemoProblem], batch_size: int) -> Iterator[list[DemoProblem]]:
    """Batches in a fixed order, each of problems of similar length, so little is padding."""
    window = batch_size * 8
    for start in range(0, len(problems), window):
        chunk = sorted(problems[start : start + window], key=lambda p: len(format_example(p)))
        for i in range(0, len(chunk), batch_size):
            yield chunk[i : i + batch_size]


def _train(
    model: GPT2LMHeadModel,
    tokenizer: PreTrainedTokenizerFast,
    problems: list[DemoProblem],
    recipe: Recipe,
    seed: int,
    progress: Progress,
) -> float:
    import torch

    torch.manual_seed(seed)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=recipe.learning_rate, betas=(0.9, 0.98), weight_decay=0.01
    )

    def lr_factor(step: int) -> float:
        # Linear warm-up, then cosine decay to a tenth of the peak.
        if step < recipe.warmup_steps:
            return (step + 1) / recipe.warmup_steps
        span = max(1, recipe.train_steps - recipe.warmup_steps)
        return 0.1 + 0.45 * (1 + math.cos(math.pi * (step - recipe.warmup_steps) / span))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor)
    tokenizer.padding_side = "right"
    model.train()
    loss_value = float("nan")
    for step, (input_ids, labels) in enumerate(_batches(tokenizer, problems, recipe.batch_size)):
        loss = model(input_ids=input_ids, labels=labels).loss
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        loss_value = loss.item()
        progress(step + 1, recipe.train_steps, f"training: loss {loss_value:.3f}")
    model.eval()
    return loss_value


def _evaluate(
    model: GPT2LMHeadModel,
    tokenizer: PreTrainedTokenizerFast,
    problems: list[DemoProblem],
    recipe: Recipe,
    seed: int,
    progress: Progress,
) -> int:
    """How many problems a sampled solution answers right, prompted as the product prompts."""
    import torch

    torch.manual_seed(seed + EVAL_SEED_OFFSET)
    # Left padding keeps every prompt's end next to the generated tokens in a batch.
    tokenizer.padding_side = "left"
    correct = 0
    for start in range(0, len(problems), recipe.eval_batch_size):
        batch = problems[start : start + recipe.eval_batch_size]
        encoded = tokenizer(
            [prompt_for(p.question) for p in batch], padding=True, return_tensors="pt"
        )
        with torch.no_grad():
            output = model.generate(
                **encoded,
                do_sample=True,
                temperature=EVAL_TEMPERATURE,
                top_k=0,
                top_p=1.0,
                max_new_tokens=EVAL_MAX_NEW_TOKENS,
                eos_token_id=tokenizer.eos_token_id,
                pad_token_id=tokenizer.pad_token_id,
            )
        prompt_length = encoded["input_ids"].shape[1]
        texts = tokenizer.batch_decode(output[:, prompt_length:], skip_special_tokens=True)
        correct += sum(final_answer(text) == p.answer for text, p in zip(texts, batch, strict=True))
        progress(min(start + len(batch), len(problems)), len(problems), "evaluating")
    tokenizer.padding_side = "right"
    return correct


def _save_atomically(
    out_dir: Path,
    model: GPT2LMHeadModel,
    tokenizer: PreTrainedTokenizerFast,
    report: dict[str, Any],
) -> None:
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.parent / f".{out_dir.name}.building-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    model.save_pretrained(staging, safe_serialization=True)
    tokenizer.save_pretrained(staging)
    # The report goes last: its presence marks a complete build.
    (staging / REPORT_NAME).write_text(json.dumps(report, indent=2) + "\n")
    # A directory cannot replace a non-empty one in one rename, so the old build moves aside
    # first; readers see the old build, for a moment none, then the new one, never half of one.
    retired = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    if out_dir.exists():
        out_dir.rename(retired)
    staging.rename(out_dir)
    shutil.rmtree(retired, ignore_errors=True)
