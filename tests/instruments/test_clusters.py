"""Cook 2010 (cervical myelopathy) and Cook 2011 (lumbar stenosis) clusters: the LR per
count, ranges with unknown items, and reading the clusters from engine findings."""

from __future__ import annotations

import pytest

from spinetriage.errors import InputError
from spinetriage.instruments import cluster_from_findings, clusters, score

COOK2010 = ("gait_deviation", "hoffmann_sign", "inverted_supinator_sign", "babinski_sign", "age_over_45")
COOK2011 = (
    "bilateral_symptoms",
    "leg_pain_more_than_back_pain",
    "pain_walking_standing",
    "relief_on_sitting",
    "age_over_48",
)


def _first_n_positive(items: tuple[str, ...], n: int) -> dict[str, bool]:
    return {item: i < n for i, item in enumerate(items)}


@pytest.mark.parametrize(
    ("count", "band", "lr", "published"),
    [
        (0, "rule_out", 0.18, True),
        (1, "uninformative", 1.0, False),
        (2, "uninformative", 1.0, False),
        (3, "rule_in", 30.9, True),
        (4, "rule_in", 30.9, True),
        (5, "rule_in", 30.9, True),
    ],
)
def test_cook2010_lr_per_count(count: int, band: str, lr: float, published: bool) -> None:
    result = score("cook2010_dcm_cluster", _first_n_positive(COOK2010, count))
    assert result.total == count
    assert result.band == band
    assert result.likelihood_ratio is not None
    assert (result.likelihood_ratio.value, result.likelihood_ratio.published) == (lr, published)


def test_cook2010_published_confidence_intervals() -> None:
    out = score("cook2010_dcm_cluster", _first_n_positive(COOK2010, 0)).likelihood_ratio
    inn = score("cook2010_dcm_cluster", _first_n_positive(COOK2010, 3)).likelihood_ratio
    assert out is not None and inn is not None
    assert out.ci == (0.12, 0.42)
    assert inn.ci == (5.5, 181.8)


@pytest.mark.parametrize("count", [1, 2])
def test_cook2010_one_or_two_positive_says_it_is_uninformative(count: int) -> None:
    """Cook's LR- 0.18 belongs to the ">= 1 of 5" threshold's negative result (0 of 5,
    evidence.md 2), so 1 positive, like 2, has no published ratio."""
    result = score("cook2010_dcm_cluster", _first_n_positive(COOK2010, count))
    assert result.likelihood_ratio is not None
    assert result.likelihood_ratio.kind == "uninformative"
    assert "no published likelihood ratio" in result.interpretation


def test_cook2010_a_single_positive_sign_never_rules_out() -> None:
    """A young patient with one positive Hoffmann sign is not ruled out (LR 0.18 needs 0 of 5)."""
    result = score("cook2010_dcm_cluster", {**_first_n_positive(COOK2010, 0), "hoffmann_sign": True, "age_over_45": 30})
    assert result.total == 1 and result.band == "uninformative"
    assert result.likelihood_ratio is not None and result.likelihood_ratio.value == 1.0


@pytest.mark.parametrize(
    ("count", "band", "lr", "published"),
    [
        (0, "rule_out", 0.19, True),
        (1, "uninformative", 1.0, False),
        (2, "uninformative", 1.0, False),
        (3, "uninformative", 1.0, False),
        (4, "rule_in", 4.6, True),
        (5, "rule_in", 4.6, True),
    ],
)
def test_cook2011_lr_per_count(count: int, band: str, lr: float, published: bool) -> None:
    result = score("cook2011_lss_cluster", _first_n_positive(COOK2011, count))
    assert result.band == band
    assert result.likelihood_ratio is not None
    assert (result.likelihood_ratio.value, result.likelihood_ratio.published) == (lr, published)


def test_cook2011_published_confidence_intervals_and_citation() -> None:
    """Abstract: 0 of 5 -> LR- 0.19 (0.12-0.29); >= 4 of 5 -> LR+ 4.6 (2.4-8.9)."""
    out = score("cook2011_lss_cluster", _first_n_positive(COOK2011, 0))
    inn = score("cook2011_lss_cluster", _first_n_positive(COOK2011, 4))
    assert out.likelihood_ratio is not None and inn.likelihood_ratio is not None
    assert (out.likelihood_ratio.value, out.likelihood_ratio.ci) == (0.19, (0.12, 0.29))
    assert (inn.likelihood_ratio.value, inn.likelihood_ratio.ci) == (4.6, (2.4, 8.9))
    assert "sensitivity 0.96" in out.interpretation
    assert [r.pmid for r in inn.references] == ["21077266"]


@pytest.mark.parametrize(("age", "positive"), [(45, False), (46, True)])
def test_cook2010_age_item_is_strictly_over_45(age: int, positive: bool) -> None:
    result = score("cook2010_dcm_cluster", {**_first_n_positive(COOK2010, 0), "age_over_45": age})
    assert result.total == int(positive)


@pytest.mark.parametrize(("age", "positive"), [(48, False), (49, True)])
def test_cook2011_age_item_is_strictly_over_48(age: int, positive: bool) -> None:
    result = score("cook2011_lss_cluster", {**_first_n_positive(COOK2011, 0), "age_over_48": age})
    assert result.total == int(positive)


def test_unknown_items_give_a_range_and_no_single_total() -> None:
    answers: dict[str, bool | str] = {"hoffmann_sign": True, "babinski_sign": True, "age_over_45": True}
    result = score("cook2010_dcm_cluster", answers)
    assert result.total is None
    assert (result.total_min, result.total_max) == (3, 5)
    assert result.missing == ("gait_deviation", "inverted_supinator_sign")
    assert result.likelihood_ratio is not None and result.likelihood_ratio.value == 30.9


def test_a_range_that_spans_bands_gives_no_lr() -> None:
    answers = {"hoffmann_sign": True, "babinski_sign": False, "age_over_45": "unknown", "gait_deviation": False}
    result = score("cook2010_dcm_cluster", answers)
    assert (result.total_min, result.total_max) == (1, 3)
    assert result.band is None
    assert result.likelihood_ratio is None
    assert "Not determined" in result.interpretation


def test_a_range_inside_the_rule_in_band_keeps_its_lr() -> None:
    answers = {"hoffmann_sign": True, "babinski_sign": True, "inverted_supinator_sign": True, "gait_deviation": False}
    result = score("cook2010_dcm_cluster", answers)
    assert (result.total_min, result.total_max) == (3, 4)
    assert result.likelihood_ratio is not None and result.likelihood_ratio.value == 30.9


def test_a_range_from_none_to_one_positive_gives_no_lr() -> None:
    """Four signs absent and the age unknown: 0 or 1 of 5, which straddles the rule-out."""
    answers = {
        "hoffmann_sign": False,
        "babinski_sign": False,
        "inverted_supinator_sign": False,
        "gait_deviation": False,
    }
    result = score("cook2010_dcm_cluster", answers)
    assert (result.total_min, result.total_max) == (0, 1)
    assert result.band is None and result.likelihood_ratio is None


def test_a_range_inside_the_uninformative_band_is_lr_1() -> None:
    answers = {"hoffmann_sign": True, "babinski_sign": False, "inverted_supinator_sign": False, "age_over_45": 40}
    result = score("cook2010_dcm_cluster", answers)
    assert (result.total_min, result.total_max) == (1, 2)
    assert result.band == "uninformative"
    assert result.likelihood_ratio is not None and result.likelihood_ratio.value == 1.0


def test_every_cluster_can_be_read_from_findings() -> None:
    assert clusters() == ("cook2010_dcm_cluster", "cook2011_lss_cluster")


def test_cook2010_from_findings_uses_exam_and_history_gait() -> None:
    findings = {
        "gait_disturbance": "present",
        "broad_based_gait": "absent",
        "hoffmann_sign": "present",
        "inverted_supinator": "absent",
        "babinski_sign": "present",
    }
    result = cluster_from_findings("cook2010_dcm_cluster", findings, age=67)
    assert (result.count_min, result.count_max) == (4, 4)
    assert result.likelihood_ratio is not None and result.likelihood_ratio.value == 30.9
    gait = next(i for i in result.items if i.item == "gait_deviation")
    assert (gait.status, gait.decided_by) == ("present", ("gait_disturbance",))
    assert result.target_condition == "degenerative_cervical_myelopathy"
    assert result.uses_age
    assert set(result.consumed_findings) == {
        "gait_disturbance",
        "broad_based_gait",
        "hoffmann_sign",
        "inverted_supinator",
        "babinski_sign",
    }


def test_an_item_is_absent_only_when_every_linked_finding_is_absent() -> None:
    findings = {
        "broad_based_gait": "absent",
        "hoffmann_sign": "absent",
        "inverted_supinator": "absent",
        "babinski_sign": "absent",
    }
    result = cluster_from_findings("cook2010_dcm_cluster", findings, age=40)
    gait = next(i for i in result.items if i.item == "gait_deviation")
    assert gait.status == "unknown"  # gait_disturbance not asked
    assert (result.count_min, result.count_max) == (0, 1)
    assert result.likelihood_ratio is None  # 0 of 5 rules out, 1 of 5 does not
    findings["gait_disturbance"] = "absent"
    result = cluster_from_findings("cook2010_dcm_cluster", findings, age=40)
    assert (result.count_min, result.count_max) == (0, 0)
    assert result.likelihood_ratio is not None and result.likelihood_ratio.value == 0.18


def test_unknown_age_and_unconfirmed_text_statuses_stay_unknown() -> None:
    findings = {
        "bilateral_leg_symptoms": "present",
        "leg_pain_worse_than_back": "possible",
        "neurogenic_claudication": "present",
        "relief_sitting_flexion": "present",
    }
    result = cluster_from_findings("cook2011_lss_cluster", findings, age=None)
    assert (result.count_min, result.count_max) == (3, 5)
    assert result.likelihood_ratio is None
    assert result.score.total is None


def test_cook2011_from_findings_rule_out_with_nothing_positive() -> None:
    findings = {
        "bilateral_leg_symptoms": "absent",
        "leg_pain_worse_than_back": "absent",
        "neurogenic_claudication": "absent",
        "relief_sitting_flexion": "absent",
    }
    result = cluster_from_findings("cook2011_lss_cluster", findings, age=40)
    assert (result.count_min, result.count_max) == (0, 0)
    assert result.likelihood_ratio is not None and result.likelihood_ratio.value == 0.19


def test_cluster_from_findings_rejects_a_bad_status_and_a_bad_age() -> None:
    with pytest.raises(InputError) as info:
        cluster_from_findings("cook2010_dcm_cluster", {"hoffmann_sign": "yes"}, age=50)
    assert info.value.field == "findings.hoffmann_sign"
    with pytest.raises(InputError) as info:
        cluster_from_findings("cook2010_dcm_cluster", {}, age=-3)
    assert info.value.field == "age"


def test_cluster_from_findings_refuses_an_instrument_that_is_not_a_cluster() -> None:
    with pytest.raises(InputError) as info:
        cluster_from_findings("mjoa", {}, age=50)
    assert info.value.field == "cluster"
