"""The stateless interview API: order, no repeats, stopping, determinism, audiences."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinetriage.assessment import assess, default_model
from spinetriage.engine.reasoner import Patient
from spinetriage.errors import InputError
from spinetriage.interview import Question, Step, apply_answer, next_step
from spinetriage.interview.engine import (
    KINDS,
    _screening_needed,
    build_case,
    red_flag_screening,
    screening_findings,
    settled_answers,
)
from spinetriage.interview.screening import group_answer, screening_groups
from spinetriage.interview.selection import MIN_PROBABILITY, candidates, evaluate, rank
from spinetriage.knowledge import KnowledgeBase
from spinetriage.knowledge.schema import Clause
from spinetriage.vocab import FindingKind, Origin, Status

Answerer = Callable[[str], str]


def reply(question: Question, answer: Answerer) -> str:
    """The answer someone answering ``answer(finding)`` gives: for a grouped question, yes if a
    member is yes, no if every member is no, else don't know (as the simulation answers)."""
    if question.group is None:
        return answer(question.finding)
    return group_answer(question.findings, {f: Status(answer(f)) for f in question.findings}).value


def interview(mode: str, answer: Answerer, **kwargs: object) -> tuple[list[Question], Step, dict[str, str]]:
    answers: dict[str, str] = {}
    asked: list[Question] = []
    for _ in range(200):
        step = next_step(answers, mode=mode, **kwargs)  # type: ignore[arg-type]
        if step.done:
            return asked, step, answers
        assert step.question is not None
        asked.append(step.question)
        answers = apply_answer(step, reply(step.question, answer), answers)
    raise AssertionError("interview did not stop")


def run(mode: str, answer: Answerer, **kwargs: object) -> tuple[list[str], Step, dict[str, str]]:
    """The keys asked (a finding, or a grouped question's key), the last step and the answers."""
    asked, step, answers = interview(mode, answer, **kwargs)
    return [q.finding for q in asked], step, answers


def all_no(_: str) -> str:
    return "absent"


@pytest.mark.parametrize("screening", ["grouped", "single"])
@pytest.mark.parametrize("mode", ["patient", "clinician"])
def test_red_flags_asked_first_in_file_order(mode: str, screening: str, kb: KnowledgeBase) -> None:
    asked, _, _ = interview(mode, all_no, screening=screening)
    if mode == "clinician":  # the presenting complaint comes before anything else (issue 11)
        assert asked[0].finding == "low_back_pain" and not asked[0].red_flag_screening
        asked = asked[1:]
    flags = [q.red_flag_screening for q in asked]
    order = screening_findings(kb)  # the red flags', then the myelopathy symptoms asked of everyone
    n = flags.index(False)
    assert not any(flags[n:]), "every screening question comes before any other"
    first = [f for q in asked[:n] for f in q.findings]
    assert set(first) <= set(order)
    assert first == sorted(first, key=order.index)
    assert {"saddle_anesthesia", "fever", "history_of_cancer", "trauma", "rapid_progression"} <= set(first)
    grouped = [q for q in asked[:n] if q.group is not None]
    assert bool(grouped) == (screening == "grouped")
    assert all(len(q.findings) > 1 and q.finding == q.group for q in grouped)
    assert all(len(q.findings) == 1 for q in asked[n:])


def test_screening_questions_say_so(kb: KnowledgeBase) -> None:
    assert next_step({}, mode="clinician").question.finding == "low_back_pain"  # type: ignore[union-attr]
    step = next_step({"low_back_pain": "present"}, mode="clinician")
    assert step.question is not None and step.question.red_flag_screening
    first = kb.red_flags["cauda_equina_syndrome"].when[0].any_present
    assert step.question.findings == tuple(first) and step.question.group == step.question.finding
    assert all(kb.findings[f].label in step.question.text for f in first[:1])
    assert "red-flag" in step.question.reason
    single = next_step({"low_back_pain": "present"}, mode="clinician", screening="single").question
    assert single is not None and single.finding == red_flag_screening(kb)[0] and single.group is None
    patient = next_step({}, mode="patient").question
    assert patient is not None and patient.red_flag_screening and "urgent" not in patient.reason


@pytest.mark.parametrize("screening", ["grouped", "single"])
def test_flag_that_cannot_fire_is_not_screened_further(screening: str) -> None:
    asked, _, _ = interview("patient", all_no, screening=screening)
    position = {f: i for i, q in enumerate(asked) for f in q.findings}
    # urinary_incontinence absent: the incontinence flag cannot fire, so its other
    # clauses are not screened (they may still be asked later, by impact)
    assert position["low_back_pain"] > position["falls"]


@pytest.mark.parametrize("mode", ["patient", "clinician"])
@pytest.mark.parametrize("value", ["absent", "present", "unknown"])
def test_no_question_repeated_and_stops_with_reason(mode: str, value: str) -> None:
    asked, step, _ = run(mode, lambda _: value)
    assert len(asked) == len(set(asked))
    assert step.done and step.question is None and step.stop_reason


def test_unknown_counts_as_asked() -> None:
    first = next_step({}, mode="clinician")
    assert first.question is not None
    second = next_step({first.question.finding: "unknown"}, mode="clinician")
    assert second.question is not None and second.question.finding != first.question.finding


def test_question_limit_stops(kb: KnowledgeBase) -> None:
    _, step, answers = run("clinician", all_no, max_questions=2)
    assert "limit" in step.stop_reason
    screened = set(red_flag_screening(kb)) | set(screening_groups(kb))
    assert sum(1 for f in answers if f not in screened) == 2


@pytest.mark.parametrize("mode", ["patient", "clinician"])
def test_stops_when_no_question_could_change_anything(mode: str, kb: KnowledgeBase) -> None:
    _, step, answers = run(mode, all_no, max_questions=1000)
    assert step.stop in {"verdict_confident", "nothing_to_change", "no_question_left"}
    evidence, _ = settled_answers(kb, answers)
    known = {f: s for f, s in evidence.items() if s is not Status.UNKNOWN}
    model = default_model()
    options = rank(model, evaluate(model, Patient(known, "primary_care")), candidates(model, evidence, KINDS[mode]))
    assert all(o.move < MIN_PROBABILITY for o in options)
    if step.stop != "no_question_left":
        assert options, "settled means candidates were left but none was worth asking"


@pytest.mark.parametrize(
    ("present", "code"),
    [({"low_back_pain"}, "verdict_confident"), (set(), "nothing_to_change")],
)
def test_stop_code_says_whether_the_verdict_is_confident(present: set[str], code: str) -> None:
    _, step, _ = run("clinician", lambda f: "present" if f in present else "absent", max_questions=1000)
    assert step.stop == code  # both codes are reached, so each branch below is checked
    assert step.assessment is not None
    confident = step.assessment.origin.verdict is not Origin.UNDETERMINED
    assert (step.stop == "verdict_confident") == confident
    assert ("confident" in step.stop_reason) == confident


def test_patient_mode_says_nothing_diagnostic(kb: KnowledgeBase) -> None:
    labels = [c.label.lower() for c in kb.conditions.values()]
    answers: dict[str, str] = {}
    while True:
        step = next_step(answers, mode="patient")
        texts = [step.stop_reason] + ([step.question.reason] if step.question else [])
        for text in texts:
            assert "%" not in text and not any(label in text.lower() for label in labels), text
            assert not any(o.value in text for o in Origin if o is not Origin.UNDETERMINED), text
        if step.question is None:
            break
        answers = apply_answer(
            step, reply(step.question, lambda f: "present" if f == "sciatica" else "absent"), answers
        )


def _screened_and_denied(answers: dict[str, str]) -> dict[str, str]:
    """The answers after the red-flag screening, every screening question answered no, as a clinician
    would go through it (a clause whose first answers rule it out asks no more: neck pain is screened
    only after an injury)."""
    while (
        step := next_step(answers, mode="clinician", age=66, sex="male")
    ).question and step.question.red_flag_screening:
        answers = apply_answer(step, "absent", answers)
    return answers


def test_a_step_in_json_is_what_the_api_promises_and_can_be_answered() -> None:
    """The JSON form is validated by the HTTP endpoint's own response model, and a question rebuilt
    from it records an answer exactly as the step itself does."""
    from spinetriage.web.api import InterviewOut

    answers = _screened_and_denied(
        {"low_back_pain": "present", "hand_clumsiness": "present", "gait_disturbance": "present"}
    )
    step = next_step(answers, mode="clinician", age=66, sex="male")
    document = json.loads(json.dumps(step.to_dict()))
    out = InterviewOut.model_validate(document)
    assert out.question is not None and out.examine_next
    rebuilt = Question(**{**document["question"], "findings": tuple(document["question"]["findings"])})
    assert apply_answer(rebuilt, "absent", answers) == apply_answer(step, "absent", answers)
    _, final, _ = run("clinician", all_no, max_questions=0)
    done = InterviewOut.model_validate(json.loads(json.dumps(final.to_dict())))
    assert done.done and done.stop == "question_limit" and done.assessment is not None
    assert done.assessment["origin"]["verdict"] == final.assessment.origin.verdict.value  # type: ignore[union-attr]


def test_the_same_answers_give_the_same_interview_whatever_the_hash_seed() -> None:
    """Set and dict order must not leak into the questions (PYTHONHASHSEED differs between runs)."""
    script = (
        "import json\n"
        "from spinetriage.interview import apply_answer, next_step\n"
        "answers, asked = {}, []\n"
        "while (step := next_step(answers, mode='clinician', age=70, sex='female')).question:\n"
        "    asked.append(step.question.finding)\n"
        "    answers = apply_answer(step, 'present' if len(asked) % 3 == 0 else 'absent', answers)\n"
        "print(json.dumps([asked, step.stop_reason]))\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    ]
    asked, _ = json.loads(runs[0])
    assert len(asked) > 5
    assert runs[0] == runs[1]


def test_going_back_restores_the_earlier_step() -> None:
    answers = {"saddle_anesthesia": "absent", "urinary_retention": "absent"}
    before = next_step(answers, mode="patient")
    assert before.question is not None
    after = next_step({**answers, before.question.finding: "present"}, mode="patient")
    assert after != before
    assert next_step(answers, mode="patient") == before


def test_going_back_over_a_grouped_no_unsettles_every_member(kb: KnowledgeBase) -> None:
    first = next_step({}, mode="patient")
    assert first.question is not None and first.question.group is not None
    answers = apply_answer(first, "absent", {})
    settled, _ = settled_answers(kb, answers)
    assert all(settled[f] is Status.ABSENT for f in first.question.findings)
    assert next_step(answers, mode="patient") != first
    back = dict(list(answers.items())[:-1])  # "go back": drop the last answer
    assert back == {}
    restored, _ = settled_answers(kb, back)
    assert not set(first.question.findings) & set(restored)
    assert next_step(back, mode="patient") == first


def test_grouped_no_settles_all_members_in_one_question(kb: KnowledgeBase) -> None:
    complaint = {"low_back_pain": "present"}  # asked first of all in clinician mode
    step = next_step(complaint, mode="clinician")
    assert step.question is not None and len(step.question.findings) == 3
    answers = apply_answer(step, "absent", complaint)
    after = next_step(answers, mode="clinician")
    assert after.asked == 2 and after.question is not None
    assert not set(after.question.findings) & set(step.question.findings)
    case = build_case(answers)
    assert {f: case.findings[f] for f in step.question.findings} == dict.fromkeys(step.question.findings, Status.ABSENT)


@pytest.mark.parametrize("status", ["present", "unknown"])
def test_grouped_yes_or_dont_know_asks_each_member_next(status: str, kb: KnowledgeBase) -> None:
    step = next_step({}, mode="patient")
    assert step.question is not None
    members = step.question.findings
    answers = apply_answer(step, status, {})
    asked = []
    for _ in members:
        follow = next_step(answers, mode="patient")
        assert follow.question is not None and follow.question.group is None and follow.question.red_flag_screening
        assert follow.question.text == kb.findings[follow.question.finding].patient_question
        asked.append(follow.question.finding)
        answers = apply_answer(follow, "absent", answers)
    assert tuple(asked) == members
    assert next_step(answers, mode="patient").question not in (None, step.question)
    assert build_case(answers).findings[members[0]] is Status.ABSENT


def test_a_present_member_after_a_grouped_yes_fires_the_red_flag() -> None:
    step = next_step({}, mode="patient")
    answers = apply_answer(step, "present", {})
    assert next_step(answers, mode="patient").urgent_advice is None  # a yes alone names no finding
    member = next_step(answers, mode="patient")
    assert member.question is not None and member.question.finding == "saddle_anesthesia"
    answers = apply_answer(member, "present", answers)
    after = next_step(answers, mode="patient")
    assert after.urgent_advice and "emergency" in after.urgent_advice
    assessment = assess(build_case(answers))
    assert assessment.urgency.value == "emergency"
    assert any(f.id == "cauda_equina_syndrome" for f in assessment.red_flags)


def test_apply_answer_checks_its_input() -> None:
    step = next_step({}, mode="patient")
    with pytest.raises(InputError) as error:
        apply_answer(step, "maybe", {})
    assert error.value.field == "answer"
    done = next_step(
        dict.fromkeys(screening_findings(default_model().knowledge), "absent"), mode="patient", max_questions=0
    )
    assert done.question is None
    with pytest.raises(InputError):
        apply_answer(done, "absent", {})
    again = apply_answer(step, "unknown", apply_answer(step, "absent", {"fever": "absent"}))
    assert list(again.items()) == [("fever", "absent"), (step.question.finding, "unknown")]  # type: ignore[union-attr]


@pytest.mark.parametrize("value", ["absent", "present", "unknown"])
def test_patient_mode_asks_only_history(value: str, kb: KnowledgeBase) -> None:
    asked, step, _ = interview("patient", lambda _: value)
    assert all(kb.findings[f].kind is FindingKind.HISTORY for q in asked for f in q.findings)
    assert step.assessment is None


def test_clinician_mode_asks_exam_signs_with_elicitation(kb: KnowledgeBase) -> None:
    # The whole history taken: back pain with the hand, arm, neck and gait symptoms of myelopathy.
    history = {f: "absent" for f, x in kb.findings.items() if x.kind is FindingKind.HISTORY}
    history.update(dict.fromkeys(["low_back_pain", "hand_clumsiness", "gait_disturbance", "neck_pain"], "present"))
    history.update(dict.fromkeys(["fine_motor_difficulty", "arm_numbness_tingling", "imbalance"], "present"))
    step = next_step(history, mode="clinician", age=66, sex="male", max_questions=100)
    assert step.question is not None
    exam = kb.findings[step.question.finding]
    assert exam.kind is FindingKind.EXAM
    assert exam.elicitation and exam.elicitation in step.question.text


def test_patient_urgent_advice_without_diagnosis() -> None:
    step = next_step({"saddle_anesthesia": "present"}, mode="patient")
    assert step.urgent_advice and "emergency" in step.urgent_advice
    assert "%" not in step.urgent_advice and "cauda" not in step.urgent_advice.lower()
    assert next_step({"saddle_anesthesia": "absent"}, mode="patient").urgent_advice is None
    assert next_step({"saddle_anesthesia": "present"}, mode="clinician").urgent_advice is None


def test_final_assessment_equals_assess_on_the_case(kb: KnowledgeBase) -> None:
    # Myelopathy by history (given up front), so the examination follows; clonus and a broad-based
    # gait, found on examination, imply other findings.
    answers = {f: "absent" for f, x in kb.findings.items() if x.kind is FindingKind.HISTORY}
    answers.update(dict.fromkeys(["low_back_pain", "hand_clumsiness", "gait_disturbance", "neck_pain"], "present"))
    answers.update(dict.fromkeys(["fine_motor_difficulty", "arm_numbness_tingling", "imbalance"], "present"))
    for _ in range(60):
        step = next_step(answers, mode="clinician", age=66, max_questions=100)
        if step.done:
            break
        assert step.question is not None
        status = "present" if step.question.finding in ("clonus", "broad_based_gait") else "absent"
        answers = apply_answer(step, status, answers)
    assert step.done and step.implied
    assert step.assessment is not None
    case = build_case(answers, age=66)
    assert assess(case) == step.assessment
    assert assess(case.model_dump(mode="json", exclude_none=True)) == step.assessment


@pytest.mark.parametrize(
    ("answers", "options", "field"),
    [
        ({"Quillfeather": "absent"}, {}, "answers.Quillfeather"),
        ({"fever": "Quillfeather"}, {}, "answers.fever"),
        ({}, {"setting": "Quillfeather"}, "setting"),
        ({}, {"sex": "Quillfeather"}, "sex"),
        ({}, {"mode": "Quillfeather"}, "mode"),
        ({}, {"order": "Quillfeather"}, "order"),
        ({}, {"max_questions": -1}, "max_questions"),
    ],
)
def test_bad_input_is_named_without_echoing_the_value(
    answers: dict[str, str], options: dict[str, object], field: str
) -> None:
    with pytest.raises(InputError) as error:
        next_step(answers, **{"mode": "patient", **options})  # type: ignore[arg-type]
    assert error.value.field == field
    assert "Quillfeather" not in f"{error.value.problem} {error.value.allowed}"  # values may be patient details


def test_an_unknown_answer_key_is_named_briefly() -> None:
    with pytest.raises(InputError) as error:
        next_step({"x" * 10_000 + "\n": "absent"}, mode="patient")
    assert error.value.field.startswith("answers.x") and len(error.value.field) <= len("answers.") + 60


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_answers_give_a_fresh_deterministic_question(data: st.DataObject) -> None:
    kb = default_model().knowledge
    asked_kinds = sorted(f for f, x in kb.findings.items() if x.kind in KINDS["clinician"])
    chosen = data.draw(st.lists(st.sampled_from(asked_kinds), unique=True, max_size=30))
    answers = {f: data.draw(st.sampled_from(["present", "absent", "unknown"])) for f in chosen}
    mode = data.draw(st.sampled_from(["patient", "clinician"]))
    step = next_step(answers, mode=mode)  # type: ignore[arg-type]
    assert step == next_step(dict(reversed(list(answers.items()))), mode=mode)  # type: ignore[arg-type]
    implied = {i.finding for i in step.implied}
    assert not implied & set(answers)
    if step.question is not None:
        assert step.question.finding not in answers and step.question.finding not in implied
        assert all(kb.findings[f].kind in KINDS[mode] for f in step.question.findings)
        assert not set(step.question.findings) & (set(answers) | implied)
    else:
        assert step.stop is not None and step.stop_reason


def test_the_clinician_is_asked_history_before_examination(kb: KnowledgeBase) -> None:
    """Issue 11 item 7: the history comes before the examination; an exam item is asked only when no
    history question is worth asking (the engine ranks history first at every step)."""
    answers: dict[str, str] = {"low_back_pain": "present", "hand_clumsiness": "present"}
    kinds = []
    for _ in range(40):
        step = next_step(answers, mode="clinician", age=66, sex="male")
        if step.done or step.question is None:
            break
        question = step.question
        if not question.red_flag_screening:
            kinds.append(kb.findings[question.finding].kind)
        for finding in question.findings:
            answers[finding] = "absent"
    assert kinds and kinds[0] is FindingKind.HISTORY  # the complaint itself is asked first of all


def test_exam_signs_are_offered_as_examine_next_beside_the_history(kb: KnowledgeBase) -> None:
    """Issue 11 item 7: exam signs the clinician has not done are offered, not asked."""
    answers = _screened_and_denied(
        {"low_back_pain": "present", "hand_clumsiness": "present", "gait_disturbance": "present"}
    )
    step = next_step(answers, mode="clinician", age=66, sex="male")
    assert step.question is not None and step.question.kind == "ask"
    assert kb.findings[step.question.finding].kind is FindingKind.HISTORY
    offered = [q.finding for q in step.examine_next]
    assert any(("degenerative_cervical_myelopathy", f) in default_model().links for f in offered)
    for question in step.examine_next:
        finding = kb.findings[question.finding]
        assert question.kind == "examine" and finding.kind is FindingKind.EXAM
        assert question.finding not in answers
        assert finding.elicitation is None or finding.elicitation in question.text
    assert next_step(answers, mode="patient", age=66, sex="male").examine_next == ()
    again = next_step({**answers, offered[0]: "present"}, mode="clinician", age=66, sex="male")
    assert offered[0] not in [q.finding for q in again.examine_next]
    assert step.to_dict()["examine_next"][0]["kind"] == "examine"


@pytest.mark.parametrize("mode", ["patient", "clinician"])
def test_everyone_is_asked_about_clumsy_hands_and_unsteady_walking(mode: str, kb: KnowledgeBase) -> None:
    """Whether the back pain comes from the neck is the question: the commonest myelopathy symptoms
    are screened after the red flags, though one answer alone would not reach the adaptive order."""
    answers: dict[str, str] = {"low_back_pain": "present"}
    answers.update(
        {
            f: "absent"
            for f in red_flag_screening(kb)
            if f not in ("hand_clumsiness", "fine_motor_difficulty", "gait_disturbance")
        }
    )
    step = next_step(answers, mode=mode, age=66, sex="male")
    question = step.question
    assert question is not None and question.red_flag_screening
    assert set(question.findings) == {"hand_clumsiness", "gait_disturbance"}
    assert ("neck" in question.reason) if mode == "clinician" else ("pain comes from" in question.reason)
    no = apply_answer(step, "absent", answers)
    assert build_case(no).findings["gait_disturbance"] is Status.ABSENT  # a grouped "no" settles both
    yes = next_step(apply_answer(step, "present", answers), mode=mode, age=66, sex="male").question
    assert yes is not None and yes.finding == "hand_clumsiness"  # then each in turn
    # Without the screen the interview stopped here: no single answer moved the origin by 2 points.
    clumsy = next_step({**answers, "hand_clumsiness": "present", "gait_disturbance": "present"}, mode=mode)
    assert clumsy.question is not None and not clumsy.question.red_flag_screening


def test_a_clause_whose_only_open_findings_are_imaging_ends_the_flags_screening(kb: KnowledgeBase) -> None:
    """The interview never asks imaging, so "no" to a clause's history findings settles the clause."""
    flag = kb.red_flags["metastatic_spinal_cord_compression"].model_copy(
        update={
            "when": [
                Clause(any_present=["history_of_cancer", "spinal_metastasis_on_imaging"]),
                Clause(any_present=["night_pain"]),
            ]
        }
    )
    only = replace(kb, red_flags={flag.id: flag})
    screened = {f for needed in _screening_needed(only, {}) for f in needed.findings}
    assert {"history_of_cancer", "night_pain"} <= screened
    after_no = {f for needed in _screening_needed(only, {"history_of_cancer": Status.ABSENT}) for f in needed.findings}
    assert "night_pain" not in after_no


@pytest.mark.parametrize(
    ("verdict", "shares", "said", "not_said"),
    [
        # both by each region being a likely source: the stop reason gave "both 5%" (the share of both
        # together), which read as a confident verdict at 5%
        ("both", (0.49, 0.46, 0.05, 0.0, 0.0), "the neck among the sources 54%, the lower back 51%", "both 5%"),
        # other because the neck and the lower back explain little: the mimics' own share is not the verdict's
        ("other", (0.04, 0.02, 0.0, 0.08, 0.86), "beyond the neck and the lower back 94%", "other 8%"),
    ],
)
def test_a_verdict_that_no_single_share_reaches_says_the_shares_it_rests_on(
    kb: KnowledgeBase, verdict: str, shares: tuple[float, ...], said: str, not_said: str
) -> None:
    from spinetriage.interview.engine import _settled_reason
    from spinetriage.vocab import Origin

    origin = dict(
        zip((Origin.CERVICAL, Origin.LUMBAR, Origin.BOTH, Origin.OTHER, Origin.UNDETERMINED), shares, strict=True)
    )
    code, text = _settled_reason(kb, origin, Origin(verdict))
    assert code == "verdict_confident"
    assert said in text and not_said not in text
