"""Posterior probability of each condition, with the contribution of every finding.

Rules, applied per condition:

* Unknown findings are not evidence; an absent finding counts through its negative
  likelihood ratio, a present one through its positive ratio.
* In a slot of correlated findings (an evidence group) only the member with the
  largest |ln LR| counts; ties go to the member listed first in the group.
* Imaging is evidence, not proof: a present imaging finding that would *raise* a
  condition counts only when at least one present clinical (non-imaging) finding
  also raises it. Imaging that argues against a condition always counts.
* Age and sex enter as likelihood ratios where the knowledge base has them.

These rules make the result independent of the order of findings, leave the prior
untouched when nothing is known, and never let a present finding that raises a
condition lower it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from spinetriage.engine.model import CompiledModel, ConditionModel
from spinetriage.vocab import Basis, Sex, Status

Override = tuple[str, Status] | None


@dataclass(frozen=True, slots=True)
class Patient:
    """What the engine reasons over: known findings (present or absent only) and demographics."""

    evidence: Mapping[str, Status]
    setting: str
    age: int | None = None
    sex: Sex | None = None


@dataclass(frozen=True, slots=True)
class Contribution:
    """One piece of evidence for one condition; ``weight`` is ln LR when counted, else 0."""

    evidence: str
    value: str
    likelihood_ratio: float
    weight: float
    counted: bool
    note: str | None
    group: str | None
    basis: Basis
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Posterior:
    condition: str
    prior: float
    probability: float
    log_odds: float
    contributions: tuple[Contribution, ...]


@dataclass(frozen=True, slots=True)
class ConditionState:
    """Per-condition working state, reused to evaluate what-if answers cheaply."""

    log_odds: float
    gate_open: bool
    slot_weights: tuple[float, ...]


def sigmoid(log_odds: float) -> float:
    if log_odds >= 0:
        return 1.0 / (1.0 + math.exp(-log_odds))
    e = math.exp(log_odds)
    return e / (1.0 + e)


def _status(evidence: Mapping[str, Status], finding: str, override: Override) -> Status | None:
    if override is not None and override[0] == finding:
        return override[1]
    return evidence.get(finding)


def gate_open(cm: ConditionModel, evidence: Mapping[str, Status], override: Override = None) -> bool:
    """True when a present clinical finding raises the condition (imaging may then count)."""
    for finding, link in cm.links.items():
        if not link.imaging and link.ln_present > 0 and _status(evidence, finding, override) is Status.PRESENT:
            return True
    return False


def slot_choice(
    cm: ConditionModel, slot: int, evidence: Mapping[str, Status], gate: bool, override: Override = None
) -> tuple[str | None, float]:
    """The member of a slot that counts, and its weight (ln LR)."""
    best: str | None = None
    best_weight = 0.0
    for finding in cm.slots[slot]:
        status = _status(evidence, finding, override)
        if status is None or status is Status.UNKNOWN:
            continue
        link = cm.links[finding]
        weight = link.ln_present if status is Status.PRESENT else link.ln_absent
        if status is Status.PRESENT and link.imaging and weight > 0 and not gate:
            continue
        if best is None or abs(weight) > abs(best_weight):
            best, best_weight = finding, weight
    return best, best_weight


def age_ratio(cm: ConditionModel, age: int | None) -> tuple[float, str] | None:
    if cm.age is None or age is None:
        return None
    for band in cm.age.bands:
        if band.min_age <= age < band.max_age:
            return band.lr, f"{band.min_age}-{band.max_age - 1}"
    return None


def sex_ratio(cm: ConditionModel, sex: Sex | None) -> float | None:
    if cm.sex is None or sex is None:
        return None
    return cm.sex.lr.get(sex)


def demographic_log_odds(cm: ConditionModel, patient: Patient) -> float:
    total = cm.prior_log_odds[patient.setting]
    by_age = age_ratio(cm, patient.age)
    if by_age is not None:
        total += math.log(by_age[0])
    by_sex = sex_ratio(cm, patient.sex)
    if by_sex is not None:
        total += math.log(by_sex)
    return total


def condition_state(cm: ConditionModel, patient: Patient) -> ConditionState:
    gate = gate_open(cm, patient.evidence)
    weights = tuple(slot_choice(cm, i, patient.evidence, gate)[1] for i in range(len(cm.slots)))
    return ConditionState(demographic_log_odds(cm, patient) + sum(weights), gate, weights)


def log_odds_if(cm: ConditionModel, state: ConditionState, patient: Patient, finding: str, status: Status) -> float:
    """Log-odds of the condition if ``finding`` had ``status``, recomputing only what changes."""
    link = cm.links.get(finding)
    if link is None:
        return state.log_odds
    override = (finding, status)
    gate = state.gate_open or (status is Status.PRESENT and not link.imaging and link.ln_present > 0)
    changed = {cm.slot_of[finding]}
    if gate != state.gate_open:
        changed.update(cm.imaging_slots)
    total = state.log_odds
    for slot in changed:
        total += slot_choice(cm, slot, patient.evidence, gate, override)[1] - state.slot_weights[slot]
    return total


def explain(model: CompiledModel, cm: ConditionModel, patient: Patient) -> Posterior:
    """The posterior of one condition with every piece of evidence and whether it counted."""
    kb = model.knowledge
    gate = gate_open(cm, patient.evidence)
    chosen = {slot_choice(cm, i, patient.evidence, gate)[0] for i in range(len(cm.slots))}
    contributions: list[Contribution] = []
    for finding, link in cm.links.items():
        status = patient.evidence.get(finding)
        if status is None or status is Status.UNKNOWN:
            continue
        lk = link.likelihood
        present = status is Status.PRESENT
        ratio = lk.ratio_present if present else lk.ratio_absent
        weight = link.ln_present if present else link.ln_absent
        group = kb.group_of.get(finding)
        counted = finding in chosen
        note: str | None = None
        if not counted:
            if present and link.imaging and weight > 0 and not gate:
                note = "imaging without a matching clinical finding: not counted (imaging is evidence, not proof)"
            else:
                winner = next(m for m in cm.slots[cm.slot_of[finding]] if m in chosen)
                note = f"same evidence group as {winner} ({group}), which counts instead"
        contributions.append(
            Contribution(
                evidence=finding,
                value=status.value,
                likelihood_ratio=ratio,
                weight=weight if counted else 0.0,
                counted=counted,
                note=note,
                group=group,
                basis=lk.basis,
                sources=tuple(lk.sources),
            )
        )
    by_age = age_ratio(cm, patient.age)
    if by_age is not None and cm.age is not None:
        contributions.append(
            Contribution(
                "age",
                f"{patient.age} (band {by_age[1]})",
                by_age[0],
                math.log(by_age[0]),
                True,
                None,
                None,
                cm.age.basis,
                tuple(cm.age.sources),
            )
        )
    by_sex = sex_ratio(cm, patient.sex)
    if by_sex is not None and cm.sex is not None and patient.sex is not None:
        contributions.append(
            Contribution(
                "sex",
                patient.sex.value,
                by_sex,
                math.log(by_sex),
                True,
                None,
                None,
                cm.sex.basis,
                tuple(cm.sex.sources),
            )
        )
    contributions.sort(key=lambda c: (not c.counted, -abs(c.weight), -abs(math.log(c.likelihood_ratio)), c.evidence))
    log_odds = cm.prior_log_odds[patient.setting] + sum(c.weight for c in contributions)
    prior = kb.prior(patient.setting, cm.condition).probability
    return Posterior(cm.condition, prior, sigmoid(log_odds), log_odds, tuple(contributions))


def infer(model: CompiledModel, patient: Patient) -> tuple[Posterior, ...]:
    """Posterior of every condition, in knowledge-base order."""
    if patient.setting not in model.knowledge.settings:
        raise ValueError(f"unknown setting {patient.setting!r}")
    return tuple(explain(model, cm, patient) for cm in model.conditions)
