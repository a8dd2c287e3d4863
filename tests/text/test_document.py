"""Sentence ends found one leading character at a time must be the reference regex's."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from spinetriage.text._document import HARD_BOUNDARY, sentence_ends

_PIECES = [*".!?;|\n\r\t -*•#>)1A", "\u2003", "\x1c", "\x85", "word", "Word", "12.", "3) ", " \n", "\n\n", "e.g."]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_sentence_ends_equal_the_reference_regex(text: str) -> None:
    assert sentence_ends(text) == [m.end() - 1 for m in HARD_BOUNDARY.finditer(text)]


def test_sentence_ends_in_a_note() -> None:
    text = "No clonus. Gait normal; MRI | T2.\n\nExam:\n- Hoffmann neg\n2) weak\nmild"
    assert sentence_ends(text) == [9, 22, 28, 32, 34, 40, 55]
