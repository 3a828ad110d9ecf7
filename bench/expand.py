"""Expansion with the demo reasoner: k=8 candidates in one batched call against 8 sequential
calls (ratio and tokens/s), and rollouts per second. Needs the demo model
(`python manage.py build_demo_model`)."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trees.core.generation import build_prompt, stop_sequences
from workers.backends import BackendConfig, get_backend
from workers.backends.base import GenerationRequest
from workers.demo.problems import generate_problems

K = 8
ROUNDS = 5


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
    backend = get_backend(BackendConfig(backend="demo"))
    problems = generate_problems(ROUNDS, seed=4242)
    batched, sequential, batched_tokens, sequential_tokens = [], [], 0, 0
    for index, problem in enumerate(problems):
        prompt = build_prompt("Q: {question}\n{steps}", problem.question, [], "line")
        request = GenerationRequest(
            prompt=prompt,
            n=K,
            max_tokens=96,
            temperature=0.8,
            stop=stop_sequences("line"),
            seed=index,
        )
        start = time.perf_counter()
        batched_tokens += sum(c.token_count for c in backend.generate(request))
        batched.append(time.perf_counter() - start)
        start = time.perf_counter()
        for sample in range(K):
            single = GenerationRequest(
                prompt=prompt,
                n=1,
                max_tokens=96,
                temperature=0.8,
                stop=stop_sequences("line"),
                seed=index * K + sample,
            )
            sequential_tokens += sum(c.token_count for c in backend.generate(single))
        sequential.append(time.perf_counter() - start)
    print(
        f"expand k={K}: one batched call {statistics.median(batched) * 1000:.0f} ms "
        f"({batched_tokens / sum(batched):,.0f} tokens/s); {K} sequential calls "
        f"{statistics.median(sequential) * 1000:.0f} ms ({sequential_tokens / sum(sequential):,.0f}"
        f" tokens/s); batched is {statistics.median(sequential) / statistics.median(batched):.1f}x"
        f" faster"
    )
    start = time.perf_counter()
    rollouts, tokens = 0, 0
    for index, problem in enumerate(problems):
        prompt = build_prompt("Q: {question}\n{steps}", problem.question, [], "line")
        completions = backend.generate(
            GenerationRequest(prompt=prompt, n=16, max_tokens=320, temperature=0.8, seed=index)
        )
        rollouts += len(completions)
        tokens += sum(c.token_count for c in completions)
    seconds = time.perf_counter() - start
    print(
        f"rollouts: {rollouts / seconds:.1f} rollouts/s ({tokens / seconds:,.0f} tokens/s, "
        f"batches of 16, {rollouts} rollouts)"
    )


if __name__ == "__main__":
    main()
