"""The rule files under ``text/data`` parsed into strict schemas and compiled once.

    targets.yaml   phrases that name findings (TargetRule)
    context.yaml   ConText triggers: negation, hedging, history, family... (ContextRule)
    sections.yaml  section headers (SectionRule)
    cues.yaml      side, limb, severity and region words (Cues)

A typo (unknown key, unknown finding id, bad regex) fails at load with every problem
listed, as :class:`spinetriage.errors.KnowledgeError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import ahocorasick  # type: ignore[import-not-found,unused-ignore]
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from spinetriage.errors import KnowledgeError

from ._model import MentionStatus, Section, Severity, Side

__all__ = ["Category", "CompiledRules", "ContextRule", "Direction", "TargetRule", "load_rules"]


class Category(StrEnum):
    NEGATED_EXISTENCE = "NEGATED_EXISTENCE"
    POSSIBLE_EXISTENCE = "POSSIBLE_EXISTENCE"
    AFFIRMED_EXISTENCE = "AFFIRMED_EXISTENCE"
    HISTORICAL = "HISTORICAL"
    HYPOTHETICAL = "HYPOTHETICAL"
    FAMILY = "FAMILY"
    TERMINATE = "TERMINATE"
    PSEUDO = "PSEUDO"


class Direction(StrEnum):
    FORWARD = "forward"
    BACKWARD = "backward"
    BIDIRECTIONAL = "bidirectional"
    TERMINATE = "terminate"
    PSEUDO = "pseudo"


Region = Literal["cervical", "lumbar", "thoracic"]
Limb = Literal["upper", "lower"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TargetRule(_Strict):
    """Words that name one or more findings (see the header of targets.yaml)."""

    findings: list[str]
    phrases: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    by_region: dict[Region, list[str]] | None = None
    by_limb: dict[Limb, list[str]] | None = None
    polarity: Literal["affirmed", "negated"] = "affirmed"
    only_status: list[MentionStatus] | None = None
    ignore: list[Category] = Field(default_factory=list)


class ContextRule(_Strict):
    """A ConText trigger: "no" (negation, forward), "is possible" (possible, backward)..."""

    category: Category
    direction: Direction
    literals: list[str] = Field(default_factory=list)
    pattern: str | None = None
    max_scope: int | None = Field(default=None, gt=0)


class SectionRule(_Strict):
    section: Section
    phrases: list[str]


class Cues(_Strict):
    sides: dict[Side, list[str]]
    limbs: dict[Limb, list[str]]
    severities: dict[Severity, list[str]]
    regions: dict[Region, list[str]]


class _TargetsFile(_Strict):
    targets: list[TargetRule]


class _ContextFile(_Strict):
    rules: list[ContextRule]


class _SectionsFile(_Strict):
    headers: list[SectionRule]


# Payload kinds in the automaton.
TARGET, TRIGGER, SIDE, LIMB, SEVERITY, REGION = range(6)


@dataclass(frozen=True, slots=True)
class CompiledRules:
    targets: tuple[TargetRule, ...]
    triggers: tuple[ContextRule, ...]
    automaton: Any
    """Aho-Corasick automaton: lower-case literal -> tuple of (kind, index or value)."""
    target_patterns: re.Pattern[str] | None
    trigger_patterns: re.Pattern[str] | None
    header_re: re.Pattern[str]
    header_sections: dict[str, Section]
    finding_kinds: dict[str, str]

    @property
    def imaging_findings(self) -> frozenset[str]:
        return frozenset(f for f, k in self.finding_kinds.items() if k == "imaging")


def _read_yaml(name: str) -> Any:
    return yaml.safe_load(
        resources.files("spinetriage.text").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    )


def _finding_kinds() -> dict[str, str]:
    raw = yaml.safe_load(
        resources.files("spinetriage.knowledge").joinpath("data").joinpath("findings.yaml").read_text(encoding="utf-8")
    )
    return {str(f["id"]): str(f["kind"]) for f in raw["findings"]}


def _parse(model: type[_Strict], name: str, problems: list[str]) -> Any:
    try:
        return model.model_validate(_read_yaml(name))
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            problems.append(f"text/data/{name}: {loc}: {err['msg']}")
        return None


@lru_cache(maxsize=1)
def load_rules() -> CompiledRules:
    """Parse, validate and compile every rule file (once per process)."""
    problems: list[str] = []
    targets_file = _parse(_TargetsFile, "targets.yaml", problems)
    context_file = _parse(_ContextFile, "context.yaml", problems)
    sections_file = _parse(_SectionsFile, "sections.yaml", problems)
    cues = _parse(Cues, "cues.yaml", problems)
    kinds = _finding_kinds()
    if problems:
        raise KnowledgeError(problems)
    assert targets_file and context_file and sections_file and cues

    targets: tuple[TargetRule, ...] = tuple(targets_file.targets)
    triggers: tuple[ContextRule, ...] = tuple(context_file.rules)
    for i, t in enumerate(targets):
        ids = list(t.findings)
        for group in (t.by_region or {}).values():
            ids += group
        for group in (t.by_limb or {}).values():
            ids += group
        problems += [f"text/data/targets.yaml: targets.{i}: unknown finding id {f!r}" for f in ids if f not in kinds]
        if not t.phrases and not t.patterns:
            problems.append(f"text/data/targets.yaml: targets.{i}: needs phrases or patterns")
        for p in t.patterns:
            try:
                re.compile(p)
            except re.error as exc:
                problems.append(f"text/data/targets.yaml: targets.{i}: bad pattern {p!r}: {exc}")
    for i, r in enumerate(triggers):
        if not r.literals and r.pattern is None:
            problems.append(f"text/data/context.yaml: rules.{i}: needs literals or pattern")
        if r.pattern is not None:
            try:
                re.compile(r.pattern)
            except re.error as exc:
                problems.append(f"text/data/context.yaml: rules.{i}: bad pattern {r.pattern!r}: {exc}")
    if problems:
        raise KnowledgeError(problems)

    payloads: dict[str, list[tuple[int, Any]]] = {}

    def add(literal: str, payload: tuple[int, Any]) -> None:
        key = " ".join(literal.lower().split())
        if key:
            payloads.setdefault(key, []).append(payload)

    for i, t in enumerate(targets):
        for phrase in t.phrases:
            add(phrase, (TARGET, i))
    for i, r in enumerate(triggers):
        for lit in r.literals:
            add(lit, (TRIGGER, i))
    for side, words in cues.sides.items():
        for w in words:
            add(w, (SIDE, side))
    for limb, words in cues.limbs.items():
        for w in words:
            add(w, (LIMB, limb))
    for sev, words in cues.severities.items():
        for w in words:
            add(w, (SEVERITY, sev))
    for region, words in cues.regions.items():
        for w in words:
            add(w, (REGION, region))
    automaton = ahocorasick.Automaton()
    for key, items in payloads.items():
        automaton.add_word(key, (len(key), tuple(items)))
    automaton.make_automaton()

    target_alts = [f"(?P<t{i}_{j}>{p})" for i, t in enumerate(targets) for j, p in enumerate(t.patterns)]
    trigger_alts = [f"(?P<c{i}>{r.pattern})" for i, r in enumerate(triggers) if r.pattern]
    header_sections: dict[str, Section] = {}
    for rule in sections_file.headers:
        for phrase in rule.phrases:
            header_sections[" ".join(phrase.lower().split())] = rule.section
    names = sorted(header_sections, key=len, reverse=True)
    header_re = re.compile(
        r"(?m)^[ \t]*(?:[#*\-•]+[ \t]*)?(" + "|".join(re.escape(n).replace(r"\ ", r"[ \t]+") for n in names) + r")"
        r"[ \t]*(?::|-(?=[ \t])|(?=[ \t]*\r?$))"
    )
    return CompiledRules(
        targets=targets,
        triggers=triggers,
        automaton=automaton,
        target_patterns=re.compile(r"(?<![a-z0-9])(?:" + "|".join(target_alts) + r")(?![a-z0-9])")
        if target_alts
        else None,
        trigger_patterns=re.compile("|".join(trigger_alts)) if trigger_alts else None,
        header_re=header_re,
        header_sections=header_sections,
        finding_kinds=kinds,
    )
