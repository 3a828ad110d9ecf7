"""10,000 problems imported; then the same file with one bad line (all-or-nothing and
skip-invalid)."""

from __future__ import annotations

import json
import random
import time

from setup_db import setup

PROBLEMS = 10_000


def lines(seed: int, bad_at: int | None = None) -> list[bytes]:
    rng = random.Random(seed)
    out = []
    for index in range(PROBLEMS):
        a, b, c = rng.randint(2, 999), rng.randint(2, 99), rng.randint(2, 50)
        question = (
            f"[{seed}-{index}] A farm has {a} hens. Each lays {b} eggs a week and {c} "
            f"eggs break. How many whole eggs are there after one week?"
        )
        answer = (
            f"{a} * {b} = <<{a}*{b}={a * b}>>{a * b}\n{a * b} - {c} = {a * b - c}\n#### {a * b - c}"
        )
        out.append(json.dumps({"question": question, "answer": answer}).encode() + b"\n")
    if bad_at is not None:
        out[bad_at] = b'{"question": "no answer here"}\n'
    return out


def timed(label: str, campaign, data: list[bytes], **options) -> None:
    from trees.services.imports import do_import_problems

    start = time.perf_counter()
    outcome = do_import_problems(campaign, "gsm8k", data, **options)
    seconds = time.perf_counter() - start
    print(
        f"import {label}: {outcome.imported} imported, {outcome.error_count} error(s) "
        f"{[e['line'] for e in outcome.errors][:3]} in {seconds:.2f} s "
        f"({outcome.imported / seconds if outcome.imported else 0:,.0f} problems/s)"
    )


def main() -> None:
    vendor = setup()
    from django.contrib.auth import get_user_model

    from trees.models import Problem
    from trees.services.campaigns import do_create_campaign

    admin = get_user_model().objects.create_user("bench-admin", password="x")
    campaign = do_create_campaign("Bench", "bench", created_by=admin)
    print(f"database: {vendor}")
    timed("10,000 good lines", campaign, lines(1))
    timed("10,000 lines, 1 bad, all-or-nothing", campaign, lines(2, bad_at=4321))
    timed("10,000 lines, 1 bad, skip-invalid", campaign, lines(3, bad_at=4321), skip_invalid=True)
    print(f"problems in the campaign: {Problem.objects.filter(campaign=campaign).count()}")


if __name__ == "__main__":
    main()
