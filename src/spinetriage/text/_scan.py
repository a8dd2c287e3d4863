"""Regex alternations from the rule files, scanned only where a match can begin.

The symbolic patterns in the rule files ("biceps 3+", "Hoffmann: neg", "(+) Babinski")
begin with a lookbehind, which stops Python's regex engine from skipping ahead: it
tries every position of the text. :class:`GatedPattern` reads each pattern's syntax
tree once and finds what every match must begin with:

* literal words ("biceps", "3+", "reflexes "): found by an Aho-Corasick pass;
* otherwise a few punctuation characters, possibly after a run of whitespace
  (":" in "clonus : neg", "+" in "+Hoffmann"): found by a character-class search.

Extraction finds both kinds (``gate_keys``) in the one Aho-Corasick pass it makes over
the text anyway and hands their positions to :meth:`GatedPattern.finditer_at`.

The full pattern is then tried only at those places, in order, skipping places inside
the previous match, which is exactly what ``pattern.finditer`` returns (the tests
check this on random text). A pattern set that fits neither form falls back to
``finditer``.
"""

from __future__ import annotations

import re
import re._constants as _c  # type: ignore[import-not-found,unused-ignore]
import re._parser as _parser  # type: ignore[import-not-found,unused-ignore]
from collections.abc import Iterator
from typing import Any

import ahocorasick  # type: ignore[import-not-found,unused-ignore]

__all__ = ["GatedPattern", "guard"]

_ZERO_WIDTH = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
_CATEGORIES = {
    _c.CATEGORY_SPACE: r"\s",
    _c.CATEGORY_NOT_SPACE: r"\S",
    _c.CATEGORY_DIGIT: r"\d",
    _c.CATEGORY_NOT_DIGIT: r"\D",
    _c.CATEGORY_WORD: r"\w",
    _c.CATEGORY_NOT_WORD: r"\W",
}
_MAX_PREFIXES = 512
_SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


def _class_items(items: Any) -> set[str] | None:
    out: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            out.add(re.escape(chr(av)))
        elif op is _c.RANGE:
            out.add(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is _c.CATEGORY and av in _CATEGORIES:
            out.add(_CATEGORIES[av])
        else:
            return None
    return out


def _first(seq: Any) -> tuple[set[str] | None, bool]:
    """The characters a match of ``seq`` can begin with (None: any), and whether it can be empty."""
    out: set[str] = set()
    for op, av in seq:
        if op in _ZERO_WIDTH:
            continue
        if op is _c.LITERAL:
            out.add(re.escape(chr(av)))
            return out, False
        if op is _c.IN:
            items = _class_items(av)
            return (None, False) if items is None else (out | items, False)
        if op in _REPEATS:
            low, high, sub = av
            if high == 0:
                continue
            first, empty = _first(sub)
        elif op is _c.SUBPATTERN:
            if av[1] & re.IGNORECASE:
                return None, False
            first, empty = _first(av[3])
            low = 1
        elif op is _c.BRANCH:
            first, empty = set(), False
            for alt in av[1]:
                f, e = _first(alt)
                if f is None:
                    return None, False
                first |= f
                empty = empty or e
            low = 1
        else:
            return None, False
        if first is None:
            return None, False
        out |= first
        if low > 0 and not empty:
            return out, False
    return out, True


def _literals(seq: Any) -> set[str] | None:
    """Every string ``seq`` can match, if it is a finite set of literals (else None)."""
    out = {""}
    for op, av in seq:
        if op is _c.LITERAL:
            out = {p + chr(av) for p in out}
        elif op is _c.SUBPATTERN and not av[1] & re.IGNORECASE:
            inner = _literals(av[3])
            if inner is None:
                return None
            out = {p + q for p in out for q in inner}
        elif op is _c.BRANCH:
            alts: set[str] = set()
            for alt in av[1]:
                inner = _literals(alt)
                if inner is None:
                    return None
                alts |= inner
            out = {p + q for p in out for q in alts}
        elif op is _c.IN:
            chars = _class_chars(av)
            if chars is None:
                return None
            out = {p + c for p in out for c in chars}
        else:
            return None
        if len(out) > _MAX_PREFIXES:
            return None
    return out


def _class_chars(items: Any) -> set[str] | None:
    """The characters a small character class names ("[4-8]", or the "4|5|6" that the parser folds
    "c4|c5|c6" into), if it names only a few; else None."""
    out: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            out.add(chr(av))
        elif op is _c.RANGE and av[1] - av[0] < 16:
            out.update(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return None
    return out


def _made_of(item: Any, leaf: Any) -> bool:
    """Whether ``item`` is a ``leaf`` item, or a group whose every alternative is made of such items."""
    op, av = item
    if leaf(op, av):
        return True
    if op is _c.BRANCH:
        return all(all(_made_of(x, leaf) for x in alt) for alt in av[1])
    if op is _c.SUBPATTERN and not av[1] & re.IGNORECASE:
        return all(_made_of(x, leaf) for x in av[3])
    return False


def _assertion(op: Any, av: Any) -> bool:
    return op in _ZERO_WIDTH


def _assertion_or_optional_space(op: Any, av: Any) -> bool:
    optional_space = op in _REPEATS and av[0] == 0 and list(av[2]) == [(_c.IN, [(_c.CATEGORY, _c.CATEGORY_SPACE)])]
    return op in _ZERO_WIDTH or optional_space


def _zero_width(item: Any) -> bool:
    """An assertion, or a group of alternatives that are all assertions ("(?:(?<=days )|(?<=weeks ))"):
    it consumes nothing, so what follows it is what a match begins with."""
    return _made_of(item, _assertion)


def _prefixes(seq: Any) -> set[str] | None:
    """Non-empty literal strings one of which begins every match of ``seq`` (None if unknown)."""
    items = list(seq)
    i = 0
    while i < len(items) and _zero_width(items[i]):
        i += 1
    out = {""}
    for item in items[i:]:
        inner = _literals([item])
        if inner is None:
            break
        grown = {p + q for p in out for q in inner}
        if len(grown) > _MAX_PREFIXES:
            break
        out = grown
    return None if "" in out else out


def _skippable(item: Any) -> bool:
    """Zero-width, or an optional run of whitespace."""
    return _made_of(item, _assertion_or_optional_space)


def _punctuation_start(seq: Any) -> set[str] | None:
    """Class items for the first non-space character of every match, if none can be a space."""
    items = list(seq)
    i = 0
    while i < len(items) and _skippable(items[i]):
        i += 1
    first, empty = _first(items[i:])
    if first is None or empty or not first:
        return None
    cls = re.compile(f"[{''.join(sorted(first))}]")
    return None if cls.search(_SPACES) else first


def _one_char(item: str) -> str | None:
    """The character a class item names, if it names exactly one ("\\(" or ":"), else None."""
    if len(item) == 1:
        return item
    if len(item) == 2 and item[0] == "\\" and not item[1].isalnum():
        return item[1]
    return None


def guard(patterns: list[str]) -> str:
    """A lookahead naming the characters any match of ``patterns`` starts with, or "" if unknown.

    Put in front of an alternation of patterns that begin with a lookbehind, it lets
    the regex engine reject most positions with one test instead of one per pattern;
    it never changes what matches.
    """
    chars: set[str] = set()
    for pattern in patterns:
        parsed = _parser.parse(pattern)
        if parsed.state.flags & re.IGNORECASE:
            return ""
        first, empty = _first(parsed)
        if first is None or empty:
            return ""
        chars |= first
    return f"(?=[{''.join(sorted(chars))}])" if chars else ""


class GatedPattern:
    """``pattern.finditer`` for an alternation of rule patterns, tried only where a match can begin."""

    def __init__(
        self, pattern: re.Pattern[str], sources: list[str], split: tuple[str, list[str], str] | None = None
    ) -> None:
        """``pattern`` is ``guard + head + "(?:" + "|".join(alternatives) + ")" + tail``, one
        alternative per source; ``split`` = (head, alternatives, tail) lets each anchor try only
        the alternatives that can begin with it (same result: the first alternative, in order,
        that matches there)."""
        self.pattern = pattern
        self._anchors: Any = None
        self._starts: re.Pattern[str] | None = None
        self._alts: tuple[re.Pattern[str], ...] = ()
        self.gate_keys: tuple[str, ...] = ()
        """Strings every match begins with (anchors), or its start characters: whoever scans the
        text for them (one shared automaton) passes their positions to :meth:`finditer_at`."""
        self.gate_alts: dict[str, tuple[int, ...]] = {}
        """Anchor -> the alternatives that can begin with it (with ``split``)."""
        parsed = [_parser.parse(s) for s in sources]
        if not sources or any(p.state.flags & re.IGNORECASE for p in parsed):
            return
        prefixes = [_prefixes(p) for p in parsed]
        if all(p is not None for p in prefixes):
            automaton = ahocorasick.Automaton()
            words = sorted({w for p in prefixes if p for w in p})
            if split is not None and len(split[1]) == len(sources):
                head, alternatives, tail = split
                self._alts = tuple(re.compile(f"{head}(?:{alt}){tail}") for alt in alternatives)
                self.gate_alts = {w: tuple(i for i, p in enumerate(prefixes) if p and w in p) for w in words}
            for word in words:
                automaton.add_word(word, (len(word), self.gate_alts.get(word, ())))
            automaton.make_automaton()
            self._anchors = automaton
            self.gate_keys = tuple(words)
            return
        starts = [_punctuation_start(p) for p in parsed]
        if all(s is not None for s in starts):
            items = sorted({c for s in starts if s for c in s})
            self._starts = re.compile(f"[{''.join(items)}]")
            chars = [_one_char(item) for item in items]
            if all(chars):
                self.gate_keys = tuple(c for c in chars if c)

    @property
    def gated_by_words(self) -> bool:
        """Every alternative's opening words are listed (tried only where one occurs), not only its
        first characters (tried at nearly every word)."""
        return self._anchors is not None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The matches ``self.pattern.finditer(text)`` gives, in the same order."""
        if self._anchors is not None:
            if self._alts:
                return self.finditer_keyed(text, [(e - n + 1, alts) for e, (n, alts) in self._anchors.iter(text)])
            return self._at(sorted({e - n + 1 for e, (n, _) in self._anchors.iter(text)}), text)
        if self._starts is not None:
            return self._after_spaces(text, [q.start() for q in self._starts.finditer(text)])
        return self.pattern.finditer(text)

    def finditer_at(self, text: str, positions: list[int]) -> Iterator[re.Match[str]]:
        """:meth:`finditer`, given where ``gate_keys`` occur in ``text`` (their start positions,
        in the order an Aho-Corasick pass reports them); without gate keys, plain finditer."""
        if not self.gate_keys:
            return self.finditer(text)
        if self._anchors is not None:
            return self._at(sorted(set(positions)), text)
        return self._after_spaces(text, positions)

    def finditer_keyed(self, text: str, hits: list[tuple[int, tuple[int, ...]]]) -> Iterator[re.Match[str]]:
        """:meth:`finditer`, given each anchor's start and its ``gate_alts`` (as the shared pass finds them)."""
        if not self._alts:
            return self.finditer_at(text, [pos for pos, _ in hits])
        at: dict[int, set[int]] = {}
        for pos, alts in hits:
            at.setdefault(pos, set()).update(alts)
        return self._at_keyed(text, at)

    def _at_keyed(self, text: str, at: dict[int, set[int]]) -> Iterator[re.Match[str]]:
        """Like :meth:`_at`, trying at each place only the alternatives whose anchor is there, in order."""
        alts = self._alts
        last_end = 0
        for pos in sorted(at):
            if pos < last_end:
                continue
            for i in sorted(at[pos]):
                m = alts[i].match(text, pos)
                if m is not None:
                    yield m
                    last_end = m.end() if m.end() > pos else pos + 1
                    break

    def _at(self, positions: list[int], text: str) -> Iterator[re.Match[str]]:
        """Try the pattern at each anchor position, skipping those inside the previous match."""
        match = self.pattern.match
        last_end = 0
        for pos in positions:
            if pos < last_end:
                continue
            m = match(text, pos)
            if m is not None:
                yield m
                last_end = m.end() if m.end() > pos else pos + 1

    def _after_spaces(self, text: str, starts: list[int]) -> Iterator[re.Match[str]]:
        """Try each place from the start of the whitespace run before a start character to it."""
        match = self.pattern.match
        last_end = 0
        for end in starts:
            if end < last_end:
                continue
            pos = end
            while pos > last_end and text[pos - 1].isspace():
                pos -= 1
            while pos <= end:
                m = match(text, pos)
                if m is not None:
                    yield m
                    last_end = m.end() if m.end() > pos else pos + 1
                    break
                pos += 1
