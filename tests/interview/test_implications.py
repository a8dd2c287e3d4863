"""Implied findings: rules as data, validated at load, applied to the evidence and never asked."""

from __future__ import annotations

from typing import Any

import pytest

from spinetriage.assessment import assess
from spinetriage.errors import KnowledgeError
from spinetriage.interview import build_case, next_step
from spinetriage.interview.engine import red_flag_screening
from spinetriage.interview.implications import apply_implications, default_rules, parse_rules
from spinetriage.knowledge import KnowledgeBase
from spinetriage.vocab import Status


def rule(when: str, then: str, when_status: str = "present", then_status: str = "present") -> dict[str, Any]:
    return {
        "if": {"finding": when, "status": when_status},
        "then": {"finding": then, "status": then_status},
        "reason": "test rule",
    }


def test_shipped_rules_load_and_name_real_findings(kb: KnowledgeBase) -> None:
    rules = default_rules(kb)
    assert rules
    for r in rules:
        assert r.when.finding in kb.findings and r.then.finding in kb.findings
        assert r.reason.strip()


def test_unknown_finding_is_a_clear_load_error(kb: KnowledgeBase) -> None:
    with pytest.raises(KnowledgeError) as caught:
        parse_rules({"implications": [rule("clonus", "no_such_sign")]}, kb)
    assert any("implications[0].then.finding" in p and "no_such_sign" in p for p in caught.value.problems)


def test_every_problem_is_reported_at_once(kb: KnowledgeBase) -> None:
    document = {
        "implications": [
            rule("nope_one", "clonus"),
            {**rule("clonus", "hyperreflexia_lower"), "extra": 1},
            rule("clonus", "clonus"),
            rule("clonus", "babinski_sign", then_status="unknown"),
            rule("fever", "weight_loss", then_status="present"),
            rule("fever", "weight_loss", then_status="absent"),
        ]
    }
    with pytest.raises(KnowledgeError) as caught:
        parse_rules(document, kb)
    problems = "\n".join(caught.value.problems)
    for expected in ("implications[0].if.finding", "implications[1].extra", "cannot imply itself", "present or absent"):
        assert expected in problems
    assert "both ways" in problems


def test_bad_document_shape(kb: KnowledgeBase) -> None:
    with pytest.raises(KnowledgeError):
        parse_rules({"rules": []}, kb)
    with pytest.raises(KnowledgeError):
        parse_rules({"implications": {"a": 1}}, kb)


def test_rules_chain_and_given_answers_win(kb: KnowledgeBase) -> None:
    rules = default_rules(kb)
    evidence, implied = apply_implications({"myelomalacia": Status.PRESENT}, rules)
    assert evidence["cord_t2_signal_change"] is Status.PRESENT
    assert evidence["cervical_cord_compression"] is Status.PRESENT
    assert evidence["cervical_canal_stenosis"] is Status.PRESENT  # through cord compression
    assert {i.finding for i in implied} == {
        "cord_t2_signal_change",
        "cervical_cord_compression",
        "cervical_canal_stenosis",
    }
    given = {"broad_based_gait": Status.PRESENT, "gait_disturbance": Status.ABSENT}
    evidence, implied = apply_implications(given, rules)
    assert evidence == given and implied == []


def screened_no(kb: KnowledgeBase) -> dict[str, str]:
    return dict.fromkeys(red_flag_screening(kb), "absent")


def test_implied_findings_are_skipped_and_shown(kb: KnowledgeBase) -> None:
    answers = {**screened_no(kb), "broad_based_gait": "present"}
    answers.pop("gait_disturbance")  # screened for a progressive gait disturbance; here it is left to imply
    asked: list[str] = []
    while (step := next_step(answers, mode="clinician", max_questions=1000)).question is not None:
        assert any(i.finding == "gait_disturbance" and i.because == "broad_based_gait" for i in step.implied)
        asked.append(step.question.finding)
        answers[step.question.finding] = "absent"
    assert "gait_disturbance" not in asked
    assert step.assessment is not None
    assert step.assessment.findings_used["gait_disturbance"] == "present"
    assert "gait_disturbance" not in answers  # shown as implied, not as asked


def test_implied_findings_reach_the_evidence_and_the_saved_case(kb: KnowledgeBase) -> None:
    answers = {**screened_no(kb), "clonus": "present"}
    case = build_case(answers)
    assert case.findings["hyperreflexia_lower"] is Status.PRESENT
    without = assess({"findings": answers})
    assert "hyperreflexia_lower" not in without.findings_used
    assert assess(case).findings_used["hyperreflexia_lower"] == "present"


def test_going_back_undoes_an_implication(kb: KnowledgeBase) -> None:
    answers = {**screened_no(kb), "hyperreflexia_lower": "absent"}
    with_rule = next_step(answers, mode="clinician")
    assert [i.finding for i in with_rule.implied] == ["clonus"]
    del answers["hyperreflexia_lower"]
    assert next_step(answers, mode="clinician").implied == ()
