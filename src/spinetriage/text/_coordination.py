"""Coordinated words that share the rest of a phrase ("canal or foraminal stenosis").

English lets two modifiers share one head ("no canal or foraminal stenosis": canal stenosis and
foraminal stenosis) and two heads share one modifier ("neck pain + stiffness": neck pain and neck
stiffness). A phrase matcher reads only the full phrase. Here, for a target of two or more words
with a conjunction next to it ("or", "and", "/", "+", "&"), the word on the other side of the
conjunction takes the place of the target's first word (before it) or last word (after it); if
the result is itself a target phrase with findings of its own, that word becomes a target with
the phrase's rules. The new target is a word of the text, so ConText reads it like any other
("no canal or foraminal stenosis": both denied).

Cost: one regex pass for the conjunctions (in C); per conjunction two bisects, and one look-up in
the whole-word automaton where a target touches it. Nothing is added where the word is already a
target or a trigger, nor for function words ("the", "no", "left").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Any

from ._rules import wordify

__all__ = ["coordinate"]

# A conjunction between two words ("canal or foraminal", "pain + stiffness", "pins/needles").
_CONJ = re.compile(r" (?:or|and) | ?[/+&] ?")
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


def _lookup(automaton: Any, phrase: str) -> tuple[int, Any] | None:
    """(sort tail, TargetGroup) of ``phrase`` if it is a whole-word target literal naming a finding, else None."""
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


def coordinate(automaton: Any, flat: str, targets: list[Any], triggers: list[Any], span: int) -> list[Any]:
    """``targets`` (leftmost-longest, disjoint, in order) with the coordinated words added as targets."""
    conjunctions = [m.span() for m in _CONJ.finditer(flat)]
    if not conjunctions or not targets:
        return targets
    t_starts = [t[1] for t in targets]
    t_ends = [t[2] for t in targets]
    tr_starts = [t[1] for t in triggers]

    def free(a: int, b: int) -> bool:
        """No target or trigger overlaps flat[a:b]."""
        i = bisect_left(t_ends, a + 1)
        if i < len(targets) and targets[i][1] < b:
            return False
        k = bisect_right(tr_starts, b - 1) - 1
        return not (k >= 0 and triggers[k][2] > a)

    def add(a: int, b: int, phrase: str, group: Any) -> None:
        if flat[a:b] in _NOT_A_CONJUNCT:
            return
        found = _lookup(automaton, phrase)
        if found is not None and found[1] is not group and free(a, b):
            new.append((a * span + (span - (b - a)) * 2, a, b, found[1]))

    new: list[Any] = []
    for cs, ce in conjunctions:
        i = bisect_left(t_ends, cs)  # a target that ends where the conjunction begins: its last word is shared
        if i < len(targets) and t_ends[i] == cs:
            _, start, end, group = targets[i]
            words = flat[start:end].split()
            m = _WORD.match(flat, ce)
            if len(words) > 1 and m is not None and (m.end() == len(flat) or not flat[m.end()].isalnum()):
                add(m.start(), m.end(), " ".join((*words[:-1], m.group())), group)
        j = bisect_left(t_starts, ce)  # a target that begins where it ends: its first word is shared
        if j < len(targets) and t_starts[j] == ce:
            _, start, end, group = targets[j]
            words = flat[start:end].split()
            r = flat.rfind(" ", max(0, cs - _LONGEST_WORD), cs)
            a = r + 1 if r >= 0 else (0 if cs <= _LONGEST_WORD else -1)
            if len(words) > 1 and a >= 0 and _WORD.fullmatch(flat, a, cs) is not None:
                add(a, cs, " ".join((flat[a:cs], *words[1:])), group)
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
