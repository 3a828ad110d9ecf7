"""A tiny GPT-2 with a byte-level BPE tokenizer, trained locally in a second (no downloads)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path


def build_tiny_gpt2(
    directory: Path,
    corpus: Sequence[str],
    *,
    vocab_size: int = 320,
    n_positions: int = 256,
    chat_template: str | None = None,
    pad: bool = False,
) -> Path:
    """Save a 2-layer, 32-wide GPT-2 and its tokenizer (trained on `corpus`) to `directory`."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tokenizer.train_from_iterator(list(corpus) * 4, trainer)
    special = {"eos_token": "<|endoftext|>", "bos_token": "<|endoftext|>"}
    if pad:
        special["pad_token"] = "<|endoftext|>"
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, **special)
    if chat_template:
        fast.chat_template = chat_template
    fast.save_pretrained(directory)
    config = GPT2Config(
        vocab_size=len(fast),
        n_positions=n_positions,
        n_layer=2,
        n_embd=32,
        n_head=2,
        bos_token_id=fast.eos_token_id,
        eos_token_id=fast.eos_token_id,
        pad_token_id=fast.pad_token_id if pad else None,
    )
    torch.manual_seed(0)
    GPT2LMHeadModel(config).save_pretrained(directory)
    return directory


@contextlib.contextmanager
def one_torch_thread() -> Iterator[None]:
    """Tiny models gain nothing from two threads, and when the CPU is shared torch's spinning
    worker threads make each call many times slower."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
