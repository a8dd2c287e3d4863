"""The exact sums of spinetriage.engine.inference: choosing how much to expand does not change the answer."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinetriage.assessment import default_model
from spinetriage.engine.inference import (
    FIRST_BUDGET,
    MAX_BUDGET,
    MAX_CANCELLATION,
    Inference,
    Prepared,
    _first_budget,
)
from spinetriage.engine.reasoner import Patient, _known, complaint_of, counted_part
from spinetriage.vocab import Status

from .strategies import patients

NETWORK = default_model()
SHARED = sorted(f for f in NETWORK.findings if len(NETWORK.parents.get(f, ())) > 1)
"""Findings several conditions produce: present, each doubles the terms (the ones budgets are about)."""


@st.composite
def many_shared_present(draw: st.DrawFn) -> Patient:
    """Patients with many present findings that several conditions produce, besides random others."""
    present = draw(st.lists(st.sampled_from(SHARED), min_size=4, max_size=10, unique=True))
    base = draw(patients(max_findings=6))
    return Patient({**base.evidence, **dict.fromkeys(present, Status.PRESENT)}, base.setting, base.age, base.sex)


def _every_budget_in_turn(patient: Patient) -> tuple[Inference, Inference]:
    """What :meth:`Prepared.precise` gives, and what trying every budget from the first gives."""
    patient, _ = counted_part(NETWORK, patient)
    complaint = complaint_of(NETWORK, patient.evidence)
    known = _known(NETWORK, patient, complaint)
    log_odds = NETWORK.prior_log_odds(patient.setting, patient.age, patient.sex, known)
    budget = FIRST_BUDGET
    while True:
        inference = Prepared.of(NETWORK, known, complaint, budget).infer(log_odds)
        if inference.cancellation <= MAX_CANCELLATION or budget >= MAX_BUDGET:
            break
        budget *= 4
    return Prepared.precise(NETWORK, known, complaint, log_odds)[1], inference


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patients(max_findings=16) | many_shared_present())
def test_skipping_budgets_foreseen_to_fall_short_gives_the_same_answer(patient: Patient) -> None:
    quick, stepwise = _every_budget_in_turn(patient)
    for a, b in zip(quick.probabilities, stepwise.probabilities, strict=True):
        assert math.isclose(a, b, abs_tol=1e-9)
    for families in set(quick.sources) | set(stepwise.sources):
        assert math.isclose(quick.sources.get(families, 0.0), stepwise.sources.get(families, 0.0), abs_tol=1e-9)
    assert quick.cancellation <= MAX_CANCELLATION or stepwise.cancellation > MAX_CANCELLATION


def test_the_first_budget_grows_with_rare_present_findings() -> None:
    assert _first_budget(NETWORK, ()) == FIRST_BUDGET
    rarest = sorted((NETWORK.index[f] for f in SHARED), key=lambda f: NETWORK.leak[f])[:10]
    assert _first_budget(NETWORK, rarest) > FIRST_BUDGET
