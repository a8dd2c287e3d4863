"""Hostile input: refused clearly, or read with work that grows linearly with its size.

No timings here (they belong in benchmarks/nlp.py --scaling): the linear-growth check
counts the Python lines extraction executes (``sys.settrace``, deterministic) on an
input and on one twice as long, so a loop that rescans earlier matches shows up even
when it calls nothing.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from spinetriage.errors import InputError
from spinetriage.text import MAX_TEXT_CHARS, extract


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda n: (unit * (n // len(unit) + 1))[:n]


def _lines(text: str) -> int:
    """Python lines executed inside spinetriage.text while extracting ``text`` (a work count)."""
    extract("warm up")  # rules load once per process: not part of the count
    count = 0

    def local(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame: FrameType, event: str, arg: object) -> Any:
        return local if frame.f_code.co_filename.startswith(_PACKAGE) else None

    sys.settrace(calls)
    try:
        extract(text)
    finally:
        sys.settrace(None)
    return count


_PACKAGE = str(Path(extract.__code__.co_filename).parent)


HOSTILE: dict[str, Callable[[int], str]] = {
    "one sentence of negated findings": _repeat("no clonus, hoffmann or babinski "),
    "dense sentences": _repeat("no clonus, hoffmann " * 150 + ". "),
    "backward triggers": _repeat("clonus negative hoffmann neg "),
    "long list": _repeat("fever, chills, "),
    "nested brackets": lambda n: "(" * (n // 2) + "clonus" + ")" * (n // 2),
    "levels without end": _repeat("C5-6 x "),
    "levels next to findings": _repeat("C5-6 and C6-7 stenosis, T2 signal; "),
    "levels in other sentences": _repeat("C5-6 x. canal stenosis. "),
    "labelled lines": _repeat("C5-6: x. canal stenosis.\n"),
    "level headings without blank lines": _repeat("C5-6\ncanal stenosis.\n"),
    "one labelled line": lambda n: "C5-6: " + _repeat("x. canal stenosis. ")(n),
    "indented labels": _repeat("\t" * 200 + "C5-6: canal stenosis.\n"),
    "symbols": _repeat("+ (+) [x] : = 3+ biceps "),
    "header lines": _repeat("Exam:\nImpression:\n"),
    "control characters": _repeat("\x00\x01\x1b[31m hoffmann \x7f"),
    "whitespace before colons": _repeat("a" + " " * 300 + ":"),
    # issue 16: numbers that decide presence, and the lay and abbreviation patterns of lexicon.yaml
    "numbers in one sentence": _repeat("clonus 3 beats, slr 80 deg, pvr 450 ml, t 38.4, crp 120, esr 9 "),
    "numbers in many sentences": _repeat("Clonus 5 beats. SLR 40 deg. "),
    "lay patterns": _repeat("pain down the leg, walk before legs heavy on walking, numb hands, kj 3+ "),
    # frames.yaml: body part x symptom (x walking) within a few words
    "frames in one sentence": _repeat("pain in both legs when walking and numb hands "),
    "frame words without a pair": _repeat("both legs walking legs hands "),
    "frame pairs added to phrases": _repeat("bilateral leg pain on walking heaviness in both legs "),
    "frame word then a long word": lambda n: "both legs " * 50 + "a" * (n - 500) + " heavy",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_work_grows_linearly(name: str) -> None:
    make = HOSTILE[name]
    small, large = _lines(make(20_000)), _lines(make(40_000))
    assert large <= 2.3 * small + 200, f"{name}: {small} lines run at 20k chars, {large} at 40k"


def test_ten_megabyte_line_is_refused_with_a_clear_error() -> None:
    with pytest.raises(InputError) as info:
        extract("hoffmann " * (10_000_000 // 9))
    assert info.value.field == "text" and str(MAX_TEXT_CHARS) in str(info.value)


def test_longest_accepted_single_line_is_read() -> None:
    text = _repeat("no clonus; hoffmann positive on the left; ")(MAX_TEXT_CHARS)
    mentions = extract(text).mentions
    assert mentions and all(0 <= m.start < m.end <= len(text) for m in mentions)


def test_binary_decoded_as_text_never_crashes() -> None:
    rnd = random.Random(6)
    text = bytes(rnd.getrandbits(8) for _ in range(200_000)).decode("latin-1")
    for m in extract(text).mentions:
        assert 0 <= m.start < m.end <= len(text)


def test_text_whose_lower_case_is_longer_keeps_spans_on_the_input() -> None:
    text = "İİİ Hoffmann positive. ẞ no clonus."
    e = extract(text)
    assert {text[m.start : m.end] for m in e.mentions} == {"Hoffmann", "clonus"}
