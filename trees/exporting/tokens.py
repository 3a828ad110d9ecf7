"""Token counting with a target tokenizer: "demo" (the demo reasoner's) or a local directory
holding a `tokenizer.json`. Loaded with the `tokenizers` library, not transformers, so an export
worker never imports torch; each tokenizer is loaded once per process."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

DEMO = "demo"
_APPROX = re.compile(r"\w+|[^\w\s]")


def tokenizer_path(spec: str) -> Path:
    """The tokenizer.json a spec names; raises ValueError with a readable reason if missing."""
    directory = Path(settings.ARBOR_DEMO_MODEL_DIR) if spec == DEMO else Path(spec).expanduser()
    path = directory / "tokenizer.json"
    if not path.is_file():
        if spec == DEMO:
            raise ValueError(
                f"The demo model is not built yet (no {path}); run `manage.py build_demo_model`."
            )
        raise ValueError(f"No tokenizer.json in {directory}.")
    return path


@lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int) -> Any:
    from tokenizers import Tokenizer

    return Tokenizer.from_file(path)


def load_tokenizer(spec: str) -> Any:
    """The `tokenizers.Tokenizer` for a spec (cached; reloaded when the file changes)."""
    path = tokenizer_path(spec)
    return _load(str(path), path.stat().st_mtime_ns)


def tokenizer_identity(spec: str) -> dict[str, Any]:
    """Which tokenizer measured an export's limits, for its manifest: the name it was asked
    by, the file and the file's sha256 (so a trainer can check it uses the same one)."""
    import hashlib

    path = tokenizer_path(spec)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"name": spec, "file": str(path), "sha256": digest, "library": "tokenizers"}


def count_tokens(tokenizer: Any, texts: list[str]) -> list[int]:
    """Token counts of many texts in one batched call (special tokens left out)."""
    if not texts:
        return []
    encodings = tokenizer.encode_batch(texts, add_special_tokens=False)
    return [len(encoding.ids) for encoding in encodings]


def approx_tokens(text: str) -> int:
    """A tokenizer-free estimate: words and punctuation marks."""
    return len(_APPROX.findall(text))


def text_tokens(text: str, spec: str = DEMO) -> tuple[int, str]:
    """(count, tokenizer used) for one text: the named tokenizer when it can be loaded, else
    the estimate, named "approx"."""
    try:
        tokenizer = load_tokenizer(spec)
    except ValueError:
        return approx_tokens(text), "approx"
    return count_tokens(tokenizer, [text])[0], spec
