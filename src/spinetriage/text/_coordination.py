"""Coordinated words that share the rest of a phrase ("canal or foraminal stenosis").

English lets two modifiers share one head ("no canal or foraminal stenosis": canal stenosis and
foraminal stenosis) and two heads share one modifier ("neck pain + stiffness": neck pain and neck
stiffness). A phrase matcher reads only the full phrase. Here, for a target of two or more words
with a conjunction next to it ("or", "and", "/", "+", "&"), the word on the other side of the
conjunction takes the place of the target's first word (before it) or last word (after it); if
the result is itself a target phrase with findings of its own, that word becomes a target with
the phrase's rules. The new target is a word of the text, so ConText reads it like any other
("no canal or foraminal stenosis": both denied).

Cost: a str.find pass per conjunction word or sign (in C); per conjunction two bisects, and one look-up in
the whole-word automaton where a target touches it. Nothing is added where the word is already a
target or a trigger, nor for function words ("the", "no", "left").
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from typing import Any

from ._rules import wordify

__all__ = ["coordinate"]

# A conjunction between two words ("canal or foraminal", "pain + stiffness", "pins/needles"): found with
# str.find (a regex led by an optional space would be tried at every position).
_WORDS_CONJ = (" or ", " and ")
_SIGNS_CONJ = ("/", "+", "&")
_WORD = re.compile(r"[a-z][a-z'-]*[a-z]")
_LONGEST_WORD = 30  # characters looked at before a conjunction for the word it joins
# Words that never stand for a shared head or modifier: function words and ConText words.
_NOT_A_CONJUNCT = frozenset(
    {
        *("no", "not", "nor", "any", "the", "a", "an", "of", "in", "on", "at", "to", "for", "with", "without"),
        *("his", "her", "their", "my", "your", "its", "this", "that", "these", "those", "is", "are", "was"),
        *("were", "be", "been", "has", "have", "had", "left", "right", "both", "either", "other", "mild"),
        *("moderate", "severe"),
    }
)


def _plans_name_something(group: Any) -> bool:
    plans = group[3]
    return any(p.findings or p.by_region or p.by_limb for p in plans)


@functools.lru_cache(maxsize=4096)
def _lookup(automaton: Any, phrase: str) -> tuple[int, Any] | None:
    """(sort tail, TargetGroup) of ``phrase`` if it is a whole-word target literal naming a finding, else None.

    Cached per automaton and phrase (the same coordinated phrases recur from note to note)."""
    hit = automaton.get(f" {wordify(phrase)} ", None)
    if hit is None:
        return None
    _, verify, tail, group, _, others = hit
    if verify is not None and verify != phrase:
        for verify, tail, group, _ in others:  # noqa: B007 - the one that matches
            if verify == phrase:
                break
        else:
            return None
    if tail is None or tail & 1 or group is None or not _plans_name_something(group):
        return None
    return tail, group


def _conjunctions(flat: str) -> list[tuple[int, int]]:
    """(start, end) of each conjunction, the spaces around a sign included, in no particular order."""
    out: list[tuple[int, int]] = []
    n = len(flat)
    for word in _WORDS_CONJ:
        i = flat.find(word)
        while i >= 0:
            out.append((i, i + len(word)))
            i = flat.find(word, i + 1)
    for sign in _SIGNS_CONJ:
        i = flat.find(sign)
        while i >= 0:
            a = i - 1 if i > 0 and flat[i - 1] == " " else i
            b = i + 2 if i + 1 < n and flat[i + 1] == " " else i + 1
            if a > 0 and b < n and flat[a - 1].isalpha() and flat[b].isalpha():  # a word each side ("4/52" is none)
                out.append((a, b))
            i = flat.find(sign, i + 1)
    return out


def _free(targets: list[Any], triggers: list[Any], a: int, b: int) -> bool:
    """No target or trigger overlaps flat[a:b] (both lists in order and disjoint)."""
    i = bisect_left(targets, a + 1, key=lambda t: t[2])
    if i < len(targets) and targets[i][1] < b:
        return False
    k = bisect_right(triggers, b - 1, key=lambda t: t[1]) - 1
    return not (k >= 0 and triggers[k][2] > a)


def _add(
    new: list[Any],
    automaton: Any,
    flat: str,
    targets: list[Any],
    triggers: list[Any],
    span: int,
    a: int,
    b: int,
    phrase: str,
    group: Any,
) -> None:
    """Add flat[a:b] as a target with the rules of ``phrase``, if it names something else and is free."""
    if flat[a:b] in _NOT_A_CONJUNCT:
        return
    found = _lookup(automaton, phrase)
    if found is not None and found[1] is not group and _free(targets, triggers, a, b):
        new.append((a * span + (span - (b - a)) * 2, a, b, found[1]))


def coordinate(automaton: Any, flat: str, targets: list[Any], triggers: list[Any], span: int) -> list[Any]:
    """``targets`` (leftmost-longest, disjoint, in order) with the coordinated words added as targets."""
    if not targets:
        return targets
    conjunctions = _conjunctions(flat)
    if not conjunctions:
        return targets
    new: list[Any] = []
    last = len(targets) - 1
    for cs, ce in conjunctions:
        # targets are ordered by key = start * span + tail: bisect on (position * span,) finds the first
        # target that starts at or after a position, without building any list
        i = bisect_left(targets, (cs * span,)) - 1  # the last target that starts before the conjunction
        if i >= 0 and targets[i][2] == cs:  # ... and ends where it begins: its last word is shared
            _, start, end, group = targets[i]
            if " " in flat[start:end]:
                m = _WORD.match(flat, ce)
                if m is not None and (m.end() == len(flat) or not flat[m.end()].isalnum()):
                    words = flat[start:end].split()
                    phrase = " ".join((*words[:-1], m.group()))
                    _add(new, automaton, flat, targets, triggers, span, m.start(), m.end(), phrase, group)
        j = i + 1 if i < last else -1  # the first target that starts at or after the conjunction's start
        while 0 <= j <= last and targets[j][1] < ce:
            j = j + 1 if j < last else -1
        if j >= 0 and targets[j][1] == ce:  # ... begins where it ends: its first word is shared
            _, start, end, group = targets[j]
            if " " in flat[start:end]:
                r = flat.rfind(" ", max(0, cs - _LONGEST_WORD), cs)
                a = r + 1 if r >= 0 else (0 if cs <= _LONGEST_WORD else -1)
                if a >= 0 and _WORD.fullmatch(flat, a, cs) is not None:
                    words = flat[start:end].split()
                    phrase = " ".join((flat[a:cs], *words[1:]))
                    _add(new, automaton, flat, targets, triggers, span, a, cs, phrase, group)
    if not new:
        return targets
    seen: set[int] = set()
    out = list(targets)
    for t in new:
        if t[1] not in seen:
            seen.add(t[1])
            out.append(t)
    out.sort(key=lambda t: t[0])
    return out
