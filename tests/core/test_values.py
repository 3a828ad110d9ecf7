from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from trees.core.values import first_error, mc_values


def test_mc_values_are_the_fraction_and_any_correct():
    assert mc_values([True, False, None, True]) == (0.5, 1.0)
    assert mc_values([False, False]) == (0.0, 0.0)
    assert mc_values([]) == (None, None)


@given(st.integers(min_value=1, max_value=200), st.data())
def test_first_error_finds_the_first_hopeless_prefix_in_log_probes(length, data):
    wrong_from = data.draw(st.integers(min_value=1, max_value=length + 1))
    found, probed = first_error(length, lambda i: 0.0 if i >= wrong_from else 0.5)
    assert found == (wrong_from if wrong_from <= length else None)
    assert len(probed) <= length.bit_length()
