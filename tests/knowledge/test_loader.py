"""The shipped knowledge base is complete and cited; broken ones fail with every problem named."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from spinetriage.errors import KnowledgeError
from spinetriage.knowledge import KnowledgeBase, load_knowledge
from spinetriage.knowledge.loader import FILES
from spinetriage.knowledge.schema import Likelihood

DESIGN_CONDITIONS = [
    "nonspecific_low_back_pain",
    "lumbar_radiculopathy",
    "lumbar_spinal_stenosis",
    "cervical_radiculopathy",
    "degenerative_cervical_myelopathy",
    "cauda_equina_syndrome",
    "spinal_infection",
    "spinal_malignancy",
    "vertebral_fracture",
    "peripheral_neuropathy",
    "normal_pressure_hydrocephalus",
    "multiple_sclerosis",
    "motor_neuron_disease",
    "vascular_claudication",
    "hip_osteoarthritis",
]


DESIGN_FINDINGS = [
    "low_back_pain",
    "neck_pain",
    "neck_stiffness",
    "radicular_arm_pain",
    "arm_numbness_tingling",
    "hand_clumsiness",
    "fine_motor_difficulty",
    "hand_weakness",
    "leg_heaviness",
    "leg_weakness",
    "gait_disturbance",
    "falls",
    "imbalance",
    "neurogenic_claudication",
    "relief_sitting_flexion",
    "pain_worse_sitting",
    "leg_pain_below_knee",
    "sciatica",
    "bilateral_leg_symptoms",
    "saddle_anesthesia",
    "urinary_retention",
    "urinary_incontinence",
    "urinary_urgency",
    "bowel_dysfunction",
    "fever",
    "weight_loss",
    "night_pain",
    "history_of_cancer",
    "trauma",
    "osteoporosis",
    "steroid_use",
    "immunosuppression",
    "iv_drug_use",
    "recent_spinal_procedure",
    "cognitive_decline",
    "previous_lumbar_surgery",
    "broad_based_gait",
    "ataxia",
    "hyperreflexia_lower",
    "hyperreflexia_upper",
    "hyporeflexia_lower",
    "hoffmann_sign",
    "babinski_sign",
    "clonus",
    "inverted_supinator",
    "lhermitte_sign",
    "romberg_sign",
    "tandem_gait_abnormal",
    "spasticity",
    "sensory_level",
    "muscle_atrophy",
    "fasciculations",
    "distal_symmetric_sensory_loss",
    "diminished_pedal_pulses",
    "straight_leg_raise_positive",
    "hip_rotation_pain",
    "elevated_inflammatory_markers",
    "cervical_canal_stenosis",
    "cervical_cord_compression",
    "cord_t2_signal_change",
    "myelomalacia",
    "opll",
    "cervical_foraminal_stenosis",
    "cervical_disc_herniation",
    "cervical_spondylosis",
    "lumbar_canal_stenosis",
    "lumbar_foraminal_stenosis",
    "lumbar_disc_herniation",
    "spondylolisthesis",
    "vertebral_compression_fracture",
]


def test_every_design_condition_is_present(kb: KnowledgeBase) -> None:
    assert set(DESIGN_CONDITIONS) <= set(kb.conditions)


def test_every_design_finding_is_present(kb: KnowledgeBase) -> None:
    assert set(DESIGN_FINDINGS) <= set(kb.findings)


# The shipped data is checked at load (a broken file never loads), so what is tested here is
# that the loader refuses each kind of break, on a copy of the data with one thing broken.


def _broken(tmp_path: Path, name: str, change: Callable[[Any], None]) -> KnowledgeError:
    """Load a copy of the data whose ``name`` file was parsed, changed by ``change`` and written back."""
    data = _copy_data(tmp_path)
    path = data / name
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(data)
    return caught.value


def test_a_source_that_is_not_a_reference_is_refused(tmp_path: Path) -> None:
    def cite_a_missing_book(document: Any) -> None:
        document["priors"][0]["sources"] = ["nosuchbook"]

    error = _broken(tmp_path, "priors.yaml", cite_a_missing_book)
    assert any("nosuchbook" in p for p in error.problems), error.problems


def test_a_red_flag_can_withhold_only_examination_signs(tmp_path: Path) -> None:
    def withhold_a_history_item(document: Any) -> None:
        flag = next(f for f in document["red_flags"] if f.get("withhold_examination"))
        flag["withhold_examination"] = ["low_back_pain", "no_such_sign"]

    error = _broken(tmp_path, "red_flags.yaml", withhold_a_history_item)
    assert any("'low_back_pain' is not an examination sign" in p for p in error.problems), error.problems
    assert any("unknown finding 'no_such_sign'" in p for p in error.problems), error.problems


def test_flags_that_stand_aside_for_each_other_or_an_unknown_flag_are_refused(tmp_path: Path) -> None:
    """Two flags that stand aside for each other would both be left out of a report that raises both."""

    def make_a_cycle(document: Any) -> None:
        flags = {f["id"]: f for f in document["red_flags"]}
        flags["vertebral_fracture"]["stands_aside_for"] = ["pain_after_significant_trauma", "no_such_flag"]

    error = _broken(tmp_path, "red_flags.yaml", make_a_cycle)
    assert any("vertebral_fracture: stands_aside_for leads back to it" in p for p in error.problems), error.problems
    assert any("unknown red flag 'no_such_flag'" in p for p in error.problems), error.problems


def test_a_suspected_condition_with_an_unknown_threshold_is_refused(tmp_path: Path) -> None:
    def name_a_missing_threshold(document: Any) -> None:
        document["suspected"][0]["threshold"] = "no_such_threshold"

    error = _broken(tmp_path, "recommendations.yaml", name_a_missing_threshold)
    assert any("no_such_threshold" in p and "threshold" in p for p in error.problems), error.problems


def test_a_condition_in_two_co_occurring_pairs_or_unknown_is_refused(tmp_path: Path) -> None:
    def pair_it_twice(document: Any) -> None:
        first = document["co_occurrences"][0]
        document["co_occurrences"].append({**first, "conditions": [first["conditions"][0], "no_such_condition"]})

    error = _broken(tmp_path, "network.yaml", pair_it_twice)
    assert any("already in a pair" in p for p in error.problems), error.problems
    assert any("no_such_condition" in p for p in error.problems), error.problems


def test_a_judgement_likelihood_without_its_reason_is_refused(tmp_path: Path) -> None:
    dropped: list[str] = []

    def drop_a_reason(document: Any) -> None:
        item = next(i for i in document["likelihoods"] if i.get("basis") == "judgement" and i.get("reason"))
        del item["reason"]
        dropped.append(item["finding"])

    error = _broken(tmp_path, "likelihoods.yaml", drop_a_reason)
    assert any(dropped[0] in p and "reason" in p for p in error.problems), error.problems


def test_an_exam_sign_without_how_to_elicit_it_is_refused(tmp_path: Path) -> None:
    dropped: list[str] = []

    def drop_an_elicitation(document: Any) -> None:
        item = next(f for f in document["findings"] if f.get("kind") == "exam" and f.get("elicitation"))
        item["elicitation"] = None
        dropped.append(item["id"])

    error = _broken(tmp_path, "findings.yaml", drop_an_elicitation)
    assert any(dropped[0] in p and "elicit" in p for p in error.problems), error.problems


@given(
    st.floats(min_value=1.01, max_value=200.0),
    st.floats(min_value=0.01, max_value=0.99),
)
def test_accuracy_derived_from_two_ratios_gives_them_back(lr_present: float, lr_absent: float) -> None:
    """The loader derives sensitivity and false-positive rate from a published LR pair; any coherent
    pair (LR+ above 1, LR- below 1) must be given back exactly."""
    lk = Likelihood(
        condition="x", finding="y", lr_present=lr_present, lr_absent=lr_absent, basis="reported", sources=["s"]
    )
    sens, fpr = lk.p_present_given_condition, lk.p_present_without_condition
    assert 0 < fpr < sens < 1
    assert sens / fpr == pytest.approx(lr_present, rel=1e-9)
    assert (1 - sens) / (1 - fpr) == pytest.approx(lr_absent, rel=1e-9)


def _copy_data(tmp_path: Path) -> Path:
    source = resources.files("spinetriage.knowledge") / "data"
    for name in FILES:
        (tmp_path / name).write_text((source / name).read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def test_a_copy_loads_with_the_same_version(tmp_path: Path, kb: KnowledgeBase) -> None:
    assert load_knowledge(_copy_data(tmp_path)).version == kb.version


def test_changing_a_number_changes_the_version(tmp_path: Path, kb: KnowledgeBase) -> None:
    data = _copy_data(tmp_path)
    path = data / "likelihoods.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("lr_present: 2.2,", "lr_present: 2.3,"), encoding="utf-8")
    assert load_knowledge(data).version != kb.version


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    lk = data / "likelihoods.yaml"
    text = lk.read_text(encoding="utf-8")
    text = text.replace(
        "finding: hoffmann_sign, lr_present: 2.2, lr_absent: 0.63",
        "finding: hofman_sign, lr_present: 2.2, lr_absent: 1.5",
    )
    text = text.replace("sources: [kimura2017]", "sources: [nosuchpaper]")
    lk.write_text(text, encoding="utf-8")
    priors = data / "priors.yaml"
    priors.write_text(
        priors.read_text(encoding="utf-8").replace("probability: 0.85,", "probability: 1.5,"), encoding="utf-8"
    )
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(data)
    problems = "\n".join(caught.value.problems)
    assert "hofman_sign" in problems  # unknown finding, named
    assert "cannot both hold" in problems  # incoherent LR pair
    assert "nosuchpaper" in problems  # unresolved reference
    assert "nonspecific_low_back_pain" in problems  # impossible probability, by identifier
    assert len(caught.value.problems) >= 4


def test_a_judgement_without_reason_is_rejected(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    path = data / "recommendations.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('reason: "More likely than not', 'note: "More likely than not')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError, match="condition_likely"):
        load_knowledge(data)


def test_missing_file_is_named(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    (data / "groups.yaml").unlink()
    with pytest.raises(KnowledgeError, match=r"groups\.yaml"):
        load_knowledge(data)
    shutil.rmtree(data)


def test_a_wordings_group_whose_members_differ_is_refused(tmp_path: Path) -> None:
    def make_one_wording_stronger(document: Any) -> None:
        for link in document["likelihoods"]:
            if link.get("finding") == "fine_motor_difficulty" and "sensitivity" in link:
                link["sensitivity"] = 0.6
                return
        raise AssertionError("no fine_motor_difficulty likelihood with a sensitivity")

    error = _broken(tmp_path, "likelihoods.yaml", make_one_wording_stronger)
    assert any("hand_dexterity" in p and "fine_motor_difficulty" in p for p in error.problems), error.problems


def test_a_group_expression_of_an_unknown_condition_is_named(tmp_path: Path) -> None:
    def name_no_condition(document: Any) -> None:
        group = next(g for g in document["groups"] if g.get("expressions"))
        group["expressions"][0]["condition"] = "no_such_condition"

    error = _broken(tmp_path, "groups.yaml", name_no_condition)
    assert any("no_such_condition" in p and "expression" in p for p in error.problems), error.problems


def test_a_complaint_role_given_to_a_finding_that_is_not_a_complaint_is_refused(tmp_path: Path) -> None:
    def give_a_role_to_a_sign(document: Any) -> None:
        document["nonspecific_in_the_neck"] = ["hoffmann_sign"]
        document["local_to_the_neck"].append("clonus")

    error = _broken(tmp_path, "network.yaml", give_a_role_to_a_sign)
    assert any("nonspecific_in_the_neck: 'hoffmann_sign' is not one of the complaints" in p for p in error.problems)
    assert any("local_to_the_neck: 'clonus' is not one of the complaints" in p for p in error.problems)
