"""Hostile input: refused clearly, or read with work that grows linearly with its size.

No timings here (they belong in benchmarks/nlp.py --scaling): the linear-growth check
counts the Python function calls extraction makes (cProfile's call count, which is
deterministic) on an input and on one twice as long.
"""

from __future__ import annotations

import cProfile
import pstats
import random
from collections.abc import Callable

import pytest

from spinetriage.errors import InputError
from spinetriage.text import MAX_TEXT_CHARS, extract


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda n: (unit * (n // len(unit) + 1))[:n]


def _calls(text: str) -> int:
    extract("warm up")  # rules load once per process: not part of the count
    profile = cProfile.Profile()
    profile.runcall(extract, text)
    return int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]


HOSTILE: dict[str, Callable[[int], str]] = {
    "one sentence of negated findings": _repeat("no clonus, hoffmann or babinski "),
    "dense sentences": _repeat("no clonus, hoffmann " * 150 + ". "),
    "backward triggers": _repeat("clonus negative hoffmann neg "),
    "long list": _repeat("fever, chills, "),
    "nested brackets": lambda n: "(" * (n // 2) + "clonus" + ")" * (n // 2),
    "levels without end": _repeat("C5-6 x "),
    "levels next to findings": _repeat("C5-6 and C6-7 stenosis, T2 signal; "),
    "symbols": _repeat("+ (+) [x] : = 3+ biceps "),
    "header lines": _repeat("Exam:\nImpression:\n"),
    "control characters": _repeat("\x00\x01\x1b[31m hoffmann \x7f"),
    "whitespace before colons": _repeat("a" + " " * 300 + ":"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_work_grows_linearly(name: str) -> None:
    make = HOSTILE[name]
    small, large = _calls(make(20_000)), _calls(make(40_000))
    assert large <= 2.3 * small + 200, f"{name}: {small} calls at 20k chars, {large} at 40k"


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
