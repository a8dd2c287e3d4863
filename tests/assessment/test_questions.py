"""Ranking unknown findings by how far their answer could move the origin."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinetriage.assessment.origin import (
    ORIGINS,
    origin_from_families,
    origin_probabilities,
    origin_values,
    total_variation,
    values_distance,
)
from spinetriage.assessment.questions import Impact, rank_unknown_findings, top_unknown_findings
from spinetriage.engine.model import CompiledModel
from spinetriage.engine.posterior import Patient, condition_state, infer
from spinetriage.vocab import FindingKind, OriginFamily, Status

from ..engine.strategies import cluster_patients, patients

UNIT = st.floats(min_value=0.0, max_value=1.0)


def ranked(model: CompiledModel, patient: Patient, kinds: set[FindingKind] | None = None) -> list[Impact]:
    states = tuple(condition_state(cm, patient) for cm in model.conditions)
    probabilities = {p.condition: p.probability for p in infer(model, patient)}
    return rank_unknown_findings(model, patient, states, probabilities, kinds)


@settings(max_examples=150)
@given(patients() | cluster_patients(), st.integers(min_value=0, max_value=8), st.integers(min_value=0, max_value=8))
def test_top_findings_are_the_head_of_the_full_ranking(
    model: CompiledModel, patient: Patient, exams: int, questions: int
) -> None:
    limits = {FindingKind.EXAM: exams, FindingKind.HISTORY: questions}
    states = tuple(condition_state(cm, patient) for cm in model.conditions)
    probabilities = {p.condition: p.probability for p in infer(model, patient)}
    everything = rank_unknown_findings(model, patient, states, probabilities)
    top = top_unknown_findings(model, patient, states, probabilities, limits)
    for kind, limit in limits.items():
        expected = [i for i in everything if model.knowledge.findings[i.finding].kind is kind and i.impact > 0]
        assert top[kind] == expected[:limit]


@settings(max_examples=50)
@given(patients())
def test_ranking_some_kinds_keeps_the_order_of_ranking_all(model: CompiledModel, patient: Patient) -> None:
    kinds = {FindingKind.EXAM, FindingKind.IMAGING}
    everything = ranked(model, patient)
    assert ranked(model, patient, kinds) == [i for i in everything if model.knowledge.findings[i.finding].kind in kinds]
    assert {i.finding for i in everything}.isdisjoint(patient.evidence)


@settings(max_examples=60)
@given(patients(max_findings=10) | cluster_patients(max_findings=5))
def test_an_impact_is_the_origin_a_full_inference_with_the_answer_gives(model: CompiledModel, patient: Patient) -> None:
    kb = model.knowledge
    before = origin_probabilities(kb, {p.condition: p.probability for p in infer(model, patient)})
    for row in ranked(model, patient)[:6]:
        moved = []
        for status, values in ((Status.PRESENT, row.present), (Status.ABSENT, row.absent)):
            answered = Patient({**patient.evidence, row.finding: status}, patient.setting, patient.age, patient.sex)
            after = origin_probabilities(kb, {p.condition: p.probability for p in infer(model, answered)})
            assert values == pytest.approx(tuple(after[o] for o in ORIGINS), abs=1e-12)
            moved.append(total_variation(before, after))
        assert row.impact == pytest.approx(max(moved), abs=1e-12)


def test_the_most_telling_unknown_sign_comes_first(model: CompiledModel) -> None:
    # Gait, hands and neck pain point at myelopathy: Hoffmann's sign (LR+ 2.6 for DCM) would
    # move the origin far more than, say, a history of cancer.
    findings = {"gait_disturbance": Status.PRESENT, "hand_clumsiness": Status.PRESENT, "neck_pain": Status.PRESENT}
    rows = ranked(model, Patient(findings, "primary_care", 64))
    order = [r.finding for r in rows]
    assert order.index("hoffmann_sign") < order.index("history_of_cancer")
    impacts = [round(r.impact, 12) for r in rows]  # rounded: a difference of 1e-16 is a tie
    assert impacts == sorted(impacts, reverse=True)


@given(UNIT, UNIT, UNIT, UNIT)
def test_origin_values_are_origin_from_families_to_the_last_bit(c: float, s: float, n: float, o: float) -> None:
    families = {
        OriginFamily.CERVICAL: c,
        OriginFamily.LUMBAR_SPECIFIC: s,
        OriginFamily.LUMBAR_NONSPECIFIC: n,
        OriginFamily.OTHER: o,
    }
    assert tuple(origin_from_families(families).values()) == origin_values(c, s, n, o)
    assert list(origin_from_families(families)) == list(ORIGINS)


FAMILIES = st.tuples(UNIT, UNIT, UNIT, UNIT)


@given(FAMILIES, FAMILIES)
def test_values_distance_is_total_variation_to_the_last_bit(
    first: tuple[float, float, float, float], second: tuple[float, float, float, float]
) -> None:
    a, b = origin_values(*first), origin_values(*second)
    assert values_distance(a, b) == total_variation(
        dict(zip(ORIGINS, a, strict=True)), dict(zip(ORIGINS, b, strict=True))
    )
