"""The engine obeys the laws of probability and the documented counting rules."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinetriage.engine.model import CompiledModel
from spinetriage.engine.posterior import Patient, Posterior, condition_state, explain, explain_with_state, infer
from spinetriage.knowledge import KnowledgeBase
from spinetriage.vocab import Sex, Status

from .checks import assert_what_if_equals_full_recomputation
from .strategies import LINKED, patients

P, A = Status.PRESENT, Status.ABSENT
DCM = "degenerative_cervical_myelopathy"


def posterior(model: CompiledModel, patient: Patient, condition: str) -> Posterior:
    return next(p for p in infer(model, patient) if p.condition == condition)


def test_worked_case_multiplies_prior_odds_by_each_ratio(model: CompiledModel, kb: KnowledgeBase) -> None:
    patient = Patient({"babinski_sign": P, "hand_clumsiness": P, "neck_pain": A}, "primary_care")
    prior = kb.prior("primary_care", DCM).probability
    odds = prior / (1 - prior) * (0.33 / 0.01) * (0.5 / 0.1) * ((1 - 0.51) / 0.73)
    result = posterior(model, patient, DCM)
    assert result.probability == pytest.approx(odds / (1 + odds), rel=1e-12)
    assert [c.evidence for c in result.contributions] == ["babinski_sign", "hand_clumsiness", "neck_pain"]
    assert all(c.sources for c in result.contributions)


@given(st.sampled_from(["primary_care", "spine_clinic"]))
def test_nothing_known_gives_the_prior(model: CompiledModel, kb: KnowledgeBase, setting: str) -> None:
    for result in infer(model, Patient({}, setting)):
        assert result.probability == pytest.approx(kb.prior(setting, result.condition).probability, rel=1e-12)
        assert result.contributions == ()


@settings(max_examples=150)
@given(patients())
def test_probabilities_stay_in_the_unit_interval(model: CompiledModel, patient: Patient) -> None:
    for result in infer(model, patient):
        assert 0.0 <= result.probability <= 1.0
        assert math.isfinite(result.log_odds)


@settings(max_examples=100)
@given(patients(), st.randoms())
def test_order_of_findings_does_not_matter(model: CompiledModel, patient: Patient, rnd: object) -> None:
    items = list(patient.evidence.items())
    rnd.shuffle(items)  # type: ignore[attr-defined]
    shuffled = Patient(dict(items), patient.setting, patient.age, patient.sex)
    assert [r.probability for r in infer(model, patient)] == [r.probability for r in infer(model, shuffled)]


@settings(max_examples=200)
@given(patients(), st.sampled_from(LINKED))
def test_a_present_finding_that_favours_a_condition_never_lowers_it(
    model: CompiledModel, patient: Patient, finding: str
) -> None:
    evidence = {k: v for k, v in patient.evidence.items() if k != finding}
    before = Patient(evidence, patient.setting, patient.age, patient.sex)
    after = Patient({**evidence, finding: P}, patient.setting, patient.age, patient.sex)
    for cm, b, a in zip(model.conditions, infer(model, before), infer(model, after), strict=True):
        if finding in cm.cluster_sensitive:
            continue  # the documented cluster exception: tests/engine/test_clusters.py
        link = cm.links.get(finding)
        if link is not None and link.ln_present > 0:
            assert a.probability >= b.probability - 1e-15, cm.condition
        if link is None:
            assert a.probability == b.probability


@settings(max_examples=200)
@given(patients(), st.sampled_from(LINKED), st.sampled_from([P, A]))
def test_what_if_shortcut_equals_full_recomputation(
    model: CompiledModel, patient: Patient, finding: str, status: Status
) -> None:
    assert_what_if_equals_full_recomputation(model, patient, finding, status)


@settings(max_examples=100)
@given(patients())
def test_explain_with_state_is_explain_and_condition_state(model: CompiledModel, patient: Patient) -> None:
    for cm in model.conditions:
        assert explain_with_state(model, cm, patient) == (explain(model, cm, patient), condition_state(cm, patient))


@settings(max_examples=100)
@given(patients(max_findings=6), patients(max_findings=6))
def test_remembered_posteriors_are_the_ones_worked_out_afresh(
    model: CompiledModel, first: Patient, second: Patient
) -> None:
    warm = dataclasses.replace(model)  # a model with its own, empty memo
    infer(warm, first)
    assert infer(warm, second) == infer(dataclasses.replace(model), second)
    assert warm.uninformed  # the first patient left conditions with nothing known


def test_a_likelihood_ratio_of_one_changes_nothing(model: CompiledModel) -> None:
    # Lhermitte: sensitivity 3%, specificity 97% -> LR 1 either way (jss2024).
    without = posterior(model, Patient({}, "primary_care"), DCM)
    for status in (P, A):
        with_sign = posterior(model, Patient({"lhermitte_sign": status}, "primary_care"), DCM)
        assert with_sign.probability == pytest.approx(without.probability, rel=1e-12)


def test_correlated_signs_are_not_multiplied(model: CompiledModel) -> None:
    clonus_only = posterior(model, Patient({"clonus": P}, "primary_care"), DCM)
    both = posterior(model, Patient({"clonus": P, "hyperreflexia_lower": P}, "primary_care"), DCM)
    assert both.probability == pytest.approx(clonus_only.probability)
    hyper = next(c for c in both.contributions if c.evidence == "hyperreflexia_lower")
    assert not hyper.counted and hyper.weight == 0 and "clonus" in (hyper.note or "")


def test_imaging_alone_does_not_raise_a_condition(model: CompiledModel, kb: KnowledgeBase) -> None:
    alone = posterior(model, Patient({"cord_t2_signal_change": P}, "spine_clinic"), DCM)
    assert alone.probability == pytest.approx(kb.prior("spine_clinic", DCM).probability)
    assert "imaging" in (alone.contributions[0].note or "")
    with_clinic = posterior(model, Patient({"cord_t2_signal_change": P, "hoffmann_sign": P}, "spine_clinic"), DCM)
    hoffmann_only = posterior(model, Patient({"hoffmann_sign": P}, "spine_clinic"), DCM)
    assert with_clinic.probability > hoffmann_only.probability


def test_a_normal_mri_always_counts_against(model: CompiledModel, kb: KnowledgeBase) -> None:
    normal = posterior(model, Patient({"cervical_cord_compression": A}, "primary_care"), DCM)
    assert normal.probability < kb.prior("primary_care", DCM).probability


def test_age_and_sex_enter_where_published(model: CompiledModel) -> None:
    lss = "lumbar_spinal_stenosis"
    young = posterior(model, Patient({}, "primary_care", age=45), lss)
    old = posterior(model, Patient({}, "primary_care", age=75), lss)
    assert old.probability > young.probability
    assert any(c.evidence == "age" for c in old.contributions)
    male = posterior(model, Patient({}, "primary_care", sex=Sex.MALE), DCM)
    female = posterior(model, Patient({}, "primary_care", sex=Sex.FEMALE), DCM)
    unknown = posterior(model, Patient({}, "primary_care"), DCM)
    assert male.probability > unknown.probability > female.probability
    assert [c.evidence for c in male.contributions] == ["sex"] and unknown.contributions == ()


def test_unknown_setting_is_rejected(model: CompiledModel) -> None:
    with pytest.raises(ValueError, match="setting"):
        infer(model, Patient({}, "moon_base"))
