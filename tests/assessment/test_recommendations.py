"""Work-up and treatment for every condition, and the cautions (issue 12)."""

from __future__ import annotations

from spinetriage.assessment import Assessment, assess
from spinetriage.assessment.recommend import advised_against, applicable
from spinetriage.knowledge import KnowledgeBase
from spinetriage.vocab import Status

P = Status.PRESENT


def _ids(items: list[object]) -> set[str]:
    return {getattr(i, "id") for i in items}  # noqa: B009


def _probabilities(kb: KnowledgeBase, **high: float) -> dict[str, float]:
    return {c: high.get(c, 0.001) for c in kb.conditions}


def test_every_condition_has_a_work_up_or_a_treatment(kb: KnowledgeBase) -> None:
    for condition in kb.conditions:
        flags = {f.id for f in kb.red_flags.values() if f.condition == condition}
        recs = [*kb.workup.values(), *kb.treatment.values()]
        assert any(any(i.condition == condition or i.red_flag in flags for i in r.indications) for r in recs), condition


def test_self_management_is_never_the_treatment_when_a_serious_condition_is_likely(kb: KnowledgeBase) -> None:
    evidence = {"low_back_pain": P}
    calm = _probabilities(kb, nonspecific_low_back_pain=0.9)
    assert "lumbar_self_management_exercise" in {
        r.id for r, _ in applicable(kb, kb.treatment.values(), calm, evidence, set())
    }
    for serious in (
        "cauda_equina_syndrome",
        "spinal_infection",
        "metastatic_spinal_cord_compression",
        "spinal_malignancy",
    ):
        worried = {**calm, serious: 0.2}
        chosen = {r.id for r, _ in applicable(kb, kb.treatment.values(), worried, evidence, set())}
        assert "lumbar_self_management_exercise" not in chosen, serious
        against = {r.id for r, _ in advised_against(kb, worried, evidence, set(), set())}
        assert "self_management_alone_in_serious_disease" in against, serious


def test_self_management_is_withheld_while_any_red_flag_is_raised(kb: KnowledgeBase) -> None:
    calm = _probabilities(kb, nonspecific_low_back_pain=0.9)
    chosen = {r.id for r, _ in applicable(kb, kb.treatment.values(), calm, {}, {"vertebral_fracture"})}
    assert "lumbar_self_management_exercise" not in chosen
    assert "sciatica_pathway" not in {
        r.id for r, _ in applicable(kb, kb.treatment.values(), {**calm, "lumbar_radiculopathy": 0.8}, {}, {"x"})
    }


def test_cauda_equina_gets_emergency_mri_and_decompression_not_self_management() -> None:
    result = assess({"age": 40, "findings": {"low_back_pain": "present", "saddle_anesthesia": "present"}})
    assert result.workup[0].id == "emergency_lumbar_mri" or "emergency_lumbar_mri" in _ids(result.workup)
    assert "ces_emergency_decompression" in _ids(result.treatment)
    assert "lumbar_self_management_exercise" not in _ids(result.treatment)


def test_infection_asks_for_blood_cultures_before_antibiotics_and_whole_spine_mri() -> None:
    findings = dict.fromkeys(["low_back_pain", "iv_drug_use", "fever", "elevated_inflammatory_markers"], "present")
    result = assess({"age": 34, "findings": findings})
    step = next(w for w in result.workup if w.id == "infection_markers_and_mri")
    assert "blood cultures before" in step.label.lower() and "whole spine" in step.label.lower()
    assert "spinal_infection_treatment" in _ids(result.treatment)
    assert "lumbar_self_management_exercise" not in _ids(result.treatment)


def test_metastatic_compression_gets_mri_within_24_hours_dexamethasone_and_oncology() -> None:
    findings = dict.fromkeys(["low_back_pain", "history_of_cancer", "leg_weakness", "sensory_level"], "present")
    result = assess({"age": 66, "findings": findings})
    assert "mscc_pathway" in _ids(result.workup)
    mscc = next(w for w in result.workup if w.id == "mscc_pathway")
    assert "24 hours" in mscc.label
    treatment = next(t for t in result.treatment if t.id == "mscc_dexamethasone_oncology")
    assert "dexamethasone" in treatment.label.lower() and "oncology" in treatment.label.lower()


def test_neuropathy_work_up_names_nerve_conduction_hba1c_and_b12(kb: KnowledgeBase) -> None:
    rec = kb.workup["nerve_conduction_studies"]
    assert "HbA1c" in rec.label and "B12" in rec.label


def test_mnd_ms_and_nph_are_sent_to_neurology(kb: KnowledgeBase) -> None:
    for condition, step in (
        ("motor_neuron_disease", "mnd_urgent_neurology"),
        ("multiple_sclerosis", "ms_neurology_and_brain_mri"),
        ("normal_pressure_hydrocephalus", "nph_brain_imaging"),
    ):
        chosen = {
            r.id for r, _ in applicable(kb, kb.workup.values(), _probabilities(kb, **{condition: 0.6}), {}, set())
        }
        assert step in chosen, condition
    assert "EMG" in kb.workup["mnd_urgent_neurology"].label


def test_no_cervical_manipulation_when_myelopathy_is_suspected(kb: KnowledgeBase) -> None:
    """Suspected: likely enough, with a symptom or sign of myelopathy recorded (not from age and priors)."""
    probabilities = _probabilities(kb, degenerative_cervical_myelopathy=0.3)
    hands = {"hand_clumsiness": Status.PRESENT}
    against = {r.id for r, _ in advised_against(kb, probabilities, hands, set(), set())}
    assert "no_cervical_manipulation_in_myelopathy" in against
    assert "no_cervical_manipulation_in_myelopathy" not in {
        r.id for r, _ in advised_against(kb, probabilities, {}, set(), set())
    }


def test_emg_before_cervical_surgery_only_with_lower_motor_neuron_signs(kb: KnowledgeBase) -> None:
    probabilities = _probabilities(kb, degenerative_cervical_myelopathy=0.6)
    plain = {r.id for r, _ in applicable(kb, kb.workup.values(), probabilities, {}, set())}
    assert "emg_before_cervical_surgery" not in plain
    wasting = {r.id for r, _ in applicable(kb, kb.workup.values(), probabilities, {"muscle_atrophy": P}, set())}
    assert "emg_before_cervical_surgery" in wasting


def test_tandem_stenosis_is_treated_cervical_first_then_lumbar_reassessed(kb: KnowledgeBase) -> None:
    both = _probabilities(kb, degenerative_cervical_myelopathy=0.7, lumbar_spinal_stenosis=0.7)
    claudication = {"neurogenic_claudication": P}  # the lumbar symptom the lower back's treatment is for
    chosen = applicable(kb, kb.treatment.values(), both, claudication, set())
    rec, why = next((r, w) for r, w in chosen if r.id == "aim_at_cervical_source")
    assert "Lumbar spinal stenosis" in why  # the tandem indication, not the neck alone
    assert "cervical cord first" in rec.detail and "reassess the lumbar spine" in rec.detail
    assert "aim_at_cervical_source" not in {r.id for r, _ in applicable(kb, kb.treatment.values(), both, {}, set())}
    lumbar_with_cord_on_mri = _probabilities(kb, lumbar_spinal_stenosis=0.7)
    cord = {"cervical_cord_compression": P, **claudication}
    chosen = applicable(kb, kb.treatment.values(), lumbar_with_cord_on_mri, cord, set())
    assert "aim_at_cervical_source" in {r.id for r, _ in chosen}


def test_leg_cord_signs_in_likely_motor_neuron_disease_get_the_mri_not_a_surgical_direction() -> None:
    """Leg cord signs ask for a whole-spine MRI (the red flag); when motor neuron disease explains them,
    the treatment is neurology care (NICE NG42), not a thoracic decompression before any MRI."""
    findings = dict.fromkeys(
        ["low_back_pain", "leg_weakness", "hand_weakness", "muscle_atrophy", "fasciculations", "babinski_sign"],
        "present",
    )
    result = assess({"age": 62, "sex": "male", "findings": findings}, setting="spine_clinic")
    assert result.conditions[0].id == "motor_neuron_disease"
    assert "cord_signs_in_the_legs" in {f.id for f in result.red_flags}
    assert {"whole_spine_mri_cord", "mnd_urgent_neurology"} <= _ids(result.workup)
    assert "mnd_specialist_care" in _ids(result.treatment)
    assert "thoracic_cord_decompression" not in _ids(result.treatment)
    without_mnd_signs = {**findings, "muscle_atrophy": "absent", "fasciculations": "absent"}
    other = assess({"age": 62, "sex": "male", "findings": without_mnd_signs}, setting="spine_clinic")
    assert "thoracic_cord_decompression" in _ids(other.treatment)


def test_the_leading_conditions_elective_treatment_comes_first() -> None:
    """Hydrocephalus at 94% with a myelopathy at 18% (a published case, development set): the shunt
    assessment heads the treatment list, before gait physiotherapy for the myelopathy (by priority alone
    the physiotherapy came first)."""
    nph = {
        "age": 82,
        "sex": "male",
        "findings": dict.fromkeys(
            [
                "broad_based_gait",
                "cognitive_decline",
                "falls",
                "gait_disturbance",
                "leg_heaviness",
                "urinary_incontinence",
                "urinary_urgency",
            ],
            "present",
        ),
    }
    result = assess(nph)
    leading = result.conditions[0]
    assert leading.id == "normal_pressure_hydrocephalus"
    treatment = [t.id for t in result.treatment]
    assert treatment[0] == "nph_shunt_assessment"
    myelopathy = _probability_of(result, "degenerative_cervical_myelopathy")
    assert 0.1 <= myelopathy < 0.5
    assert "gait_posture_physiotherapy" not in treatment  # rehabilitation waits for a likely myelopathy


def _probability_of(result: Assessment, condition: str) -> float:
    return next(c.probability for c in result.conditions if c.id == condition)


def test_myelopathy_rehabilitation_waits_for_a_likely_myelopathy() -> None:
    """Structured rehabilitation treats diagnosed mild myelopathy (Fehlings 2017): at the probability that
    advises a cervical MRI it is not offered, once myelopathy is more likely than not it is."""
    suspected = assess(
        {
            "age": 60,
            "sex": "male",
            "findings": dict.fromkeys(["low_back_pain", "hand_clumsiness", "gait_disturbance"], "present"),
        }
    )
    likely = assess(
        {
            "age": 60,
            "sex": "male",
            "findings": dict.fromkeys(
                ["low_back_pain", "hand_clumsiness", "gait_disturbance", "hoffmann_sign"], "present"
            ),
        }
    )
    assert 0.1 <= _probability_of(suspected, "degenerative_cervical_myelopathy") < 0.5
    assert "gait_posture_physiotherapy" not in _ids(suspected.treatment)
    assert _probability_of(likely, "degenerative_cervical_myelopathy") >= 0.5
    assert "gait_posture_physiotherapy" in _ids(likely.treatment)


def test_serious_pathways_stay_before_elective_directions() -> None:
    """An emergency pathway comes first whatever the probabilities of the elective conditions."""
    result = assess(
        {
            "findings": {
                "low_back_pain": "present",
                "saddle_anesthesia": "present",
                "hoffmann_sign": "present",
                "hand_clumsiness": "present",
                "broad_based_gait": "present",
            }
        }
    )
    assert result.treatment[0].id == "ces_emergency_decompression"


def test_no_self_management_or_advice_against_imaging_while_raised_markers_are_unexplained() -> None:
    """Deyo & Diehl 1988: a raised ESR screens for cancer (and infection) and leads to imaging; back pain
    is non-specific only once they are excluded."""
    plain = {"age": 40, "findings": {"low_back_pain": "present", "fever": "absent"}}
    assert "lumbar_self_management_exercise" in {t.id for t in assess(plain).treatment}
    raised = {"age": 40, "findings": {**plain["findings"], "elevated_inflammatory_markers": "present"}}
    result = assess(raised)
    assert "lumbar_self_management_exercise" not in {t.id for t in result.treatment}
    assert "routine_lumbar_imaging" not in {w.id for w in result.workup}


def test_in_tandem_stenosis_the_neck_comes_before_the_lumbar_pathway() -> None:
    """Both conditions are working diagnoses: the designed order stands (tandem stenosis review, Eur Spine J
    2021: treat the cervical cord first, then reassess the lumbar spine)."""
    from .test_guidance import TANDEM

    treatment = [t.id for t in assess(TANDEM).treatment]
    assert treatment.index("aim_at_cervical_source") < treatment.index("stenosis_pathway")


def test_cord_compression_on_imaging_with_wasting_asks_for_emg_whatever_the_probabilities(kb: KnowledgeBase) -> None:
    """Wasting with a compressed cord: spondylotic amyotrophy or motor neuron disease, which EMG
    separates (thoracic paraspinal denervation in ALS) before any decompression."""
    low = _probabilities(kb)
    evidence = {"cervical_cord_compression": P, "muscle_atrophy": P}
    chosen = dict((r.id, why) for r, why in applicable(kb, kb.workup.values(), low, evidence, set()))
    assert "emg_before_cervical_surgery" in chosen
    assert chosen["emg_before_cervical_surgery"] == "present: cervical_cord_compression, muscle_atrophy"
    assert "emg_before_cervical_surgery" not in _ids(
        [r for r, _ in applicable(kb, kb.workup.values(), low, {"cervical_cord_compression": P}, set())]
    )


def test_cord_compression_with_weak_or_wasted_hands_goes_to_a_spinal_surgeon_whatever_the_probabilities(
    kb: KnowledgeBase,
) -> None:
    """The amyotrophic form of cervical spondylosis has no reflex sign and leaves myelopathy improbable; it is
    operated on, best early (Zhang 2016), with EMG first (a clinician review rated 'EMG only' dangerous)."""
    low = _probabilities(kb)
    for sign in ("hand_weakness", "muscle_atrophy"):
        evidence = {"cervical_cord_compression": P, sign: P}
        chosen = _ids([r for r, _ in applicable(kb, kb.treatment.values(), low, evidence, set())])
        assert "cord_compression_with_weak_or_wasted_arms" in chosen
    alone = {"cervical_cord_compression": P}
    assert "cord_compression_with_weak_or_wasted_arms" not in _ids(
        [r for r, _ in applicable(kb, kb.treatment.values(), low, alone, set())]
    )
    mnd = _probabilities(kb, motor_neuron_disease=0.6)
    wasted = {"cervical_cord_compression": P, "muscle_atrophy": P}
    assert "cord_compression_with_weak_or_wasted_arms" not in _ids(
        [r for r, _ in applicable(kb, kb.treatment.values(), mnd, wasted, set())]
    )


def test_weak_foot_pulses_with_leg_symptoms_ask_for_the_ankle_brachial_index_whatever_the_probabilities(
    kb: KnowledgeBase,
) -> None:
    low = _probabilities(kb)
    evidence = {"diminished_pedal_pulses": P, "leg_pain_below_knee": P}
    assert "ankle_brachial_index" in _ids([r for r, _ in applicable(kb, kb.workup.values(), low, evidence, set())])
    pulses_alone = {"diminished_pedal_pulses": P}
    assert "ankle_brachial_index" not in _ids(
        [r for r, _ in applicable(kb, kb.workup.values(), low, pulses_alone, set())]
    )


def test_suspected_myelopathy_with_sensory_ataxia_asks_for_b12(kb: KnowledgeBase) -> None:
    """Subacute combined degeneration mimics (and accompanies) cervical myelopathy and is reversible."""
    suspected = _probabilities(kb, degenerative_cervical_myelopathy=0.3)
    for sign in ("romberg_sign", "ataxia"):
        chosen = _ids([r for r, _ in applicable(kb, kb.workup.values(), suspected, {sign: P}, set())])
        assert "b12_for_cord_signs_with_sensory_ataxia" in chosen
    plain = {"hoffmann_sign": P}
    assert "b12_for_cord_signs_with_sensory_ataxia" not in _ids(
        [r for r, _ in applicable(kb, kb.workup.values(), suspected, plain, set())]
    )
    unlikely = _probabilities(kb, degenerative_cervical_myelopathy=0.05)
    assert "b12_for_cord_signs_with_sensory_ataxia" not in _ids(
        [r for r, _ in applicable(kb, kb.workup.values(), unlikely, {"romberg_sign": P}, set())]
    )


def test_the_neck_first_direction_needs_a_lower_back_or_leg_complaint(kb: KnowledgeBase) -> None:
    """'Treat the neck first, then reassess the lower back' is about back and leg symptoms that cervical
    decompression may relieve; for hands and gait alone it has nothing to reassess."""
    likely = _probabilities(kb, degenerative_cervical_myelopathy=0.8)
    hands = {"hand_clumsiness": P, "gait_disturbance": P}
    assert "aim_at_cervical_source" not in _ids(
        [r for r, _ in applicable(kb, kb.treatment.values(), likely, hands, set())]
    )
    back = {**hands, "low_back_pain": P}
    assert "aim_at_cervical_source" in _ids([r for r, _ in applicable(kb, kb.treatment.values(), likely, back, set())])


def test_infection_antibiotics_wait_for_the_organism_unless_septic_or_compromised(kb: KnowledgeBase) -> None:
    """IDSA 2015: empirical antibiotics are withheld until the organism is known (cultures, then biopsy),
    except in sepsis or neurological compromise; the treatment agrees with the imaging flag's work-up."""
    treatment = kb.treatment["spinal_infection_treatment"]
    assert "biopsy" in treatment.detail and "septic" in treatment.detail
    assert "idsa_nvo2015" in treatment.sources


def test_back_pain_advice_needs_back_pain_recorded() -> None:
    """With no complaint recorded back pain is only assumed: a lone wasted muscle was offered back-pain
    self-care with NSAIDs and 'no imaging' (a clinician review). Recorded back pain still gets both."""
    lone = assess({"age": 67, "findings": {"muscle_atrophy": "present"}})
    assert not {"lumbar_self_management_exercise", "routine_lumbar_imaging"} & (
        _ids(lone.treatment) | _ids(lone.workup)
    )
    back = assess({"age": 40, "findings": {"low_back_pain": "present"}})
    assert "lumbar_self_management_exercise" in _ids(back.treatment)
    assert "routine_lumbar_imaging" in _ids(back.workup)


def test_bilateral_leg_pain_with_back_pain_asks_whether_it_is_new() -> None:
    """New-onset bilateral leg pain with back pain is a cauda equina symptom (national pathway): the step asks
    when it began and says what to do, without raising the emergency flag for chronic bilateral pain."""
    both = assess(
        {"age": 45, "findings": dict.fromkeys(["low_back_pain", "sciatica", "bilateral_leg_symptoms"], "present")}
    )
    assert "ces_bilateral_leg_pain_check" in _ids(both.workup)
    assert "routine_lumbar_imaging" not in _ids(both.workup)
    one = assess({"age": 45, "findings": dict.fromkeys(["low_back_pain", "sciatica"], "present")})
    assert "ces_bilateral_leg_pain_check" not in _ids(one.workup)


def test_lumbar_advice_is_for_lumbar_symptoms() -> None:
    """Stenosis at 63% from age, the spine clinic's prior and its co-occurrence with myelopathy drew a lumbar
    MRI, the stenosis pathway and "neck first, then reassess the lower back" in a 70-year-old with no back or
    leg complaint (a blind clinician review). The same patient with back pain and claudication gets them."""
    neck = ["cervical_cord_compression", "fine_motor_difficulty", "gait_disturbance", "hoffmann_sign"]
    lumbar_advice = {"lumbar_mri_if_surgical_candidate", "stenosis_pathway", "aim_at_cervical_source"}
    alone = assess({"age": 70, "sex": "male", "findings": dict.fromkeys(neck, "present")}, setting="spine_clinic")
    assert _probability_of(alone, "lumbar_spinal_stenosis") >= 0.5
    assert not lumbar_advice & (_ids(alone.workup) | _ids(alone.treatment))
    legs = dict.fromkeys([*neck, "low_back_pain", "neurogenic_claudication"], "present")
    both = assess({"age": 70, "sex": "male", "findings": legs}, setting="spine_clinic")
    assert "aim_at_cervical_source" in _ids(both.treatment)


def test_a_fracture_from_age_alone_does_not_hold_back_self_management_without_back_pain() -> None:
    """From age and sex a fracture reaches 14% in a woman over 70: with a gait complaint and no back pain,
    'self-management alone is not the treatment here' answered a question nobody asked (clinician review);
    with back pain, the complaint a fracture would cause, it stands (an 80-year-old's missed fracture)."""
    gait = assess({"age": 80, "sex": "female", "findings": {"gait_disturbance": "present"}})
    back = assess({"age": 80, "sex": "female", "findings": {"low_back_pain": "present"}})
    for a in (gait, back):
        assert next(c.probability for c in a.conditions if c.id == "vertebral_fracture") >= 0.1
    line = "self_management_alone_in_serious_disease"
    assert line not in {t.id for t in gait.treatment + gait.workup}
    assert line in {t.id for t in back.treatment + back.workup}


def test_age_and_a_complaint_no_condition_explains_draw_no_cervical_mri_or_ankle_brachial_index() -> None:
    """In a spine-clinic man of 80 with neck pain alone, myelopathy reached 10% and arterial disease 27% from
    age and the clinic's priors: a cervical MRI and an ankle-brachial index were advised (clinician review).
    Suspected myelopathy needs a symptom or sign of it, and the ABI figures are for leg discomfort."""
    neck = assess({"age": 80, "sex": "male", "findings": {"neck_pain": "present"}}, setting="spine_clinic")
    advised = {x.id for x in neck.workup}
    assert "cervical_mri" not in advised and "ankle_brachial_index" not in advised
    hands = assess(
        {"age": 80, "sex": "male", "findings": {"neck_pain": "present", "hand_clumsiness": "present"}},
        setting="spine_clinic",
    )
    assert "cervical_mri" in {x.id for x in hands.workup}
    legs = assess({"age": 80, "sex": "male", "findings": {"leg_pain_below_knee": "present"}}, setting="spine_clinic")
    assert "ankle_brachial_index" in {x.id for x in legs.workup}


def test_sciatica_takes_the_sciatica_pathway_whatever_the_probability_of_root_compression() -> None:
    """NICE NG59's sciatica recommendations are for people with sciatica, the clinical syndrome: sciatica with
    a matching disc on MRI read radiculopathy 38% and was given back-pain self-care alone (clinician review).
    The MRI line is moot once the lumbar spine is imaged; cauda equina takes its own emergency route."""
    disc = assess({"age": 40, "findings": {"sciatica": "present", "lumbar_disc_herniation": "present"}})
    ids = {x.id for x in disc.treatment + disc.workup}
    assert "sciatica_pathway" in ids and "lumbar_mri_if_surgical_candidate" not in ids
    plain = assess({"age": 40, "findings": {"low_back_pain": "present", "sciatica": "present"}})
    assert {"sciatica_pathway", "lumbar_mri_if_surgical_candidate"} <= {x.id for x in plain.treatment + plain.workup}
    ces = {"sciatica": "present", "saddle_anesthesia": "present", "urinary_retention": "present"}
    assert "sciatica_pathway" not in {x.id for x in assess({"age": 40, "findings": ces}).treatment}


def test_sphincter_disturbance_with_cord_signs_images_the_whole_spine() -> None:
    """Retention with a cervical cord injury or multilevel OPLL was sent for a lumbosacral scan (a clinician's
    critique): with cord signs the emergency MRI covers the whole spine (NICE NG234 practice); without them
    the cauda equina pathway's lumbosacral scan stands."""
    ces = {"low_back_pain": "present", "saddle_anesthesia": "present", "urinary_retention": "present"}
    lumbar = {x.id for x in assess({"age": 50, "findings": ces}).workup}
    assert "emergency_lumbar_mri" in lumbar and "emergency_whole_spine_mri" not in lumbar
    cord = {**ces, "hoffmann_sign": "present", "cervical_cord_compression": "present"}
    whole = {x.id for x in assess({"age": 50, "findings": cord}).workup}
    assert "emergency_whole_spine_mri" in whole and "emergency_lumbar_mri" not in whole


def test_new_weakness_of_both_legs_images_the_whole_spine_with_clumsy_hands_or_no_back_or_leg_pain() -> None:
    """A second critique: rapidly worsening weakness of both legs with clumsy hands, or with neither back nor leg
    pain, was sent for a lumbosacral scan as cauda equina syndrome; the cord may be the lesion."""
    weak = {"rapid_progression": "present", "bilateral_leg_symptoms": "present", "leg_weakness": "present"}

    def workup(extra: dict[str, str]) -> set[str]:
        return {x.id for x in assess({"age": 70, "findings": {**weak, **extra}}).workup}

    radicular = workup({"low_back_pain": "present", "sciatica": "present"})
    assert "emergency_lumbar_mri" in radicular and "emergency_whole_spine_mri" not in radicular
    for extra in ({}, {"low_back_pain": "present", "fine_motor_difficulty": "present"}):
        cord = workup(extra)
        assert "emergency_whole_spine_mri" in cord and "emergency_lumbar_mri" not in cord, extra


def test_an_acute_cord_compression_gets_no_elective_grading_or_rehabilitation_trial() -> None:
    """A critique: 'grade myelopathy with the mJOA ... a supervised trial of structured rehabilitation' stood under a
    same-day surgical opinion for an acutely compressed cord."""
    myelopathy = dict.fromkeys(
        ["hand_clumsiness", "gait_disturbance", "hoffmann_sign", "cervical_cord_compression"], "present"
    )
    elective = {t.id for t in assess({"age": 66, "findings": myelopathy}).treatment}
    assert "dcm_surgical_assessment" in elective
    acute = {t.id for t in assess({"age": 66, "findings": {**myelopathy, "rapid_progression": "present"}}).treatment}
    assert "acute_cervical_cord_decompression" in acute
    assert acute.isdisjoint({"dcm_surgical_assessment", "gait_posture_physiotherapy"})


def test_stenotic_claudication_is_advised_against_an_epidural_even_beside_sciatica() -> None:
    """NICE NG59: no epidural injection for neurogenic claudication from central stenosis; the sciatica pathway's
    'consider epidural injection' stood alone in a stenosis picture (a critique)."""
    stenosis = [
        "low_back_pain",
        "sciatica",
        "neurogenic_claudication",
        "relief_sitting_flexion",
        "bilateral_leg_symptoms",
    ]
    result = assess({"age": 75, "findings": dict.fromkeys(stenosis, "present")})
    assert "epidural_for_stenotic_claudication" in {x.id for x in result.workup}
    plain = assess({"age": 40, "findings": dict.fromkeys(["low_back_pain", "sciatica"], "present")})
    assert "epidural_for_stenotic_claudication" not in {x.id for x in plain.workup}


def test_weak_legs_ask_for_the_localising_examination_until_it_is_recorded() -> None:
    """A critique: back pain with weak legs (tuberculous spondylitis) had only a straight-leg raise suggested."""
    weak = {"low_back_pain": "present", "leg_weakness": "present"}
    assert "localising_leg_examination" in {w.id for w in assess({"age": 37, "findings": weak}).workup}
    examined = {**weak, "hyperreflexia_lower": "absent", "babinski_sign": "absent"}
    assert "localising_leg_examination" not in {w.id for w in assess({"age": 37, "findings": examined}).workup}
    assert "localising_leg_examination" not in {w.id for w in assess({"findings": {"low_back_pain": "present"}}).workup}


def test_myelopathy_suspected_from_the_legs_alone_images_the_thoracic_spine_too() -> None:
    """A blind review: weak legs and an unsteady gait, nothing in the arms, were sent for a cervical MRI alone (a
    thoracic stenosis, a multiple sclerosis); a thoracic cord lesion gives the same legs (Ando 2019)."""
    legs = dict.fromkeys(["leg_weakness", "bilateral_leg_symptoms", "gait_disturbance"], "present")
    workup = {w.id for w in assess({"age": 66, "findings": legs}).workup}
    assert "cervical_and_thoracic_mri" in workup and "cervical_mri" not in workup
    hands = {w.id for w in assess({"age": 66, "findings": {**legs, "hand_clumsiness": "present"}}).workup}
    assert "cervical_mri" in hands and "cervical_and_thoracic_mri" not in hands


def test_claudication_with_no_stenosis_on_mri_asks_for_the_ankle_brachial_index() -> None:
    """A blind review: two arterial occlusions with claudication and a normal lumbar MRI drew no ABI."""
    claudication = {"bilateral_leg_symptoms": "present", "neurogenic_claudication": "present"}

    def workup(extra: dict[str, str]) -> set[str]:
        return {w.id for w in assess({"age": 60, "findings": {**claudication, **extra}}).workup}

    assert "ankle_brachial_index" in workup({"lumbar_canal_stenosis": "absent"})
    assert "ankle_brachial_index" not in workup({"lumbar_canal_stenosis": "present"})
    assert "ankle_brachial_index" not in workup(
        {"lumbar_canal_stenosis": "absent", "diminished_pedal_pulses": "absent"}
    )


def test_arterial_claudication_gets_the_guidelines_secondary_prevention_and_stenosis_its_own_sources() -> None:
    """A clinician review: arterial claudication got 'treat the non-spinal cause' alone (NICE CG147 offers
    secondary prevention and supervised exercise), and the stenosis pathway cited NICE NG59, which covers
    sciatica and non-specific back pain, not neurogenic claudication."""
    from spinetriage import assess

    pad = {"leg_pain_below_knee": "present", "claudication_relieved_standing": "present"}
    arterial = assess({"age": 58, "sex": "male", "findings": {**pad, "diminished_pedal_pulses": "present"}})
    care = {t.id: t for t in arterial.treatment}
    assert "pad_secondary_prevention" in care and care["pad_secondary_prevention"].sources == ["nice_cg147"]
    assert "statin" in care["pad_secondary_prevention"].detail
    spine = ["low_back_pain", "neurogenic_claudication", "relief_sitting_flexion", "bilateral_leg_symptoms"]
    stenosis = assess({"age": 75, "findings": dict.fromkeys(spine, "present")})
    pathway = next(t for t in stenosis.treatment if t.id == "stenosis_pathway")
    assert "nice_ng59" not in pathway.sources
    assert "pad_secondary_prevention" not in {t.id for t in stenosis.treatment}


def test_after_an_injury_cord_signs_get_the_injury_pathway_not_elective_myelopathy_care(kb: KnowledgeBase) -> None:
    """A clinician review: 'myelopathy 61%' after a high-energy collision drew elective grading and the
    neck-first tandem direction; the spinal-injury flag's emergency pathway is the care."""
    likely = _probabilities(kb, degenerative_cervical_myelopathy=0.6)
    back = {"low_back_pain": P, "neck_pain": P}
    chosen = _ids([r for r, _ in applicable(kb, kb.treatment.values(), likely, back, set())])
    assert {"dcm_surgical_assessment", "aim_at_cervical_source"} <= chosen
    injured = _ids([r for r, _ in applicable(kb, kb.treatment.values(), likely, {**back, "trauma": P}, set())])
    assert not {"dcm_surgical_assessment", "aim_at_cervical_source"} & injured


def test_dexamethasone_needs_the_guidelines_cancer_or_metastasis_not_a_probability(kb: KnowledgeBase) -> None:
    """NG234's dexamethasone is for suspected metastatic compression: a cancer or a metastasis with a sign of
    cord compression (the flags). A sensory level after a fall drew it from a 37% probability."""
    high = _probabilities(kb, metastatic_spinal_cord_compression=0.6)
    evidence = {"trauma": P, "leg_weakness": P, "sensory_level": P}
    assert "mscc_dexamethasone_oncology" not in _ids(
        [r for r, _ in applicable(kb, kb.treatment.values(), high, evidence, set())]
    )
    flagged = {"metastatic_spinal_cord_compression"}
    assert "mscc_dexamethasone_oncology" in _ids(
        [r for r, _ in applicable(kb, kb.treatment.values(), high, evidence, flagged)]
    )


def test_cord_compression_on_imaging_with_a_myelopathic_symptom_warns_against_manipulation(kb: KnowledgeBase) -> None:
    """Cord compression with a symptom or sign of myelopathy is a contraindication whatever the probability; the
    compression alone only calls for care (manipulation_contraindications)."""
    low = _probabilities(kb)
    with_symptom = {"cervical_cord_compression": P, "hand_weakness": P}
    against = {r.id for r, _ in advised_against(kb, low, with_symptom, set(), set())}
    assert "no_cervical_manipulation_in_myelopathy" in against
    alone = {"cervical_cord_compression": P}
    assert "no_cervical_manipulation_in_myelopathy" not in {
        r.id for r, _ in advised_against(kb, low, alone, set(), set())
    }


def test_claudication_asks_for_the_abi_whatever_the_pulses() -> None:
    """AHA/ACC 2016: the resting ABI for claudication or other exertional leg symptoms, the exercise ABI when it is
    normal or borderline, the toe-brachial index when it is over 1.40. Normal pulses had left a young athlete's
    exertional calf pain (iliac endofibrosis) with no vascular test (a clinician's critique)."""
    findings = {"leg_pain_below_knee": "present", "claudication_relieved_standing": "present"}
    result = assess({"age": 22, "findings": {**findings, "diminished_pedal_pulses": "absent"}})
    abi = next(w for w in result.workup if w.id == "ankle_brachial_index")
    assert "exercise (treadmill) ABI" in abi.detail and "toe-brachial index" in abi.detail
    without = assess({"age": 22, "findings": {"leg_pain_below_knee": "present", "diminished_pedal_pulses": "absent"}})
    assert "ankle_brachial_index" not in _ids(without.workup)


def test_elective_sequencing_waits_while_an_emergency_is_handled() -> None:
    """ "Treat the neck first" was printed under an active cauda equina emergency (a clinician's critique, rated
    dangerous: it could delay the lumbar decompression). Elective sequencing waits for the emergency."""
    myelopathy = dict.fromkeys(
        ["low_back_pain", "bilateral_leg_symptoms", "hand_clumsiness", "hoffmann_sign", "broad_based_gait"], "present"
    )
    calm = assess({"age": 66, "findings": myelopathy})
    assert "aim_at_cervical_source" in _ids(calm.treatment)
    emergency = assess({"age": 66, "findings": {**myelopathy, "saddle_anesthesia": "present"}})
    assert emergency.urgency.value == "emergency"
    assert "aim_at_cervical_source" not in _ids(emergency.treatment)
    assert "ces_emergency_decompression" in _ids(emergency.treatment)


def test_no_routine_imaging_is_moot_once_a_lumbar_imaging_report_is_recorded() -> None:
    back = {"low_back_pain": "present"}
    assert "routine_lumbar_imaging" in _ids(assess({"age": 40, "findings": back}).workup)
    imaged = assess({"age": 40, "findings": {**back, "lumbar_disc_herniation": "absent"}})
    assert "routine_lumbar_imaging" not in _ids(imaged.workup)


def test_no_routine_imaging_is_not_advised_while_a_serious_condition_is_suspected() -> None:
    # NICE NG59 keeps imaging for suspected serious pathology; an 80-year-old woman's back pain carries a fracture
    # probability above the tool's own "suspected" threshold (older age alone: post-test 9%, Downie 2013).
    back = {"low_back_pain": "present"}
    young = assess({"age": 40, "sex": "female", "findings": back})
    old = assess({"age": 80, "sex": "female", "findings": back})
    fracture = next(c.probability for c in old.conditions if c.id == "vertebral_fracture")
    assert fracture >= 0.1
    assert "routine_lumbar_imaging" in _ids(young.workup)
    assert "routine_lumbar_imaging" not in _ids(old.workup)
    assert "self_management_alone_in_serious_disease" in _ids(old.workup) | _ids(old.treatment)
