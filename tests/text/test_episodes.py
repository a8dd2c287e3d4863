"""A past episode named without its finding is an earlier episode of the note's complaint (issue 16)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from spinetriage.text._episodes import Episodes

from .reading import pairs


@pytest.mark.parametrize(
    ("text", "historical"),
    [
        ("Neck pain, right arm pain to the thumb. A similar episode on the left in 2018.", "radicular_arm_pain"),
        ("Imp: L4/5 PID with L L5 radic. Plan: physio, review 6/52. Prev episode 2017, settled.", "sciatica"),
        ("Urgency and frequency for 3 months. Similar episode 2019, settled on tolterodine.", "urinary_urgency"),
        ("My back's killing me and the pain shoots down my left leg. I had the same on the right before.", "sciatica"),
    ],
)
def test_a_past_episode_is_the_complaint_in_the_past(text: str, historical: str) -> None:
    got = pairs(text)
    assert (historical, "historical") in got
    assert (historical, "present") in got  # the episode now is still read


def test_the_radiating_pain_is_the_complaint_before_the_back_or_neck() -> None:
    got = pairs("Neck pain radiating down the right arm. Similar symptoms four years ago that settled.")
    assert ("radicular_arm_pain", "historical") in got
    assert ("neck_pain", "historical") not in got


@pytest.mark.parametrize(
    "text",
    [
        "Sciatica for 6 weeks. Her mother had a similar episode.",  # a relative's
        "Sciatica for 6 weeks. Return if a similar episode occurs.",  # conditional
        "Similar episode in 2015, settled.",  # nothing said before it to stand for
        "Right sciatica. No fever.",  # no episode at all
    ],
)
def test_no_past_episode_is_added_without_an_episode_of_the_patients_own(text: str) -> None:
    assert not {p for p in pairs(text) if p[1] == "historical"}


def test_an_episode_that_names_its_finding_is_read_as_that_finding() -> None:
    got = pairs("Low back pain for a week. Previous episode of sciatica in 2018, resolved.")
    assert ("sciatica", "historical") in got
    assert ("low_back_pain", "historical") not in got


def test_an_episode_pattern_that_is_not_a_regular_expression_is_refused_at_load() -> None:
    with pytest.raises(ValidationError, match=r"patterns\.0 is not a valid regular expression"):
        Episodes(radiating=[], complaints=[], patterns=["(unclosed"], relatives=[], conditional=[])
