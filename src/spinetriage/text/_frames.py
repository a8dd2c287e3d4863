"""Compositional targets: a body part and a symptom word close together name a finding.

Phrase lists name one wording at a time ("heaviness in both legs", "legs feel heavy"); text
written by others says "both of his legs get heavy", "my legs feel like two sacks of cement",
"numbness in either leg". ``frames.yaml`` says the same thing as sets instead:

* **parts**: body-part words in classes ("legs", "both legs", "BLE", "lower limbs" say both
  legs; "leg", "thigh", "calf" one), each class with the findings it adds
  (both legs: ``bilateral_leg_symptoms``);
* **symptoms**: symptom words in classes, with their morphology written out ("heavy", "heavier",
  "heaviness", "like lead"; "weak", "weaker", "weakness", "gave way"), each class with the
  findings it names (heavy: ``leg_heaviness``; pain: none of its own);
* **tails**: words that make the pair something more when they are near it (walking, a distance:
  ``neurogenic_claudication``), before the pair or after it;
* **frames**: which part classes go with which symptom classes, and how many words may stand
  between them, in either order ("legs ... heavy", "heaviness in ... legs").

A frame's findings are the union of its part's, its symptom's and (when one is near) its
tail's; a pair whose union is empty is not read. The **symptom word is the mention**: the words
between part and symptom stay visible to ConText ("legs are not heavy" is negated by "not"),
so a frame never hides a trigger. When the symptom word lies inside a phrase that is already a
target, the frame's findings are added to that target (same span, same status); a blocker or a
phrase that says a finding is absent is left alone. Otherwise a new target is made of the
symptom word, unless a trigger covers it (a pseudo-trigger does not count: "could not feel his
foot pulses" is a finding, and its "not" is no denial).

Words between part and symptom are plain words separated by single spaces (no punctuation: a
comma, a full stop or a semicolon ends a frame), never a clause word ("but", "although"...).
Frames are tried only where one of their words begins (found by the whole-word automaton pass
that extraction makes anyway), and each try reads a bounded number of words: time stays linear.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["FrameSet", "FramesFile", "apply_frames", "compile_frames"]

_STOP_WORDS = "but|although|though|whereas|while|except|than|because|since|which|who|then|so|however|apart|and|or|nor"
_GAP = rf"(?:(?!(?:{_STOP_WORDS})(?![a-z0-9]))[a-z0-9'/-]+)"
"""One plain word between a part and a symptom (never a clause word: "legs fine but arms numb")."""
_COORDINATOR = "(?:and|or|&)"
_LINK = "(?:feel|feels|felt|feeling|are|is|was|were|have|has|had|get|gets|got|go|goes|went|gone|become|became|so|very)"
"""A verb or intensifier allowed before a coordinated second symptom ("numb and feel weak")."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WordClass(_Strict):
    """A set of words (all forms written out) and the findings it contributes."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    source: str = Field(min_length=3)
    words: list[str] = Field(min_length=1)
    findings: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _whole_words(self) -> WordClass:
        for w in self.words:
            if not (w[:1].isalnum() and w[-1:].isalnum()) or w != " ".join(w.lower().split()):
                raise ValueError(f"{w!r}: frame words are lower case and begin and end with a letter or digit")
        return self


class Frame(_Strict):
    parts: list[str] = Field(min_length=1)
    symptoms: list[str] = Field(min_length=1)
    tails: list[str] = Field(default_factory=list)
    gap: int = Field(default=3, ge=0, le=4)
    """Words allowed between part and symptom, in either order."""
    tail_gap: int = Field(default=5, ge=0, le=6)
    """Words allowed between the pair and a tail word."""
    part_first: bool = False
    """Only the part before the symptom ("legs feel heavy", not "heaviness in the legs"): the part is the
    subject the symptom is said of."""


class FramesFile(_Strict):
    parts: list[WordClass]
    symptoms: list[WordClass]
    tails: list[WordClass] = Field(default_factory=list)
    frames: list[Frame]

    @model_validator(mode="after")
    def _known_classes(self) -> FramesFile:
        for kind, names in (("parts", self.parts), ("symptoms", self.symptoms), ("tails", self.tails)):
            seen = [c.name for c in names]
            if len(set(seen)) != len(seen):
                raise ValueError(f"{kind}: duplicate class name")
        parts = {c.name for c in self.parts}
        symptoms = {c.name for c in self.symptoms}
        tails = {c.name for c in self.tails}
        for i, f in enumerate(self.frames):
            for name, known in ((f.parts, parts), (f.symptoms, symptoms), (f.tails, tails)):
                for n in name:
                    if n not in known:
                        raise ValueError(f"frames.{i}: unknown class {n!r}")
        return self


def _alternation(words: list[str]) -> str:
    """Longest first, spaces as a single space (the text is read in its flattened form)."""
    return "|".join(re.escape(w).replace(r"\ ", " ") for w in sorted(set(words), key=lambda w: (-len(w), w)))


@dataclass(frozen=True, slots=True)
class FrameSet:
    """The compiled frames: one regex per frame, and what each named group contributes."""

    patterns: tuple[re.Pattern[str], ...]
    contributes: dict[str, frozenset[str]]
    """Group name -> findings (parts ``p``, symptoms ``s``, a coordinated second symptom ``c``, tails ``w``;
    order ``a`` or ``b``)."""
    anchors: frozenset[str]
    """Every word a frame can begin with (part, symptom and tail words)."""
    frames_of: dict[str, int] = field(default_factory=dict)
    """Anchor word -> bitmask of the frames (``patterns`` positions) that can begin with it."""
    coordinated: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)
    """Group name of a coordinated second symptom (``c``) -> its word -> the findings that word names."""


def compile_frames(spec: FramesFile) -> FrameSet:
    """One regex per frame: part, gap, symptom (order a) or symptom, gap, part (order b), each with
    an optional tail word before or after; every class is a named group."""
    classes = {("p", c.name): c for c in spec.parts}
    classes |= {("s", c.name): c for c in spec.symptoms}
    classes |= {("w", c.name): c for c in spec.tails}
    patterns: list[re.Pattern[str]] = []
    contributes: dict[str, frozenset[str]] = {}
    coordinated: dict[str, dict[str, frozenset[str]]] = {}
    anchors: set[str] = set()
    frames_of: dict[str, int] = {}

    def group(kind: str, names: list[str], order: str, where: str = "") -> str:
        alts = []
        for n in names:
            c = classes[(kind, n)]
            gname = f"{kind}{order}{where}_{n}"
            contributes[gname] = frozenset(c.findings)
            anchors.update(c.words)
            for w in c.words:
                frames_of[w] = frames_of.get(w, 0) | 1 << len(patterns)
            alts.append(f"(?P<{gname}>{_alternation(c.words)})")
        return "(?:" + "|".join(alts) + ")"

    # Another body part coordinated with the frame's ("weakness in the hands and legs", "legs and arms
    # feel weak") and a second symptom coordinated with the first ("legs numb and weak", "leg stiffness and
    # weakness"): what is said of both is said of each. The second symptom adds its findings to the first's
    # mention (the head stays the first symptom word).
    other_part = f"(?:{_alternation([w for c in spec.parts for w in c.words])})"
    for f in spec.frames:
        gap = f"(?: {_GAP}){{0,{f.gap}}}? "
        tgap = f"(?: {_GAP}){{0,{f.tail_gap}}}? "
        orders = []
        for order in ("a",) if f.part_first else ("a", "b"):
            part = group("p", f.parts, order)
            head = group("s", f.symptoms, order)
            cname = f"c{order}{len(patterns)}"
            coordinated[cname] = _findings_by_word([classes[("s", n)] for n in f.symptoms])
            also = f"(?: {_COORDINATOR} (?:{_LINK} )?(?P<{cname}>{_alternation(list(coordinated[cname]))}))?"
            if order == "a":
                core = part + f"(?: {_COORDINATOR} {other_part})?" + gap + head + also
            else:
                core = head + also + gap + f"(?:{other_part} {_COORDINATOR} )?" + part
            if f.tails:
                lead = f"(?:{group('w', f.tails, order, '0')}{tgap})?"
                tail = f"(?:{tgap}{group('w', f.tails, order, '1')}(?![a-z0-9]))?"
                core = lead + core + tail
            orders.append(core)
        patterns.append(re.compile(r"(?<![a-z0-9])(?:" + "|".join(orders) + r")(?![a-z0-9])"))
    return FrameSet(tuple(patterns), contributes, frozenset(anchors), frames_of, coordinated)


def _findings_by_word(classes: list[WordClass]) -> dict[str, frozenset[str]]:
    """Each word of the classes and the findings its classes name (a coordinated symptom is looked up by word)."""
    out: dict[str, frozenset[str]] = {}
    for c in classes:
        for w in c.words:
            out[w] = out.get(w, frozenset()) | frozenset(c.findings)
    return out


def _match_findings(m: re.Match[str], frames: FrameSet) -> tuple[frozenset[str], int, int]:
    """The findings a frame match names, and its symptom word's span."""
    out: set[str] = set()
    head = (-1, -1)
    for name, value in m.groupdict().items():
        if value is not None:
            if name[0] == "c":
                out |= frames.coordinated[name][value]
                continue
            out |= frames.contributes[name]
            if name[0] == "s":
                head = m.span(name)
    return frozenset(out), head[0], head[1]


def _opens_or_closes(group: Any) -> bool:
    """Whether a trigger match does anything to a scope (a pure pseudo-trigger does neither)."""
    return bool(group[2] or group[3])


def apply_frames(
    frames: FrameSet,
    flat: str,
    anchor_starts: list[tuple[int, int]],
    targets: list[Any],
    triggers: list[Any],
    group_for: Any,
    span: int,
) -> list[Any]:
    """``targets`` (leftmost-longest, disjoint, in order) with the frames' findings added.

    ``anchor_starts``: where a frame word begins and the bitmask of the frames that can begin with it
    (from the whole-word pass, any order); each frame is tried only where one of its words begins.
    ``group_for(existing_group or None, findings)`` returns the TargetGroup to use (cached)."""
    if not anchor_starts:
        return targets
    t_starts = [t[1] for t in targets]
    tr_starts = [t[1] for t in triggers]
    changes: dict[int, Any] = {}
    new: list[Any] = []
    new_starts: set[int] = set()
    for bit, pattern in enumerate(frames.patterns):
        last_end = -1
        for pos in sorted({start for start, mask in anchor_starts if mask >> bit & 1}):
            if pos < last_end:
                continue
            m = pattern.match(flat, pos)
            if m is None:
                continue
            last_end = m.end()
            found, hs, he = _match_findings(m, frames)
            if not found or hs < 0:
                continue
            i = bisect_right(t_starts, hs) - 1
            if i >= 0 and targets[i][2] > hs:  # the symptom word lies in a target: add to it
                old = changes.get(i, targets[i][3])
                grown = group_for(old, found)
                if grown is not None:
                    changes[i] = grown
                continue
            j = bisect_left(t_starts, hs)
            if j < len(targets) and targets[j][1] < he:
                continue  # a target begins inside the symptom word's span
            k = bisect_right(tr_starts, he - 1) - 1
            if k >= 0 and triggers[k][2] > hs and _opens_or_closes(triggers[k][3]):
                continue  # a trigger covers it (a pseudo-trigger, which only stops shorter ones, does not)
            group = group_for(None, found)
            if group is not None and hs not in new_starts:
                new_starts.add(hs)
                new.append((hs * span + (span - (he - hs)) * 2, hs, he, group))
    if not changes and not new:
        return targets
    out = [(t[0], t[1], t[2], changes[i]) if i in changes else t for i, t in enumerate(targets)]
    if new:
        out += new
        out.sort(key=lambda t: t[0])
    return out
