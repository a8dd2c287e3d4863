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

from spinetriage.assessment.origin import (
    OriginValues,
    family_probabilities,
    origin_values,
    values_distance,
)
from spinetriage.engine.model import CompiledModel, ConditionModel
from spinetriage.engine.posterior import ConditionState, Patient, log_odds_both_ways, sigmoid
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.vocab import FindingKind, OriginFamily

_ORIGIN_FAMILIES = (
    OriginFamily.CERVICAL,
    OriginFamily.LUMBAR_SPECIFIC,
    OriginFamily.LUMBAR_NONSPECIFIC,
    OriginFamily.OTHER,
)
"""The families that form the origin, in the argument order of :func:`origin_values`."""


class Impact(NamedTuple):
    """One unknown finding's reach; ``present``/``absent`` are the origin values (``ORIGINS`` order) if it were so."""

    finding: str
    impact: float
    condition_change: float
    present: OriginValues
    absent: OriginValues


def rank_unknown_findings(
    model: CompiledModel,
    patient: Patient,
    states: tuple[ConditionState, ...],
    probabilities: Mapping[str, float],
    kinds: Collection[FindingKind] | None = None,
) -> list[Impact]:
    """Every unknown finding with evidence in the model (of ``kinds``, default all), most impactful first."""
    kb = model.knowledge
    families = family_probabilities(kb, probabilities)
    fam = tuple(families[f] for f in _ORIGIN_FAMILIES)
    current = origin_values(*fam)
    start = [1.0 - p for p in fam]
    old_of = [probabilities[cm.condition] for cm in model.conditions]
    evidence = patient.evidence
    rows = []
    for finding, targets in _targets(model).items():
        if finding in evidence or (kinds is not None and kb.findings[finding].kind not in kinds):
            continue
        yes = start.copy()
        no = start.copy()
        biggest = 0.0
        for index, cm, family in targets:
            old = old_of[index]
            log_odds_yes, log_odds_no = log_odds_both_ways(cm, states[index], patient, finding)
            new_yes = sigmoid(log_odds_yes)
            new_no = sigmoid(log_odds_no)
            biggest = max(biggest, abs(new_yes - old), abs(new_no - old))
            if family is None:  # speaks for no origin: only the condition change counts
                continue
            if old < 1.0:
                yes[family] = yes[family] / (1.0 - old) * (1.0 - new_yes)
                no[family] = no[family] / (1.0 - old) * (1.0 - new_no)
            else:  # no division by 0: the product of the rest of the family
                rest = _rest_of_family(kb, probabilities, cm.condition)
                yes[family] = rest * (1.0 - new_yes)
                no[family] = rest * (1.0 - new_no)
        if_present = origin_values(1.0 - yes[0], 1.0 - yes[1], 1.0 - yes[2], 1.0 - yes[3])
        if_absent = origin_values(1.0 - no[0], 1.0 - no[1], 1.0 - no[2], 1.0 - no[3])
        impact = max(values_distance(current, if_present), values_distance(current, if_absent))
        rows.append(Impact(finding, impact, biggest, if_present, if_absent))
    rows.sort(key=lambda i: (-round(i.impact, 12), -round(i.condition_change, 12), i.finding))
    return rows


_Target = tuple[int, ConditionModel, int | None]
"""A condition a finding bears on: its index, its model, its family's position in ``_ORIGIN_FAMILIES``."""
_TARGETS: dict[tuple[str, tuple[str, ...]], dict[str, tuple[_Target, ...]]] = {}


def _targets(model: CompiledModel) -> dict[str, tuple[_Target, ...]]:
    """Per finding, the conditions it bears on (:func:`_bearing`), ready for the what-if loop."""
    key = (model.version, tuple(c.instrument for c in model.clusters))
    if key not in _TARGETS:
        position = {family: i for i, family in enumerate(_ORIGIN_FAMILIES)}
        kb = model.knowledge
        family_of = [position.get(kb.conditions[cm.condition].origin_family) for cm in model.conditions]
        _TARGETS[key] = {
            finding: tuple((i, model.conditions[i], family_of[i]) for i in indices)
            for finding, indices in _bearing(model).items()
        }
    return _TARGETS[key]


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


def _rest_of_family(kb: KnowledgeBase, probabilities: Mapping[str, float], condition: str) -> float:
    """The product of (1 - p) over the rest of a condition's family, for when its own p is 1 (no division)."""
    family = kb.conditions[condition].origin_family
    rest = 1.0
    for other_id, other in kb.conditions.items():
        if other.origin_family is family and other_id != condition:
            rest *= 1.0 - probabilities[other_id]
    return rest
