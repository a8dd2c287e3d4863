"""Conditions that occur together more often than chance (network.yaml co_occurrences).

Tandem stenosis is the case in point: cervical and lumbar stenosis share a cause the network
does not model, so myelopathy and lumbar spinal stenosis carry a joint prior with an odds ratio.
"""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinetriage.engine.network import Network, pair_joint
from spinetriage.engine.reasoner import Patient, reason
from spinetriage.engine.sampling import sample_conditions
from spinetriage.vocab import Sex, Status

DCM, LSS = "degenerative_cervical_myelopathy", "lumbar_spinal_stenosis"


@given(
    st.floats(1e-6, 0.999),
    st.floats(1e-6, 0.999),
    st.floats(0.05, 50.0),
)
def test_the_joint_keeps_both_margins_and_the_odds_ratio(pa: float, pb: float, odds_ratio: float) -> None:
    p00, p10, p01, p11 = (float(x) for x in pair_joint(pa, pb, odds_ratio))
    assert min(p00, p10, p01, p11) >= -1e-15
    assert p10 + p11 == pytest.approx(pa, rel=1e-9, abs=1e-15)
    assert p01 + p11 == pytest.approx(pb, rel=1e-9, abs=1e-15)
    if min(p00, p10, p01, p11) > 1e-12:
        assert p00 * p11 / (p10 * p01) == pytest.approx(odds_ratio, rel=1e-6)


def test_the_tandem_pair_is_in_the_network(model: Network) -> None:
    pairs = {(model.conditions[a], model.conditions[b]) for a, b, _ in model.pairs}
    assert (DCM, LSS) in pairs


def test_lumbar_stenosis_raises_myelopathy_through_the_shared_cause(model: Network) -> None:
    # Lumbar stenosis made near certain by its own findings: with the pair, myelopathy rises above
    # what the same prior odds give when the two are independent.
    evidence = {
        "low_back_pain": Status.PRESENT,
        "neurogenic_claudication": Status.PRESENT,
        "relief_sitting_flexion": Status.PRESENT,
        "lumbar_canal_stenosis": Status.PRESENT,
        "hand_clumsiness": Status.PRESENT,
    }
    patient = Patient(evidence, "primary_care", 68, Sex.MALE)
    coupled = reason(model, patient)
    independent = reason(dataclasses.replace(model, pairs=()), patient)
    assert coupled.probabilities[LSS] > 0.8
    assert coupled.probabilities[DCM] > 1.5 * independent.probabilities[DCM]


def test_the_fitted_priors_still_give_back_the_cited_prevalences(model: Network) -> None:
    # Back pain alone returns each condition's cited prevalence, the paired ones included.
    for setting, target in model.targets.items():
        result = reason(model, Patient({"low_back_pain": Status.PRESENT}, setting))
        for d in (model.conditions.index(DCM), model.conditions.index(LSS)):
            assert result.probabilities[model.conditions[d]] == pytest.approx(float(target[d]), rel=1e-6)


def test_sampled_patients_carry_the_pair_together_as_often_as_the_joint_says(model: Network) -> None:
    a, b = model.conditions.index(DCM), model.conditions.index(LSS)
    target = model.targets["spine_clinic"]
    expected = float(pair_joint(target[a], target[b], next(o for x, y, o in model.pairs if (x, y) == (a, b)))[3])
    rng = random.Random(11)
    draws = 40_000
    both = sum({a, b} <= sample_conditions(model, "spine_clinic", rng) for _ in range(draws))
    standard_error = (expected * (1 - expected) / draws) ** 0.5
    assert abs(both / draws - expected) < 4 * standard_error
    assert expected > float(target[a] * target[b]) * 1.5  # more often together than independence gives
