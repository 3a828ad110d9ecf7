"""The export building blocks without the database: specs, the label policy, the writer."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trees.exporting.snapshots import pick_rating
from trees.exporting.spec import ExportSpec
from trees.exporting.writer import AtomicJsonlWriter, manifest_path


def test_a_spec_round_trips_through_its_filters():
    spec = ExportSpec.from_filters("dpo", {"problems": [3, 1, 3], "max_pairs": 2})
    assert spec.problems == (1, 3)
    again = ExportSpec.from_filters("dpo", spec.to_filters())
    assert again == spec
    assert spec.to_filters()["problems"] == [1, 3]


@pytest.mark.parametrize(
    ("fmt", "filters", "message"),
    [
        ("csv", {}, "Unknown export format"),
        ("dpo", {"colour": "red"}, "Unknown export filter"),
        ("dpo", {"labels": "vibes"}, "labels"),
        ("dpo", {"min_experts": 0}, "min_experts"),
        ("dpo", {"max_pairs": True}, "max_pairs"),
        ("dpo", {"problems": ["7"]}, "problems"),
        ("dpo", {"dpo_level": "both ways"}, "dpo_level"),
    ],
)
def test_bad_specs_say_what_is_wrong(fmt, filters, message):
    with pytest.raises(ValueError, match=message):
        ExportSpec.from_filters(fmt, filters)


@pytest.mark.parametrize(
    ("gold", "counts", "labels", "min_experts", "expected"),
    [
        (None, (0, 0, 0), "consensus", 1, None),
        (None, (1, 0, 0), "consensus", 1, 1),
        (None, (1, 0, 0), "consensus", 2, None),
        (None, (2, 1, 0), "consensus", 2, 1),
        (None, (1, 0, 1), "consensus", 1, None),  # a tie is no majority
        (None, (0, 3, 1), "consensus", 3, 0),
        (-1, (5, 0, 0), "consensus", 1, -1),  # gold wins
        (None, (5, 0, 0), "gold", 1, None),
        (0, (0, 0, 0), "gold", 1, 0),
    ],
)
def test_the_label_policy(gold, counts, labels, min_experts, expected):
    assert pick_rating(gold, *counts, labels, min_experts) == expected


@settings(max_examples=60, deadline=None)
@given(
    pos=st.integers(0, 5),
    zero=st.integers(0, 5),
    neg=st.integers(0, 5),
    min_experts=st.integers(1, 6),
)
def test_a_consensus_rating_always_has_a_strict_majority(pos, zero, neg, min_experts):
    rating = pick_rating(None, pos, zero, neg, "consensus", min_experts)
    total = pos + zero + neg
    if rating is not None:
        assert total >= min_experts
        assert {1: pos, 0: zero, -1: neg}[rating] * 2 > total


def test_the_writer_renames_only_on_commit(tmp_path: Path):
    target = tmp_path / "out.jsonl"
    with AtomicJsonlWriter(target) as writer:
        writer.write_rows([{"a": 1}, {"b": "é"}])
        assert not target.exists()
        assert [p.name for p in tmp_path.iterdir()] == [writer.temp.name]
        writer.commit()
    assert target.read_bytes() == b'{"a":1}\n{"b":"\xc3\xa9"}\n'
    assert writer.rows == 2 and writer.bytes == len(target.read_bytes())
    with pytest.raises(RuntimeError), AtomicJsonlWriter(target) as failing:
        failing.write_rows([{"c": 3}])
        raise RuntimeError("stop")
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]
    assert orjson.loads(target.read_bytes().splitlines()[0]) == {"a": 1}


def test_the_manifest_sits_beside_the_data_file():
    assert manifest_path(Path("/x/pilot-dpo-v3.jsonl")) == Path("/x/pilot-dpo-v3.manifest.json")
    assert manifest_path(Path("/x/data")) == Path("/x/data.manifest.json")
