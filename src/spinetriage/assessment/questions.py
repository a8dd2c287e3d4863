"""Which unanswered findings would move the answer most.

For every finding that bears on some condition and is not yet known, the origin
distribution is recomputed as if the finding were present and as if it were absent;
its *impact* is the larger of the two total-variation distances from the current
distribution. This asks "how far could this answer move the verdict?", which needs
no joint predictive model (the engine models each condition separately, so there is
no single predictive probability for a finding). Ties are broken by the largest
change of any single condition's probability, then by identifier.

Every assessment evaluates two what-ifs for each of some forty findings, so the loop
works on plain floats (family products indexed by position, origins as tuples) and
builds dictionaries only for the questions shown. The arithmetic is the same, in the
same order, as :func:`~spinetriage.assessment.origin.family_probabilities` and
:func:`~spinetriage.assessment.origin.origin_from_families` would do it, so the
figures are identical to the last bit.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import NamedTuple

from spinetriage.assessment.origin import ORIGINS, family_probabilities, origin_values, values_distance
from spinetriage.engine.model import CompiledModel
from spinetriage.engine.posterior import ConditionState, Patient, log_odds_if, sigmoid
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.vocab import FindingKind, Origin, OriginFamily, Status

_ORIGIN_FAMILIES = (
    OriginFamily.CERVICAL,
    OriginFamily.LUMBAR_SPECIFIC,
    OriginFamily.LUMBAR_NONSPECIFIC,
    OriginFamily.OTHER,
)
"""The families that form the origin, in the argument order of :func:`origin_values`."""


class Impact(NamedTuple):
    """One unknown finding's reach; ``present``/``absent`` are origin values in ``ORIGINS`` order."""

    finding: str
    impact: float
    condition_change: float
    present: tuple[float, ...]
    absent: tuple[float, ...]

    @property
    def if_present(self) -> dict[Origin, float]:
        return dict(zip(ORIGINS, self.present, strict=True))

    @property
    def if_absent(self) -> dict[Origin, float]:
        return dict(zip(ORIGINS, self.absent, strict=True))


def rank_unknown_findings(
    model: CompiledModel,
    patient: Patient,
    states: tuple[ConditionState, ...],
    probabilities: Mapping[str, float],
    kinds: Collection[FindingKind] | None = None,
) -> list[Impact]:
    """Every unknown finding with evidence in the model (of ``kinds``, default all), most impactful first."""
    kb = model.knowledge
    conditions = model.conditions
    family_of = _family_index(model)
    families = family_probabilities(kb, probabilities)
    fam = tuple(families[f] for f in _ORIGIN_FAMILIES)
    current = origin_values(*fam)
    start = tuple(1.0 - p for p in fam)
    old_of = [probabilities[cm.condition] for cm in conditions]
    evidence = patient.evidence
    rows = []
    for finding, indices in _bearing(model).items():
        if finding in evidence or (kinds is not None and kb.findings[finding].kind not in kinds):
            continue
        outcomes = []
        biggest = 0.0
        for status in (Status.PRESENT, Status.ABSENT):
            absent = list(start)
            for index in indices:
                cm = conditions[index]
                old = old_of[index]
                new = sigmoid(log_odds_if(cm, states[index], patient, finding, status))
                change = abs(new - old)
                if change > biggest:
                    biggest = change
                family = family_of[index]
                if family is None:  # speaks for no origin: only the condition change counts
                    continue
                if old < 1.0:
                    absent[family] = absent[family] / (1.0 - old) * (1.0 - new)
                else:
                    absent[family] = _rest_of_family(kb, probabilities, cm.condition) * (1.0 - new)
            outcomes.append(origin_values(1.0 - absent[0], 1.0 - absent[1], 1.0 - absent[2], 1.0 - absent[3]))
        present_values, absent_values = outcomes
        impact = max(values_distance(current, present_values), values_distance(current, absent_values))
        rows.append(Impact(finding, impact, biggest, present_values, absent_values))
    rows.sort(key=lambda i: (-round(i.impact, 12), -round(i.condition_change, 12), i.finding))
    return rows


_BEARING: dict[tuple[str, tuple[str, ...]], dict[str, tuple[int, ...]]] = {}


def _bearing(model: CompiledModel) -> dict[str, tuple[int, ...]]:
    """Conditions each finding bears on: its links, plus the condition of any cluster that reads it."""
    if not model.clusters:
        return model.conditions_of_finding
    key = (model.version, tuple(c.instrument for c in model.clusters))
    if key not in _BEARING:
        bearing = {f: list(ix) for f, ix in model.conditions_of_finding.items()}
        for index, cm in enumerate(model.conditions):
            if cm.cluster is not None:
                for finding in sorted(cm.cluster.findings):
                    if index not in bearing.setdefault(finding, []):
                        bearing[finding].append(index)
        _BEARING[key] = {f: tuple(ix) for f, ix in bearing.items()}
    return _BEARING[key]


_FAMILY_INDEX: dict[str, tuple[int | None, ...]] = {}


def _family_index(model: CompiledModel) -> tuple[int | None, ...]:
    """Per condition (model order), its family's position in ``_ORIGIN_FAMILIES``, or None for no origin."""
    if model.version not in _FAMILY_INDEX:
        position = {family: i for i, family in enumerate(_ORIGIN_FAMILIES)}
        kb = model.knowledge
        _FAMILY_INDEX[model.version] = tuple(
            position.get(kb.conditions[cm.condition].origin_family) for cm in model.conditions
        )
    return _FAMILY_INDEX[model.version]


def _rest_of_family(kb: KnowledgeBase, probabilities: Mapping[str, float], condition: str) -> float:
    """The product of (1 - p) over the rest of a condition's family, for when its own p is 1 (no division)."""
    family = kb.conditions[condition].origin_family
    rest = 1.0
    for other_id, other in kb.conditions.items():
        if other.origin_family is family and other_id != condition:
            rest *= 1.0 - probabilities[other_id]
    return rest
