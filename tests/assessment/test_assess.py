"""From probabilities to an answer: verdicts, red flags, urgency, work-up and treatment."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from spinetriage import Assessment, assess
from spinetriage.engine.reasoner import Patient
from spinetriage.errors import InputError
from spinetriage.knowledge import KnowledgeBase
from spinetriage.vocab import Origin, Urgency

from ..conftest import load_vignettes
from ..engine.strategies import patients

MYELOPATHY = {
    "age": 64,
    "sex": "male",
    "findings": {
        "low_back_pain": "present",
        "gait_disturbance": "present",
        "hand_clumsiness": "present",
        "arm_numbness_tingling": "present",
        "hoffmann_sign": "present",
    },
}


def ids(items: list[Any]) -> list[str]:
    return [i.id for i in items]


def test_myelopathy_case_points_to_the_neck_and_asks_for_cervical_mri() -> None:
    result = assess(MYELOPATHY)
    assert result.origin.verdict is Origin.CERVICAL
    assert "cervical_mri" in ids(result.workup)
    assert "dcm_surgical_assessment" in ids(result.treatment)
    assert "aim_at_cervical_source" in ids(result.treatment)
    assert result.urgency is Urgency.SOON
    dcm = next(c for c in result.conditions if c.id == "degenerative_cervical_myelopathy")
    strengths = [abs(c.log_odds) for c in dcm.contributions]
    assert strengths == sorted(strengths, reverse=True)  # ordered by strength
    # A Hoffmann sign is rare without disease (up to 3% of people, network.yaml backgrounds): the strongest.
    assert dcm.contributions[0].finding == "hoffmann_sign"


def test_non_specific_back_pain_gets_no_routine_imaging() -> None:
    result = assess(
        {"age": 35, "findings": {"low_back_pain": "present", "sciatica": "absent", "hand_clumsiness": "absent"}}
    )
    assert result.origin.verdict is Origin.LUMBAR
    assert "routine_lumbar_imaging" in ids(result.workup)
    assert "cervical_mri" not in ids(result.workup)
    assert result.urgency is Urgency.ROUTINE


def test_cauda_equina_signs_are_an_emergency_whatever_the_probabilities() -> None:
    # Strong evidence for a benign picture cannot outweigh the rule.
    findings = {
        "low_back_pain": "present",
        "saddle_anesthesia": "present",
        "urinary_retention": "absent",
        "bilateral_leg_symptoms": "absent",
    }
    result = assess({"age": 30, "findings": findings})
    assert result.urgency is Urgency.EMERGENCY
    assert result.red_flags[0].id == "cauda_equina_syndrome"
    assert result.red_flags[0].findings == ["saddle_anesthesia"]
    assert "emergency_lumbar_mri" in ids(result.workup)
    assert "routine_lumbar_imaging" not in ids(result.workup)


@pytest.mark.parametrize(
    ("findings", "flag", "urgency"),
    [
        (["iv_drug_use", "fever"], "spinal_infection", Urgency.EMERGENCY),
        (["immunosuppression", "elevated_inflammatory_markers"], "spinal_infection", Urgency.EMERGENCY),
        (["recent_spinal_procedure", "fever"], "spinal_infection", Urgency.EMERGENCY),
        (["history_of_cancer"], "spinal_malignancy", Urgency.URGENT),
        (["trauma", "osteoporosis"], "vertebral_fracture", Urgency.URGENT),
        (["trauma", "steroid_use"], "vertebral_fracture", Urgency.URGENT),
        (["urinary_retention"], "cauda_equina_syndrome", Urgency.EMERGENCY),
    ],
)
def test_each_red_flag_rule(findings: list[str], flag: str, urgency: Urgency) -> None:
    """Issue 12 grades the rules as the guidelines do: infection and fracture need a combination."""
    result = assess({"findings": {"low_back_pain": "present", **dict.fromkeys(findings, "present")}})
    assert flag in ids(result.red_flags)
    assert result.urgency is urgency


def test_falls_raise_urgency_only_with_signs_of_myelopathy() -> None:
    plain = assess({"findings": {"falls": "present"}})
    assert "progressive_myelopathy" not in ids(plain.red_flags)
    with_sign = assess({"findings": {"falls": "present", "hoffmann_sign": "present"}})
    assert "progressive_myelopathy" in ids(with_sign.red_flags)
    assert with_sign.urgency is Urgency.URGENT


def test_exam_items_not_yet_examined_are_suggested_with_how_to_elicit(kb: KnowledgeBase) -> None:
    result = assess(MYELOPATHY)
    exams = [w for w in result.workup if w.kind == "exam"]
    assert exams and all(w.detail for w in exams)
    examined = set(MYELOPATHY["findings"])  # type: ignore[arg-type]
    assert not {w.id.removeprefix("examine_") for w in exams} & examined
    assert all(kb.findings[q.finding].patient_question for q in result.next_questions)


def test_setting_changes_the_pretest_population() -> None:
    primary = assess(MYELOPATHY, setting="primary_care")
    spine = assess(MYELOPATHY, setting="spine_clinic")
    p = {c.id: c.probability for c in primary.conditions}
    s = {c.id: c.probability for c in spine.conditions}
    assert s["degenerative_cervical_myelopathy"] > p["degenerative_cervical_myelopathy"]
    with pytest.raises(InputError, match="setting"):
        assess(MYELOPATHY, setting="mars")


def test_assessment_carries_versions_and_round_trips(kb: KnowledgeBase) -> None:
    result = assess(MYELOPATHY)
    assert result.knowledge_version == kb.version
    again = Assessment.model_validate_json(result.model_dump_json())
    assert again == result
    assert {r.id for r in result.references} >= {"fogarty2018", "fehlings2017"}


def test_origin_probabilities_sum_to_one() -> None:
    result = assess(MYELOPATHY)
    assert sum(result.origin.probabilities.values()) == pytest.approx(1.0)


# Vignettes, primary-care setting, structured findings (history, exam and imaging).
# Misses are explained in the closing note of issue 11 and kept visible here.
EXPECTED_MISSES = {
    "dev11": "NPH: cognitive decline is unmapped in the vignette; the gait and heavy legs read as myelopathy 59% "
    "(NPH 39%, lumbar stenosis 26%), undetermined",
    "dev03": "tandem: myelopathy (90%) explains the back pain through its gait (network.yaml link 0.69) and the "
    "lumbar canal stenosis is not believed (5%: pain worse sitting argues against it); cervical 75%, both 11%",
}


@pytest.mark.parametrize("vignette", load_vignettes(), ids=lambda v: str(v["id"]))
def test_dev_vignette(vignette: dict[str, Any]) -> None:
    findings = {**vignette["findings"], **(vignette.get("imaging_findings") or {})}
    result = assess({"age": vignette["age"], "sex": vignette["sex"], "findings": findings})
    assert sorted({f.condition for f in result.red_flags}) == sorted(vignette["expected_red_flags"])
    if vignette["id"] in EXPECTED_MISSES:
        assert result.origin.verdict.value != vignette["expected_origin"]
    else:
        assert result.origin.verdict.value == vignette["expected_origin"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patients(max_findings=8))
def test_an_assessment_without_explanations_gives_the_same_answer(patient: Patient) -> None:
    """Screening's ``explain=False`` drops the explanations and nothing else."""
    case = {
        "age": patient.age,
        "sex": patient.sex.value if patient.sex else None,
        "setting": patient.setting,
        "findings": {f: s.value for f, s in patient.evidence.items()},
    }
    full, brief = assess(case), assess(case, explain=False)
    assert full.explained and not brief.explained
    assert brief.origin == full.origin
    assert [(c.id, c.probability) for c in brief.conditions] == [(c.id, c.probability) for c in full.conditions]
    assert (brief.red_flags, brief.urgency, brief.urgency_reason) == (full.red_flags, full.urgency, full.urgency_reason)
    assert brief.treatment == full.treatment
    assert brief.workup == [w for w in full.workup if w.kind != "exam"]
    assert not brief.next_questions and not brief.explained_by
    assert all(not c.contributions for c in brief.conditions)


def test_an_undetermined_origin_names_the_complaint_and_its_unexplained_share() -> None:
    # A woman of 50 who came with unsteady walking and a Hoffmann sign: back pain is not assumed, and
    # most of the gait complaint is left to causes the network does not model, which the explanation
    # says; myelopathy is suspected, so the neck is not ruled out by what is left unexplained.
    result = assess(
        {"age": 50, "sex": "female", "findings": {"gait_disturbance": "present", "hoffmann_sign": "present"}}
    )
    assert result.origin.complaint == "gait_disturbance"
    assert result.origin.verdict.value == "undetermined"
    share = result.origin.probabilities["undetermined"]
    assert share > 0.5
    assert "gait disturbance" in result.origin.explanation
    assert f"nothing modelled explains {share:.0%}" in result.origin.explanation


def test_a_complaint_the_spine_explains_little_of_comes_from_outside_it() -> None:
    # The triad of hydrocephalus at 70: no spinal source explains the gait, and a mimic with what
    # nothing modelled explains is the answer, named with the neck's and the lower back's shares.
    case = {"gait_disturbance": "present", "cognitive_decline": "present", "urinary_incontinence": "present"}
    result = assess({"age": 70, "sex": "female", "findings": case})
    p = result.origin.probabilities
    assert p["other"] < 0.5 and p["cervical"] + p["both"] < 0.1
    assert result.origin.verdict.value == "other"
    explanation = result.origin.explanation
    assert f"a cause elsewhere is likely ({p['other'] + p['undetermined']:.0%})" in explanation
    assert "Normal pressure hydrocephalus" in explanation and f"the neck {p['cervical'] + p['both']:.0%}" in explanation


def test_a_mimic_named_behind_an_outside_verdict_can_produce_the_complaint() -> None:
    # Hip osteoarthritis is a likely mimic in any older patient, but it does not make walking unsteady.
    result = assess(
        {"age": 35, "sex": "female", "findings": {"gait_disturbance": "present", "hoffmann_sign": "present"}}
    )
    assert result.origin.verdict.value == "other"
    assert "Hip osteoarthritis" not in result.origin.explanation
    assert "Multiple sclerosis" in result.origin.explanation


def test_a_condition_that_argues_against_the_complaint_is_not_named_behind_it() -> None:
    # Motor neuron disease spares sensation (an inhibitor of numbness): it does not produce arm numbness.
    case = {"fasciculations": "present", "muscle_atrophy": "present", "arm_numbness_tingling": "present"}
    result = assess({"age": 60, "sex": "male", "findings": {**case, "neck_pain": "absent"}})
    assert result.origin.complaint == "arm_numbness_tingling" and result.origin.verdict.value == "other"
    assert "Motor neuron disease" not in result.origin.explanation


def test_a_complaint_of_the_neck_by_definition_says_its_condition_is_still_open() -> None:
    """Radicular arm pain is the neck's by its definition (origin 100%) while cervical radiculopathy is far
    less certain: a clinician reviewer could not reconcile "cervical 100%: radiculopathy 22%" as written."""
    findings = {"neck_pain": "present", "radicular_arm_pain": "present", "trauma": "present", "opll": "present"}
    result = assess({"age": 47, "sex": "female", "findings": findings})
    assert result.origin.verdict is Origin.CERVICAL
    text = result.origin.explanation
    assert "by its definition" in text and "still open" in text and "Cervical radiculopathy" in text
    assert " 0%" not in text.split("still open")[1]  # conditions that could not be the cause are not named


def test_a_sign_that_confirms_the_leading_condition_is_suggested_for_examination() -> None:
    """Sciatica leads to lumbar radiculopathy: a straight-leg raise confirms it, though it barely moves the
    origin (already lumbar). Ranked by the origin alone, upper-motor-neuron signs headed every list."""
    result = assess({"age": 31, "sex": "male", "findings": {"low_back_pain": "present", "sciatica": "present"}})
    exams = [w for w in result.workup if w.kind == "exam"]
    assert exams[0].id == "examine_straight_leg_raise_positive"
    assert "lumbar radiculopathy" in exams[0].reason


def test_calf_pain_with_neurogenic_claudication_does_not_turn_stenosis_into_arterial_disease() -> None:
    """Neurogenic claudication is pain in the buttocks, thighs or calves (MSD Manual): below-knee pain with
    claudication in both legs read vascular 52%, stenosis 30% in an 82-year-old (a clinician review), since
    stenosis had no link to below-knee pain. Calf pain relieved by standing still with weak foot pulses is
    still arterial."""
    legs = ["low_back_pain", "bilateral_leg_symptoms", "leg_pain_below_knee", "neurogenic_claudication"]
    stenosis = assess({"age": 82, "sex": "female", "findings": dict.fromkeys(legs, "present")})
    p = {c.id: c.probability for c in stenosis.conditions}
    assert p["lumbar_spinal_stenosis"] > p["vascular_claudication"]
    arterial = ["leg_pain_below_knee", "claudication_relieved_standing", "diminished_pedal_pulses"]
    vascular = assess({"age": 70, "sex": "male", "findings": dict.fromkeys(arterial, "present")})
    q = {c.id: c.probability for c in vascular.conditions}
    assert q["vascular_claudication"] > q["lumbar_spinal_stenosis"]


def test_a_disc_herniation_and_sciatica_count_for_cauda_equina_too() -> None:
    """A large central disc herniation is the commonest cause of cauda equina syndrome (45%, Folia Medica
    2017), and its patients have sciatica: with no link, the herniation and the sciatica of a retention
    patient were credited to radiculopathy alone and each argued against the syndrome (a vignette with
    massive L4-L5 herniation read stenosis first)."""
    stated = ["low_back_pain", "bilateral_leg_symptoms", "saddle_anesthesia", "urinary_retention"]
    findings = dict.fromkeys(stated, "present")
    without = assess({"age": 40, "sex": "male", "findings": findings})
    disc = {"sciatica": "present", "lumbar_disc_herniation": "present"}
    with_disc = assess({"age": 40, "sex": "male", "findings": {**findings, **disc}})
    before = next(c.probability for c in without.conditions if c.id == "cauda_equina_syndrome")
    after = next(c.probability for c in with_disc.conditions if c.id == "cauda_equina_syndrome")
    assert after > before
    assert with_disc.conditions[0].id == "cauda_equina_syndrome"


def test_an_ataxic_gait_with_the_hydrocephalus_triad_reads_hydrocephalus() -> None:
    """The cardinal iNPH gait is often described as ataxic (Mori 2008) and fails tandem walking even when
    mild: with no link, a 77-year-old with back pain, an unsteady ataxic gait, cognitive decline and
    incontinence read neuropathy 63% and hydrocephalus 21% (a published development case)."""
    triad = ["low_back_pain", "gait_disturbance", "ataxia", "cognitive_decline", "urinary_incontinence"]
    result = assess({"age": 77, "sex": "female", "findings": dict.fromkeys(triad, "present")})
    specific = [c for c in result.conditions if c.id != "nonspecific_low_back_pain"]
    assert specific[0].id == "normal_pressure_hydrocephalus"


def test_the_headline_puts_a_raised_red_flag_before_the_probabilities() -> None:
    """Under 'lumbar: non-specific back pain 91%' an emergency flag for infection seen on imaging read as a
    contradiction (clinician review): the headline names the flag and says it comes first."""
    flagged = assess({"age": 45, "findings": {"low_back_pain": "present", "spinal_infection_on_imaging": "present"}})
    label = next(f.label for f in flagged.red_flags if f.condition == "spinal_infection")
    assert f"{label} (emergency)" in flagged.origin.explanation
    plain = assess({"age": 45, "findings": {"low_back_pain": "present", "sciatica": "present"}})
    assert not plain.red_flags and "Red flag" not in plain.origin.explanation


def test_suspected_myelopathy_needs_a_symptom_or_sign_of_it() -> None:
    """Neck pain alone in a spine-clinic man of 80 read myelopathy 16% from age and the clinic's prior, and
    the header said SOON: suspected myelopathy (clinician review: lines from untouched priors). With clumsy
    hands it is suspected."""
    neck = assess({"age": 80, "sex": "male", "findings": {"neck_pain": "present"}}, setting="spine_clinic")
    assert neck.urgency is Urgency.ROUTINE
    assert "no_cervical_manipulation_in_myelopathy" not in {x.id for x in neck.workup}
    hands = {"neck_pain": "present", "hand_clumsiness": "present"}
    assert assess({"age": 80, "sex": "male", "findings": hands}, setting="spine_clinic").urgency is Urgency.SOON


def test_a_cervical_origin_of_back_pain_says_how_the_neck_produces_it() -> None:
    """'Cervical origin of the low back pain' read as nonsense to a clinician without the mechanism."""
    findings = dict.fromkeys(["low_back_pain", "hand_clumsiness", "gait_disturbance", "hoffmann_sign"], "present")
    result = assess({"age": 66, "sex": "male", "findings": findings})
    assert result.origin.verdict is Origin.CERVICAL
    assert "gait change" in result.origin.explanation


def test_the_origin_sentence_names_a_flagged_condition_before_non_specific_back_pain() -> None:
    """A blind review: 'non-specific low back pain 51%, spinal infection 37%' headed a report whose emergency flag
    was an infection seen on imaging; the sentence names the flagged condition first, as the list does."""
    findings = ["low_back_pain", "history_of_cancer", "night_pain"]
    result = assess({"age": 65, "findings": dict.fromkeys(findings, "present")})
    probabilities = {c.id: c.probability for c in result.conditions}
    assert probabilities["nonspecific_low_back_pain"] > probabilities["spinal_malignancy"]  # what the order overrides
    sentence = result.origin.explanation
    assert sentence.index("Spinal malignancy") < sentence.index("Non-specific low back pain")


def test_an_mri_read_as_infection_means_what_such_a_report_means_in_practice() -> None:
    """Held to the floor on leaks (1 in 200), the report of an abscess could not outweigh a prior of 1 in 10,000:
    infection stayed at 2% and non-specific back pain at 73% beside an imaged tuberculous spondylitis. With
    nothing else known, the report now gives a primary-care presenter about the third of such reports that are
    confirmed (Kihira 2020), and more in the spine clinic, where the prior is higher."""
    findings = dict.fromkeys(["low_back_pain", "spinal_infection_on_imaging"], "present")
    primary = {c.id: c.probability for c in assess({"age": 50, "findings": findings}).conditions}
    clinic = {c.id: c.probability for c in assess({"age": 50, "findings": findings}, setting="spine_clinic").conditions}
    assert 0.25 < primary["spinal_infection"] < 0.45
    assert clinic["spinal_infection"] > max(0.5, clinic["nonspecific_low_back_pain"])


def test_an_mri_read_as_a_spinal_metastasis_outweighs_non_specific_back_pain() -> None:
    """A 4% rate of marrow signal among the imaged, taken as the rate among all presenters, left a reported
    metastasis at 53% beside non-specific back pain; about half of suspected spinal tumours biopsied are malignant
    (Oka 2023), and the report alone now gives that, moved by age."""
    findings = dict.fromkeys(["low_back_pain", "spinal_metastasis_on_imaging"], "present")
    under_50 = {c.id: c.probability for c in assess({"age": 45, "findings": findings}).conditions}
    older = {c.id: c.probability for c in assess({"age": 60, "findings": findings}).conditions}
    assert 0.2 < under_50["spinal_malignancy"] < older["spinal_malignancy"]
    assert older["spinal_malignancy"] > 0.5 > older["nonspecific_low_back_pain"]


def test_a_finding_recorded_only_is_listed_with_why_it_changes_no_probability() -> None:
    case = {"age": 60, "findings": {"low_back_pain": "present", "previous_lumbar_surgery": "present"}}
    result = assess(case)
    assert [(r.finding, r.status) for r in result.recorded_only] == [("previous_lumbar_surgery", "present")]
    assert "No accuracy figure" in result.recorded_only[0].reason
    assert assess({"age": 60, "findings": {"low_back_pain": "present"}}).recorded_only == []
