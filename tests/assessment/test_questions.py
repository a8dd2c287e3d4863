"""The question ranker (spinetriage.assessment.questions)."""

from __future__ import annotations

from spinetriage import assess
from spinetriage.assessment.questions import NEGLIGIBLE_IMPACT

# A patient whose origin is settled: every open question moves it by less than one in a million.
# Before the threshold, "worth asking next" filled up with such questions, shown as 0%, in an order
# set by rounding noise in the sums.
SETTLED = {
    "age": 89,
    "sex": "male",
    "findings": {
        "sciatica": "present",
        "weight_loss": "absent",
        "straight_leg_raise_positive": "present",
        "ataxia": "absent",
        "diminished_pedal_pulses": "present",
        "cognitive_decline": "present",
        "leg_pain_worse_than_back": "absent",
        "elevated_inflammatory_markers": "absent",
    },
}


def test_a_question_that_can_move_nothing_is_not_worth_asking() -> None:
    result = assess(SETTLED)
    assert all("up to 0%" not in q.reason for q in result.next_questions)
    exams = [w for w in result.workup if w.kind == "exam"]
    assert all("0%" not in (w.reason or "") for w in exams)


def test_questions_are_ranked_by_their_reach_largest_first() -> None:
    from spinetriage.assessment import default_model
    from spinetriage.assessment.questions import reach_of, top_unknown_findings
    from spinetriage.engine.reasoner import Patient, reason
    from spinetriage.vocab import FindingKind, Status

    evidence = {"low_back_pain": Status.PRESENT, "hand_clumsiness": Status.PRESENT}
    reasoning = reason(default_model(), Patient(evidence, "primary_care", 66, "male"))
    rows = top_unknown_findings(reasoning, {FindingKind.HISTORY: 5})[FindingKind.HISTORY]
    reaches = [reach_of(row) for row in rows]
    assert reaches, "an unsettled patient has questions worth asking"
    assert reaches == sorted(reaches, reverse=True)
    assert all(r > NEGLIGIBLE_IMPACT for r in reaches)
    result = assess({"age": 66, "sex": "male", "findings": {"low_back_pain": "present", "hand_clumsiness": "present"}})
    assert [q.finding for q in result.next_questions] == [row.finding for row in rows]


def test_the_leading_condition_is_one_the_evidence_raised_above_its_prior() -> None:
    """Weak, wasted hands with a compressed cord and no upper-motor-neuron sign: hip osteoarthritis, still at
    its 5% prior, was 'leading' and put hip rotation first on the examination list."""
    from spinetriage.assessment import default_model
    from spinetriage.assessment.questions import leading_condition
    from spinetriage.engine.reasoner import Patient, reason
    from spinetriage.vocab import Status

    present, absent = Status.PRESENT, Status.ABSENT
    evidence = {"hand_weakness": present, "muscle_atrophy": present, "cervical_cord_compression": present}
    evidence.update(dict.fromkeys(["hoffmann_sign", "hyperreflexia_upper", "babinski_sign", "clonus"], absent))
    reasoning = reason(default_model(), Patient(evidence, "primary_care", 57, None))
    lead = leading_condition(reasoning)
    assert lead is not None and reasoning.probabilities[lead] > reasoning.priors()[lead]
    result = assess({"age": 57, "findings": {f: s.value for f, s in evidence.items()}})
    assert "examine_hip_rotation_pain" not in {w.id for w in result.workup}
    nothing = reason(default_model(), Patient({}, "primary_care", None, None))
    assert leading_condition(nothing) is None  # nothing known: no condition is raised above its prior


def test_radicular_arm_pain_is_examined_with_the_spurling_test() -> None:
    """A cervical root sign (pooled sensitivity 0.53, specificity 0.92) confirms what the arm pain suggests;
    before it, the list held gait signs for a lumbar stenosis at its spine-clinic prior."""
    result = assess({"age": 60, "findings": {"radicular_arm_pain": "present"}}, setting="spine_clinic")
    exams = [w for w in result.workup if w.kind == "exam"]
    assert exams and exams[0].id == "examine_spurling_test"
    assert "cervical radiculopathy" in exams[0].reason


UPPER_MOTOR_NEURON = {
    "hoffmann_sign",
    "babinski_sign",
    "clonus",
    "spasticity",
    "hyperreflexia_upper",
    "inverted_supinator",
}


def _examined_first(findings: list[str], age: int, count: int) -> list[str]:
    result = assess({"age": age, "sex": "male", "findings": dict.fromkeys(findings, "present")})
    return [w.id.removeprefix("examine_") for w in result.workup if w.kind == "exam"][:count]


def test_examination_signs_are_ranked_by_what_they_are_expected_to_change() -> None:
    """A 45-year-old with sciatica almost surely has no Babinski sign: ranked by the largest move either
    answer could make, it came second (a clinician review). Weighted by how likely each answer is, the
    straight-leg raise leads and no upper-motor-neuron sign is among the first two; for clumsy hands
    with an unsteady gait the cord signs still lead."""
    sciatica = _examined_first(["low_back_pain", "sciatica", "leg_pain_below_knee"], 45, 2)
    assert sciatica[0] == "straight_leg_raise_positive"
    assert not set(sciatica) & UPPER_MOTOR_NEURON
    myelopathy = _examined_first(["low_back_pain", "hand_clumsiness", "gait_disturbance"], 66, 2)
    assert set(myelopathy) <= UPPER_MOTOR_NEURON


def test_the_expected_reach_weighs_each_answer_by_its_probability() -> None:
    from spinetriage.assessment import default_model
    from spinetriage.assessment.questions import confirming, rank_unknown_findings
    from spinetriage.engine.reasoner import Patient, reason
    from spinetriage.vocab import FindingKind, Status

    evidence = {"low_back_pain": Status.PRESENT, "sciatica": Status.PRESENT}
    reasoning = reason(default_model(), Patient(evidence, "primary_care", 45, None))
    for row in rank_unknown_findings(reasoning, {FindingKind.EXAM}):
        assert 0.0 <= confirming(row) <= max(row.impact, row.lead_change) + 1e-12


def test_other_complaints_are_one_question() -> None:
    """Each complaint that would become the presenting one moves the origin all the way, so ranked by that
    move they filled the list of a patient with neck and radicular arm pain (sciatica, leg pain below the
    knee, claudication, back pain): they are one question, and the rest of the list refines the neck."""
    from spinetriage.assessment import default_model
    from spinetriage.assessment.questions import switching_complaints
    from spinetriage.engine.reasoner import Patient, reason
    from spinetriage.vocab import Status

    findings = ["neck_pain", "radicular_arm_pain", "arm_numbness_tingling"]
    result = assess({"age": 50, "sex": "male", "findings": dict.fromkeys(findings, "present")})
    asked = [q.finding for q in result.next_questions]
    evidence = dict.fromkeys(findings, Status.PRESENT)
    switching = switching_complaints(reason(default_model(), Patient(evidence, "primary_care", 50, "male")))
    assert {"low_back_pain", "sciatica", "neurogenic_claudication"} <= set(switching)
    # the first complaint in the order (the back, which the tool is about), asked last: "what else brought you?"
    # moves the origin all the way, since it answers for another complaint, and headed every list before
    assert asked[-1] == "low_back_pain"
    assert len(set(asked) & set(switching)) == 1
    assert len(asked) >= 3
    assert all(q.reason for q in result.next_questions)
    assert any("cervical radiculopathy" in q.reason for q in result.next_questions[1:])


def test_no_suggestion_could_move_nothing_by_a_shown_percent() -> None:
    """A clinician's critique asked why Hoffmann, Babinski and Romberg were listed for a radiculopathy, each
    'could move ... by up to 0%': nothing that could move the origin or the leading condition by half a
    percentage point is suggested."""
    fracture = ["steroid_use", "osteoporosis", "vertebral_compression_fracture"]
    cord = ["low_back_pain", "falls", "arm_numbness_tingling", "gait_disturbance", "clonus", "babinski_sign", "opll"]
    for findings in (fracture, cord, ["radicular_arm_pain", "cervical_foraminal_stenosis"]):
        result = assess({"age": 60, "findings": dict.fromkeys(findings, "present")})
        assert all("by up to 0%" not in w.reason for w in result.workup if w.kind == "exam")
        assert all("by up to 0%" not in q.reason for q in result.next_questions)
