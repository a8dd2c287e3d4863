"""Faster forms of the document regexes must match exactly what the plain forms match."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from spinetriage.text._document import HARD_BOUNDARY, sentence_ends
from spinetriage.text._rules import load_rules

_PIECES = [*".!?;|\n\r\t -*•#>)1A", "\u2003", "\x1c", "\x85", "word", "Word", "12.", "3) ", " \n", "\n\n", "e.g."]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_sentence_ends_equal_the_reference_regex(text: str) -> None:
    assert sentence_ends(text) == [m.end() - 1 for m in HARD_BOUNDARY.finditer(text)]


def test_sentence_ends_in_a_note() -> None:
    text = "No clonus. Gait normal; MRI | T2.\n\nExam:\n- Hoffmann neg\n2) weak\nmild"
    assert sentence_ends(text) == [9, 22, 28, 32, 34, 40, 55]


def _flat_header_re() -> re.Pattern[str]:
    """The header regex as a plain longest-first alternation (what the grouped one must equal)."""
    names = sorted(load_rules().header_sections, key=len, reverse=True)
    return re.compile(
        r"(?m)\n[ \t]*(?:[#*\-•]+[ \t]*)?(" + "|".join(re.escape(n).replace(r"\ ", r"[ \t]+") for n in names) + r")"
        r"[ \t]*(?::|-(?=[ \t])|(?=[ \t]*\r?$))"
    )


_HEADER_PIECES = [
    *sorted(load_rules().header_sections)[::3],
    "mri",
    "mri c-spine",
    "history",
    "family",
    "exam",
    ":",
    "-",
    " ",
    "\t",
    "\n",
    "\r\n",
    "# ",
    "* ",
    "x",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_HEADER_PIECES), max_size=30).map("".join))
def test_grouped_header_regex_equals_the_flat_alternation(text: str) -> None:
    grouped = [(m.span(), m.group(1)) for m in load_rules().header_re.finditer("\n" + text)]
    assert grouped == [(m.span(), m.group(1)) for m in _flat_header_re().finditer("\n" + text)]
