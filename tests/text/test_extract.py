from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinetriage.errors import InputError
from spinetriage.text import MAX_TEXT_CHARS, MentionStatus, Section, extract

from .reading import pairs, statuses


def test_negation_scope_stops_at_but() -> None:
    assert extract("No clonus but Hoffmann present.").findings == {"clonus": "absent", "hoffmann_sign": "present"}


def test_list_negation_covers_every_item() -> None:
    f = extract("No fever, chills or weight loss.").findings
    assert f == {"fever": "absent", "weight_loss": "absent"}


def test_level_gives_region_specific_id_and_range_expands() -> None:
    m = extract("Disc herniations from C4 to C6.").mentions
    assert [(x.finding, x.levels) for x in m] == [("cervical_disc_herniation", ("C4-C5", "C5-C6"))]
    assert extract("L4-5 disc herniation.").mentions[0].finding == "lumbar_disc_herniation"


def test_span_indexes_phrase() -> None:
    text = "Exam: +Hoffmann's on the left."
    m = extract(text).mentions[0]
    assert text[m.start : m.end] == "Hoffmann's" and m.side == "left" and m.section is Section.EXAM


def test_impression_outweighs_findings_for_imaging() -> None:
    text = "Findings: C6-7 foraminal narrowing on the right.\nImpression: No foraminal stenosis at C6-7."
    assert extract(text).findings == {"cervical_foraminal_stenosis": "absent"}


def test_family_and_hypothetical_are_not_present() -> None:
    e = extract("Mother had breast cancer. Return if urinary retention.")
    assert {m.status for m in e.mentions} == {MentionStatus.FAMILY, MentionStatus.HYPOTHETICAL}
    assert e.findings == {}


def test_too_long_is_refused() -> None:
    with pytest.raises(InputError) as info:
        extract("a" * (MAX_TEXT_CHARS + 1))
    assert info.value.field == "text"


def test_bytes_are_refused() -> None:
    with pytest.raises(InputError):
        extract(b"no clonus")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "no " * 200_000,
        "(" * 100_000 + "clonus" + ")" * 100_000,
        "fever, " * 100_000,
        "\x00\x01\x02 hoffmann \x7f" * 10_000,
        "C5-6 " * 50_000,
    ],
)
def test_hostile_input_finishes(text: str) -> None:
    for m in extract(text).mentions:
        assert 0 <= m.start < m.end <= len(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*"abcno ,.;:-+()/\n\tC5LHT3", "hoffmann", "no ", "clonus", "C5-6 "])).map("".join))
def test_never_crashes_and_spans_index_input(text: str) -> None:
    e = extract(text)
    for m in e.mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end].strip()
    assert set(e.findings.values()) <= {"present", "absent"}


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_any_unicode_never_crashes(text: str) -> None:
    for m in extract(text).mentions:
        assert 0 <= m.start < m.end <= len(text)


def test_deterministic() -> None:
    text = "C5-C6: severe canal stenosis with cord compression. Hoffmann positive."
    assert extract(text) == extract(text)


def test_only_status_phrase_without_any_trigger_is_dropped() -> None:
    # "bowel and bladder dysfunction" is kept only when denied, hedged...: alone it says too little
    assert extract("Bowel and bladder dysfunction.").mentions == []
    assert extract("Denies bowel and bladder dysfunction.").findings == {
        "bowel_dysfunction": "absent",
        "urinary_incontinence": "absent",
        "urinary_retention": "absent",
    }


def _levels(text: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(m.finding, m.levels) for m in extract(text).mentions]


def test_a_line_label_gives_its_level_to_every_sentence_of_its_line() -> None:
    text = "Findings:\nC3-C4: Mild disc bulge. No canal stenosis.\nC5-C6: Disc bulge. Severe canal stenosis."
    assert _levels(text) == [("cervical_canal_stenosis", ("C3-C4",)), ("cervical_canal_stenosis", ("C5-C6",))]


def test_a_line_label_stops_at_the_end_of_its_line() -> None:
    text = "Findings:\nC5-C6: Disc bulge.\nThe cord is compressed. No canal stenosis at any level."
    mentions = extract(text).mentions
    assert [(m.finding, m.levels) for m in mentions] == [("cervical_cord_compression", ())]


def test_a_level_heading_covers_the_lines_below_it_up_to_a_blank_line() -> None:
    text = "Findings:\nC4-5\nDisc bulge.\nModerate canal stenosis.\n\nNo cord compression."
    assert _levels(text) == [("cervical_canal_stenosis", ("C4-C5",)), ("cervical_cord_compression", ())]


def test_a_label_is_not_carried_into_another_section() -> None:
    text = "Findings:\nC5-C6\nSevere canal stenosis.\nImpression:\nCord compression."
    assert _levels(text) == [("cervical_canal_stenosis", ("C5-C6",)), ("cervical_cord_compression", ())]


def test_a_level_inside_a_line_is_not_a_label() -> None:
    text = "Findings:\nDisc bulge at C5-C6: mild. Severe canal stenosis at C6-C7.\nCanal stenosis."
    assert _levels(text) == [("cervical_canal_stenosis", ("C6-C7",))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an ending said after an aside reaches back over its commas (context.yaml: crosses_commas)
        (
            "Hoffmann's sign, positive bilaterally on admission, was no longer present at discharge.",
            {("hoffmann_sign", "historical")},
        ),
        ("Sensory level T6 to pinprick on admission, resolved by day 5.", {("sensory_level", "historical")}),
        # over a comma, an ending belongs to the nearest finding named before it
        (
            "Hoffmann positive on the right, sciatica has resolved.",
            {("hoffmann_sign", "present"), ("sciatica", "historical")},
        ),
        # medication and drug use that stopped are over; what continues is present
        ("Prednisolone, stopped in 2021.", {("steroid_use", "historical")}),
        ("Was on prednisolone for 2 years for Crohn's, stopped 2021.", {("steroid_use", "historical")}),
        ("On prednisolone since 2019.", {("steroid_use", "present")}),
        ("Ex-heroin user, clean 8 years.", {("iv_drug_use", "historical")}),
        ("Incontinent of urine last week, continent since admission.", {("urinary_incontinence", "historical")}),
        ("He had sciatica as a young man.", {("sciatica", "historical")}),
        # doubt said after the finding, or by the scan itself
        ("Daughter reports weight loss but pt denies it.", {("weight_loss", "possible")}),
        ("She describes heavy legs, though she is vague about it.", {("leg_heaviness", "possible")}),
        ("MRI queries early discitis at L4/5.", {("spinal_infection_on_imaging", "possible")}),
        (
            "An L4-L5 microdiscectomy in 2015 which relieved his sciatica completely.",
            {("previous_lumbar_surgery", "present"), ("sciatica", "historical")},
        ),
        ("On long-term prednisolone for polymyalgia.", {("steroid_use", "present")}),
        ("IVDU, clean for 2 years.", {("iv_drug_use", "historical")}),
        # an offer not yet made
        ("An L4-5 facet joint injection may be offered.", {("recent_spinal_procedure", "hypothetical")}),
        # a year dates what is said with it; an onset or a span up to now is current, and a date is not a year
        ("Sciatica in March 2020; now back pain only.", {("sciatica", "historical"), ("low_back_pain", "present")}),
        ("L3/4 discitis 2017, treated.", {("spinal_infection_on_imaging", "historical")}),
        ("LBP since 2019.", {("low_back_pain", "present")}),
        ("Back pain started in 2021 and persists.", {("low_back_pain", "present")}),
        ("MRI 12/03/2019 showed an L4-5 disc herniation.", {("lumbar_disc_herniation", "present")}),
        # a reflex named in the singular, a side between, and "still" before its grade
        ("The right ankle reflex is reduced at 1+.", {("hyporeflexia_lower", "present")}),
        ("Reduced L ankle jerk.", {("hyporeflexia_lower", "present")}),
        ("R ankle jerk still absent.", {("hyporeflexia_lower", "present")}),
        ("The biceps reflex is brisk.", {("hyperreflexia_upper", "present")}),
        ("Brisk left knee reflex.", {("hyperreflexia_lower", "present")}),
        # weeks or up to three months since a spinal procedure; an operation at a lumbar level is earlier
        # lumbar surgery too, an injection or a cervical operation is not
        (
            "Pt 6 weeks post L5-S1 microdiscectomy.",
            {("recent_spinal_procedure", "present"), ("previous_lumbar_surgery", "present")},
        ),
        (
            "Readmitted three weeks after an L4-L5 decompression.",
            {("recent_spinal_procedure", "present"), ("previous_lumbar_surgery", "present")},
        ),
        (
            "Post-op day 1 L3-L5 decompression.",
            {("recent_spinal_procedure", "present"), ("previous_lumbar_surgery", "present")},
        ),
        ("Seen 2 weeks after an epidural steroid injection.", {("recent_spinal_procedure", "present")}),
        ("Two weeks post C5-C6 ACDF.", {("recent_spinal_procedure", "present")}),
        # a year is not recent months
        ("12 months post fusion.", set()),
    ],
)
def test_findings_and_statuses_read(text: str, expected: set[tuple[str, str]]) -> None:
    assert pairs(text) == expected


def test_sitting_named_with_its_duration_aggravates() -> None:
    assert pairs("Sitting > 30 min aggravates.") == {("pain_worse_sitting", "present")}


# Wordings read since the wild9 round (docs/text.md), each a general rule; None: the finding is not read.
CLINICAL_WORDINGS: list[tuple[str, dict[str, str | None]]] = [
    # a normal gait is not disturbed; it does not name the base, a sign of its own
    ("Gait normal.", {"gait_disturbance": "absent", "broad_based_gait": None}),
    ("Gait NAD.", {"gait_disturbance": "absent"}),
    ("Narrow-based gait.", {"broad_based_gait": "absent"}),
    # "X: no" negates what comes before it only when the answer ends the item
    ("CT for unexplained weight loss: no bony metastases.", {"weight_loss": "present"}),
    ("Fever: no.", {"fever": "absent"}),
    ("Red flag screen: nil saddle anaesthesia, nil retention.", {"saddle_anesthesia": "absent"}),
    # "if any" is no condition only when it stands alone ("pain, if any, is mild")
    ("If any leg weakness develops, MRI is recommended.", {"leg_weakness": "hypothetical"}),
    # what is over, said after "but" ("but" does not end the scope of the words that say so)
    ("Fever last week but none since.", {"fever": "historical"}),
    ("Had two falls last winter but none since.", {"falls": "historical"}),
    ("The L4-L5 discitis had healed.", {"spinal_infection_on_imaging": "historical"}),
    ("Pred 40 mg for 6 months, stopped last month.", {"steroid_use": "historical"}),
    (
        "New compression fracture of T11 and an older healed fracture of T9.",
        {"vertebral_compression_fracture": "present"},
    ),
    # a sign now negative, and a patient's negation typed without its apostrophe
    ("Post-op day 2: sciatica resolved, SLR now negative.", {"straight_leg_raise_positive": "absent"}),
    ("I dont have any numbness in my hands or arms, its just neck ache.", {"arm_numbness_tingling": "absent"}),
    ("I dont have any numbness in my hands or arms, its just neck ache.", {"neck_pain": "present"}),
    # doubt in other words
    ("I'm not sure sitting down helps.", {"relief_sitting_flexion": "possible"}),
    ("Two weeks of what sounded like sciatica.", {"sciatica": "possible"}),
    ("Caller unsure whether there is numbness around her bottom.", {"saddle_anesthesia": "possible"}),
    ("Recurrent disc herniation at L4-L5 cannot be distinguished from scar.", {"lumbar_disc_herniation": "possible"}),
    ("No lytic or sclerotic lesion to suggest metastatic disease.", {"spinal_metastasis_on_imaging": "absent"}),
    # a recent procedure, timed in the words notes use
    ("Had a steroid injection into the back 10 days ago.", {"recent_spinal_procedure": "present"}),
    ("Post-op wk 4 after L4-5 decompression.", {"recent_spinal_procedure": "present"}),
    ("Ms X is 8 weeks s/p L5-S1 microdiscectomy.", {"recent_spinal_procedure": "present"}),
    ("His spinal cord stimulator was implanted 3 weeks ago.", {"recent_spinal_procedure": "present"}),
    ("Steroid injection 2 years ago.", {"recent_spinal_procedure": None}),
    # a safety-net list longer than one clause, and conditions whose words would otherwise end the scope
    (
        "Return if numbness between the legs, difficulty passing urine, loss of bowel control or leg weakness.",
        {"leg_weakness": "hypothetical"},
    ),
    ("If recurrent sciatica, MRI with contrast.", {"sciatica": "hypothetical"}),
    ("Romberg negative; will recheck if she reports new unsteadiness.", {"imbalance": "hypothetical"}),
    # normal power without a limb is said of the limb the rest of the note is about, and of none when it names both
    (
        "LBP 3/52. L sciatica to foot. SLR +ve at 40 deg L. Power 5/5.",
        {"leg_weakness": "absent", "hand_weakness": None},
    ),
    ("Neck pain, tingling in the left thumb. Power 5/5.", {"hand_weakness": "absent", "leg_weakness": None}),
    ("Sciatica and tingling in both hands. Power 5/5.", {"hand_weakness": None, "leg_weakness": None}),
    ("Power 5/5.", {"hand_weakness": None, "leg_weakness": None}),
    # pain said to stop at or above the knee does not reach below it
    ("Intermittent R buttock pain, nothing below the knee.", {"leg_pain_below_knee": "absent"}),
    ("Back pain worse than his leg pain, which only reaches the knee.", {"leg_pain_below_knee": "absent"}),
    ("Legs: power normal.", {"leg_weakness": "absent"}),
    ("Reduced leg strength.", {"leg_weakness": "present"}),
    ("No objective change in leg strength, sensation or reflexes.", {"leg_weakness": "absent"}),
    # the note's limb is where its complaints are, not what it denies
    ("L sciatica, no arm symptoms. Power 5/5.", {"leg_weakness": "absent", "hand_weakness": None}),
    # what ends a negation's reach: "just the", "residual"; "without knowing" negates nothing
    ("I've not had any leaking or trouble getting the wee out, just the back pain.", {"low_back_pain": "present"}),
    ("Wound healed, no fevers, sciatica resolved, residual LBP.", {"low_back_pain": "present"}),
    ("Bowel accidents this week without knowing, back pain ongoing.", {"low_back_pain": "present"}),
    # a condition reaches the end of a long clause
    (
        "If the pain starts to wake her at night or she feels unwell with a temperature, she should see her GP.",
        {"night_pain": "hypothetical", "fever": "hypothetical"},
    ),
    ("Gait was normal and steady.", {"gait_disturbance": "absent", "broad_based_gait": None}),
    ("Normal gait.", {"gait_disturbance": "absent", "broad_based_gait": None}),
    # numbness in both feet is in both legs
    ("Numbness in both feet.", {"bilateral_leg_symptoms": "present"}),
    # leg pain denied is sciatica denied; leg pain at night is still night pain
    ("LBP 3/7, no radic.", {"sciatica": "absent"}),
    ("Ongoing LBP, no leg pain.", {"sciatica": "absent"}),
    ("Low back ache only, nothing down the legs.", {"sciatica": "absent"}),
    ("Non-radiating LBP.", {"sciatica": "absent"}),
    ("Complains of leg pain at night.", {"night_pain": "present", "sciatica": None}),
    # a deficit worsening over days is rapid progression; pain worse today, or a span alone, is not
    ("Her 2-week history of worsening leg weakness is new.", {"rapid_progression": "present"}),
    ("Three weeks of progressive unsteadiness.", {"rapid_progression": "present"}),
    ("Getting worse in the last week.", {"rapid_progression": "present"}),
    ("Leg weaker than this morning.", {"rapid_progression": "present"}),
    ("Back pain much worse today.", {"rapid_progression": None}),
    ("Pain for 3 days.", {"rapid_progression": None}),
]
REPORT_WORDINGS: list[tuple[str, dict[str, str | None]]] = [
    # a tumour in the spine named without the word metastasis
    (
        "T9 pathological fracture.",
        {"vertebral_compression_fracture": "present", "spinal_metastasis_on_imaging": "present"},
    ),
    ("The L2 collapse was judged possibly pathological.", {"spinal_metastasis_on_imaging": "possible"}),
    ("Lytic deposits in the L2 and L4 vertebral bodies.", {"spinal_metastasis_on_imaging": "present"}),
    ("Marrow signal normal.", {"spinal_metastasis_on_imaging": "absent"}),
    ("Acute L1 fracture. No underlying lesion is identified.", {"spinal_metastasis_on_imaging": "absent"}),
    ("Knee jerks are pathologically brisk.", {"spinal_metastasis_on_imaging": None}),
    # the lateral recess is part of the lumbar canal
    ("Severe central and lateral recess stenosis at L3-4.", {"lumbar_canal_stenosis": "present"}),
    ("?lateral recess stenosis.", {"lumbar_canal_stenosis": "possible"}),
    ("L4-L5: small protrusion. Canal and foramina adequate.", {"lumbar_canal_stenosis": "absent"}),
    # a vertebra that lost height or collapsed is fractured
    ("Plain film: ?subtle loss of height of L2.", {"vertebral_compression_fracture": "possible"}),
    ("Possible mild wedging of T12.", {"vertebral_compression_fracture": "possible"}),
    ("The L2 collapse was judged possibly pathological.", {"vertebral_compression_fracture": "present"}),
    ("A 30% loss of height of L3 of uncertain age.", {"vertebral_compression_fracture": "present"}),
    ("My sister had a crushed vertebra in her back.", {"vertebral_compression_fracture": "family"}),
    # the cord as reports describe it; a cord named with a lumbar level is the cord below the neck
    (
        "The cord is normal in calibre and signal.",
        {"cervical_cord_compression": "absent", "cord_t2_signal_change": "absent"},
    ),
    ("The cord is mildly compressed at C5.", {"cervical_cord_compression": "present"}),
    (
        "A disc extrusion causing mild deformity of the left hemicord at C6-C7.",
        {"cervical_cord_compression": "present"},
    ),
    ("MRI: L2/3 discitis, no cord compression.", {"thoracic_cord_compression_on_imaging": "absent"}),
    (
        "Pt with MSCC at T10.",
        {"thoracic_cord_compression_on_imaging": "present", "spinal_metastasis_on_imaging": "present"},
    ),
]


@pytest.mark.parametrize(("text", "expected"), CLINICAL_WORDINGS + REPORT_WORDINGS)
def test_wordings_of_notes_and_reports(text: str, expected: dict[str, str | None]) -> None:
    found = statuses(text)
    for finding, status in expected.items():
        assert found.get(finding) == status, found


@pytest.mark.parametrize(
    ("text", "finding", "status"),
    [
        # a present state said after a finding ends it; an ending reaches back over a time, "also" and an aside
        ("Felt unsteady on uneven ground after her knee surgery, now steady.", "imbalance", "historical"),
        ("Legs felt like lead on admission, now lighter.", "leg_heaviness", "historical"),
        ("My grip was weak after I broke my wrist, but it's fine now.", "hand_weakness", "historical"),
        (
            "The arm pain has resolved and the tingling in his thumb has also settled.",
            "arm_numbness_tingling",
            "historical",
        ),
        ("Neck pain, present before admission, has settled.", "neck_pain", "historical"),
        # doubt said in words
        ("MRI raised the possibility of T8-9 discitis.", "spinal_infection_on_imaging", "possible"),
        ("She may well have osteoporosis after a long course of steroids.", "osteoporosis", "possible"),
        (
            "The appearances are most likely degenerative, although early discitis is a differential.",
            "spinal_infection_on_imaging",
            "possible",
        ),
        # walking in everyday words
        ("My wife says I walk like I've had a few.", "gait_disturbance", "present"),
        ("Disturbed gait.", "gait_disturbance", "present"),
        ("His walking is unchanged.", "gait_disturbance", "absent"),
        ("Contact us if his walking changes.", "gait_disturbance", "hypothetical"),
        # weak legs in everyday words and as a verb
        ("He knows to attend ED if his legs weaken.", "leg_weakness", "hypothetical"),
        ("He cannot move his legs properly.", "leg_weakness", "present"),
        # a power grade lower than one recorded hours before is weakness getting quickly worse
        ("Neuro obs: BLE power 3/5, down from 4/5 this morning.", "rapid_progression", "present"),
        ("Power in L leg now 3/5, was 4/5 at 14:00.", "rapid_progression", "present"),
        ("Power 5/5 throughout.", "rapid_progression", None),
        # back pain above the lower back is not low back pain (findings.yaml: below the ribs)
        ("New thoracic back pain waking her at night.", "low_back_pain", None),
        ("Sudden severe mid-back pain after sneezing.", "low_back_pain", None),
        # an onset in the past is pain since then, not a past episode; a patient who began to report a symptom has it
        ("Low back pain that began 3 years ago, now daily.", "low_back_pain", "present"),
        ("Low back pain that started three years ago and resolved.", "low_back_pain", "historical"),
        ("Sciatica three years ago.", "sciatica", "historical"),
        ("Weeks after surgery he began to report weakness of both legs.", "leg_weakness", "present"),
        # doubt on the word that gives the sign's result, before or after the sign
        ("Romberg possibly positive.", "romberg_sign", "possible"),
        ("Romberg ?+.", "romberg_sign", "possible"),
        ("Plantars ?upgoing.", "babinski_sign", "possible"),
        ("Knee jerks brisk, ?upgoing plantars.", "babinski_sign", "possible"),
    ],
)
def test_status_wordings(text: str, finding: str, status: str | None) -> None:
    assert statuses(text).get(finding) == status, statuses(text)
