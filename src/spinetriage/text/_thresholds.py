"""Numbers that decide a finding's presence (``data/thresholds.yaml``).

"3 beats of clonus" is not clonus (more than 3 sustained beats is), "SLR 80°/80°" is a
negative straight leg raise (positive between 30 and 70 degrees), "PVR 450 ml" is
retention, "T 38.4" is fever, "CRP 120" is a raised inflammatory marker. After ConText
has given each mention its status, each number found sets the status of the finding's
present or absent mentions in its sentence, or adds a mention if the sentence has none.

Linear: each rule's regexes run only around its keywords (every match contains one, so
a match lies within :data:`KEYWORD_REACH` characters of one), and one dictionary of
(finding, sentence) -> mentions is built only when a number is found.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from spinetriage.errors import KnowledgeError
from spinetriage.yaml_reader import load_yaml

from ._document import Document
from ._model import Mention, MentionStatus

__all__ = ["ThresholdRule", "apply_thresholds", "load_thresholds"]

KEYWORD_REACH = 300
"""How far from a keyword a rule's regexes are run (longer than any match a rule's patterns make in
practice: a few words around a number)."""
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_OPS: dict[str, Callable[[float, float], bool]] = {
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}
_NUDGE = 1e-6  # "> 3" is read as a little over 3, "< 5" as a little under 5


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cut(_Strict):
    op: Literal["gt", "ge", "lt", "le"]
    value: float


class ThresholdRule(_Strict):
    finding: str
    keywords: list[str]
    source: str = Field(min_length=10)
    patterns: list[str] = Field(min_length=1)
    present_if: Cut
    absent_if: Cut
    absent_when: list[str] = Field(default_factory=list)
    """Words that make the finding absent in their sentence whatever the number says."""


class _File(_Strict):
    rules: list[ThresholdRule]


@dataclass(frozen=True, slots=True)
class _Compiled:
    finding: str
    keywords: tuple[str, ...]
    regexes: tuple[re.Pattern[str], ...]
    present: tuple[Callable[[float, float], bool], float]
    absent: tuple[Callable[[float, float], bool], float]
    absent_when: tuple[re.Pattern[str], ...] = ()

    def decide(self, value: float) -> MentionStatus | None:
        if self.present[0](value, self.present[1]):
            return MentionStatus.PRESENT
        if self.absent[0](value, self.absent[1]):
            return MentionStatus.ABSENT
        return None


def _number(m: re.Match[str]) -> float:
    raw = m.group("value")
    value = float(_WORDS[raw]) if raw in _WORDS else float(raw)
    cmp = (m.groupdict().get("cmp") or "").strip()
    if cmp in (">", "more than", "over"):
        value += _NUDGE
    elif cmp == "<":
        value -= _NUDGE
    return value


def _compile(patterns: list[str], problem: str, problems: list[str]) -> list[re.Pattern[str]]:
    """The patterns that compile; each that does not is reported as ``problem`` with its error."""
    out = []
    for p in patterns:
        try:
            out.append(re.compile(p))
        except re.error as exc:
            problems.append(f"{problem} {p!r}: {exc}")
    return out


@lru_cache(maxsize=1)
def load_thresholds() -> tuple[_Compiled, ...]:
    """Parse and check thresholds.yaml: known finding ids, regexes with a `value` group, cut-offs that
    do not overlap (every problem listed at once)."""
    raw = load_yaml(
        resources.files("spinetriage.text").joinpath("data").joinpath("thresholds.yaml").read_text(encoding="utf-8")
    )
    from spinetriage.knowledge import default_knowledge

    known = set(default_knowledge().findings)
    try:
        parsed = _File.model_validate(raw)
    except ValidationError as exc:
        raise KnowledgeError(
            [f"text/data/thresholds.yaml: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        ) from None
    problems: list[str] = []
    out: list[_Compiled] = []
    for i, rule in enumerate(parsed.rules):
        where = f"text/data/thresholds.yaml: rules.{i} ({rule.finding})"
        if rule.finding not in known:
            problems.append(f"{where}: unknown finding id {rule.finding!r}")
        regexes = _compile(rule.patterns, f"{where}: bad pattern", problems)
        for rx in regexes:
            if "value" not in rx.groupindex:
                problems.append(f"{where}: pattern {rx.pattern!r} has no (?P<value>...) group")
        negations = _compile(rule.absent_when, f"{where}: bad absent_when pattern", problems)
        present, absent = _OPS[rule.present_if.op], _OPS[rule.absent_if.op]
        probes = sorted({rule.present_if.value, rule.absent_if.value, *(v + d for v in (0, 1000) for d in (-0.5, 0.5))})
        probes += [rule.present_if.value + 0.01, rule.present_if.value - 0.01]
        if any(present(v, rule.present_if.value) and absent(v, rule.absent_if.value) for v in probes):
            problems.append(f"{where}: present_if and absent_if overlap")
        out.append(
            _Compiled(
                finding=rule.finding,
                keywords=tuple(rule.keywords),
                regexes=tuple(regexes),
                present=(present, rule.present_if.value),
                absent=(absent, rule.absent_if.value),
                absent_when=tuple(negations),
            )
        )
    if problems:
        raise KnowledgeError(problems)
    return tuple(out)


def _around(low: str, keywords: tuple[str, ...]) -> list[tuple[int, int]]:
    """The stretches of ``low`` within :data:`KEYWORD_REACH` of a keyword, merged, in order."""
    spans = []
    for keyword in keywords:
        at = low.find(keyword)
        while at >= 0:
            spans.append((max(0, at - KEYWORD_REACH), min(len(low), at + len(keyword) + KEYWORD_REACH)))
            at = low.find(keyword, at + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def apply_thresholds(doc: Document, mentions: list[Mention]) -> list[Mention]:
    """``mentions`` with statuses set by the numbers in the text (a new list only if something changed)."""
    low = doc.low
    found: dict[tuple[str, int], tuple[MentionStatus, int, int]] = {}
    for rule in load_thresholds():
        windows = _around(low, rule.keywords) if rule.keywords else [(0, len(low))]
        if not windows:
            continue
        for rx in rule.regexes:
            for m in (m for a, b in windows for m in rx.finditer(low, a, b)):
                status = rule.decide(_number(m))
                if status is None:
                    continue
                key = (rule.finding, doc.sentence(m.start()))
                prev = found.get(key)
                if prev is None or (status is MentionStatus.PRESENT and prev[0] is not MentionStatus.PRESENT):
                    found[key] = (status, m.start(), m.end())
        for rx in rule.absent_when:  # after the numbers: these words win in their sentence
            for m in (m for a, b in windows for m in rx.finditer(low, a, b)):
                found[(rule.finding, doc.sentence(m.start()))] = (MentionStatus.ABSENT, m.start(), m.end())
    if not found:
        return mentions
    out = list(mentions)
    seen: set[tuple[str, int]] = set()
    for i, mention in enumerate(out):
        key = (mention.finding, doc.sentence(mention.start))
        hit = found.get(key)
        if hit is None:
            continue
        seen.add(key)
        if mention.status in (MentionStatus.PRESENT, MentionStatus.ABSENT) and mention.status is not hit[0]:
            out[i] = replace(mention, status=hit[0])
    added = [
        Mention(finding=key[0], status=status, start=start, end=end, section=doc.section(start))
        for key, (status, start, end) in found.items()
        if key not in seen
    ]
    if added:
        out = sorted(out + added, key=lambda x: (x.start, x.end))
    return out
