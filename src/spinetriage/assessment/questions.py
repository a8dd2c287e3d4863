"""Which unanswered findings would move the answer most.

For every finding that bears on some condition and is not yet known, the origin
distribution is recomputed as if the finding were present and as if it were absent;
its *impact* is the larger of the two total-variation distances from the current
distribution. This asks "how far could this answer move the verdict?", which needs
no joint predictive model (the engine models each condition separately, so there is
no single predictive probability for a finding). Ties are broken by the largest
change of any single condition's probability, then by identifier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from spinetriage.assessment.origin import family_probabilities, origin_from_families, total_variation
from spinetriage.engine.model import CompiledModel
from spinetriage.engine.posterior import ConditionState, Patient, log_odds_if, sigmoid
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.vocab import Origin, OriginFamily, Status


@dataclass(frozen=True, slots=True)
class Impact:
    finding: str
    impact: float
    condition_change: float
    if_present: dict[Origin, float]
    if_absent: dict[Origin, float]


def rank_unknown_findings(
    model: CompiledModel,
    patient: Patient,
    states: tuple[ConditionState, ...],
    probabilities: Mapping[str, float],
) -> list[Impact]:
    """Every unknown finding with evidence in the model, most impactful first."""
    kb = model.knowledge
    families = family_probabilities(kb, probabilities)
    current = origin_from_families(families)
    family_of = [kb.conditions[cm.condition].origin_family for cm in model.conditions]
    ranked: list[Impact] = []
    for finding, indices in _bearing(model).items():
        if finding in patient.evidence:
            continue
        outcomes: dict[Status, dict[Origin, float]] = {}
        biggest = 0.0
        for status in (Status.PRESENT, Status.ABSENT):
            absent = {f: 1.0 - p for f, p in families.items()}
            for index in indices:
                cm = model.conditions[index]
                old = probabilities[cm.condition]
                new = sigmoid(log_odds_if(cm, states[index], patient, finding, status))
                biggest = max(biggest, abs(new - old))
                family = family_of[index]
                absent[family] = _replace_factor(absent[family], old, new, kb, probabilities, family, cm.condition)
            outcomes[status] = origin_from_families({f: 1.0 - a for f, a in absent.items()})
        impact = max(total_variation(current, outcomes[s]) for s in outcomes)
        ranked.append(Impact(finding, impact, biggest, outcomes[Status.PRESENT], outcomes[Status.ABSENT]))
    ranked.sort(key=lambda i: (-round(i.impact, 12), -round(i.condition_change, 12), i.finding))
    return ranked


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


def _replace_factor(
    product: float,
    old: float,
    new: float,
    kb: KnowledgeBase,
    probabilities: Mapping[str, float],
    family: OriginFamily,
    condition: str,
) -> float:
    """Swap one condition's (1 - p) inside a family's product, recomputing if it was 0."""
    if old < 1.0:
        return product / (1.0 - old) * (1.0 - new)
    rest = 1.0
    for other_id, other in kb.conditions.items():
        if other.origin_family is family and other_id != condition:
            rest *= 1.0 - probabilities[other_id]
    return rest * (1.0 - new)
