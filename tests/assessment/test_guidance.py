"""Patients written from published guidance, answered as a spine specialist would (issue 11).

Each test names the guidance it follows. Two targets of the issue are not met by the
network with the knowledge base's cited figures; they are kept as strict expected
failures so that they turn into errors the day they pass (see docs/reasoning.md).
"""

from __future__ import annotations

import pytest

from spinetriage import assess
from spinetriage.vocab import Origin

# The textbook patient: degenerative cervical myelopathy presenting with back pain.
# Hand clumsiness, a broad-based gait, a Hoffmann sign and brisk leg reflexes are the
# symptoms and signs of DCM in Fehlings 2017 (AOSpine/CSRS guideline, Global Spine J 7:70S)
# and Davies 2018 (BMJ 360:k186); no neurogenic claudication argues against lumbar stenosis.
TEXTBOOK = {
    "age": 66,
    "sex": "male",
    "findings": {
        "low_back_pain": "present",
        "hand_clumsiness": "present",
        "broad_based_gait": "present",
        "hoffmann_sign": "present",
        "hyperreflexia_lower": "present",
        "neurogenic_claudication": "absent",
    },
}
# The same patient with tandem stenosis: neurogenic claudication relieved by sitting and lumbar
# canal stenosis on MRI (tandem stenosis review, Eur Spine J 2021: treat the neck first).
TANDEM = {
    **TEXTBOOK,
    "findings": {
        **TEXTBOOK["findings"],
        "neurogenic_claudication": "present",
        "relief_sitting_flexion": "present",
        "lumbar_canal_stenosis": "present",
    },
}
# Classic lumbar spinal stenosis: all five items of Cook 2011 (bilateral symptoms, leg pain
# worse than back pain, pain on walking or standing, relief on sitting, age over 48).
COOK_2011_FIVE = {
    "age": 72,
    "sex": "female",
    "findings": {
        "low_back_pain": "present",
        "bilateral_leg_symptoms": "present",
        "leg_pain_worse_than_back": "present",
        "neurogenic_claudication": "present",
        "relief_sitting_flexion": "present",
    },
}


def _probability(result: object, condition: str) -> float:
    return next(c.probability for c in result.conditions if c.id == condition)  # type: ignore[attr-defined]


def test_the_textbook_myelopathy_patient_points_to_the_neck() -> None:
    result = assess(TEXTBOOK)
    assert result.origin.verdict is Origin.CERVICAL
    assert result.conditions[0].id == "degenerative_cervical_myelopathy"
    investigations = [w.id for w in result.workup if w.kind == "investigation"]
    assert investigations[0] == "cervical_mri"
    assert "aim_at_cervical_source" in [t.id for t in result.treatment]
    assert "lumbar_self_management_exercise" not in [t.id for t in result.treatment]
    assert result.origin.probabilities["cervical"] > result.origin.probabilities["lumbar"]


def test_the_textbook_myelopathy_patient_is_cervical_with_at_least_80_percent() -> None:
    # Issue 11's target. It rests on the Hoffmann sign's general-population rate (up to 3%) as its leak, and on
    # myelopathy producing the back pain through its gait with strength 0.69 (both in network.yaml).
    assert assess(TEXTBOOK).origin.probabilities["cervical"] >= 0.80


@pytest.mark.xfail(
    strict=True,
    reason="lumbar stenosis explains the broad-based gait and the back pain: with tandem co-occurrence at the "
    "population odds ratio (2.3) myelopathy is 50% and the back pain lumbar 65%, both 26% (docs/reasoning.md)",
)
def test_the_textbook_patient_with_lumbar_stenosis_as_well_is_both() -> None:
    assert assess(TANDEM).origin.verdict is Origin.BOTH


def test_lumbar_canal_stenosis_on_top_of_the_textbook_patient_raises_lumbar_stenosis() -> None:
    before, after = assess(TEXTBOOK), assess(TANDEM)
    assert _probability(after, "lumbar_spinal_stenosis") > _probability(before, "lumbar_spinal_stenosis")
    assert after.origin.probabilities["lumbar"] > before.origin.probabilities["lumbar"]


def test_cook_2011_five_of_five_is_lumbar_stenosis() -> None:
    result = assess(COOK_2011_FIVE)
    assert result.origin.verdict is Origin.LUMBAR
    assert result.conditions[0].id == "lumbar_spinal_stenosis"
    assert _probability(result, "lumbar_spinal_stenosis") >= 0.80


def test_nothing_known_is_undetermined() -> None:
    assert assess({}).origin.verdict is Origin.UNDETERMINED
    assert assess({"age": 45, "findings": {"low_back_pain": "present"}}).origin.verdict is Origin.UNDETERMINED


@pytest.mark.parametrize("recorded", ["previous_lumbar_surgery", "spondylolisthesis", "rapid_progression"])
def test_a_finding_that_moves_no_probability_leaves_the_verdict_undetermined(recorded: str) -> None:
    # Recorded-only findings (recorded_only.yaml) change no probability; with back pain alone the
    # verdict is undetermined (issue 11), so it stays so. They turned it into "lumbar 99%".
    result = assess({"age": 45, "findings": {"low_back_pain": "present", recorded: "present"}})
    assert result.origin.verdict is Origin.UNDETERMINED
    assert assess({"age": 45, "findings": {"low_back_pain": "present", "sciatica": "present"}}).origin.verdict is (
        Origin.LUMBAR
    )


def test_diabetic_neuropathy_without_back_pain_is_another_cause() -> None:
    # ADA 2017 position statement on diabetic neuropathy; AAN 2009 evaluation of distal symmetric polyneuropathy.
    result = assess(
        {
            "age": 64,
            "sex": "male",
            "findings": {
                "bilateral_leg_symptoms": "present",
                "leg_pain_below_knee": "present",
                "distal_symmetric_sensory_loss": "present",
                "hyporeflexia_lower": "present",
                "low_back_pain": "absent",
                "hyperreflexia_lower": "absent",
                "babinski_sign": "absent",
                "neurogenic_claudication": "absent",
            },
        }
    )
    assert result.origin.verdict is Origin.OTHER
    assert result.conditions[0].id == "peripheral_neuropathy"


def test_a_thoracic_cord_lesion_is_not_lumbar() -> None:
    # Leg upper motor neuron signs with a sensory level and normal arms (Ando 2019; ACR myelopathy criteria).
    result = assess(
        {
            "age": 65,
            "sex": "male",
            "findings": {
                "gait_disturbance": "present",
                "leg_weakness": "present",
                "bilateral_leg_symptoms": "present",
                "spasticity": "present",
                "hyperreflexia_lower": "present",
                "babinski_sign": "present",
                "sensory_level": "present",
                "hyperreflexia_upper": "absent",
                "hoffmann_sign": "absent",
                "hand_clumsiness": "absent",
            },
        }
    )
    assert result.origin.verdict is Origin.OTHER
    assert result.conditions[0].id == "thoracic_cord_compression"


def test_cord_compression_seen_in_the_thoracic_spine_points_away_from_the_neck() -> None:
    # The MRI report of a thoracic myelopathy (Ando 2019): "posterior cord compression at T11-12".
    # Read as cervical cord compression before, it raised myelopathy of the neck.
    signs = {"leg_weakness": "present", "hyperreflexia_lower": "present", "babinski_sign": "present"}
    before = assess({"age": 54, "sex": "female", "findings": signs})
    after = assess(
        {"age": 54, "sex": "female", "findings": signs, "text": "MRI: posterior cord compression at T11-12."}
    )
    assert after.findings_used["thoracic_cord_compression_on_imaging"] == "present"
    assert "cervical_cord_compression" not in after.findings_used
    assert _probability(after, "thoracic_cord_compression") > _probability(before, "thoracic_cord_compression")
    assert _probability(after, "degenerative_cervical_myelopathy") < _probability(
        before, "degenerative_cervical_myelopathy"
    )


@pytest.mark.parametrize(
    ("findings", "seen", "condition"),
    [
        # MRI finds bone metastases in 9 of 10 (Yang 2011); a cancer history with back pain is a red flag (NG234)
        (
            {"low_back_pain": "present", "history_of_cancer": "present"},
            "spinal_metastasis_on_imaging",
            "spinal_malignancy",
        ),
        # MRI finds vertebral osteomyelitis in 9 of 10 (Maamari 2023); fever with injecting drug use is a red flag
        (
            {"low_back_pain": "present", "fever": "present", "iv_drug_use": "present"},
            "spinal_infection_on_imaging",
            "spinal_infection",
        ),
    ],
)
def test_serious_pathology_seen_on_imaging_leads(findings: dict[str, str], seen: str, condition: str) -> None:
    before = assess({"age": 65, "findings": findings})
    after = assess({"age": 65, "findings": {**findings, seen: "present"}})
    assert before.conditions[0].id == "nonspecific_low_back_pain"
    assert after.conditions[0].id == condition
    assert "lumbar_self_management_exercise" not in [t.id for t in after.treatment]


def test_the_same_myelopathy_signs_weigh_less_under_40() -> None:
    # Issue 12 item 5: age under 40 argues against myelopathy (myelopathy on MRI 0.6% under 20
    # against 9.1% over 70, Al-Ryalat 2017; mean age at diagnosis 64, McCormick 2020).
    young = assess({**TEXTBOOK, "age": 32})
    assert _probability(young, "degenerative_cervical_myelopathy") < _probability(
        assess(TEXTBOOK), "degenerative_cervical_myelopathy"
    )
    myelopathy = next(c for c in young.conditions if c.id == "degenerative_cervical_myelopathy")
    age = next(c for c in myelopathy.contributions if c.finding == "age")
    assert age.log_odds < 0 and "al_ryalat2017" in age.sources


def test_age_50_or_over_raises_spinal_malignancy() -> None:
    # Deyo & Diehl 1988 (via Chou 2007, ACP/APS): age 50 or over, LR+ 2.7 for cancer as the cause.
    case = {"sex": "female", "findings": {"low_back_pain": "present", "weight_loss": "present"}}
    older, younger = assess({**case, "age": 67}), assess({**case, "age": 38})
    assert _probability(older, "spinal_malignancy") > 2 * _probability(younger, "spinal_malignancy")
