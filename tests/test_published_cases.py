"""The published-case sets (issue 12, item 7) are well formed, sourced, mapped and split.

These tests check the data only; they never run the engine on the cases. The test part
of each split is frozen (see the header of each file). ``published-cases.yaml`` is the
first set; ``published-cases-2.yaml`` to ``published-cases-20.yaml`` were written later by someone who
had not read the engine's rules or knowledge tables, each as a fresh check.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from spinetriage.knowledge import KnowledgeBase
from spinetriage.vocab import FindingKind

DATA = Path(__file__).resolve().parent / "data"
# Each set: its file, the id pattern, the least number of cases, and the bounds of the development
# share that a content-blind hash split of that many cases should meet.
SETS = {
    "published-cases.yaml": (r"pc\d{3}", 60, (0.4, 0.6)),
    "published-cases-2.yaml": (r"pd\d{3}", 40, (0.3, 0.7)),
    "published-cases-3.yaml": (r"pe\d{3}", 40, (0.3, 0.7)),
    "published-cases-4.yaml": (r"pf\d{3}", 30, (0.3, 0.7)),
    "published-cases-5.yaml": (r"pg\d{3}", 36, (0.3, 0.7)),
    "published-cases-6.yaml": (r"ph\d{3}", 36, (0.3, 0.7)),
    "published-cases-7.yaml": (r"pi\d{3}", 30, (0.3, 0.7)),
    "published-cases-8.yaml": (r"pj\d{3}", 35, (0.3, 0.7)),
    "published-cases-9.yaml": (r"pk\d{3}", 36, (0.3, 0.7)),
    "published-cases-10.yaml": (r"pl\d{3}", 37, (0.3, 0.7)),
    "published-cases-11.yaml": (r"pm\d{3}", 36, (0.3, 0.7)),
    "published-cases-12.yaml": (r"pn\d{3}", 36, (0.3, 0.7)),
    "published-cases-13.yaml": (r"po\d{3}", 38, (0.3, 0.7)),
    "published-cases-14.yaml": (r"pp\d{3}", 40, (0.3, 0.7)),
    "published-cases-15.yaml": (r"pq\d{3}", 44, (0.3, 0.7)),
    "published-cases-16.yaml": (r"pr\d{3}", 47, (0.3, 0.7)),
    "published-cases-17.yaml": (r"ps\d{3}", 46, (0.3, 0.7)),
    "published-cases-18.yaml": (r"pt\d{3}", 45, (0.3, 0.7)),
    "published-cases-19.yaml": (r"pu\d{3}", 30, (0.3, 0.7)),
    "published-cases-20.yaml": (r"pv\d{3}", 37, (0.3, 0.7)),
    "published-cases-21.yaml": (r"pw\d{3}", 36, (0.3, 0.7)),
}
STATUSES = {"present", "absent", "unknown"}
ORIGINS = {"cervical", "lumbar", "both", "other"}
SETTINGS = {"primary_care", "spine_clinic"}
SPLITS = {"dev", "test"}
SEXES = {"male", "female", None}
RED_FLAGS = {
    "cauda_equina_syndrome",
    "spinal_infection",
    "spinal_malignancy",
    "vertebral_fracture",
    "progressive_myelopathy",
}
# Every category the brief asks for must have at least one case.
CATEGORIES = {
    "dcm",
    "lumbar_stenosis",
    "disc_herniation",
    "nonspecific_lbp",
    "tandem",
    "cervical_radiculopathy",
    "red_flag_cauda_equina",
    "red_flag_infection",
    "red_flag_malignancy",
    "red_flag_fracture",
    "thoracic_cord_lesion",
    "mimic_motor_neuron_disease",
    "mimic_multiple_sclerosis",
    "mimic_nph",
    "mimic_neuropathy",
    "mimic_vascular",
    "mimic_hip",
}
REQUIRED = (
    "id",
    "split",
    "source_title",
    "age",
    "sex",
    "setting",
    "presentation",
    "findings",
    "imaging_findings",
    "final_diagnosis",
    "category",
    "expected_origin",
    "expected_conditions",
    "expected_red_flags",
    "mapping_notes",
)
HISTORY_OR_EXAM = {FindingKind.HISTORY, FindingKind.EXAM}
IMAGING_OR_TEST = {FindingKind.IMAGING, FindingKind.TEST}


def _load(name: str) -> list[dict[str, Any]]:
    data = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


CASES_BY_SET = {name: _load(name) for name in SETS}
CASE_LIST = [case for cases in CASES_BY_SET.values() for case in cases]


def _split_rule(case_id: str) -> str:
    """The content-blind split: dev when sha256(id) is even, test otherwise."""
    return "dev" if int(hashlib.sha256(case_id.encode()).hexdigest(), 16) % 2 == 0 else "test"


@pytest.mark.parametrize("name", SETS)
def test_enough_cases_with_unique_ids(name: str) -> None:
    pattern, least, _ = SETS[name]
    ids = [case["id"] for case in CASES_BY_SET[name]]
    assert len(ids) >= least
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(pattern, case_id) for case_id in ids)


@pytest.mark.parametrize("later", list(SETS)[1:])
def test_a_later_set_uses_no_source_of_an_earlier_one(later: str) -> None:
    """A fresh check needs fresh patients (one source may give several patients within a set)."""

    def keys(case: dict[str, Any]) -> set[str]:
        return {str(case[k]).strip().lower() for k in ("source_url", "source_title") if case.get(k)}

    earlier = list(SETS)[: list(SETS).index(later)]
    seen = {key for name in earlier for case in CASES_BY_SET[name] for key in keys(case)}
    for case in CASES_BY_SET[later]:
        assert not keys(case) & seen, f"{case['id']} repeats a source of an earlier set"


@pytest.mark.parametrize("case", CASE_LIST, ids=lambda c: str(c.get("id")))
def test_case_fields_and_source(case: dict[str, Any]) -> None:
    missing = [key for key in REQUIRED if key not in case]
    assert not missing, f"{case.get('id')}: missing {missing}"
    assert isinstance(case["source_title"], str) and case["source_title"].strip()
    locators = [key for key in case if key.startswith("source_") and key != "source_title"]
    assert any(str(case[key] or "").strip() for key in locators), f"{case['id']}: no URL, DOI, PMID or other locator"
    assert case["setting"] in SETTINGS
    assert case["sex"] in SEXES
    assert case["age"] is None or (isinstance(case["age"], int) and 18 <= case["age"] <= 110)
    assert case["expected_origin"] in ORIGINS
    assert case["category"] in CATEGORIES
    assert isinstance(case["presentation"], str) and case["presentation"].strip()
    assert isinstance(case["final_diagnosis"], str) and case["final_diagnosis"].strip()
    assert isinstance(case["mapping_notes"], str)


@pytest.mark.parametrize("case", CASE_LIST, ids=lambda c: str(c.get("id")))
def test_identifiers_exist_in_the_knowledge_base(case: dict[str, Any], kb: KnowledgeBase) -> None:
    findings = case["findings"] or {}
    imaging = case["imaging_findings"] or {}
    assert findings, f"{case['id']}: no history or examination findings"
    for fid, status in findings.items():
        assert fid in kb.findings, f"{case['id']}: unknown finding {fid}"
        assert kb.findings[fid].kind in HISTORY_OR_EXAM, f"{case['id']}: {fid} belongs in imaging_findings"
        assert status in STATUSES, f"{case['id']}: {fid} has status {status!r}"
    for fid, status in imaging.items():
        assert fid in kb.findings, f"{case['id']}: unknown finding {fid}"
        assert kb.findings[fid].kind in IMAGING_OR_TEST, f"{case['id']}: {fid} belongs in findings"
        assert status in STATUSES, f"{case['id']}: {fid} has status {status!r}"
    assert not set(findings) & set(imaging)
    conditions = case["expected_conditions"]
    assert conditions, f"{case['id']}: no expected condition"
    for cid in conditions:
        assert cid in kb.conditions, f"{case['id']}: unknown condition {cid}"
    for flag in case["expected_red_flags"]:
        assert flag in RED_FLAGS, f"{case['id']}: unknown red flag {flag}"


@pytest.mark.parametrize("name", SETS)
def test_split_is_content_blind_and_balanced(name: str) -> None:
    cases = CASES_BY_SET[name]
    for case in cases:
        assert case["split"] in SPLITS
        assert case["split"] == _split_rule(case["id"]), f"{case['id']}: split does not follow the rule"
    dev = sum(case["split"] == "dev" for case in cases)
    low, high = SETS[name][2]
    assert low <= dev / len(cases) <= high


def test_every_category_is_covered() -> None:
    covered = {case["category"] for case in CASES_BY_SET["published-cases.yaml"]}
    assert covered >= CATEGORIES, f"missing categories: {sorted(CATEGORIES - covered)}"


@pytest.mark.parametrize("name", SETS)
def test_header_says_the_test_part_is_frozen(name: str) -> None:
    header = (DATA / name).read_text(encoding="utf-8").split("\n- id:", 1)[0]
    assert "FROZEN" in header
    assert "sha256" in header


SCENARIOS = Path(__file__).resolve().parent / "data" / "guideline-scenarios.yaml"
URGENCIES = {"emergency", "urgent", "soon", "routine"}
SCENARIO_KEYS = (
    "id",
    "title",
    "source",
    "rationale",
    "age",
    "sex",
    "setting",
    "findings",
    "imaging_findings",
    "expected_origin",
    "expected_leading_condition",
    "expected_red_flags",
    "expected_urgency",
    "expected_first_workup",
    "expected_treatment_direction",
)


def test_guideline_scenarios_are_well_formed(kb: KnowledgeBase) -> None:
    """The scenario file (issue 12 list plus issue 11's patient and its variant) uses real ids."""
    scenarios = yaml.safe_load(SCENARIOS.read_text(encoding="utf-8"))
    assert isinstance(scenarios, list) and len(scenarios) >= 19
    ids = [s["id"] for s in scenarios]
    assert len(ids) == len(set(ids))
    for s in scenarios:
        missing = [key for key in SCENARIO_KEYS if key not in s]
        assert not missing, f"{s.get('id')}: missing {missing}"
        assert s["source"] and all(src.get("name") for src in s["source"])
        assert s["setting"] in SETTINGS
        assert s["expected_origin"] in ORIGINS
        assert s["expected_urgency"] in URGENCIES
        for fid, status in {**(s["findings"] or {}), **(s["imaging_findings"] or {})}.items():
            assert fid in kb.findings, f"{s['id']}: unknown finding {fid}"
            assert status in STATUSES
        leading = s["expected_leading_condition"]
        assert leading is None or leading in kb.conditions, f"{s['id']}: unknown condition {leading}"
        if leading is None:
            assert s.get("expected_leading_condition_proposed"), f"{s['id']}: say which condition is missing"
        assert set(s["expected_red_flags"]) <= RED_FLAGS
