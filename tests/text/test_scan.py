"""GatedPattern must return exactly what ``pattern.finditer`` returns, only faster."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinetriage.text._rules import load_rules
from spinetriage.text._scan import GatedPattern, guard

_PIECES = [
    *"abcnosxy0123+-:=()[]',;. \t\n\u2212",
    "neg",
    "no",
    "yes",
    "biceps",
    "knee",
    "reflexes",
    "dtrs",
    "brisk",
    "3+",
    "2+",
    "normal",
    "absent",
    "trace",
    "are ",
    "jerks",
    "ankle",
    "finger jerk",
    "[x]",
    "(+)",
    "(-)",
    # pieces of the lexicon patterns (issue 16), so that per-anchor dispatch is exercised too
    "pain ",
    "down ",
    "the ",
    "leg",
    "legs ",
    "numb ",
    "hands",
    "kj ",
    "aj ",
    "walk ",
    "before ",
    "heavy ",
    "on walking",
    "worse ",
    "over the last few days",
    # pieces of the time-since-a-procedure patterns, whose lookbehinds come before their words
    "6 weeks ",
    "12 months ",
    "2 months ",
    "post ",
    "after ",
    "l4-5 ",
    "decompression",
    "ago",
]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


def _spans(matches: object) -> list[tuple[tuple[int, int], str | None]]:
    return [(m.span(), m.lastgroup) for m in matches]  # type: ignore[attr-defined]


@pytest.mark.parametrize("which", ["target_patterns", "trigger_patterns"])
def test_rule_patterns_are_gated(which: str) -> None:
    gated = getattr(load_rules(), which)
    assert gated is not None
    assert gated.finditer is not gated.pattern.finditer  # a gate was found (else the speed-up is lost)
    text = "biceps 3+, knee jerks brisk; Hoffmann: neg, +Babinski, clonus (-), [x] fever"
    assert _spans(gated.finditer(text)) == _spans(gated.pattern.finditer(text))


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_gated_target_patterns_equal_finditer(text: str) -> None:
    gated = load_rules().target_patterns
    assert gated is not None
    assert _spans(gated.finditer(text)) == _spans(gated.pattern.finditer(text))


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_gated_trigger_patterns_equal_finditer(text: str) -> None:
    gated = load_rules().trigger_patterns
    assert gated is not None
    assert _spans(gated.finditer(text)) == _spans(gated.pattern.finditer(text))


@pytest.mark.parametrize(
    ("sources", "text"),
    [
        (["(?<=a)\\s*:x"], "a :x a:x b :x a  :x"),
        (["(?<![a-z])(?:ab|cd)e"], "abe cde xabe"),
        (["\\s*(?:\\+|-)y", "(?<=q)\\(z\\)"], " +y  -y q(z) (z)"),
    ],
)
def test_gate_on_small_patterns(sources: list[str], text: str) -> None:
    pattern = re.compile(guard(sources) + "|".join(f"(?P<p{i}>{s})" for i, s in enumerate(sources)))
    gated = GatedPattern(pattern, sources)
    assert _spans(gated.finditer(text)) == _spans(pattern.finditer(text))
    assert _spans(gated.finditer(text))


def test_a_group_of_lookbehinds_before_the_words_gates_on_the_words() -> None:
    # the lookbehinds consume nothing: the pattern is tried only where its words ("post fusion") begin
    sources = ["(?:(?<=days )|(?<=weeks ))post fusion"]
    pattern = re.compile("|".join(f"(?P<p{i}>{s})" for i, s in enumerate(sources)))
    gated = GatedPattern(pattern, sources)
    assert gated.gated_by_words and gated.gate_keys == ("post fusion",)
    text = "6 weeks post fusion, 2 years post fusion, 3 days post fusion"
    assert _spans(gated.finditer(text)) == _spans(pattern.finditer(text))
    assert len(_spans(gated.finditer(text))) == 2


def test_a_small_character_class_gives_its_characters_as_prefixes() -> None:
    # the parser folds "c4|c5|c6" into "c" and a class; gated on "c" alone, the pattern was tried at every "c"
    sources = ["(?:c4|c5|c6) radic", "t[1-3]x"]
    pattern = re.compile("|".join(f"(?P<p{i}>{s})" for i, s in enumerate(sources)))
    gated = GatedPattern(pattern, sources)
    assert set(gated.gate_keys) == {"c4 radic", "c5 radic", "c6 radic", "t1x", "t2x", "t3x"}
    text = "c4 radic, c7 radic, t2x t9x cc5 radic"
    assert _spans(gated.finditer(text)) == _spans(pattern.finditer(text))


def test_pattern_that_can_start_anywhere_falls_back() -> None:
    pattern = re.compile("(?P<p0>\\w+:)")
    gated = GatedPattern(pattern, ["\\w+:"])
    assert _spans(gated.finditer("ab: cd:")) == _spans(pattern.finditer("ab: cd:"))


def test_guard_is_empty_when_a_pattern_can_match_nothing() -> None:
    assert guard(["x?"]) == ""
    assert re.compile(guard(["(?<=a):", "\\+"])).pattern in {"(?=[:\\+])", "(?=[\\+:])"}


def _shared_pass_gates(flat: str) -> tuple[list[int], list[int], list[int]]:
    """Gate positions as extraction finds them: from the one Aho-Corasick pass over the text."""
    targets: list[int] = []
    triggers: list[int] = []
    word_triggers: list[int] = []
    for end, (length, _, target_key, trigger_key, word_trigger_key, _) in load_rules().flat_automaton.iter(flat):
        if target_key:
            targets.append(end - length + 1)
        if trigger_key:
            triggers.append(end - length + 1)
        if word_trigger_key:
            word_triggers.append(end - length + 1)
    return targets, triggers, word_triggers


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_patterns_gated_by_the_shared_pass_equal_finditer(text: str) -> None:
    rules = load_rules()
    gated = (rules.target_patterns, rules.trigger_patterns, rules.word_trigger_patterns)
    assert all(p is not None and p.gate_keys for p in gated)  # else the shared pass is unused
    for patterns, positions in zip(gated, _shared_pass_gates(text), strict=True):
        assert patterns is not None
        assert _spans(patterns.finditer_at(text, positions)) == _spans(patterns.pattern.finditer(text))


def test_target_patterns_are_gated_by_words_not_by_letters() -> None:
    # A target pattern whose opening words cannot be listed (an optional letter: "cramps?") makes
    # every target pattern fall back to its first letters, tried at almost every word: extraction
    # ran three times slower (issue 16; benchmarks/nlp.py). Spell such alternatives out.
    rules = load_rules()
    assert rules.target_patterns is not None
    assert rules.target_patterns.gated_by_words, f"gated by first characters only: {rules.target_patterns.gate_keys}"


def test_trigger_patterns_are_gated_by_punctuation_not_by_letters() -> None:
    # Trigger patterns are tried where one can begin. Those that begin with punctuation (":", "(", "+",
    # "?") are tried there; those that begin with listed words ("if he leans") where the words are. One
    # that begins with a letter but no listed word ("in 2019" as a pattern, or "[a-z]+:") adds its first
    # letters, tried at most words: extraction ran three times slower (issue 16), and the pseudo-trigger
    # "if I/he/she (lean|sit|...)" made every "i" a start until it was tried where its words are.
    rules = load_rules()
    assert rules.trigger_patterns is not None and rules.word_trigger_patterns is not None
    letters = {k for k in rules.trigger_patterns.gate_keys if k.isalpha()}
    assert not letters, f"trigger patterns tried at every word beginning with {sorted(letters)}"
    assert rules.word_trigger_patterns.gated_by_words
