"""Spinal level parsing: the gated scan must find exactly what ``LEVEL_RE.finditer`` finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from spinetriage.text._document import Document, flatten, lower
from spinetriage.text._levels import LEVEL_RE, level_matches, parse_level, region_of
from spinetriage.text._rules import load_rules

_PIECES = [
    *"ctlsCx0123456789 -/\t\n\x0b\x1c\x1f\u2003\u0663.,:",
    "to",
    "through",
    "on",
    "c5-6",
    "l5-s1",
    "t2 weighted",
    "t2",
    "st",
    "cat",
    "c 5",
    "c5/c6",
    " signal",
]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


def _gated(text: str) -> list[re.Match[str]]:
    """Levels as extraction finds them: starts from the document's scan, then the regex there."""
    low = lower(text)
    doc = Document(text, low, flatten(low), load_rules())
    doc.scan()
    return level_matches(doc.flat, doc.level_starts)


def _spans(matches: object) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in matches]  # type: ignore[attr-defined]


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_level_matches_equal_finditer(text: str) -> None:
    assert _spans(_gated(text)) == _spans(LEVEL_RE.finditer(flatten(lower(text))))


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_level_matches_equal_finditer_on_ascii(text: str) -> None:
    ascii_text = text.encode("ascii", "ignore").decode("ascii")
    assert _spans(_gated(ascii_text)) == _spans(LEVEL_RE.finditer(flatten(lower(ascii_text))))


def test_levels_in_a_report() -> None:
    text = "mri: c4 to c6 stenosis, t2 weighted signal; l5-s1 disc, c7-t1 and t\x1c10 noted"
    found = [parse_level(m) for m in _gated(text)]
    assert found == [("C4-C5", "C5-C6"), ("L5-S1",), ("C7-T1",), ("T10",)]
    assert [region_of(levels) for levels in found] == ["cervical", "lumbar", "cervical", "thoracic"]
    assert region_of(()) is None
