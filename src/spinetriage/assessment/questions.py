"""Which unanswered findings would move the answer most.

For every finding that bears on some condition and is not yet known, the origin
distribution is recomputed as if the finding were present and as if it were absent;
its *impact* is the larger of the two total-variation distances from the current
distribution. This asks "how far could this answer move the verdict?", which needs
no joint predictive model (the engine models each condition separately, so there is
no single predictive probability for a finding). Ties are broken by the largest
change of any single condition's probability, then by identifier.

Every assessment asks both answers of some forty findings, so the loop works on plain
floats (family products indexed by position, origins as tuples), and an assessment,
which shows only the first few of each kind, works out the origin only for findings
that can reach them (:func:`top_unknown_findings`). The arithmetic is the same, in
the same order, as :func:`~spinetriage.assessment.origin.family_probabilities` and
:func:`~spinetriage.assessment.origin.origin_from_families` would do it, so the
figures are identical to the last bit.
"""

from __future__ import annotations

import bisect
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
    origin = _Origin(model.knowledge, probabilities)
    rows = []
    for kind, targets in _targets(model).items():
        if kinds is None or kind in kinds:
            rows += [origin.impact(answers) for answers in _answers(targets, patient, states, probabilities)]
    rows.sort(key=_rank_order)
    return rows


def top_unknown_findings(
    model: CompiledModel,
    patient: Patient,
    states: tuple[ConditionState, ...],
    probabilities: Mapping[str, float],
    limits: Mapping[FindingKind, int],
) -> dict[FindingKind, list[Impact]]:
    """Per kind, its first ``limit`` findings of :func:`rank_unknown_findings` with an impact above 0.

    The same list, without working out the origin of findings that cannot reach it:
    a finding's impact is at most the sum of its conditions' probability changes
    (total variation shrinks through the origin formula, and a family's probability
    moves by no more than its conditions' do), so once the next finding's bound is
    below the last kept impact, no later finding can enter. The margin keeps the test
    far above rounding error.
    """
    origin = _Origin(model.knowledge, probabilities)
    by_kind = _targets(model)
    top: dict[FindingKind, list[Impact]] = {}
    for kind, limit in limits.items():
        waiting = _answers(by_kind.get(kind, {}), patient, states, probabilities)
        kept: list[tuple[tuple[float, float, str], Impact]] = []  # (rank order, row), best first
        for answers in sorted(waiting, key=lambda a: -a[1]):
            if limit <= 0 or (len(kept) == limit and answers[1] < kept[-1][1].impact - _BOUND_MARGIN):
                break
            row = origin.impact(answers)
            if row.impact > 0:
                bisect.insort(kept, (_rank_order(row), row))
                del kept[limit:]
        top[kind] = [row for _, row in kept]
    return top


_BOUND_MARGIN = 1e-9
"""How far below the last kept impact a bound must be to stop (rounding error is near 1e-15)."""


def _rank_order(row: Impact) -> tuple[float, float, str]:
    """Largest impact first, then the largest change of one condition, then by identifier."""
    return (-round(row.impact, 12), -round(row.condition_change, 12), row.finding)


_Move = tuple[str, int, float, float, float]
"""One condition an answer moves: its id, its family's position, p now, p if present, p if absent."""
_Answers = tuple[str, float, float, list[_Move]]
"""A finding, the bound on its impact, the largest change of one condition, and its moves."""


def _answers(
    targets: Mapping[str, tuple[_Target, ...]],
    patient: Patient,
    states: tuple[ConditionState, ...],
    probabilities: Mapping[str, float],
) -> list[_Answers]:
    """For each unknown finding of ``targets``: what each answer does to each condition it bears on."""
    evidence = patient.evidence
    found = []
    for finding, conditions in targets.items():
        if finding in evidence:
            continue
        moves: list[_Move] = []
        biggest = reach_yes = reach_no = 0.0
        for index, cm, family in conditions:
            old = probabilities[cm.condition]
            log_odds_yes, log_odds_no = log_odds_both_ways(cm, states[index], patient, finding)
            new_yes = sigmoid(log_odds_yes)
            new_no = sigmoid(log_odds_no)
            change_yes = abs(new_yes - old)
            change_no = abs(new_no - old)
            if change_yes > biggest:
                biggest = change_yes
            if change_no > biggest:
                biggest = change_no
            if family is not None:  # a condition of no origin family changes only ``biggest``
                moves.append((cm.condition, family, old, new_yes, new_no))
                reach_yes += change_yes
                reach_no += change_no
        found.append((finding, max(reach_yes, reach_no), biggest, moves))
    return found


class _Origin:
    """The current origin, and the origin after one finding's answers, from the family products."""

    def __init__(self, kb: KnowledgeBase, probabilities: Mapping[str, float]) -> None:
        families = family_probabilities(kb, probabilities)
        fam = tuple(families[f] for f in _ORIGIN_FAMILIES)
        self.kb = kb
        self.probabilities = probabilities
        self.current = origin_values(*fam)
        self.start = [1.0 - p for p in fam]

    def impact(self, answers: _Answers) -> Impact:
        finding, _, biggest, moves = answers
        yes = self.start.copy()
        no = self.start.copy()
        for condition, family, old, new_yes, new_no in moves:
            if old < 1.0:
                yes[family] = yes[family] / (1.0 - old) * (1.0 - new_yes)
                no[family] = no[family] / (1.0 - old) * (1.0 - new_no)
            else:  # no division by 0: the product of the rest of the family
                rest = _rest_of_family(self.kb, self.probabilities, condition)
                yes[family] = rest * (1.0 - new_yes)
                no[family] = rest * (1.0 - new_no)
        if_present = origin_values(1.0 - yes[0], 1.0 - yes[1], 1.0 - yes[2], 1.0 - yes[3])
        if_absent = origin_values(1.0 - no[0], 1.0 - no[1], 1.0 - no[2], 1.0 - no[3])
        impact = max(values_distance(self.current, if_present), values_distance(self.current, if_absent))
        return Impact(finding, impact, biggest, if_present, if_absent)


_Target = tuple[int, ConditionModel, int | None]
"""A condition a finding bears on: its index, its model, its family's position in ``_ORIGIN_FAMILIES``."""
_TARGETS: dict[tuple[str, tuple[str, ...]], dict[FindingKind, dict[str, tuple[_Target, ...]]]] = {}


def _targets(model: CompiledModel) -> dict[FindingKind, dict[str, tuple[_Target, ...]]]:
    """By kind, then by finding, the conditions it bears on (``model.bearing``), ready for the what-if loop."""
    key = (model.version, tuple(c.instrument for c in model.clusters))
    if key not in _TARGETS:
        position = {family: i for i, family in enumerate(_ORIGIN_FAMILIES)}
        kb = model.knowledge
        family_of = [position.get(kb.conditions[cm.condition].origin_family) for cm in model.conditions]
        by_kind: dict[FindingKind, dict[str, tuple[_Target, ...]]] = {}
        for finding, indices in model.bearing.items():
            targets = tuple((i, model.conditions[i], family_of[i]) for i in indices)
            by_kind.setdefault(kb.findings[finding].kind, {})[finding] = targets
        _TARGETS[key] = by_kind
    return _TARGETS[key]


def _rest_of_family(kb: KnowledgeBase, probabilities: Mapping[str, float], condition: str) -> float:
    """The product of (1 - p) over the rest of a condition's family, for when its own p is 1 (no division)."""
    family = kb.conditions[condition].origin_family
    rest = 1.0
    for other_id, other in kb.conditions.items():
        if other.origin_family is family and other_id != condition:
            rest *= 1.0 - probabilities[other_id]
    return rest
