"""Issue 3: an mJOA entered with a case grades the myelopathy and steers treatment and urgency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from spinetriage import Assessment, assess
from spinetriage.case_io import load_case
from spinetriage.knowledge import KnowledgeBase
from spinetriage.vocab import Urgency

# The Cook 2010 rule-in pattern plus clumsy hands and cord compression: DCM is the
# working diagnosis (well above 50%) in primary care.
LIKELY_DCM: dict[str, Any] = {
    "age": 66,
    "sex": "male",
    "findings": {
        "low_back_pain": "present",
        "gait_disturbance": "present",
        "hand_clumsiness": "present",
        "hoffmann_sign": "present",
        "inverted_supinator": "present",
        "babinski_sign": "absent",
        "cervical_cord_compression": "present",
    },
}
# Totals from item levels (upper limb motor, lower limb motor, upper limb sensation, micturition).
LEVELS = {
    11: (2, 4, 2, 3),
    12: (3, 4, 2, 3),
    14: (4, 5, 2, 3),
    15: (4, 6, 2, 3),
    17: (5, 7, 2, 3),
    18: (5, 7, 3, 3),
}
GRADED = {"dcm_surgery_moderate_severe", "dcm_mild_surgery_or_rehabilitation"}
SIGNS_FREE_COMPRESSION: dict[str, Any] = {
    "age": 58,
    "findings": {"low_back_pain": "present", "cervical_cord_compression": "present", "hoffmann_sign": "absent"},
}


def mjoa(total: int, **extra: Any) -> dict[str, Any]:
    ul, ll, us, mic = LEVELS[total]
    return {"upper_limb_motor": ul, "lower_limb_motor": ll, "upper_limb_sensation": us, "micturition": mic, **extra}


def ids(items: list[Any]) -> set[str]:
    return {i.id for i in items}


def from_file(tmp_path: Path, case: dict[str, Any], kb: KnowledgeBase) -> Assessment:
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(case), encoding="utf-8")
    return assess(load_case(str(path), kb))


@pytest.mark.parametrize(
    ("total", "grade", "expected"),
    [
        (11, "severe", "dcm_surgery_moderate_severe"),
        (12, "moderate", "dcm_surgery_moderate_severe"),
        (14, "moderate", "dcm_surgery_moderate_severe"),
        (15, "mild", "dcm_mild_surgery_or_rehabilitation"),
        (17, "mild", "dcm_mild_surgery_or_rehabilitation"),
    ],
)
def test_mjoa_band_edges_from_a_case_file_drive_treatment(
    tmp_path: Path, kb: KnowledgeBase, total: int, grade: str, expected: str
) -> None:
    result = from_file(tmp_path, {**LIKELY_DCM, "instruments": {"mjoa": mjoa(total)}}, kb)
    assert result.severity is not None
    assert (result.severity.score, result.severity.grade, result.severity.directs_treatment) == (total, grade, True)
    assert ids(result.treatment) & GRADED == {expected}
    assert "dcm_surgical_assessment" not in ids(result.treatment)  # replaced by the grade's own direction
    item = next(t for t in result.treatment if t.id == expected)
    assert f"mJOA {total}: {grade} myelopathy" in item.reason
    assert "fehlings2017" in item.sources and "fehlings2017" in result.severity.sources
    if grade == "mild":
        assert "fehlings2025" in item.sources and "rehabilitation" in item.detail


def test_a_full_mjoa_directs_no_grade_specific_treatment(tmp_path: Path, kb: KnowledgeBase) -> None:
    result = from_file(tmp_path, {**LIKELY_DCM, "instruments": {"mjoa": mjoa(18)}}, kb)
    assert result.severity is not None and result.severity.grade == "normal"
    assert not ids(result.treatment) & GRADED
    assert "dcm_surgical_assessment" in ids(result.treatment)


def test_without_an_mjoa_nothing_changes() -> None:
    result = assess(LIKELY_DCM)
    assert result.severity is None and result.mjoa_change is None and result.instruments == []
    assert "dcm_surgical_assessment" in ids(result.treatment) and not ids(result.treatment) & GRADED


def test_the_grade_waits_for_a_likely_cervical_diagnosis() -> None:
    lumbar = {"age": 70, "findings": {"low_back_pain": "present", "neurogenic_claudication": "present"}}
    result = assess({**lumbar, "instruments": {"mjoa": mjoa(12)}})
    assert result.severity is not None and result.severity.grade == "moderate"
    assert not result.severity.directs_treatment and "working diagnosis" in result.severity.explanation
    assert not ids(result.treatment) & GRADED


def test_p_mjoa_grades_when_no_clinician_mjoa_is_given() -> None:
    result = assess({**LIKELY_DCM, "instruments": {"p_mjoa": mjoa(15)}})
    assert result.severity is not None and (result.severity.instrument, result.severity.grade) == ("p_mjoa", "mild")
    assert "P-mJOA 15: mild myelopathy" in next(t.reason for t in result.treatment if t.id in GRADED)
    both = assess({**LIKELY_DCM, "instruments": {"p_mjoa": mjoa(15), "mjoa": mjoa(12)}})
    assert both.severity is not None and (both.severity.instrument, both.severity.score) == ("mjoa", 12)


def test_cord_compression_without_myelopathy_is_followed_not_operated() -> None:
    result = assess({**SIGNS_FREE_COMPRESSION, "instruments": {"mjoa": mjoa(18)}})
    assert "cord_compression_without_myelopathy" in ids(result.treatment)
    assert "cord_compression_with_radiculopathy" not in ids(result.treatment)
    item = next(t for t in result.treatment if t.id == "cord_compression_without_myelopathy")
    assert "no prophylactic surgery" in item.label and set(item.sources) == {"fehlings2017", "fehlings2013"}


def test_cord_compression_with_radiculopathy_offers_surgery_or_close_follow_up() -> None:
    case = dict(SIGNS_FREE_COMPRESSION)
    case["findings"] = {**case["findings"], "radicular_arm_pain": "present"}
    result = assess({**case, "instruments": {"mjoa": mjoa(18)}})
    assert "cord_compression_with_radiculopathy" in ids(result.treatment)
    assert "cord_compression_without_myelopathy" not in ids(result.treatment)


@pytest.mark.parametrize(
    "case",
    [
        {**SIGNS_FREE_COMPRESSION, "instruments": {"mjoa": mjoa(17)}},  # symptoms on the mJOA
        {**SIGNS_FREE_COMPRESSION, "findings": {"cervical_cord_compression": "present", "hoffmann_sign": "present"},
         "instruments": {"mjoa": mjoa(18)}},  # a myelopathic sign
        {**SIGNS_FREE_COMPRESSION, "instruments": {}},  # no mJOA: not judged
    ],
)  # fmt: skip
def test_compression_branch_needs_no_symptoms_no_signs_and_an_mjoa(case: dict[str, Any]) -> None:
    result = assess(case)
    assert not ids(result.treatment) & {"cord_compression_without_myelopathy", "cord_compression_with_radiculopathy"}


LOW_DCM: dict[str, Any] = {
    "age": 50,
    "findings": {"low_back_pain": "present", "hoffmann_sign": "absent", "hand_clumsiness": "absent"},
}


def test_an_mjoa_fall_past_the_mcid_raises_urgency_as_a_rule() -> None:
    base = assess(LOW_DCM)
    assert base.urgency is Urgency.ROUTINE
    result = assess({**LOW_DCM, "instruments": {"mjoa": mjoa(14), "mjoa_previous": {"total": 16}}})
    assert result.urgency is Urgency.URGENT and "mJOA 16 -> 14" in result.urgency_reason
    change = result.mjoa_change
    assert change is not None
    assert (change.before, change.after, change.difference, change.worsened) == (16, 14, -2, True)
    assert (change.urgency, change.rule) == (Urgency.URGENT, "mjoa_worsening")
    assert {"tetreault2015", "fehlings2017"} <= set(change.sources)
    dcm = next(c for c in result.conditions if c.id == "degenerative_cervical_myelopathy")
    assert dcm.probability < 0.1  # the probability is low, the rule still holds


@pytest.mark.parametrize("previous", [15, 14, 12])  # a fall of 1 (within the MCID), no change, a rise of 2
def test_a_change_within_the_mcid_or_an_improvement_does_not(previous: int) -> None:
    result = assess({**LOW_DCM, "instruments": {"mjoa": mjoa(14), "mjoa_previous": {"total": previous}}})
    assert result.urgency is Urgency.ROUTINE
    assert result.mjoa_change is not None and not result.mjoa_change.worsened and result.mjoa_change.rule is None


def test_worsening_with_likely_dcm_recommends_surgery(tmp_path: Path, kb: KnowledgeBase) -> None:
    previous = mjoa(17, date="2025-10-01")
    case = {**LIKELY_DCM, "instruments": {"mjoa": mjoa(15, date="2026-04-01"), "mjoa_previous": previous}}
    result = from_file(tmp_path, case, kb)
    assert {"dcm_deterioration_surgery", "dcm_mild_surgery_or_rehabilitation"} <= ids(result.treatment)
    assert result.mjoa_change is not None
    assert (result.mjoa_change.before_date, result.mjoa_change.after_date) == ("2025-10-01", "2026-04-01")


def test_cluster_and_instruments_appear_in_the_assessment_and_round_trip() -> None:
    result = assess({**LIKELY_DCM, "instruments": {"mjoa": mjoa(14), "nurick": {"grade": 2}}})
    cook = next(c for c in result.clusters if c.instrument == "cook2010_dcm_cluster")
    assert (cook.status, cook.count, cook.likelihood_ratio, cook.published) == ("not_applied", 4, 30.9, True)
    dcm = next(c for c in result.conditions if c.id == "degenerative_cervical_myelopathy")
    assert all(c.kind != "cluster" for c in dcm.contributions)  # shown beside the network, never counted in it
    assert {"cook2010", "tetreault2017", "nurick1972"} <= {r.id for r in result.references}
    assert {i.key: i.total for i in result.instruments} == {"mjoa": 14, "nurick": 2}
    assert Assessment.model_validate_json(result.model_dump_json()) == result
