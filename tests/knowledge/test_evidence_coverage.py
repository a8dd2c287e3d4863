"""Every finding changes something or says why not (issue 12).

A finding with no likelihood and no recorded-only reason is an answer the engine
silently ignores; these tests name it.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from spinetriage.errors import KnowledgeError
from spinetriage.knowledge import KnowledgeBase, load_knowledge
from spinetriage.knowledge.loader import FILES


def _copy_data(tmp_path: Path) -> Path:
    source = resources.files("spinetriage.knowledge") / "data"
    for name in FILES:
        (tmp_path / name).write_text((source / name).read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def test_every_finding_has_evidence_or_a_recorded_only_reason(kb: KnowledgeBase) -> None:
    linked = {finding for (_, finding) in kb.likelihoods}
    silent = [f for f in kb.findings if f not in linked and f not in kb.recorded_only]
    assert silent == [], f"findings with neither likelihoods nor a recorded-only reason: {silent}"


def test_recorded_only_findings_are_few_and_give_reasons(kb: KnowledgeBase) -> None:
    assert kb.recorded_only, "the recorded-only list is loaded"
    assert len(kb.recorded_only) <= 5
    for entry in kb.recorded_only.values():
        assert len(entry.reason) > 40, entry.finding


def test_a_finding_cannot_be_both_linked_and_recorded_only(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    path = data / "recorded_only.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + '  - finding: hoffmann_sign\n    reason: "a test of the loader"\n',
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError, match="recorded-only hoffmann_sign"):
        load_knowledge(data)


def test_a_recorded_only_finding_must_exist(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    path = data / "recorded_only.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + '  - finding: no_such_finding\n    reason: "a test of the loader"\n',
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError, match="no_such_finding"):
        load_knowledge(data)
    shutil.rmtree(data)


def test_risk_factors_raise_the_conditions_they_are_risks_for(kb: KnowledgeBase) -> None:
    """Risk factors stay likelihood pairs (the causal engine reads them as parents)."""
    raised = {
        ("spinal_malignancy", "history_of_cancer"),
        ("metastatic_spinal_cord_compression", "history_of_cancer"),
        ("vertebral_fracture", "steroid_use"),
        ("vertebral_fracture", "osteoporosis"),
        ("vertebral_fracture", "trauma"),
        ("spinal_infection", "immunosuppression"),
        ("spinal_infection", "iv_drug_use"),
        ("spinal_infection", "diabetes"),
        ("peripheral_neuropathy", "diabetes"),
    }
    for key in raised:
        assert kb.likelihoods[key].ratio_present > 1, key


def test_a_red_flag_clause_needs_a_criterion() -> None:
    from pydantic import ValidationError

    from spinetriage.knowledge.schema import Clause

    with pytest.raises(ValidationError, match="at least one criterion"):
        Clause.model_validate({"none_present": ["hoffmann_sign"]})
    with pytest.raises(ValidationError, match="max_age"):
        Clause.model_validate({"min_age": 70, "max_age": 60})
    assert Clause.model_validate({"min_age": 70}).findings == []


def test_an_indication_exclusion_needs_its_threshold() -> None:
    from pydantic import ValidationError

    from spinetriage.knowledge.schema import Indication

    with pytest.raises(ValidationError, match="unless_likely and unless_probability"):
        Indication.model_validate(
            {"condition": "nonspecific_low_back_pain", "min_probability": 0.5, "unless_likely": ["spinal_infection"]}
        )
    with pytest.raises(ValidationError, match="also_likely needs a condition"):
        Indication.model_validate({"red_flag": "x", "also_likely": ["lumbar_spinal_stenosis"]})
    assert Indication.model_validate({"any_red_flag": True}).any_red_flag


# Findings that are one complaint in two wordings (groups.yaml: leg_deficit, hand_dexterity;
# unsteady walking and imbalance in gait_and_balance). A condition that produces one wording
# must produce the other, or the other counts against it.
SAME_COMPLAINT = [
    ("leg_weakness", "leg_heaviness"),
    ("hand_clumsiness", "fine_motor_difficulty"),
    ("gait_disturbance", "imbalance"),
]


@pytest.mark.parametrize(("one", "other"), SAME_COMPLAINT)
def test_a_condition_producing_one_wording_produces_the_other(kb: KnowledgeBase, one: str, other: str) -> None:
    assert kb.group_of.get(one) is not None and kb.group_of.get(one) == kb.group_of.get(other)
    lopsided = sorted(c for c in kb.conditions if ((c, one) in kb.likelihoods) != ((c, other) in kb.likelihoods))
    assert lopsided == [], f"conditions linked to only one of {one} and {other}: {lopsided}"
