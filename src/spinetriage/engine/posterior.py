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
* A validated cluster (Cook 2010, Cook 2011) whose items are all known and whose
  count has a published likelihood ratio replaces its items: its ratio counts once,
  and every evidence group holding one of its findings (and the age ratio, when age
  is one of its items) is not counted again. A count without a published ratio
  (1 or 2 of 5 for Cook 2010) leaves the items counted one by one, and the
  explanation says so. The cluster's present items still count as clinical
  support for imaging (the rule above). See :mod:`spinetriage.engine.clusters`.

These rules make the result independent of the order of findings and leave the
prior untouched when nothing is known. A present finding that raises a condition
never lowers it, with one documented exception: a finding that completes a cluster
switches the condition from its items to the cluster's published ratio, which may
be lower than the items' product (Cook 2010's 30.9 for >= 3 of 5 can be).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from spinetriage.engine.clusters import ClusterReading, read_cluster
from spinetriage.engine.model import CompiledModel, ConditionModel, Link
from spinetriage.vocab import Basis, Sex, Status

Override = tuple[str, Status] | None
_PRESENT = Status.PRESENT
_UNKNOWN = Status.UNKNOWN
_PRESENT_TEXT = Status.PRESENT.value
_ABSENT_TEXT = Status.ABSENT.value
_Known = tuple[str, bool, Link]
"""A finding known for a condition: its id, whether it is present, its link."""
_Choice = tuple[bool, ClusterReading | None, frozenset[int], list[float], list[str | None], list[_Known]]
"""What :func:`_choose` decides: gate, cluster reading, absorbed slots, per slot the counted weight and
member, and the known links it read."""


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
    kind: str = "finding"


@dataclass(frozen=True, slots=True)
class Posterior:
    condition: str
    prior: float
    probability: float
    log_odds: float
    contributions: tuple[Contribution, ...]
    cluster: ClusterReading | None = None


@dataclass(frozen=True, slots=True)
class ConditionState:
    """Per-condition working state, reused to evaluate what-if answers cheaply."""

    log_odds: float
    gate_open: bool
    slot_weights: tuple[float, ...]
    cluster: ClusterReading | None = None
    absorbed: frozenset[int] = frozenset()
    slot_members: tuple[str | None, ...] = ()
    """The member counted in each slot (None: none), for ties when a what-if answer joins the slot."""


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
        status = override[1] if override is not None and override[0] == finding else evidence.get(finding)
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


def demographic_log_odds(cm: ConditionModel, patient: Patient, *, without_age: bool = False) -> float:
    total = cm.prior_log_odds[patient.setting]
    by_age = None if without_age else age_ratio(cm, patient.age)
    if by_age is not None:
        total += math.log(by_age[0])
    by_sex = sex_ratio(cm, patient.sex)
    if by_sex is not None:
        total += math.log(by_sex)
    return total


def cluster_reading(cm: ConditionModel, patient: Patient, override: Override = None) -> ClusterReading | None:
    """The condition's cluster read from the patient (None when it has no cluster)."""
    if cm.cluster is None:
        return None
    return read_cluster(cm.cluster, patient.evidence, patient.age, override)


def _known(cm: ConditionModel, evidence: Mapping[str, Status]) -> list[_Known]:
    """The condition's findings that are present or absent, in the order of the case or of the links.

    Walks the condition's links or the known findings, whichever is shorter (a case
    knows a few findings of many, a condition links a few of many).
    """
    links = cm.links
    if len(links) <= len(evidence):
        return [
            (f, s is _PRESENT, link)
            for f, link in links.items()
            if (s := evidence.get(f)) is not None and s is not _UNKNOWN
        ]
    return [
        (f, s is _PRESENT, links[f]) for f, s in evidence.items() if s is not None and s is not _UNKNOWN and f in links
    ]


def _choose(
    cm: ConditionModel, patient: Patient, override: Override = None, known: list[_Known] | None = None
) -> _Choice:
    """Gate, cluster reading, absorbed slots, per slot the counted weight and member, and the known links.

    The same choices as :func:`slot_choice`, ties to the member listed first.
    ``known`` is :func:`_known` of the patient's evidence when the caller has it already.
    """
    evidence: Mapping[str, Status] = patient.evidence
    if override is not None:
        evidence = {**evidence, override[0]: override[1]}
    if known is None or override is not None:
        known = _known(cm, evidence)
    gate = False
    for _, is_present, link in known:
        if is_present and not link.imaging and link.ln_present > 0:
            gate = True
            break
    reading = None if cm.cluster is None else read_cluster(cm.cluster, evidence, patient.age)
    applied = reading is not None and reading.applied
    absorbed = cm.cluster_slots if applied else frozenset()
    weights = [0.0] * len(cm.slots)
    members: list[str | None] = [None] * len(cm.slots)
    for finding, present, link in known:
        slot = cm.slot_of[finding]
        if slot in absorbed:
            continue
        weight = link.ln_present if present else link.ln_absent
        if present and link.imaging and weight > 0 and not gate:
            continue
        current = members[slot]
        if (
            current is None
            or abs(weight) > abs(weights[slot])
            or (abs(weight) == abs(weights[slot]) and cm.slots[slot].index(finding) < cm.slots[slot].index(current))
        ):
            members[slot], weights[slot] = finding, weight
    return gate, reading, absorbed, weights, members, known


def _state(cm: ConditionModel, patient: Patient, override: Override = None) -> ConditionState:
    return _state_of(cm, patient, _choose(cm, patient, override))


def _state_of(cm: ConditionModel, patient: Patient, choice: _Choice) -> ConditionState:
    gate, reading, absorbed, weights, members, _ = choice
    applied = reading is not None and reading.applied
    total = demographic_log_odds(cm, patient, without_age=applied and cm.cluster is not None and cm.cluster.uses_age)
    if applied:
        assert reading is not None and reading.band is not None
        total += math.log(reading.band.ratio)
    return ConditionState(total + sum(weights), gate, tuple(weights), reading, absorbed, tuple(members))


def condition_state(cm: ConditionModel, patient: Patient) -> ConditionState:
    return _state(cm, patient)


def log_odds_if(cm: ConditionModel, state: ConditionState, patient: Patient, finding: str, status: Status) -> float:
    """Log-odds of the condition if ``finding`` had ``status``, recomputing only what changes."""
    reading = state.cluster
    if (
        reading is not None
        and finding in reading.cluster.findings
        and (
            reading.applied
            or (
                _could_complete(reading, finding)
                and read_cluster(reading.cluster, patient.evidence, patient.age, (finding, status)).applied
            )
        )
    ):
        return _state(cm, patient, (finding, status)).log_odds  # the cluster switches or stays in use
    link = cm.links.get(finding)
    if link is None:
        return state.log_odds
    override = (finding, status)
    gate = state.gate_open or (status is Status.PRESENT and not link.imaging and link.ln_present > 0)
    slot = cm.slot_of[finding]
    if gate == state.gate_open or not cm.imaging_slots:  # only the finding's own slot can change
        if slot in state.absorbed:
            return state.log_odds
        if status is Status.PRESENT:
            weight = _slot_weights_if(cm, state, slot, patient.evidence, gate, link)[0]
        elif status is Status.ABSENT:
            weight = _slot_weights_if(cm, state, slot, patient.evidence, gate, link)[1]
        else:
            weight = slot_choice(cm, slot, patient.evidence, gate, override)[1]
        return state.log_odds + (weight - state.slot_weights[slot])
    changed = {slot}
    if gate != state.gate_open:
        changed.update(cm.imaging_slots)
    total = state.log_odds
    for slot in changed - state.absorbed:
        total += slot_choice(cm, slot, patient.evidence, gate, override)[1] - state.slot_weights[slot]
    return total


def log_odds_both_ways(
    cm: ConditionModel, state: ConditionState, patient: Patient, finding: str
) -> tuple[float, float]:
    """:func:`log_odds_if` for ``finding`` present and for it absent: the same figures, in one call.

    Ranking questions asks both of every unknown finding. Unless an answer could switch
    a cluster on or off or a present answer lets imaging count, each answer changes only
    the finding's own slot, and both come from the same few look-ups.
    """
    reading = state.cluster
    if (
        reading is not None
        and finding in reading.cluster.findings
        and (reading.applied or _could_complete(reading, finding))
    ):  # an answer may switch the cluster on or off: see log_odds_if
        return (
            log_odds_if(cm, state, patient, finding, Status.PRESENT),
            log_odds_if(cm, state, patient, finding, Status.ABSENT),
        )
    link = cm.links.get(finding)
    if link is None:
        return state.log_odds, state.log_odds
    slot = cm.slot_of[finding]
    gate = state.gate_open or (not link.imaging and link.ln_present > 0)  # as it would be if present
    opens_imaging = gate != state.gate_open and bool(cm.imaging_slots)  # present: imaging slots change too
    if slot in state.absorbed:
        if_present = log_odds_if(cm, state, patient, finding, Status.PRESENT) if opens_imaging else state.log_odds
        return if_present, state.log_odds
    held = state.slot_weights[slot]
    weight_present, weight_absent = _slot_weights_if(cm, state, slot, patient.evidence, gate, link)
    if_absent = state.log_odds + (weight_absent - held)
    if opens_imaging:
        return log_odds_if(cm, state, patient, finding, Status.PRESENT), if_absent
    return state.log_odds + (weight_present - held), if_absent


def _could_complete(reading: ClusterReading, finding: str) -> bool:
    """True when answering ``finding`` would leave no item of the cluster unknown."""
    resolvable = reading.cluster.items_of[finding]
    return all(item in resolvable for item in reading.unknown)


def _slot_weights_if(
    cm: ConditionModel, state: ConditionState, slot: int, evidence: Mapping[str, Status], gate: bool, link: Link
) -> tuple[float, float]:
    """:func:`slot_choice`'s weight for the slot of ``link``'s finding if it were present, and if absent.

    ``gate`` is the gate if present; the absent answer keeps the state's. The present
    weight holds only when the gate stays as it was or the condition has no imaging
    (the callers check). Needs no walk over the members when the finding is alone in
    its slot (most are), or when it is unknown so far: the other members then compete
    as they did in ``state``, and the finding joins the contest against their winner,
    ties going to the member listed first.
    """
    present, absent = link.ln_present, link.ln_absent
    present_counts = not (link.imaging and present > 0 and not gate)
    members = cm.slots[slot]
    if len(members) == 1:
        return (present if present_counts else 0.0), absent
    finding = link.finding
    if not state.slot_members or finding in evidence:
        return (
            slot_choice(cm, slot, evidence, gate, (finding, Status.PRESENT))[1],
            slot_choice(cm, slot, evidence, state.gate_open, (finding, Status.ABSENT))[1],
        )
    held, winner = state.slot_weights[slot], state.slot_members[slot]
    if winner is None:
        return (present if present_counts else held), absent
    first = members.index(finding) < members.index(winner)
    present_wins = present_counts and (abs(present) > abs(held) or (abs(present) == abs(held) and first))
    absent_wins = abs(absent) > abs(held) or (abs(absent) == abs(held) and first)
    return (present if present_wins else held), (absent if absent_wins else held)


def _short(reading: ClusterReading) -> str:
    """A cluster's short name for notes, e.g. 'Cook 2010 cluster'."""
    return reading.cluster.name.split(" clinical cluster")[0] + " cluster"


def _cluster_contribution(reading: ClusterReading) -> Contribution | None:
    """The cluster's own line in the explanation: applied, or scored but not applied."""
    band = reading.band
    if band is None or reading.count is None:
        return None
    n = len(reading.cluster.items)
    value = f"{reading.count} of {n} positive"
    if reading.applied:
        note = (
            f"{_short(reading)}, {band.label}: its published likelihood ratio is used instead of counting its "
            f"{n} items one by one"
        )
        weight = math.log(band.ratio)
    else:
        note = (
            f"{_short(reading)} scored but not applied: {value} has no published likelihood ratio, "
            "so its items are counted one by one instead"
        )
        weight = 0.0
    sources = band.sources or tuple(r[0] for r in reading.cluster.references)
    return Contribution(
        reading.cluster.instrument,
        value,
        band.ratio,
        weight,
        reading.applied,
        note,
        None,
        band.basis,
        sources,
        "cluster",
    )


def explain(model: CompiledModel, cm: ConditionModel, patient: Patient) -> Posterior:
    """The posterior of one condition with every piece of evidence and whether it counted."""
    known = _known(cm, patient.evidence)
    if not known and cm.cluster is None:
        return _uninformed(model, cm, patient)[0]
    return _explain(model, cm, patient, _choose(cm, patient, known=known))


def explain_with_state(model: CompiledModel, cm: ConditionModel, patient: Patient) -> tuple[Posterior, ConditionState]:
    """:func:`explain` and :func:`condition_state` from one pass over the findings (an assessment needs both)."""
    known = _known(cm, patient.evidence)
    if not known and cm.cluster is None:
        return _uninformed(model, cm, patient)
    choice = _choose(cm, patient, known=known)
    return _explain(model, cm, patient, choice), _state_of(cm, patient, choice)


def _uninformed(model: CompiledModel, cm: ConditionModel, patient: Patient) -> tuple[Posterior, ConditionState]:
    """Posterior and state of a condition with no cluster and none of its findings known.

    They depend on the setting, and on age and sex only where the condition has age or
    sex evidence, so they are worked out once per model and reused (frozen, so shared
    safely): most conditions of most cases have no finding known.
    """
    key = (
        cm.condition,
        patient.setting,
        None if cm.age is None else patient.age,
        None if cm.sex is None else patient.sex,
    )
    found = model.uninformed.get(key)
    if found is None:
        choice = _choose(cm, patient, known=[])
        found = model.uninformed[key] = (_explain(model, cm, patient, choice), _state_of(cm, patient, choice))
    return found


def _explain(model: CompiledModel, cm: ConditionModel, patient: Patient, choice: _Choice) -> Posterior:
    kb = model.knowledge
    gate, reading, absorbed, _, members, known = choice
    chosen = {m for m in members if m is not None} if known else set()
    contributions: list[Contribution] = []
    for finding, present, link in known:
        if finding in chosen:  # counted (so not in an absorbed slot), with no note
            contributions.append(_counted_line(model, cm.condition, finding, present, link))
            continue
        lk = link.likelihood
        ratio = lk.ratio_present if present else lk.ratio_absent
        weight = link.ln_present if present else link.ln_absent
        group = kb.group_of.get(finding)
        slot = cm.slot_of[finding]
        note: str | None = None
        if slot in absorbed:
            assert reading is not None and cm.cluster is not None
            if finding in cm.cluster.findings:
                note = f"counted through the {_short(reading)} (published likelihood ratio), not one by one"
            else:
                items = ", ".join(m for m in cm.slots[slot] if m in cm.cluster.findings)
                note = f"same evidence group as {items} ({group}), which the {_short(reading)} counts"
        elif present and link.imaging and weight > 0 and not gate:
            note = "imaging without a matching clinical finding: not counted (imaging is evidence, not proof)"
        else:
            winner = next(m for m in cm.slots[slot] if m in chosen)
            note = f"same evidence group as {winner} ({group}), which counts instead"
        contributions.append(
            Contribution(
                finding,
                _PRESENT_TEXT if present else _ABSENT_TEXT,
                ratio,
                0.0,
                False,
                note,
                group,
                lk.basis,
                tuple(lk.sources),
            )
        )
    if reading is not None:
        line = _cluster_contribution(reading)
        if line is not None:
            contributions.append(line)
    for line in (_age_line(model, cm, patient, reading), _sex_line(model, cm, patient)):
        if line is not None:
            contributions.append(line)
    if len(contributions) > 1:
        contributions.sort(key=_explanation_order)
    log_odds = cm.prior_log_odds[patient.setting] + sum(c.weight for c in contributions)
    prior = kb.prior(patient.setting, cm.condition).probability
    return Posterior(cm.condition, prior, sigmoid(log_odds), log_odds, tuple(contributions), reading)


def _counted_line(model: CompiledModel, condition: str, finding: str, present: bool, link: Link) -> Contribution:
    """The line of a finding that counts, with no note: built once per model (most lines are these)."""
    key = (condition, finding, None, present)
    line = model.lines.get(key)
    if line is None:
        lk = link.likelihood
        line = model.lines[key] = Contribution(
            finding,
            _PRESENT_TEXT if present else _ABSENT_TEXT,
            lk.ratio_present if present else lk.ratio_absent,
            link.ln_present if present else link.ln_absent,
            True,
            None,
            model.knowledge.group_of.get(finding),
            lk.basis,
            tuple(lk.sources),
        )
    return line


def _age_line(
    model: CompiledModel, cm: ConditionModel, patient: Patient, reading: ClusterReading | None
) -> Contribution | None:
    """The age line, where the condition has age evidence and the age falls in a band (built once per age)."""
    if cm.age is None or patient.age is None:
        return None
    in_cluster = reading is not None and reading.applied and reading.cluster.uses_age
    key = (cm.condition, "age", patient.age, not in_cluster)
    line = model.lines.get(key)
    if line is None:
        by_age = age_ratio(cm, patient.age)
        if by_age is None:
            return None
        note = None
        if in_cluster:
            assert reading is not None
            note = f"age is an item of the {_short(reading)}, counted there"
        line = model.lines[key] = Contribution(
            "age",
            f"{patient.age} (band {by_age[1]})",
            by_age[0],
            0.0 if in_cluster else math.log(by_age[0]),
            not in_cluster,
            note,
            None,
            cm.age.basis,
            tuple(cm.age.sources),
            "age",
        )
    return line


def _sex_line(model: CompiledModel, cm: ConditionModel, patient: Patient) -> Contribution | None:
    """The sex line, where the condition has sex evidence for the patient's sex (built once per sex)."""
    if cm.sex is None or patient.sex is None:
        return None
    key = (cm.condition, "sex", patient.sex.value, True)
    line = model.lines.get(key)
    if line is None:
        by_sex = sex_ratio(cm, patient.sex)
        if by_sex is None:
            return None
        line = model.lines[key] = Contribution(
            "sex",
            patient.sex.value,
            by_sex,
            math.log(by_sex),
            True,
            None,
            None,
            cm.sex.basis,
            tuple(cm.sex.sources),
            "sex",
        )
    return line


def _explanation_order(c: Contribution) -> tuple[bool, float, float, str]:
    """Counted evidence first, the strongest first, then by name."""
    return (not c.counted, -abs(c.weight), -abs(math.log(c.likelihood_ratio)), c.evidence)


def infer(model: CompiledModel, patient: Patient) -> tuple[Posterior, ...]:
    """Posterior of every condition, in knowledge-base order."""
    if patient.setting not in model.knowledge.settings:
        raise ValueError(f"unknown setting {patient.setting!r}")
    return tuple(explain(model, cm, patient) for cm in model.conditions)
