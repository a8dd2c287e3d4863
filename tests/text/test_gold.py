"""Gold-set scores. Floors are set a little under the honest measurement (see docs/text.md)."""

from __future__ import annotations

import pytest

from spinetriage.text import extract

from .scoring import load_jsonl, score_notes, score_sentences, unscored_for

SENTENCE_FLOORS = {
    "overall": 0.97,
    "finding": 0.97,
    "side": 0.93,
    "level": 0.95,
    "status:present": 0.97,
    "status:absent": 0.95,
    "status:possible": 0.90,
    "status:historical": 0.90,
    "status:family": 0.90,
    "status:hypothetical": 0.90,
}


@pytest.fixture(scope="module")
def sentence_scores() -> dict[str, object]:
    items = load_jsonl("sentences.jsonl")
    assert len(items) >= 300
    return score_sentences(items, lambda t: [m.to_dict() for m in extract(t).mentions])


@pytest.mark.parametrize("key", sorted(SENTENCE_FLOORS))
def test_sentence_f1_floor(sentence_scores: dict[str, object], key: str) -> None:
    prf = sentence_scores[key]
    assert prf.f1 >= SENTENCE_FLOORS[key], f"{key}: {prf}"  # type: ignore[attr-defined]


def test_notes_f1_floor() -> None:
    items = load_jsonl("notes.jsonl")
    assert len(items) >= 20
    prf = score_notes(items, lambda t: extract(t).findings)
    assert prf.f1 >= 0.94, str(prf)


def test_labelled_report_lines_f1_floor() -> None:
    """Reports that label each line with its level ("C5-C6: ... ."): measured 0.947 overall, 1.0 for levels."""
    items = load_jsonl("level_labels.jsonl")
    assert len(items) >= 8
    scores = score_sentences(items, lambda t: [m.to_dict() for m in extract(t).mentions])
    assert scores["overall"].f1 >= 0.92, str(scores["overall"])
    assert scores["level"].f1 >= 0.95, str(scores["level"])


# Gold sets written apart from the rules (issue 16), each split by a hash of each sentence before
# any rule was written against it. ``wild``: 631 sentences in six styles; ``wild2``: 400 more by a
# writer who had not read the rules, weighted to the statuses other than present; ``wild3``: 400 more
# by another such writer, weighted to the findings read worst on the earlier test parts; ``wild4``: 400
# more by a fourth, in seven styles with every finding at least twice; ``wild5``: 400 more by a fifth, in
# eight styles, committed before anything ran on it and first scored, both parts, at the end of the
# round that added it (no rule was written against either part); ``wild6``: 400 more by a sixth, in nine
# styles, likewise; ``wild7``: 400 more by a seventh, in twelve styles, its test part first scored at the end
# of the round that added it (about eight of its development texts were seen during that round); ``wild8``: 400
# more by an eighth, in twelve styles, its development part used in the round that added it and its test part
# first scored at that round's end; ``wild9``: 400 more by a ninth, in twelve styles (chiropractic notes in place
# of ward-round entries), both parts first scored at the end of the round that added it; ``wild10``: 400 more by a
# tenth, in twelve styles (pain-clinic letters in place of chiropractic notes), likewise; ``wild11``: 400 more by an
# eleventh, in twelve styles (spine-surgery assessments in place of pain-clinic letters), likewise; ``wild12``: 400
# more by a twelfth, in twelve styles of its own (CT and X-ray reports, rheumatology, ambulance, occupational
# health, chiropractic, geriatric, portal messages, meeting summaries...), its development part scored first and
# then used in the round that added it, its test part first scored at that round's end; ``wild13``: 400 more by a
# thirteenth, in twelve more styles (rehabilitation, ward rounds, out-of-hours, medication reviews, falls clinics,
# e-mails, medicolegal reports...), both parts first scored at the end of the round that added it; ``wild14``: 400
# more by a fourteenth, in twelve styles apart from wild13's (MRI findings sections, discharge summaries, forum posts,
# US-style histories...), both parts scored once in the round that added it, with the text reader unchanged;
# ``wild15``: 400 more by a fifteenth, in twelve styles apart from wild14's (rheumatology letters, falls clinics,
# on-call referrals, cord-injury units, CT reports, symptom diaries, independent medical examinations...), both parts
# scored once in the round that added it, whose only text change was one new finding's phrases (the Spurling test);
# ``wild16``: 400 more by a sixteenth, in twelve styles apart from wild15's (triage nurse notes, surgeons' letters,
# ward rounds, occupational health, chiropractic intakes, anaesthetic assessments, district nurses, plain X-ray
# reports, nerve-conduction letters...), both parts scored once at the end of the round that added it; ``wild17``:
# 400 more by a seventeenth, in twelve styles apart from wild16's (on-call handovers, telephone consultations,
# medicolegal excerpts, pain clinics, operative indications, care-home incidents, pharmacists' reviews, paramedics'
# reports...), written with every finding known (severe leg weakness scored), both parts scored once in a round that
# did not change the text reader; ``wild18``: 400 more by an eighteenth, in twelve styles apart from wild17's
# (emergency triage, falls clinics, patient portal messages, EMG reports, continence, acute oncology, infectious
# diseases and vascular clinics...), likewise written with every finding known and scored once, reader unchanged;
# ``wild19``: 400 more by a nineteenth, in twelve styles apart from wild18's (ward-round shorthand, paramedic
# handovers, speech-recognition dictation, interpreted consultations, independent medical examinations, radiology
# request forms...), written with every finding known, both parts scored once at the end of the round that added it;
# ``wild20``: 400 more by a twentieth, in twelve styles apart from wild19's (operation notes, CT myelogram reports,
# patient forum posts, telephone advice lines, diabetic foot clinics, EHR problem lists...), likewise, reader unchanged;
# ``wild21``: 400 more by a twenty-first, in twelve styles apart from wild20's (antenatal notes, EMG reports, MDT
# outcomes, telemedicine transcripts, translated notes, hospice notes...), likewise, reader unchanged;
# ``wild22``: 400 more by a twenty-second, in twelve styles apart from wild21's (spinal cord injury rehabilitation,
# hand surgery letters, secure messages, OPAT notes, transplant clinics, prison healthcare...), likewise; scored once
# beside the session-start reader (0.852 on the test part).
# ``wild23``: 400 more by a twenty-third, in twelve styles apart from wild22's (adolescent transition clinics,
# urodynamics, gait labs, care home rounds, insurance questionnaires, trial screening logs...), likewise; scored once
# beside the last landed reader (0.830 on the test part).
# Rules were tuned on the development parts only; each test part is scored once, at the end of a round (docs/text.md
# has the figures). Floors sit a little under the measurements; a change that lowers them needs a reason.
# The development floors were raised after the recall round (general mechanisms; docs/text.md).
WILD_FLOORS: dict[tuple[str, str], dict[str, float]] = {
    ("wild", "dev"): {
        "overall": 0.94,
        "status:present": 0.94,
        "status:absent": 0.93,
        "status:possible": 0.90,
        # 0.78 before one fall was read as trauma (findings.yaml: falls are more than one; trauma is a fall, an
        # accident or an injury): the first writer annotated "he had a fall last year" as falls, the later ones as
        # trauma (wild dev historical 0.909 -> 0.727 on 15 mentions; wild7-9 development parts rose)
        "status:historical": 0.70,
        "status:family": 0.90,
        "status:hypothetical": 0.92,
    },
    ("wild", "test"): {
        "overall": 0.86,
        "status:present": 0.88,
        "status:absent": 0.88,
        # 0.791 -> 0.744 (n=22) with the status wording taken from the second set's development
        # part; which sentence changed was not looked up, to keep the part frozen.
        "status:possible": 0.72,
        "status:historical": 0.68,
        "status:family": 0.86,
        "status:hypothetical": 0.68,
    },
    ("wild2", "test"): {  # scored once, at the end of the round that wrote the rules for wild2
        "overall": 0.72,
        "status:present": 0.68,
        "status:absent": 0.79,
        "status:possible": 0.74,
        "status:historical": 0.58,
        # 0.892 -> 0.862 (n=36: one family pair read as another finding) with the vocabulary taken from
        # the third set's development part; which sentence changed was not looked up, to keep the part
        # frozen. Probes of every new phrase in family sentences found no family reading lost.
        "status:family": 0.85,
        "status:hypothetical": 0.67,
    },
    ("wild2", "dev"): {
        "overall": 0.88,
        "status:present": 0.84,
        "status:absent": 0.93,
        "status:possible": 0.88,
        "status:historical": 0.80,
        "status:family": 0.93,
        "status:hypothetical": 0.93,
    },
    ("wild3", "test"): {  # scored once, at the end of the round that wrote the rules for wild3
        "overall": 0.68,
        "status:present": 0.68,
        "status:absent": 0.77,
        "status:possible": 0.71,
        "status:historical": 0.46,
        "status:family": 0.77,
        "status:hypothetical": 0.58,
    },
    ("wild3", "dev"): {
        "overall": 0.78,
        "status:present": 0.74,
        "status:absent": 0.83,
        "status:possible": 0.67,
        "status:historical": 0.78,
        "status:family": 0.87,
        "status:hypothetical": 0.80,
    },
    ("wild4", "test"): {  # scored once, at the end of the round that wrote the rules for wild4
        "overall": 0.68,
        "status:present": 0.66,
        "status:absent": 0.77,
        "status:possible": 0.65,
        "status:historical": 0.70,
        "status:family": 0.60,
        "status:hypothetical": 0.62,
    },
    ("wild5", "test"): {  # first scored at the end of the round that added wild5 (both parts fresh then)
        "overall": 0.69,
        "status:present": 0.68,
        "status:absent": 0.72,
        "status:possible": 0.63,
        "status:historical": 0.55,
        "status:family": 0.77,
        "status:hypothetical": 0.75,
    },
    ("wild5", "dev"): {  # first scored with the test part; from the next round on, a development part
        "overall": 0.76,
        "status:present": 0.72,
        "status:absent": 0.78,
        "status:possible": 0.70,
        "status:historical": 0.80,
        "status:family": 0.81,
        "status:hypothetical": 0.81,
    },
    ("wild6", "test"): {  # first scored at the end of the round that added wild6 (both parts fresh then)
        "overall": 0.75,
        "status:present": 0.76,
        "status:absent": 0.77,
        "status:possible": 0.65,
        "status:historical": 0.70,
        "status:family": 0.80,
        "status:hypothetical": 0.65,
    },
    ("wild6", "dev"): {  # first scored with the test part; from the next round on, a development part
        "overall": 0.72,
        "status:present": 0.72,
        "status:absent": 0.78,
        "status:possible": 0.70,
        "status:historical": 0.54,
        "status:family": 0.79,
        "status:hypothetical": 0.63,
    },
    ("wild7", "test"): {  # first scored at the end of the round that added wild7: 0.723 (P 0.827, R 0.642)
        "overall": 0.70,
        "status:present": 0.73,
        "status:absent": 0.67,
        "status:possible": 0.68,
        "status:historical": 0.66,
        "status:family": 0.70,
        "status:hypothetical": 0.65,
    },
    ("wild7", "dev"): {  # scored with the test part: 0.717; from the next round on, a development part
        "overall": 0.70,
        "status:present": 0.76,
        "status:absent": 0.58,
        "status:possible": 0.57,
        "status:historical": 0.62,
        "status:family": 0.66,
        "status:hypothetical": 0.82,
    },
    ("wild8", "test"): {  # first scored at the end of the round that added wild8: 0.812 (P 0.868, R 0.762)
        "overall": 0.79,
        "status:present": 0.82,
        "status:absent": 0.72,
        "status:possible": 0.64,
        "status:historical": 0.80,
        "status:family": 0.77,
        "status:hypothetical": 0.67,
    },
    ("wild8", "dev"): {  # the development part of that round: 0.800 before it, 0.841 after
        "overall": 0.82,
        "status:present": 0.85,
        "status:absent": 0.77,
        "status:possible": 0.62,
        "status:historical": 0.76,
        "status:family": 0.82,
        "status:hypothetical": 0.81,
    },
    ("wild9", "test"): {  # first scored at the end of the round that added wild9: 0.793 (P 0.853, R 0.740)
        "overall": 0.77,
        "status:present": 0.78,
        "status:absent": 0.85,
        "status:possible": 0.73,
        "status:historical": 0.46,
        "status:family": 0.75,
        "status:hypothetical": 0.81,
    },
    ("wild9", "dev"): {  # scored with the test part: 0.776
        "overall": 0.75,
    },
    ("wild10", "test"): {  # first scored at the end of the round that added wild10: 0.873 (P 0.918, R 0.832)
        "overall": 0.85,
        "status:present": 0.87,
        "status:absent": 0.85,
        "status:possible": 0.71,
        "status:historical": 0.76,
        "status:family": 0.75,
        "status:hypothetical": 0.64,
    },
    ("wild10", "dev"): {  # scored with the test part: 0.858
        "overall": 0.83,
    },
    ("wild11", "test"): {  # first scored at the end of the round that added wild11: 0.799 (P 0.870, R 0.739)
        "overall": 0.78,
        "status:present": 0.80,
        "status:absent": 0.73,
        "status:possible": 0.70,
        "status:historical": 0.75,
        "status:family": 0.64,
        "status:hypothetical": 0.72,
    },
    ("wild11", "dev"): {  # scored with the test part: 0.827
        "overall": 0.80,
    },
    ("wild12", "test"): {  # first scored at the end of the round that added wild12: 0.855 (P 0.921, R 0.797)
        "overall": 0.83,
        "status:present": 0.85,
        "status:absent": 0.81,
        "status:possible": 0.79,
        "status:historical": 0.74,
        "status:family": 0.89,
        "status:hypothetical": 0.80,
    },
    ("wild12", "dev"): {  # 0.879 when first scored, before it was used; 0.898 after the round
        "overall": 0.88,
    },
    ("wild13", "test"): {  # first scored at the end of the round that added wild13: 0.846 (P 0.904, R 0.795)
        "overall": 0.82,
        "status:present": 0.84,
        "status:absent": 0.84,
        "status:possible": 0.79,
        "status:historical": 0.69,
        "status:family": 0.86,
        "status:hypothetical": 0.76,
    },
    ("wild13", "dev"): {  # scored with the test part: 0.822
        "overall": 0.80,
    },
    (
        "wild14",
        "test",
    ): {  # first scored in the round that added wild14 (text reader unchanged): 0.785 (P 0.836, R 0.740)
        "overall": 0.76,
        "status:present": 0.79,
        "status:absent": 0.80,
        "status:possible": 0.62,
        "status:historical": 0.64,
        "status:family": 0.89,
        "status:hypothetical": 0.59,
    },
    ("wild14", "dev"): {  # scored with the test part: 0.850
        "overall": 0.83,
    },
    (
        "wild15",
        "test",
    ): {  # first scored at the end of the round that added wild15: 0.846 (P 0.907, R 0.793), unchanged from before it
        "overall": 0.82,
        "status:present": 0.82,
        "status:absent": 0.89,
        "status:possible": 0.45,
        "status:historical": 0.40,
        "status:family": 0.95,
        "status:hypothetical": 0.73,
    },
    ("wild15", "dev"): {  # scored with the test part: 0.817 (0.819 before the Spurling phrases: two mentions of a
        "overall": 0.79,  # finding the writer's findings table did not yet have)
    },
    (
        "wild16",
        "test",
    ): {  # first scored at the end of the round that added wild16: 0.850 (P 0.893, R 0.811); 0.849 before it
        "overall": 0.83,
        "status:present": 0.84,
        "status:absent": 0.86,
        "status:possible": 0.45,
        "status:historical": 0.60,
        "status:family": 0.70,
        "status:hypothetical": 0.70,
    },
    ("wild16", "dev"): {  # scored with the test part: 0.851 (0.847 before the round's reader changes)
        "overall": 0.83,
    },
    (
        "wild17",
        "test",
    ): {  # first scored in the round that added wild17, with the reader unchanged: 0.844 (P 0.892, R 0.800)
        "overall": 0.82,
        "status:present": 0.84,
        "status:absent": 0.84,
        "status:possible": 0.50,
        "status:historical": 0.50,
        "status:family": 0.80,
        "status:hypothetical": 0.35,
    },
    ("wild17", "dev"): {  # scored with the test part: 0.848
        "overall": 0.83,
    },
    (
        "wild18",
        "test",
    ): {  # first scored in the round that added wild18, with the reader unchanged: 0.798 (P 0.856, R 0.748)
        "overall": 0.77,
        "status:present": 0.79,
        "status:absent": 0.80,
        "status:possible": 0.65,
        "status:historical": 0.55,
        "status:family": 0.80,
        "status:hypothetical": 0.70,
    },
    ("wild18", "dev"): {  # scored with the test part: 0.801
        "overall": 0.78,
    },
    (
        "wild19",
        "test",
    ): {  # first scored at the end of the round that added it: 0.803 (P 0.860, R 0.753); session-start reader 0.805
        "overall": 0.78,
        "status:present": 0.81,
        "status:absent": 0.78,
        "status:possible": 0.53,
        "status:historical": 0.58,
        "status:family": 0.80,
        "status:hypothetical": 0.75,
    },
    ("wild19", "dev"): {  # scored with the test part: 0.819 (session-start reader 0.820)
        "overall": 0.79,
    },
    (
        "wild20",
        "test",
    ): {  # first scored at the end of the round that added it, reader unchanged: 0.855 (P 0.902, R 0.812)
        "overall": 0.83,
        "status:present": 0.85,
        "status:absent": 0.84,
        "status:possible": 0.62,
        "status:historical": 0.62,
        "status:family": 0.87,
        "status:hypothetical": 0.82,
    },
    ("wild20", "dev"): {  # scored with the test part: 0.863
        "overall": 0.84,
    },
    (
        "wild21",
        "test",
    ): {  # first scored at the end of the round that added it, reader unchanged: 0.831 (P 0.880, R 0.787)
        "overall": 0.81,
        "status:present": 0.84,
        "status:absent": 0.76,
        "status:possible": 0.55,
        "status:historical": 0.69,
        "status:family": 0.77,
        "status:hypothetical": 0.64,
    },
    ("wild21", "dev"): {  # scored with the test part: 0.821
        "overall": 0.80,
    },
    (
        "wild22",
        "test",
    ): {  # first scored at the end of the round that added it: 0.856 (P 0.899, R 0.816); session-start reader 0.852
        "overall": 0.83,
        "status:present": 0.86,
        "status:absent": 0.83,
        "status:possible": 0.53,
        "status:historical": 0.48,
        "status:family": 0.75,
        "status:hypothetical": 0.71,
    },
    ("wild22", "dev"): {  # scored with the test part: 0.866 (session-start reader 0.861)
        "overall": 0.84,
    },
    (
        "wild23",
        "test",
    ): {  # first scored at the end of the round that added it: 0.838 (P 0.876, R 0.804); last landed reader 0.830
        "overall": 0.81,
        "status:present": 0.85,
        "status:absent": 0.79,
        "status:possible": 0.44,
        "status:historical": 0.41,
        "status:family": 0.80,
        "status:hypothetical": 0.89,
    },
    ("wild23", "dev"): {  # scored with the test part: 0.833 (last landed reader 0.824)
        "overall": 0.81,
    },
    ("wild4", "dev"): {
        "overall": 0.71,
        "status:present": 0.71,
        "status:absent": 0.79,
        "status:possible": 0.62,
        "status:historical": 0.60,
        "status:family": 0.79,
        "status:hypothetical": 0.77,
    },
}
SIX_STYLES = {"mri_report", "clinic_letter", "physiotherapy_note", "discharge_summary", "terse_note", "patient_words"}
# the later writers' eleven: the six and emergency, referral, nursing, triage and neurology notes
ELEVEN_STYLES = SIX_STYLES | {
    "emergency_department_note",
    "gp_referral",
    "nursing_note",
    "telephone_triage",
    "neurology_letter",
}
STYLES = {
    "wild": SIX_STYLES,
    "wild2": SIX_STYLES,
    "wild3": SIX_STYLES,
    # the fourth writer's seven: no terse notes, but emergency-department notes and GP referral letters
    "wild4": SIX_STYLES - {"terse_note"} | {"emergency_note", "gp_referral"},
    # the fifth writer's eight: the six, nursing notes and telephone triage
    "wild5": SIX_STYLES | {"nursing_note", "telephone_triage"},
    # the sixth writer's nine: the fifth's without terse notes, with emergency and GP consultation notes
    "wild6": SIX_STYLES - {"terse_note"}
    | {"nursing_note", "telephone_triage", "emergency_department_note", "gp_consultation_note"},
    # the seventh writer's twelve: the eleven and occupational therapy notes
    "wild7": ELEVEN_STYLES | {"occupational_therapy_note"},
    # the eighth writer's twelve: the seventh's without occupational therapy notes, with ward-round entries
    "wild8": ELEVEN_STYLES | {"ward_round_entry"},
    # the ninth writer's twelve: the eleven and chiropractic notes
    "wild9": ELEVEN_STYLES | {"chiropractic_note"},
    # the tenth writer's twelve: the eleven and pain-clinic letters
    "wild10": ELEVEN_STYLES | {"pain_clinic_letter"},
    # the eleventh writer's twelve: the eleven and spine-surgery (pre-operative or operative) assessments
    "wild11": ELEVEN_STYLES | {"spine_surgery_op_or_preop_assessment"},
    # the twelfth and thirteenth writers' twelve styles each, chosen apart from the eleven shared ones
    "wild12": {
        "mri_report",
        "ct_or_xray_report",
        "orthopaedic_clinic_letter",
        "rheumatology_letter",
        "pain_clinic_letter",
        "ambulance_handover",
        "emergency_triage_note",
        "occupational_health_report",
        "chiropractic_or_osteopathy_note",
        "geriatric_assessment",
        "patient_portal_message",
        "multidisciplinary_meeting_summary",
    },
    "wild13": {
        "radiology_report_impression",
        "general_practice_consultation_note",
        "spinal_cord_injury_or_rehab_note",
        "neurosurgery_ward_round_note",
        "out_of_hours_gp_note",
        "pharmacist_or_medication_review",
        "nurse_practitioner_triage",
        "physician_associate_clerking",
        "sports_medicine_note",
        "elderly_care_falls_clinic_letter",
        "patient_email_or_text_message",
        "insurance_or_medicolegal_report",
    },
    "wild14": {
        "emergency_department_triage_note",
        "hospital_discharge_summary",
        "mri_cervical_report_findings_section",
        "mri_lumbar_report_findings_section",
        "neurology_outpatient_letter",
        "occupational_health_report",
        "orthopaedic_spinal_clinic_letter",
        "patient_online_forum_post",
        "physiotherapy_reassessment_note",
        "referral_letter_from_gp",
        "telephone_triage_transcript",
        "us_style_hpi_with_abbreviations",
    },
    "wild15": {
        "geriatric_falls_clinic_note",
        "insurance_independent_medical_examination",
        "neurosurgical_on_call_referral",
        "nurse_practitioner_soap_note",
        "pain_management_psychology_note",
        "patient_symptom_diary_entry",
        "primary_care_telephone_consultation",
        "radiology_ct_report",
        "rheumatology_clinic_letter",
        "spinal_cord_injury_unit_note",
        "sports_medicine_note",
        "whole_spine_mri_report_impression",
    },
    "wild16": {
        "chiropractic_osteopathy_intake",
        "district_nurse_home_visit",
        "ed_triage_nurse_note",
        "gp_ereferral_form_fields",
        "nerve_conduction_emg_clinic_letter",
        "neurology_ward_round_entry",
        "occupational_health_report",
        "orthopaedic_spinal_surgeon_letter",
        "patient_online_forum_post",
        "preoperative_anaesthetic_assessment",
        "radiology_plain_xray_report",
        "us_telegraphic_discharge_summary",
    },
    "wild17": {
        "care_home_incident_note",
        "gp_telephone_consultation",
        "medicolegal_report_excerpt",
        "neurosurgery_operative_indication_note",
        "orthopaedic_oncall_handover",
        "pain_clinic_letter",
        "paramedic_patient_report",
        "pharmacist_medication_review",
        "physiotherapy_fcp_assessment",
        "radiology_ct_mri_report",
        "rheumatology_clinic_letter",
        "sports_medicine_clinic_note",
    },
    "wild18": {
        "acute_oncology_mscc_note",
        "chiropractic_intake_assessment",
        "emergency_triage_nurse_note",
        "geriatric_falls_clinic_note",
        "hospital_discharge_summary",
        "infectious_diseases_consult_note",
        "neurophysiology_emg_ncs_report",
        "occupational_health_report",
        "patient_portal_message",
        "telehealth_video_consult_note",
        "urology_continence_clinic_note",
        "vascular_surgery_clinic_note",
    },
    "wild19": {
        "ambulance_paramedic_handover",
        "gp_out_of_hours_note",
        "independent_medical_examination_report",
        "interpreted_consult_note",
        "nursing_shift_handover",
        "orthopaedic_preop_assessment",
        "pain_management_clinic_note",
        "pharmacy_medication_review",
        "radiology_request_form",
        "rheumatology_clinic_letter",
        "speech_recognition_dictated_letter",
        "ward_round_shorthand_entry",
    },
    "wild20": {
        "acute_oncology_service_note",
        "chiropractic_intake",
        "ct_myelogram_radiology_report",
        "diabetic_foot_clinic_note",
        "ehr_problem_list_summary",
        "emergency_triage_nurse_note",
        "falls_clinic_letter",
        "neurosurgical_operation_note",
        "occupational_health_assessment",
        "patient_forum_post",
        "telephone_advice_line_transcript",
        "urology_referral_letter",
    },
    "wild21": {
        "antenatal_back_pain_note",
        "district_nurse_home_visit_note",
        "medical_student_case_presentation",
        "nerve_conduction_emg_report",
        "neurology_clinic_letter",
        "osteopathy_treatment_note",
        "palliative_care_hospice_note",
        "spinal_mdt_meeting_outcome",
        "sports_medicine_clinic_note",
        "telemedicine_video_consult_transcript",
        "translated_foreign_language_note",
        "vascular_surgery_clinic_letter",
    },
    "wild22": {
        "arthroplasty_clinic_letter",
        "disability_benefit_claim_form",
        "fracture_liaison_service_note",
        "haematology_myeloma_clinic_note",
        "hand_surgery_clinic_letter",
        "memory_clinic_letter",
        "military_medical_officer_note",
        "opat_infectious_diseases_note",
        "prison_healthcare_note",
        "secure_message_exchange",
        "spinal_cord_injury_rehab_note",
        "transplant_clinic_note",
    },
    "wild23": {
        "adolescent_transition_clinic",
        "care_home_gp_round",
        "clinical_trial_screening_log",
        "gait_lab_podiatry_report",
        "haemodialysis_unit_note",
        "ibd_clinic_note",
        "insurance_medical_questionnaire",
        "physician_associate_note",
        "rapid_access_spinal_triage_form",
        "sleep_clinic_letter",
        "swallow_assessment_note",
        "urodynamics_report",
    },
}
SMALLEST_PART = {
    "wild": 290,
    "wild2": 190,
    "wild3": 190,
    "wild4": 190,
    "wild5": 180,
    "wild6": 185,
    "wild7": 190,
    "wild8": 180,
    "wild9": 190,
    "wild10": 190,
    "wild11": 180,
    "wild12": 195,
    "wild13": 190,
    "wild14": 190,
    "wild15": 190,
    "wild16": 195,
    "wild17": 175,
    "wild18": 190,
    "wild19": 195,
    "wild20": 195,
    "wild21": 185,
    "wild22": 185,
    "wild23": 195,
}


Scores = dict[tuple[str, str], dict[str, object]]


@pytest.fixture(scope="module")
def wild_scores() -> Scores:
    out = {}
    for gold_set in SMALLEST_PART:
        for part in ("dev", "test"):
            items = load_jsonl(f"{gold_set}_{part}.jsonl")
            assert len(items) >= SMALLEST_PART[gold_set]
            assert {i["style"] for i in items} >= STYLES[gold_set]
            out[gold_set, part] = score_sentences(
                items, lambda t: [m.to_dict() for m in extract(t).mentions], unscored_for(gold_set)
            )
    return out  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("gold_set", "part", "key"), [(g, p, k) for (g, p), floors in WILD_FLOORS.items() for k in sorted(floors)]
)
def test_wild_f1_floor(wild_scores: Scores, gold_set: str, part: str, key: str) -> None:
    prf = wild_scores[gold_set, part][key]
    assert prf.f1 >= WILD_FLOORS[gold_set, part][key], f"{gold_set} {part} {key}: {prf}"  # type: ignore[attr-defined]


def test_wild_test_recall_floor(wild_scores: Scores) -> None:
    assert wild_scores["wild", "test"]["overall"].recall >= 0.85  # type: ignore[attr-defined]


@pytest.mark.parametrize("gold_set", sorted(SMALLEST_PART))
def test_the_two_parts_do_not_share_a_sentence(gold_set: str) -> None:
    dev = {i["text"] for i in load_jsonl(f"{gold_set}_dev.jsonl")}
    test = {i["text"] for i in load_jsonl(f"{gold_set}_test.jsonl")}
    assert not dev & test
