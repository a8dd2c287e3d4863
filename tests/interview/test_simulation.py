"""Simulation: seeded cases from the model, interviews within the limit, matches computed honestly."""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import numpy as np
import pytest

from spinetriage.assessment import assess
from spinetriage.engine.inference import Prepared
from spinetriage.engine.network import Network
from spinetriage.errors import InputError
from spinetriage.interview import KnownCase, build_case, next_step, sample_cases, simulate, summarize, vignette_cases
from spinetriage.interview.engine import screening_findings
from spinetriage.interview.implications import default_rules
from spinetriage.interview.screening import screening_groups
from spinetriage.knowledge import KnowledgeBase
from spinetriage.vocab import FindingKind, Status

from ..conftest import VIGNETTES

ASKABLE = {"patient": {FindingKind.HISTORY}, "clinician": {FindingKind.HISTORY, FindingKind.EXAM}}


def test_sampling_is_deterministic_for_a_seed() -> None:
    assert sample_cases(20, seed=5) == sample_cases(20, seed=5)
    assert sample_cases(20, seed=5) != sample_cases(20, seed=6)
    assert sample_cases(0) == []


def test_sampled_cases_hold_linked_history_and_exam_findings_and_obey_the_rules(
    model: Network, kb: KnowledgeBase
) -> None:
    rules = default_rules(kb)
    for case in sample_cases(50, seed=2):
        assert all(model.parents.get(f) for f in case.findings)
        assert all(kb.findings[f].kind in ASKABLE["clinician"] for f in case.findings)
        assert all(s in (Status.PRESENT, Status.ABSENT) for s in case.findings.values())
        for r in rules:
            if case.findings.get(r.when.finding) is r.when.status and r.then.finding in case.findings:
                assert case.findings[r.then.finding] is r.then.status


def test_sampled_rates_follow_the_model(model: Network, kb: KnowledgeBase) -> None:
    cases = sample_cases(600, seed=11)
    target = model.targets["primary_care"]
    log_odds = np.log(target / (1.0 - target))
    for finding in ("low_back_pain", "sciatica", "hoffmann_sign"):
        _, _, expected = Prepared.of(model, {}, None).what_if(log_odds, finding)
        rate = sum(c.findings[finding] is Status.PRESENT for c in cases) / len(cases)
        tolerance = 4 * math.sqrt(expected * (1 - expected) / len(cases)) + 0.01
        assert abs(rate - expected) <= tolerance, finding


def test_bad_sampling_input_is_named() -> None:
    with pytest.raises(InputError) as negative:
        sample_cases(-1)
    assert negative.value.field == "n"
    with pytest.raises(InputError) as setting:
        sample_cases(3, setting="moon")
    assert setting.value.field == "setting" and "primary_care" in str(setting.value.allowed)


def replay(case: KnownCase, mode: str, max_questions: int, screening: str = "grouped") -> dict[str, str]:
    """The interview by hand: a grouped question is answered yes if the case knows a member present,
    no if it knows every member absent, else don't know; any other question with what it knows."""
    answers: dict[str, str] = {}
    sex = case.sex.value if case.sex else None
    options = {"mode": mode, "age": case.age, "sex": sex, "max_questions": max_questions, "screening": screening}
    while (step := next_step(answers, **options)).question:  # type: ignore[arg-type]
        known = [case.findings.get(f, Status.UNKNOWN) for f in step.question.findings]
        if Status.PRESENT in known:
            status = Status.PRESENT
        elif all(k is Status.ABSENT for k in known):
            status = Status.ABSENT
        else:
            status = Status.UNKNOWN
        assert len(known) == 1 or step.question.group is not None
        answers[step.question.finding] = status.value
    return answers


@pytest.mark.parametrize("mode", ["patient", "clinician"])
def test_simulated_counts_and_matches_are_right(mode: str, kb: KnowledgeBase) -> None:
    limit = 4
    cases = sample_cases(12, seed=3) + vignette_cases(VIGNETTES)[:3]
    outcomes = simulate(cases, mode=mode, max_questions=limit)  # type: ignore[arg-type]
    screening = set(screening_findings(kb)) | set(screening_groups(kb))
    assert [o.case for o in outcomes] == [c.id for c in cases]
    for case, outcome in zip(cases, outcomes, strict=True):
        answers = replay(case, mode, limit)
        assert outcome.questions == len(answers)
        assert outcome.screening_questions == sum(1 for f in answers if f in screening)
        assert outcome.questions - outcome.screening_questions <= limit
        sex = case.sex.value if case.sex else None
        final = assess(build_case(answers, age=case.age, sex=sex))
        askable = {f: s.value for f, s in case.findings.items() if kb.findings[f].kind in ASKABLE[mode]}
        full = assess(build_case(askable, age=case.age, sex=sex))
        assert (outcome.verdict, outcome.urgency) == (final.origin.verdict, final.urgency)
        assert (outcome.full_verdict, outcome.full_urgency) == (full.origin.verdict, full.urgency)
        assert outcome.verdict_matches == (final.origin.verdict == full.origin.verdict)
        assert outcome.urgency_matches == (final.urgency == full.urgency)


def test_summary_is_computed_from_the_outcomes() -> None:
    outcomes = simulate(sample_cases(10, seed=4), max_questions=3)
    s = summarize(outcomes)
    assert s.cases == 10
    assert s.mean_questions == pytest.approx(statistics.fmean(o.questions for o in outcomes))
    assert s.verdict_match == sum(o.verdict_matches for o in outcomes) / 10
    assert s.both_match <= min(s.verdict_match, s.urgency_match)
    assert summarize([]).cases == 0


def test_vignettes_load_as_known_cases() -> None:
    cases = vignette_cases(VIGNETTES)
    assert len(cases) >= 10 and all(c.findings for c in cases)
    assert cases[0].id == "dev01" and cases[0].age is not None


def test_bad_vignette_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="vignettes"):
        vignette_cases(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: x\n  findings: {fever: maybe}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"vignettes\[0\]\.findings\.fever"):
        vignette_cases(bad)
    bad.write_text("{not: a list}\n", encoding="utf-8")
    with pytest.raises(InputError, match="list"):
        vignette_cases(bad)


def test_a_grouped_question_counts_as_one(kb: KnowledgeBase) -> None:
    screened = set(screening_findings(kb)) | set(screening_groups(kb))
    cases = sample_cases(8, seed=5)
    grouped = simulate(cases, max_questions=3)
    single = simulate(cases, max_questions=3, screening="single")
    for case, g, s in zip(cases, grouped, single, strict=True):
        answers = replay(case, "clinician", 3)
        assert g.questions == len(answers)  # one key per question, whatever a grouped "no" settled
        assert g.screening_questions == sum(1 for f in answers if f in screened)
        # a grouped "yes" or "don't know" costs one question more than asking its members alone
        opened = sum(1 for f, v in answers.items() if f in screening_groups(kb) and v != "absent")
        assert g.screening_questions <= s.screening_questions + opened
        assert len(replay(case, "clinician", 3, "single")) == s.questions

    # a case that knows every screening finding is absent: one question per grouped clause
    clear = KnownCase("clear", dict.fromkeys(screening_findings(kb), Status.ABSENT))
    (g,), (s,) = simulate([clear], max_questions=0), simulate([clear], max_questions=0, screening="single")
    assert s.screening_questions == s.questions > g.questions == g.screening_questions
    assert g.questions == len(replay(clear, "clinician", 0))
