"""mJOA (18-point) and P-mJOA: item boundary levels, band edges, MCID change."""

from __future__ import annotations

import pytest

from spinetriage.errors import InputError
from spinetriage.instruments import mjoa_change, score
from tests.instruments.conftest import MJOA_ITEMS, MJOA_MAX


@pytest.mark.parametrize("item", MJOA_ITEMS)
@pytest.mark.parametrize("instrument", ["mjoa", "p_mjoa"])
def test_each_item_scores_its_lowest_and_highest_level(instrument: str, item: str) -> None:
    answers = dict(MJOA_MAX)
    top = score(instrument, answers)
    assert top.total == 18
    answers[item] = 0
    bottom = score(instrument, answers)
    assert bottom.total == 18 - MJOA_MAX[item]
    trace = next(t for t in bottom.items if t.item == item)
    assert trace.points == 0


@pytest.mark.parametrize(
    ("item", "level", "label"),
    [
        ("upper_limb_motor", 0, "Unable to move hands"),
        ("upper_limb_motor", 2, "Unable to button shirt but able to eat with a spoon"),
        ("upper_limb_motor", 5, "No dysfunction"),
        ("lower_limb_motor", 0, "Complete loss of motor and sensory function"),
        ("lower_limb_motor", 3, "Able to walk on flat floor with a walking aid (cane or crutch)"),
        ("lower_limb_motor", 7, "No dysfunction"),
        ("upper_limb_sensation", 0, "Complete loss of hand sensation"),
        ("upper_limb_sensation", 3, "No sensory loss"),
        ("micturition", 0, "Unable to micturate voluntarily"),
        ("micturition", 3, "Normal micturition"),
    ],
)
def test_trace_shows_the_pinned_wording(item: str, level: int, label: str) -> None:
    answers = dict(MJOA_MAX)
    answers[item] = level
    trace = next(t for t in score("mjoa", answers).items if t.item == item)
    assert (trace.answer, trace.points, trace.level) == (level, level, label)


@pytest.mark.parametrize(("item", "beyond"), [(k, v + 1) for k, v in MJOA_MAX.items()] + [(k, -1) for k in MJOA_MAX])
def test_a_level_just_outside_an_item_is_rejected(item: str, beyond: int) -> None:
    answers = dict(MJOA_MAX)
    answers[item] = beyond
    with pytest.raises(InputError) as info:
        score("mjoa", answers)
    assert info.value.field == f"mjoa.{item}"
    assert "out of range" in info.value.problem


def _answers_for_total(total: int) -> dict[str, int]:
    """Lower the items one by one from the top until the total is reached."""
    answers = dict(MJOA_MAX)
    deficit = 18 - total
    for item in MJOA_ITEMS:
        take = min(deficit, answers[item])
        answers[item] -= take
        deficit -= take
    return answers


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "severe"), (11, "severe"), (12, "moderate"), (14, "moderate"), (15, "mild"), (17, "mild"), (18, "normal")],
)
def test_band_edges_follow_tetreault_2017(total: int, band: str) -> None:
    result = score("mjoa", _answers_for_total(total))
    assert result.total == total
    assert result.band == band
    assert any(r.pmid == "27342612" for r in result.references)


def test_mjoa_result_carries_version_and_no_likelihood_ratio(mjoa_normal: dict[str, int]) -> None:
    result = score("mjoa", mjoa_normal)
    assert result.version == "mjoa-benzel18/spinetriage-1"
    assert result.likelihood_ratio is None
    assert result.complete


def test_mjoa_treats_a_missing_item_as_an_error_not_as_normal(mjoa_normal: dict[str, int]) -> None:
    del mjoa_normal["micturition"]
    with pytest.raises(InputError) as info:
        score("mjoa", mjoa_normal)
    assert info.value.field == "mjoa.micturition"
    assert "missing" in info.value.problem


@pytest.mark.parametrize(
    ("before", "after", "direction", "important", "urgent"),
    [
        (15, 13, "worse", True, True),  # exactly the MCID of 2
        (15, 14, "worse", False, False),  # 1 point: within error
        (12, 14, "better", True, False),
        (12, 13, "better", False, False),
        (14, 14, "unchanged", False, False),
        (18, 0, "worse", True, True),
    ],
)
def test_change_against_the_mcid_of_2(before: int, after: int, direction: str, important: bool, urgent: bool) -> None:
    change = mjoa_change(before, after)
    assert change.mcid == 2
    assert (change.direction, change.clinically_important, change.urgent) == (direction, important, urgent)
    assert change.difference == after - before


def test_clinically_important_worsening_says_it_is_urgent() -> None:
    change = mjoa_change(16, 13)
    assert "urgent" in change.interpretation
    assert (change.band_before, change.band_after) == ("mild", "moderate")
    assert any(r.pmid == "26502097" for r in change.references)


@pytest.mark.parametrize(("before", "after", "field"), [(19, 15, "before"), (15, -1, "after")])
def test_change_rejects_totals_outside_0_to_18(before: int, after: int, field: str) -> None:
    with pytest.raises(InputError) as info:
        mjoa_change(before, after)
    assert info.value.field == field
    assert info.value.allowed == "0-18"


def test_change_rejects_a_total_given_as_text() -> None:
    with pytest.raises(InputError):
        mjoa_change("15", 13)  # type: ignore[arg-type]


def test_change_is_limited_to_the_mjoa_family() -> None:
    with pytest.raises(InputError):
        mjoa_change(3, 2, instrument="nurick")
