"""The smoothing pass's pure parts: which rewrites are kept, and splicing them in."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trees.core.smooth import SMOOTH_TEMPLATE, accept_rewrite, numbers_in, smooth_prompt, splice


def test_a_rewrite_must_keep_exactly_the_numbers():
    original = "12 / 3 = 4 groups of pens."
    assert accept_rewrite(original, "So 12 split into 3s gives 4 groups of pens.")
    assert not accept_rewrite(original, "So 12 split into 3s gives 5 groups.")  # changed
    assert not accept_rewrite(original, "12 pens make 4 groups.")  # lost the 3
    assert not accept_rewrite(original, "12 / 3 = 4, and 4 * 2 = 8.")  # added numbers
    assert not accept_rewrite(original, "")
    assert not accept_rewrite(original, "12 / 3\n= 4")


def test_numbers_ignore_thousands_separators():
    assert numbers_in("1,200 - 200 = 1000") == numbers_in("1200 minus 200 is 1000")


def test_a_bad_template_is_a_clear_error():
    assert "Step: 2 + 2 = 4" in smooth_prompt(SMOOTH_TEMPLATE, "Q?", "2 + 2 = 4")
    with pytest.raises(ValueError, match="smoothing template"):
        smooth_prompt("{nope}", "Q?", "p")


def test_accepted_rewrites_are_spliced_and_spans_follow_them():
    text = "2 + 3 = 5\nWait, that was not it.\n5 * 2 = 10\n\nAnswer: 10"
    spans = [(1, 0, 9), (2, 33, 43)]
    assert text[33:43] == "5 * 2 = 10"
    out = splice(text, spans, thought_end=43, rewrites={0: "Adding, 2 + 3 makes 5", 1: "bad 7"})
    assert out.text == "Adding, 2 + 3 makes 5\nWait, that was not it.\n5 * 2 = 10\n\nAnswer: 10"
    assert [out.text[start:end] for _, start, end in out.spans] == [
        "Adding, 2 + 3 makes 5",
        "5 * 2 = 10",
    ]
    assert out.text[out.thought_end :] == "\n\nAnswer: 10"
    assert (out.rewritten, out.kept) == (1, 1)


@given(
    st.lists(st.tuples(st.text("abc ", max_size=12), st.integers(0, 99)), min_size=1, max_size=8),
    st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_splicing_keeps_every_gap_and_every_span_on_its_passage(steps, rewrite_flags):
    pieces, spans, position = [], [], 0
    for node, (words, number) in enumerate(steps):
        passage = f"{words}{number} x"
        if pieces:
            pieces.append(" | ")
            position += 3
        spans.append((node, position, position + len(passage)))
        pieces.append(passage)
        position += len(passage)
    text = "".join(pieces) + "\nAnswer: 1"
    rewrites = {i: f"so {steps[i][1]} it is" for i in range(len(steps)) if rewrite_flags[i]}
    out = splice(text, spans, position, rewrites)
    assert out.text.endswith("\nAnswer: 1") and out.text[out.thought_end :] == "\nAnswer: 1"
    assert out.text.count(" | ") == len(steps) - 1
    for (node, start, end), (old_node, old_start, old_end) in zip(out.spans, spans, strict=True):
        assert node == old_node
        assert numbers_in(out.text[start:end]) == numbers_in(text[old_start:old_end])
