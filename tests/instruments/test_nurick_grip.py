"""Nurick grade and the 10-second grip and release test."""

from __future__ import annotations

import pytest

from spinetriage.errors import InputError
from spinetriage.instruments import score


@pytest.mark.parametrize(
    ("grade", "start"),
    [(0, "Signs or symptoms of root involvement"), (1, "Signs of spinal cord disease"), (5, "Chair-bound")],
)
def test_nurick_grades_keep_their_definitions(grade: int, start: str) -> None:
    result = score("nurick", {"grade": grade})
    assert result.total == grade
    assert result.band == str(grade)
    assert result.band_label is not None and result.band_label.startswith(start)
    assert result.direction == "higher_is_worse"


@pytest.mark.parametrize("grade", [-1, 6])
def test_nurick_rejects_grades_outside_0_to_5(grade: int) -> None:
    with pytest.raises(InputError) as info:
        score("nurick", {"grade": grade})
    assert info.value.allowed is not None and info.value.allowed.startswith("0 (")


@pytest.mark.parametrize(
    ("cycles", "band", "lr"),
    [
        (0, "below_cutoff", 3.12),
        (19, "below_cutoff", 3.12),
        (20, "at_or_above_cutoff", 0.27),
        (60, "at_or_above_cutoff", 0.27),
    ],
)
def test_grip_release_cut_off_is_fewer_than_20(cycles: int, band: str, lr: float) -> None:
    result = score("grip_release_10s", {"cycles_weaker_hand": cycles})
    assert result.band == band
    assert result.likelihood_ratio is not None
    assert result.likelihood_ratio.value == lr
    assert result.likelihood_ratio.basis == "calculated"


def test_grip_release_says_that_age_norms_are_not_applied() -> None:
    result = score("grip_release_10s", {"cycles_weaker_hand": 18})
    assert any("not applied" in note for note in result.notes)
    assert "60s-70s" in result.interpretation


@pytest.mark.parametrize("cycles", [-1, 61])
def test_grip_release_rejects_implausible_counts(cycles: int) -> None:
    with pytest.raises(InputError) as info:
        score("grip_release_10s", {"cycles_weaker_hand": cycles})
    assert info.value.field == "grip_release_10s.cycles_weaker_hand"
