"""The card's Markdown detail (spinetriage.cds._cards)."""

from __future__ import annotations

from spinetriage.assessment import assess
from spinetriage.cds._cards import detail
from spinetriage.fhir import read_resources
from tests.fhir.records import note, patient


def test_the_detail_names_the_unexplained_share_apart_from_the_verdict() -> None:
    """A verdict of other can rest on what nothing modelled explains; the share is named for what it
    is, not "undetermined", which read as a second verdict beside "other"."""
    record = [patient("p1", birth="1954-01-01"), note("n1", "Unsteady gait and memory loss. No back pain.")]
    case = read_resources(record)
    assessment = assess(case.case)
    assert assessment.origin.verdict.value == "other"
    text = detail(assessment, case)
    assert "**Origin of the back pain:** other" in text
    assert "unexplained" in text and "undetermined" not in text
