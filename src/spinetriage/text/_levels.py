"""Spinal levels: "C5-6", "C5/C6", "C4-C6", "C4 to C6", "L5-S1", "T10".

A range names every motion segment inside it: "C4-C6" is C4-C5 and C5-C6.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["LEVEL_RE", "LEVEL_STARTS", "level_matches", "parse_level", "region_of"]

_VERTEBRAE: tuple[str, ...] = (
    *(f"C{i}" for i in range(1, 8)),
    *(f"T{i}" for i in range(1, 13)),
    *(f"L{i}" for i in range(1, 6)),
    "S1",
)
_INDEX = {v: i for i, v in enumerate(_VERTEBRAE)}

# "T2" followed by an MRI word is a sequence, not a level. The letter comes first (the
# lookbehind follows it) so that the regex engine can skip to candidate letters.
LEVEL_RE = re.compile(
    r"([ctls])(?<![a-z0-9][ctls])\s?(\d{1,2})"
    r"(?:\s*(?:-|–|/|to|through|thru|on)\s*([ctls])?\s?(\d{1,2}))?"
    r"(?![a-z0-9])(?!\s*-?\s*(?:weighted|signal|hyper|hypo|stir|images?|sequences?|flair|w\b|wi\b))",
)


# Every LEVEL_RE match begins with a letter, at most one whitespace character and a digit.
# In ASCII text (where \s and \d are the ASCII ones) those two- or three-character starts
# are found by the document's Aho-Corasick pass over the text (LEVEL_STARTS are among its
# keys); the regex is then tried only there. (The regex engine, left to itself, tries the
# pattern at every c, t, l and s of the text.)
_ASCII_SPACES = "".join(chr(c) for c in range(128) if chr(c).isspace())
LEVEL_STARTS: tuple[str, ...] = tuple(
    key
    for letter in "ctls"
    for digit in "0123456789"
    for key in (letter + digit, *(letter + space + digit for space in _ASCII_SPACES))
)


def level_matches(flat: str, starts: list[int]) -> list[re.Match[str]]:
    """Exactly ``list(LEVEL_RE.finditer(flat))``, given where LEVEL_STARTS occur (increasing)."""
    if not flat.isascii():
        return list(LEVEL_RE.finditer(flat))
    match = LEVEL_RE.match
    out: list[re.Match[str]] = []
    last_end = 0
    for pos in starts:
        if pos >= last_end:
            m = match(flat, pos)
            if m is not None:
                out.append(m)
                last_end = m.end()
    return out


def parse_level(match: re.Match[str]) -> tuple[str, ...]:
    """The segments (or the single vertebra) that one LEVEL_RE match names; () if invalid."""
    return _segments(*match.group(1, 2, 3, 4))


@lru_cache(maxsize=4096)
def _segments(letter: str, first: str, letter2: str | None, second: str | None) -> tuple[str, ...]:
    top = f"{letter.upper()}{int(first)}"
    if top not in _INDEX:
        return ()
    if second is None:
        return (top,)
    bottom = f"{(letter2 or letter).upper()}{int(second)}"
    if bottom not in _INDEX and letter2 is None and letter.upper() == "C" and int(second) == 1:
        bottom = "T1"  # "C7-1" is unusual; keep it invalid unless it reads as C7-T1
    if letter2 is None and letter.upper() == "L" and int(second) == 1 and int(first) == 5:
        bottom = "S1"  # "L5-1" is L5-S1
    if bottom not in _INDEX:
        return ()
    i, j = _INDEX[top], _INDEX[bottom]
    if j <= i or j - i > len(_VERTEBRAE):
        return ()
    return tuple(f"{_VERTEBRAE[k]}-{_VERTEBRAE[k + 1]}" for k in range(i, j))


def region_of(levels: tuple[str, ...]) -> str | None:
    """cervical if any level is cervical, else lumbar if any is lumbar or sacral, else thoracic."""
    region = _REGIONS.get(levels, "")
    if region != "":
        return region
    region = _region_of(levels)
    if len(_REGIONS) < 4096:
        _REGIONS[levels] = region
    return region


_REGIONS: dict[tuple[str, ...], str | None] = {}


def _region_of(levels: tuple[str, ...]) -> str | None:
    if not levels:
        return None
    letters = {part[0] for lvl in levels for part in lvl.split("-")}
    if "C" in letters:
        return "cervical"
    if "L" in letters or "S" in letters:
        return "lumbar"
    return "thoracic"
