"""Scoring candidate questions: the what-if decisions agree with assess, the order is the documented one."""

from __future__ import annotations

import pytest

from spinetriage.assessment import assess
from spinetriage.engine.model import CompiledModel
from spinetriage.engine.posterior import Patient
from spinetriage.interview.selection import MIN_PROBABILITY, candidates, evaluate, rank, textbook_order
from spinetriage.knowledge import KnowledgeBase
from spinetriage.vocab import FindingKind, Status

STATES = [
    {},
    {"hand_clumsiness": Status.PRESENT, "gait_disturbance": Status.PRESENT},
    {"sciatica": Status.PRESENT, "low_back_pain": Status.PRESENT, "falls": Status.PRESENT},
    {"neurogenic_claudication": Status.PRESENT, "arm_numbness_tingling": Status.ABSENT},
    # one answer away from a complete validated cluster (Cook 2011 lumbar stenosis, Cook 2010 myelopathy)
    {
        "bilateral_leg_symptoms": Status.PRESENT,
        "neurogenic_claudication": Status.PRESENT,
        "relief_sitting_flexion": Status.ABSENT,
    },
    {
        "hoffmann_sign": Status.PRESENT,
        "babinski_sign": Status.ABSENT,
        "inverted_supinator": Status.ABSENT,
        "gait_disturbance": Status.ABSENT,
    },
]
KINDS = {FindingKind.HISTORY, FindingKind.EXAM}


@pytest.mark.parametrize("evidence", STATES)
def test_what_if_decisions_equal_assess(model: CompiledModel, evidence: dict[str, Status]) -> None:
    state = evaluate(model, Patient(evidence, "primary_care", age=70, sex=None))
    now = assess({"age": 70, "findings": evidence})
    assert (state.decision.verdict, state.decision.urgency) == (now.origin.verdict, now.urgency)
    options = rank(model, state, candidates(model, evidence, KINDS))
    assert options
    for option in options:
        for status, decision in ((Status.PRESENT, option.if_present), (Status.ABSENT, option.if_absent)):
            after = assess({"age": 70, "findings": {**evidence, option.finding: status}})
            assert (decision.verdict, decision.urgency) == (after.origin.verdict, after.urgency), option.finding


@pytest.mark.parametrize("evidence", STATES)
def test_scores_are_probabilities_in_the_documented_order(model: CompiledModel, evidence: dict[str, Status]) -> None:
    state = evaluate(model, Patient(evidence, "primary_care"))
    options = rank(model, state, candidates(model, evidence, KINDS))
    assert len(options) > 1, "enough candidates to have an order"
    for o in options:
        assert 0.0 <= o.flip <= o.move <= 1.0 + 1e-12
        assert 0.0 <= o.shift <= 1.0 and 0.0 <= o.p_present <= 1.0
    keys = [
        (round(o.flip, 12) if o.flip >= MIN_PROBABILITY else 0.0, round(o.move, 12), round(o.shift, 12))
        for o in options
    ]
    assert keys == sorted(keys, key=lambda k: (-k[0], -k[1], -k[2]))


def test_candidates_skip_answered_unlinked_and_other_kinds(model: CompiledModel, kb: KnowledgeBase) -> None:
    evidence = {"sciatica": Status.UNKNOWN}
    found = candidates(model, evidence, {FindingKind.HISTORY})
    assert found and "sciatica" not in found
    assert all(kb.findings[f].kind is FindingKind.HISTORY and f in model.bearing for f in found)


def test_findings_read_only_by_a_cluster_are_asked(model: CompiledModel) -> None:
    cluster_only = {f for c in model.clusters for f in c.findings} - set(model.conditions_of_finding)
    # issue 12 gave every finding evidence of its own, so this set may now be empty; any such item is still asked
    for finding in cluster_only:
        assert finding in candidates(model, {}, set(FindingKind))
        assert any(
            cm.cluster and finding in cm.cluster.findings
            for cm in (model.conditions[i] for i in model.bearing[finding])
        )


def test_textbook_order_is_history_then_exam_in_file_order(kb: KnowledgeBase) -> None:
    order = textbook_order(kb)
    kinds = [kb.findings[f].kind for f in order]
    first_exam = kinds.index(FindingKind.EXAM)
    assert set(kinds[:first_exam]) == {FindingKind.HISTORY} and set(kinds[first_exam:]) == {FindingKind.EXAM}
    file_order = list(kb.findings)
    assert order[:first_exam] == sorted(order[:first_exam], key=file_order.index)
    assert order[first_exam:] == sorted(order[first_exam:], key=file_order.index)
