"""Grouped red-flag screening: one question per red-flag clause instead of one per finding.

Safety-netting and symptom checkers screen for red flags with a few grouped questions
("Numbness around your bottom, new trouble passing urine, or trouble controlling your
bowels?"), because most people have none of them. A red-flag clause (``any_present``
in ``red_flags.yaml``) is exactly such a group: the flag needs one of its findings.

* The group's answer is recorded under the group's key (``screen_<flag>_<n>``, the
  ``n``-th clause of that flag), like any other answer, so "go back" removes it in one step.
* "no" settles every member not otherwise answered as absent when the answers are read
  (:func:`settle_groups`): one question instead of several.
* "yes" or "don't know" settles nothing: the members are then asked one by one, so a
  red flag is never missed and the exact finding is known.

Only clauses with two or more history findings are groups; the patient wording of each
member is a short plain phrase from ``interview/data/screening.yaml``, checked at load
against the knowledge base.

The same file names groups that are **asked of everyone** after the red flags though they
are not red flags (``everyone``): the commonest symptoms of cervical myelopathy, because
the question this product answers is whether back pain comes from the neck, and a single
answer about the hands or the gait rarely moves a 1% prior far enough for the adaptive
order to ask it (docs/interview.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from spinetriage.errors import KnowledgeError
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.vocab import FindingKind, Status
from spinetriage.yaml_reader import load_yaml

FILE = "screening.yaml"
PREFIX = "screen_"
PATIENT_LEAD = "Is any of these true for you?"
PATIENT_END = "Answer yes if even one is true."
CLINICIAN_NOTE = "grouped: yes or don't know asks each in turn"
Screening = Literal["grouped", "single"]


@dataclass(frozen=True, slots=True)
class Group:
    """One grouped screening question: its key, what it screens for (a red flag's label) and its
    history findings (file order). ``red_flag`` is False for a group asked of everyone."""

    id: str
    flag: str
    members: tuple[str, ...]
    red_flag: bool = True


def clause_id(flag_id: str, index: int) -> str:
    return f"{PREFIX}{flag_id}_{index + 1}"


def _build(kb: KnowledgeBase) -> dict[str, Group]:
    groups: dict[str, Group] = {}
    for flag in kb.red_flags.values():
        for index, clause in enumerate(flag.when):
            members = tuple(f for f in clause.any_present if kb.findings[f].kind is FindingKind.HISTORY)
            if len(members) >= 2:
                groups[clause_id(flag.id, index)] = Group(clause_id(flag.id, index), flag.label, members)
    return groups


def _everyone(document: Any, kb: KnowledgeBase, problems: list[str]) -> dict[str, Group]:
    """The groups asked of everyone (``everyone`` in the phrase file), checked against the knowledge base."""
    groups: dict[str, Group] = {}
    for index, item in enumerate(document.get("everyone") or []):
        where = f"{FILE}: everyone[{index}]"
        if not isinstance(item, dict) or set(item) != {"id", "label", "members", "reason"}:
            problems.append(f"{where}: expected the keys id, label, members and reason")
            continue
        members = item["members"]
        if not isinstance(members, list) or len(members) < 2:
            problems.append(f"{where}.members: expected two or more history findings")
            continue
        bad = [m for m in members if m not in kb.findings or kb.findings[m].kind is not FindingKind.HISTORY]
        problems.extend(f"{where}.members: '{m}' is not a history finding" for m in bad)
        if not bad:
            key = f"{PREFIX}{item['id']}"
            groups[key] = Group(key, str(item["label"]), tuple(members), red_flag=False)
    return groups


def _parse(document: Any, kb: KnowledgeBase, groups: Mapping[str, Group]) -> dict[str, str]:
    """Validate the phrase file against the knowledge base, reporting every problem at once."""
    if (
        not isinstance(document, dict)
        or not {"short"} <= set(document) <= {"short", "everyone"}
        or not isinstance(document["short"], dict)
    ):
        raise KnowledgeError([f"{FILE}: expected the key 'short' (finding -> phrase) and optionally 'everyone'"])
    short: dict[str, str] = {}
    problems: list[str] = []
    for finding, phrase in document["short"].items():
        if finding not in kb.findings:
            problems.append(f"{FILE}: short.{finding}: unknown finding")
        elif kb.findings[finding].kind is not FindingKind.HISTORY:
            problems.append(f"{FILE}: short.{finding}: only history findings are screened")
        elif not isinstance(phrase, str) or not phrase.strip():
            problems.append(f"{FILE}: short.{finding}: expected a non-empty phrase")
        else:
            short[finding] = phrase.strip()
    for group in groups.values():
        problems.extend(f"{FILE}: no short phrase for '{m}' ({group.id})" for m in group.members if m not in short)
    clashes = sorted(set(groups) & set(kb.findings))
    problems.extend(f"{FILE}: group key '{g}' is also a finding identifier" for g in clashes)
    if problems:
        raise KnowledgeError(problems)
    return short


@cache
def _shipped() -> Any:
    text = resources.files("spinetriage.interview").joinpath("data", FILE).read_text(encoding="utf-8")
    return load_yaml(text)


_VALIDATED: dict[str, tuple[dict[str, Group], dict[str, str]]] = {}


def _loaded(kb: KnowledgeBase) -> tuple[dict[str, Group], dict[str, str]]:
    if kb.version not in _VALIDATED:
        problems: list[str] = []
        everyone = _everyone(_shipped(), kb, problems)
        if problems:
            raise KnowledgeError(problems)
        groups = {**_build(kb), **everyone}
        _VALIDATED[kb.version] = groups, _parse(_shipped(), kb, groups)
    return _VALIDATED[kb.version]


def screening_groups(kb: KnowledgeBase) -> dict[str, Group]:
    """Every grouped question by key: the red-flag clauses in ``red_flags.yaml`` order, then the
    groups asked of everyone (validated once per knowledge version)."""
    return _loaded(kb)[0]


def asked_of_everyone(kb: KnowledgeBase) -> list[Group]:
    """The groups screened after the red flags though they are not red flags."""
    return [g for g in screening_groups(kb).values() if not g.red_flag]


def short_phrase(kb: KnowledgeBase, finding: str) -> str:
    """The plain phrase naming ``finding`` inside a grouped question."""
    return _loaded(kb)[1][finding]


def group_text(kb: KnowledgeBase, members: tuple[str, ...], mode: str) -> str:
    """The grouped question: in patient mode a lead-in and one short plain sentence per member;
    in clinician mode the members' labels."""
    if mode == "patient":
        items = " ".join(f"{short_phrase(kb, m)}." for m in members)
        return f"{PATIENT_LEAD} {items} {PATIENT_END}"
    labels = [kb.findings[m].label for m in members]
    labels[1:] = [_lower_first(label) for label in labels[1:]]
    listed = ", ".join(labels[:-1]) + f" or {labels[-1]}" if len(labels) > 1 else labels[0]
    return f"Any of: {listed}?"


def _lower_first(label: str) -> str:
    """ "Urinary retention" reads "urinary retention" mid-sentence; an acronym ("HIV") stays."""
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def settle_groups(
    evidence: Mapping[str, Status], answered: Mapping[str, Status], groups: Mapping[str, Group]
) -> dict[str, Status]:
    """The members a grouped "no" settles as absent: those of each such group not yet in ``evidence``."""
    settled: dict[str, Status] = {}
    for key, status in answered.items():
        if status is Status.ABSENT:
            for member in groups[key].members:
                if member not in evidence:
                    settled[member] = Status.ABSENT
    return settled


def group_answer(members: tuple[str, ...], known: Mapping[str, Status]) -> Status:
    """What someone who knows ``known`` answers to a grouped question: yes if a member is present,
    no if every member is absent, otherwise don't know."""
    statuses = [known.get(m, Status.UNKNOWN) for m in members]
    if Status.PRESENT in statuses:
        return Status.PRESENT
    if all(s is Status.ABSENT for s in statuses):
        return Status.ABSENT
    return Status.UNKNOWN
