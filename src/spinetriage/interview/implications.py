"""Answers that settle other findings with certainty, so they need not be asked.

The rules are data (``interview/data/implications.yaml``): "clonus present" makes
"lower limb hyperreflexia present" certain, because sustained clonus is grade 4+ on
the reflex scale. Each rule carries a one-line reason and is checked at load against
the knowledge base's finding identifiers. Rules chain (myelomalacia present implies
cord compression, which implies canal stenosis); an answer given directly always wins
over an implied one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from spinetriage.errors import KnowledgeError
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.vocab import Status
from spinetriage.yaml_reader import load_yaml

FILE = "implications.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class FindingStatus(_Strict):
    finding: str
    status: Status


class Rule(_Strict):
    when: FindingStatus = Field(alias="if")
    then: FindingStatus
    reason: str = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Implied:
    """A finding settled by another answer: what it is, which answer settled it, and why."""

    finding: str
    status: Status
    because: str
    reason: str


def parse_rules(document: Any, kb: KnowledgeBase) -> tuple[Rule, ...]:
    """Validate a rules document against the knowledge base, reporting every problem at once."""
    if not isinstance(document, dict) or set(document) != {"implications"}:
        raise KnowledgeError([f"{FILE}: expected one top-level key 'implications'"])
    items = document["implications"]
    if not isinstance(items, list):
        raise KnowledgeError([f"{FILE}: 'implications' must be a list"])
    problems: list[str] = []
    rules: list[Rule] = []
    for index, item in enumerate(items):
        try:
            rule = Rule.model_validate(item)
        except ValidationError as error:
            for e in error.errors():
                where = ".".join(str(p) for p in e["loc"])
                problems.append(f"{FILE}: implications[{index}].{where}: {e['msg']}")
            continue
        for side, fs in (("if", rule.when), ("then", rule.then)):
            if fs.finding not in kb.findings:
                problems.append(f"{FILE}: implications[{index}].{side}.finding: unknown finding '{fs.finding}'")
        if Status.UNKNOWN in (rule.when.status, rule.then.status):
            problems.append(f"{FILE}: implications[{index}]: statuses must be present or absent")
        if rule.when.finding == rule.then.finding:
            problems.append(f"{FILE}: implications[{index}]: a finding cannot imply itself")
        rules.append(rule)
    problems.extend(_contradictions(rules))
    if problems:
        raise KnowledgeError(problems)
    return tuple(rules)


def _contradictions(rules: list[Rule]) -> list[str]:
    """Two rules from one answer that settle the same finding both ways are an error in the data."""
    found: list[str] = []
    for i, a in enumerate(rules):
        for b in rules[i + 1 :]:
            if a.when == b.when and a.then.finding == b.then.finding and a.then.status != b.then.status:
                found.append(f"{FILE}: rules {i} and {rules.index(b)} settle '{a.then.finding}' both ways")
    return found


@cache
def _shipped() -> Any:
    text = resources.files("spinetriage.interview").joinpath("data", FILE).read_text(encoding="utf-8")
    return load_yaml(text)


_VALIDATED: dict[str, tuple[Rule, ...]] = {}


def default_rules(kb: KnowledgeBase) -> tuple[Rule, ...]:
    """The shipped rules, validated against ``kb`` (once per knowledge version)."""
    if kb.version not in _VALIDATED:
        _VALIDATED[kb.version] = parse_rules(_shipped(), kb)
    return _VALIDATED[kb.version]


def apply_implications(
    answers: Mapping[str, Status], rules: tuple[Rule, ...]
) -> tuple[dict[str, Status], list[Implied]]:
    """The answers plus every finding they settle (to a fixed point), and the list of those settled.

    A finding that was answered, or already settled by an earlier rule, is left alone.
    """
    evidence = dict(answers)
    implied: list[Implied] = []
    changed = True
    while changed:
        changed = False
        for rule in rules:
            if evidence.get(rule.when.finding) is rule.when.status and rule.then.finding not in evidence:
                evidence[rule.then.finding] = rule.then.status
                implied.append(Implied(rule.then.finding, rule.then.status, rule.when.finding, rule.reason))
                changed = True
    return evidence, implied
