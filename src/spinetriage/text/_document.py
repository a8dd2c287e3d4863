"""One text being read: its lower-case and flattened forms, sentence ends, clause
commas, section headers, and every target, trigger and cue word found in it.

Two Aho-Corasick passes (pyahocorasick) find every target phrase, trigger and cue
word: one over a whole-word form of the text (so the side cue "l" never fires inside
"left"), one over the text itself for the few literals that begin or end with
punctuation ("(l)", "dtrs 3+"). The second pass also finds where the symbolic rule
patterns ("biceps 3+", "Hoffmann: neg") and spinal levels can begin, so that their
regexes are tried only there (:mod:`._scan`, :mod:`._levels`). Python-level work is per
match, never per character.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from operator import itemgetter
from typing import Any

from ._coordination import coordinate
from ._frames import apply_frames
from ._model import Section
from ._rules import FRAME, LEN_SPAN, LIMB, REGION, SEVERITY, SIDE, CompiledRules, frame_group, wordify

__all__ = ["HARD_BOUNDARY", "Document", "Match", "flatten", "lower", "sentence_ends"]

Match = tuple[int, int, int, Any]
"""(sort key, start, end, rules): a target (rules: a TargetGroup) or a trigger (a TriggerGroup);
the key orders leftmost-longest."""

_FLATTEN = str.maketrans(
    {
        "\t": " ",
        "\n": " ",
        "\r": " ",
        "\x0b": " ",
        "\x0c": " ",
        "\u2019": "'",
        "\u2018": "'",
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)
_FLATTEN_ASCII = bytes(32 if chr(c) in "\t\n\r\x0b\x0c" else c for c in range(256))


def flatten(low: str) -> str:
    """Line breaks and tabs as spaces, curly quotes and dashes as ASCII (same length)."""
    if low.isascii():
        return low.encode("ascii").translate(_FLATTEN_ASCII).decode("ascii")
    return low.translate(_FLATTEN)


# A sentence ends after ".!?" before a space, at ";" or "|", at a blank line, or at a line
# that starts a bullet, a number or a capital: at the last character of each match.
HARD_BOUNDARY = re.compile(
    r"[.!?;|\n](?:(?<=[.!?])(?=\s|$)|(?<=[;|])|(?<=\n)(?:[ \t]*\r?\n|(?=[ \t]*(?:[-*•#>]|\d+[.)]\s|[A-Z]))))"
)
# The same, one regex per leading character (:func:`sentence_ends`): a literal first
# character lets the regex engine jump between its occurrences, where a leading class makes
# it test every position. Only the newline branch consumes more than its first character,
# and only spaces, tabs and newlines, so the passes cannot hide each other's matches.
_STOPS = [(c, re.compile(re.escape(c) + r"(?=\s|$)")) for c in ".!?"]
_NEWLINE_BOUNDARY = re.compile(r"\n(?:[ \t]*\r?\n|(?=[ \t]*(?:[-*•#>]|\d+[.)]\s|[A-Z])))")


def sentence_ends(text: str) -> list[int]:
    """Where sentences end, in order: ``[m.end() - 1 for m in HARD_BOUNDARY.finditer(text)]``."""
    ends = [m.end() - 1 for m in _NEWLINE_BOUNDARY.finditer(text)] if "\n" in text else []
    for c, stop in _STOPS:
        if c in text:
            ends += [m.start() for m in stop.finditer(text)]
    for c in ";|":
        i = text.find(c)
        while i >= 0:
            ends.append(i)
            i = text.find(c, i + 1)
    ends.sort()
    return ends


_COMMA = re.compile(",")
_SORT_KEY = itemgetter(0)


def lower(text: str) -> str:
    """Lower case with the same length as ``text`` (characters whose lower case is longer stay)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


class Document:
    """One text being read: its forms, boundaries, and the matches found in it."""

    __slots__ = (
        "commas",
        "flat",
        "hard",
        "header_ends",
        "header_sections",
        "level_starts",
        "low",
        "n",
        "rules",
        "text",
    )

    def __init__(self, text: str, low: str, flat: str, rules: CompiledRules) -> None:
        self.text, self.low, self.flat, self.rules, self.n = text, low, flat, rules, len(flat)
        self.hard: list[int] = []
        self.commas: list[int] = []
        self.header_ends: list[int] = []
        self.header_sections: list[Section] = []
        self.level_starts: list[int] = []
        """Where a spinal level can start (see ``_levels.level_matches``), found by the scan."""

    def sentence(self, pos: int) -> int:
        return bisect_left(self.hard, pos)

    def section(self, pos: int) -> Section:
        i = bisect_right(self.header_ends, pos) - 1
        return self.header_sections[i] if i >= 0 else Section.OTHER

    def scan(self) -> tuple[list[Match], list[Match], dict[int, list[tuple[int, int, Any]]]]:
        """Find headers, sentence ends and commas, then every match (see :meth:`_match`)."""
        rules, low = self.rules, self.low
        header_starts: list[int] = []
        header_stops: list[int] = []
        for m in rules.header_re.finditer("\n" + low):  # positions are one past the text's
            name = " ".join(m.group(1).split())
            self.header_ends.append(m.end() - 1)
            self.header_sections.append(rules.header_sections[name])
            header_starts.append(m.start(1) - 1)
            header_stops.append(m.end() - 1)
        hard = sentence_ends(self.text)  # increasing, no repeats
        self.hard = sorted({*hard, *header_stops}) if header_stops else hard
        self.commas = [m.start() for m in _COMMA.finditer(self.flat)]
        return self._match(header_starts, header_stops)

    def _match(
        self, header_starts: list[int], header_stops: list[int]
    ) -> tuple[list[Match], list[Match], dict[int, list[tuple[int, int, Any]]]]:
        """Every target and trigger (leftmost-longest, targets win ties) and every cue."""
        rules, flat, n = self.rules, self.flat, self.n
        cands: list[Match] = []
        append = cands.append
        side: list[tuple[int, int, Any]] = []
        frame_words: list[tuple[int, int, Any]] = []
        cues: dict[int, list[tuple[int, int, Any]]] = {
            SIDE: side,
            LIMB: [],
            SEVERITY: [],
            REGION: [],
            FRAME: frame_words,
        }
        span = LEN_SPAN

        for e, (back, verify, tail, group, cue_items, others) in rules.word_automaton.iter(f" {wordify(flat)} "):
            start = e - back
            end = e - 1
            if verify is not None and flat[start:end] != verify:
                for verify, tail, group, cue_items in others:  # noqa: B007 - the one that matches
                    if flat[start:end] == verify:
                        break
                else:
                    continue
            if tail is not None:
                append((start * span + tail, start, end, group))
            if cue_items:
                for kind, value in cue_items:
                    cues[kind].append((start, end, value))
        target_gate: list[tuple[int, Any]] = []
        trigger_gate: list[tuple[int, Any]] = []
        word_trigger_gate: list[tuple[int, Any]] = []
        level_starts: list[int] = []
        for e, (length, hit, target_key, trigger_key, word_trigger_key, level_key) in rules.flat_automaton.iter(flat):
            start = e - length + 1
            if level_key:
                level_starts.append(start)
            if target_key:
                target_gate.append((start, target_key))
            if trigger_key:
                trigger_gate.append((start, trigger_key))
            if word_trigger_key:
                word_trigger_gate.append((start, word_trigger_key))
            if hit is None:
                continue
            end = e + 1
            if (start > 0 and flat[start].isalnum() and flat[start - 1].isalnum()) or (
                end < n and flat[end - 1].isalnum() and flat[end].isalnum()
            ):
                continue
            _, tail, group, cue_items = hit
            if tail is not None:
                append((start * span + tail, start, end, group))
            if cue_items:
                for kind, value in cue_items:
                    cues[kind].append((start, end, value))
        self.level_starts = level_starts
        groups = rules.pattern_groups
        if rules.target_patterns is not None:
            phrases = sorted((c[1], c[2]) for c in cands)
            longest = max((b - a for a, b in phrases), default=0)  # bounded by the vocabulary
            for m in rules.target_patterns.finditer_keyed(flat, target_gate):
                start, end = m.span()
                if m.lastgroup:
                    append((start * span + (span - (end - start)) * 2, start, end, groups[m.lastgroup]))
                    # A phrase that began earlier and ends inside this match wins the overlap ("low back
                    # pain" in "pain radiating down the leg"); a match the scan consumed may begin after it.
                    again = _after_phrase(rules.target_patterns.pattern, flat, phrases, longest, start, end)
                    if again is not None and again.lastgroup:
                        a, b = again.span()
                        append((a * span + (span - (b - a)) * 2, a, b, groups[again.lastgroup]))
        for patterns, gate in (
            (rules.trigger_patterns, trigger_gate),
            (rules.word_trigger_patterns, word_trigger_gate),
        ):
            if patterns is None:
                continue
            for m in patterns.finditer_keyed(flat, gate):
                start, end = m.span()
                if m.lastgroup and end > start:
                    append((start * span + (span - (end - start)) * 2 + 1, start, end, groups[m.lastgroup]))
        cands.sort(key=_SORT_KEY)
        targets: list[Match] = []
        triggers: list[Match] = []
        add_target, add_trigger = targets.append, triggers.append
        last_end = -1
        mask = _header_mask(header_starts, header_stops, n) if header_starts else None
        for c in cands:
            if c[1] >= last_end:
                if mask is not None and mask[c[1]] == "h":
                    continue  # nothing inside a section header's words is a target or trigger
                if c[0] & 1:
                    add_trigger(c)
                else:
                    add_target(c)
                last_end = c[2]
        del cues[FRAME]
        if frame_words and rules.frames is not None:
            targets = apply_frames(
                rules.frames,
                flat,
                [(w[0], w[2]) for w in frame_words],
                targets,
                triggers,
                lambda old, found: frame_group(rules, old, found),
                span,
            )
        targets = coordinate(rules.word_automaton, flat, targets, triggers, span)
        return targets, triggers, {kind: _leftmost_longest_cues(items) for kind, items in cues.items()}


def _after_phrase(
    pattern: re.Pattern[str], flat: str, phrases: list[tuple[int, int]], longest: int, start: int, end: int
) -> re.Match[str] | None:
    """The pattern's match within ``flat[:end]`` after the phrase that covers ``start``, if any.

    ``phrases`` are (start, end) sorted, none longer than ``longest``, so only those starting in
    the ``longest`` characters before the match are looked at; and only the consumed region is
    searched (it ends where the match did): extraction stays linear."""
    earliest = start - longest
    covering = [
        e for _, e in phrases[bisect_left(phrases, (earliest, -1)) : bisect_left(phrases, (start, -1))] if e > start
    ]
    if not covering or not max(covering) < end:
        return None
    return pattern.search(flat, max(covering), end)


def _header_mask(starts: list[int], stops: list[int], n: int) -> str:
    """One character per position: "h" inside a section header's words, "." elsewhere."""
    parts: list[str] = []
    pos = 0
    for a, b in zip(starts, stops, strict=True):
        a = max(a, pos)
        parts.append("." * (a - pos))
        parts.append("h" * (b - a))
        pos = max(pos, b)
    parts.append("." * (n - pos + 1))
    return "".join(parts)


_START = itemgetter(0)
_END = itemgetter(1)


def _leftmost_longest_cues(items: list[tuple[int, int, Any]]) -> list[tuple[int, int, Any]]:
    if len(items) < 2:
        return items
    items.sort(key=_END, reverse=True)  # then by start, stable: leftmost, then longest, then found first
    items.sort(key=_START)
    out: list[tuple[int, int, Any]] = []
    last_end = -1
    for it in items:
        if it[0] >= last_end or (out and it[:2] == out[-1][:2]):
            out.append(it)
            last_end = it[1]
    return out
