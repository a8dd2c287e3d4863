"""How a likelihood ratio is written for reading (spinetriage.strength)."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from spinetriage.strength import DECISIVE, ratio_text


def test_usual_ratios_have_two_decimals_and_large_ones_powers_of_ten() -> None:
    assert ratio_text(4.75) == "4.75"
    assert ratio_text(0.21) == "0.21"
    assert ratio_text(2500.0) == "2.5e+03"
    assert ratio_text(0.001) == "1.0e-03"


def test_a_ratio_that_decides_the_condition_is_not_written_as_a_measurement() -> None:
    # back pain for non-specific back pain: without the complaint there is nothing to leave unexplained
    assert ratio_text(math.exp(688.0)) == "decisive"
    assert ratio_text(math.exp(-688.0)) == "excludes"


@given(st.floats(min_value=1e-300, max_value=1e300))
def test_every_ratio_reads_in_at_most_eight_characters(ratio: float) -> None:
    text = ratio_text(ratio)
    assert len(text) <= 8
    if 0.01 <= ratio < 1000.0:
        assert abs(float(text) - ratio) <= 0.005 + 1e-12
    elif 1.0 / DECISIVE < ratio < DECISIVE:
        assert math.isclose(float(text), ratio, rel_tol=0.05)
