"""Monte-Carlo step values (Math-Shepherd) and the first-error search (OmegaPRM). Pure."""

from __future__ import annotations

from collections.abc import Callable, Sequence


def mc_values(verdicts: Sequence[bool | None]) -> tuple[float | None, float | None]:
    """(soft, hard) value of a step from its rollouts' verdicts: the fraction that reached a
    correct answer, and 1.0 if any did. Rollouts without a gradable answer count as wrong."""
    if not verdicts:
        return None, None
    correct = sum(1 for verdict in verdicts if verdict)
    return correct / len(verdicts), 1.0 if correct else 0.0


def first_error(length: int, value_of: Callable[[int], float]) -> tuple[int | None, list[int]]:
    """Binary search for the first step of a path whose rollouts never succeed.

    `value_of(i)` is the Monte-Carlo value of the path's prefix ending at step i (1-based).
    Assumes, as OmegaPRM does, that once a prefix is hopeless every longer one is too, so
    O(log n) estimates suffice. Returns (the first hopeless step or None when every prefix can
    still succeed, the steps that were estimated, in order).
    """
    probed: list[int] = []
    low, high = 1, length
    found: int | None = None
    while low <= high:
        middle = (low + high) // 2
        probed.append(middle)
        if value_of(middle) > 0:
            low = middle + 1
        else:
            found = middle
            high = middle - 1
    return found, probed
