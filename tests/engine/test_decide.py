"""The verdict when the back pain has no specific source and another complaint has one (reasoner.decide)."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings

from spinetriage.assessment import assess, default_model
from spinetriage.engine.reasoner import Patient, complaint_verdict, decide, explained_by, reason, verdict
from spinetriage.vocab import Origin, Status

from .strategies import KB, patients

NETWORK = default_model()
CONFIDENT = KB.threshold("verdict_confident")
SUSPECTED = KB.threshold("myelopathy_suspected")
BACK_PAIN = NETWORK.complaints[0]
P, A = Status.PRESENT, Status.ABSENT

NPH_TRIAD_WITH_BACK_PAIN = {
    "low_back_pain": P,
    "gait_disturbance": P,
    "ataxia": P,
    "cognitive_decline": P,
    "urinary_incontinence": P,
}


def test_a_mimic_that_explains_the_gait_names_the_origin_over_non_specific_back_pain() -> None:
    reasoning = reason(NETWORK, Patient(NPH_TRIAD_WITH_BACK_PAIN, "primary_care", 77))
    assert complaint_verdict(reasoning, CONFIDENT, SUSPECTED) is Origin.LUMBAR  # the back pain's own answer
    origin, elsewhere = decide(reasoning, CONFIDENT, SUSPECTED)
    assert origin is Origin.OTHER
    assert elsewhere is not None and elsewhere.complaint == "gait_disturbance"
    assert elsewhere.back >= CONFIDENT and elsewhere.share >= CONFIDENT
    assert reasoning.origin[Origin.LUMBAR] > 0.5  # the back pain's probabilities are not rewritten


def test_the_same_patient_without_the_mimics_features_keeps_the_back_pains_answer() -> None:
    evidence = {"low_back_pain": P, "gait_disturbance": P, "cognitive_decline": A, "urinary_incontinence": A}
    reasoning = reason(NETWORK, Patient(evidence, "primary_care", 77))
    assert decide(reasoning, CONFIDENT, SUSPECTED)[1] is None


def test_tandem_disease_reads_both_when_the_arm_pain_is_the_necks_and_the_back_pain_the_lower_backs() -> None:
    evidence = {
        "low_back_pain": P,
        "neurogenic_claudication": P,
        "relief_sitting_flexion": P,
        "lumbar_canal_stenosis": P,
        "radicular_arm_pain": P,
    }
    reasoning = reason(NETWORK, Patient(evidence, "spine_clinic", 70))
    assert complaint_verdict(reasoning, CONFIDENT, SUSPECTED) is Origin.LUMBAR
    origin, elsewhere = decide(reasoning, CONFIDENT, SUSPECTED)
    assert origin is Origin.BOTH
    assert elsewhere is not None and elsewhere.complaint == "radicular_arm_pain"


def test_neck_pain_beside_non_specific_back_pain_does_not_name_the_origin() -> None:
    # Mechanical neck pain is the neck's non-specific pain (network.yaml: nonspecific_in_the_neck).
    evidence = {"low_back_pain": P, "neck_pain": P, "trauma": A, "sciatica": A}
    reasoning = reason(NETWORK, Patient(evidence, "primary_care", 45))
    assert reasoning.origin[Origin.CERVICAL] < 0.5
    assert decide(reasoning, CONFIDENT, SUSPECTED)[1] is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patients(max_findings=8))
def test_another_complaint_names_the_origin_only_as_documented(patient: Patient) -> None:
    reasoning = reason(NETWORK, patient)
    base = complaint_verdict(reasoning, CONFIDENT, SUSPECTED)
    origin, elsewhere = decide(reasoning, CONFIDENT, SUSPECTED)
    assert verdict(reasoning, CONFIDENT, SUSPECTED) is origin
    if elsewhere is None:
        assert origin is base
        return
    assert reasoning.complaint == BACK_PAIN and base in (Origin.LUMBAR, Origin.UNDETERMINED)
    assert patient.evidence.get(elsewhere.complaint) is Status.PRESENT
    assert elsewhere.complaint in NETWORK.complaints and elsewhere.complaint not in NETWORK.nonspecific_in_the_neck
    family = "other" if origin is Origin.OTHER else "cervical"
    # the share is the attribution every report shows for that complaint
    shares = dict(explained_by(reasoning)[elsewhere.complaint])
    assert math.isclose(shares[family], elsewhere.share, abs_tol=1e-9)
    assert elsewhere.share >= CONFIDENT and elsewhere.back >= CONFIDENT


def test_the_report_says_which_complaint_named_the_origin() -> None:
    case = {"age": 77, "sex": "male", "findings": {f: s.value for f, s in NPH_TRIAD_WITH_BACK_PAIN.items()}}
    result = assess(case)
    assert result.origin.verdict is Origin.OTHER
    assert result.origin.complaint == BACK_PAIN
    assert result.origin.decided_by == "gait_disturbance"
    assert "the gait disturbance comes from outside the neck and the lower back" in result.origin.explanation
    assert "Normal pressure hydrocephalus" in result.origin.explanation
    plain = assess({"age": 45, "findings": {"low_back_pain": "present", "sciatica": "present"}})
    assert plain.origin.decided_by is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patients(max_findings=8))
def test_a_complaint_skipped_by_the_bound_could_not_have_named_the_origin(patient: Patient) -> None:
    # _could_reach bounds a complaint's share from a family by its causes' probabilities of that family: a
    # complaint it skips must be attributed below the threshold in every family that could name the verdict.
    from spinetriage.engine.reasoner import _could_reach

    reasoning = reason(NETWORK, patient)
    if reasoning.complaint is None:
        return
    shares = explained_by(reasoning)
    for complaint, attribution in shares.items():
        if complaint in NETWORK.complaints and not _could_reach(reasoning, complaint, CONFIDENT):
            named = dict(attribution)
            assert named.get("cervical", 0.0) < CONFIDENT and named.get("other", 0.0) < CONFIDENT, complaint
