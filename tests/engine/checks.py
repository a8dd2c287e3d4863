"""Checks shared by the engine tests."""

from __future__ import annotations

import pytest

from spinetriage.engine.model import CompiledModel
from spinetriage.engine.posterior import Patient, condition_state, infer, log_odds_both_ways, log_odds_if, sigmoid
from spinetriage.vocab import Status


def assert_what_if_equals_full_recomputation(
    model: CompiledModel, patient: Patient, finding: str, status: Status
) -> None:
    """``log_odds_if`` (the interview's shortcut) must give what a full inference with the answer gives,
    and ``log_odds_both_ways`` (the question ranking's) exactly what ``log_odds_if`` gives for each answer."""
    evidence = {k: v for k, v in patient.evidence.items() if k != finding}
    base = Patient(evidence, patient.setting, patient.age, patient.sex)
    full = infer(model, Patient({**evidence, finding: status}, patient.setting, patient.age, patient.sex))
    for cm, expected in zip(model.conditions, full, strict=True):
        state = condition_state(cm, base)
        shortcut = log_odds_if(cm, state, base, finding, status)
        assert sigmoid(shortcut) == pytest.approx(expected.probability, abs=1e-12)
        if_present, if_absent = log_odds_both_ways(cm, state, base, finding)
        assert (if_present if status is Status.PRESENT else if_absent) == shortcut
        other = Status.ABSENT if status is Status.PRESENT else Status.PRESENT
        assert (if_absent if status is Status.PRESENT else if_present) == log_odds_if(cm, state, base, finding, other)
