"""Issue 3: a validated cluster's published likelihood ratio replaces its items.

Expected posteriors are written as explicit products of the published numbers
(Cook 2010: LR 30.9 for >= 3 of 5, 0.18 for 0 of 5; Cook 2011: LR 4.6 for >= 4 of
5, 0.19 for 0 of 5) and of the knowledge base's own ratios for the other findings.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinetriage.engine.clusters import read_cluster
from spinetriage.engine.model import CompiledModel, compile_model
from spinetriage.engine.posterior import Patient, Posterior, infer
from spinetriage.instruments import cluster_from_findings
from spinetriage.knowledge import KnowledgeBase
from spinetriage.vocab import Status

from .checks import assert_what_if_equals_full_recomputation
from .strategies import CLUSTER_FINDINGS, LINKED, cluster_patients, patients

P, A = Status.PRESENT, Status.ABSENT
DCM = "degenerative_cervical_myelopathy"
LSS = "lumbar_spinal_stenosis"


@pytest.fixture(scope="module")
def items_only(kb: KnowledgeBase) -> CompiledModel:
    """The same knowledge compiled without clusters: every item counted one by one."""
    return compile_model(kb, clusters=())


def posterior(model: CompiledModel, patient: Patient, condition: str) -> Posterior:
    return next(p for p in infer(model, patient) if p.condition == condition)


def from_odds(kb: KnowledgeBase, condition: str, *ratios: float, setting: str = "primary_care") -> float:
    prior = kb.prior(setting, condition).probability
    odds = prior / (1 - prior)
    for ratio in ratios:
        odds *= ratio
    return odds / (1 + odds)


RULE_IN = Patient(
    {
        "hoffmann_sign": P,
        "inverted_supinator": P,
        "babinski_sign": A,
        "gait_disturbance": P,
        "broad_based_gait": A,
        "hand_clumsiness": P,
        "clonus": P,
    },
    "primary_care",
    age=60,
)


def test_cook2010_rule_in_replaces_its_items(model: CompiledModel, kb: KnowledgeBase) -> None:
    # 4 of 5 positive (gait, Hoffmann, inverted supinator, age > 45) -> LR 30.9; hand clumsiness 0.5/0.1.
    result = posterior(model, RULE_IN, DCM)
    assert result.probability == pytest.approx(from_odds(kb, DCM, 30.9, 0.5 / 0.1), rel=1e-12)
    first = result.contributions[0]
    assert (first.evidence, first.value, first.likelihood_ratio, first.counted) == (
        "cook2010_dcm_cluster",
        "4 of 5 positive",
        30.9,
        True,
    )
    assert first.kind == "cluster" and first.sources == ("cook2010",) and "instead of" in (first.note or "")
    by_id = {c.evidence: c for c in result.contributions}
    for item in ("hoffmann_sign", "inverted_supinator", "babinski_sign", "gait_disturbance", "broad_based_gait"):
        assert not by_id[item].counted and by_id[item].weight == 0
        assert "Cook 2010 cluster" in (by_id[item].note or "")
    # clonus measures what Babinski measures (one evidence group): the cluster stands for it too
    assert not by_id["clonus"].counted and "babinski_sign" in (by_id["clonus"].note or "")
    assert by_id["hand_clumsiness"].counted


def test_no_double_counting_differs_from_counting_items(
    model: CompiledModel, items_only: CompiledModel, kb: KnowledgeBase
) -> None:
    with_cluster = posterior(model, RULE_IN, DCM).probability
    one_by_one = posterior(items_only, RULE_IN, DCM).probability
    # items one by one: arm group 8.7 (inverted supinator), leg group 13 (clonus), gait 0.5/0.15, hands 5
    inverted = 0.61 / 0.07
    assert one_by_one == pytest.approx(from_odds(kb, DCM, inverted, 0.13 / 0.01, 0.5 / 0.15, 5.0), rel=1e-12)
    assert with_cluster != pytest.approx(one_by_one, rel=1e-3)


def test_cook2010_rule_out(model: CompiledModel, kb: KnowledgeBase) -> None:
    patient = Patient(
        {"hoffmann_sign": A, "inverted_supinator": A, "babinski_sign": A, "gait_disturbance": A, "broad_based_gait": A},
        "spine_clinic",
        age=40,
    )
    result = posterior(model, patient, DCM)
    assert result.probability == pytest.approx(from_odds(kb, DCM, 0.18, setting="spine_clinic"), rel=1e-12)
    assert result.contributions[0].value == "0 of 5 positive"


def test_one_of_five_falls_back_to_the_items(model: CompiledModel, items_only: CompiledModel) -> None:
    """LR- 0.18 is the ">= 1 of 5" threshold's negative result (0 of 5): age alone does not rule out."""
    patient = Patient(
        {"hoffmann_sign": A, "inverted_supinator": A, "babinski_sign": A, "gait_disturbance": A, "broad_based_gait": A},
        "spine_clinic",
        age=50,
    )
    result = posterior(model, patient, DCM)
    assert result.probability == posterior(items_only, patient, DCM).probability
    line = next(c for c in result.contributions if c.evidence == "cook2010_dcm_cluster")
    assert not line.counted and line.value == "1 of 5 positive"


def test_two_of_five_falls_back_to_the_items_and_says_so(
    model: CompiledModel, items_only: CompiledModel, kb: KnowledgeBase
) -> None:
    patient = Patient(
        {"hoffmann_sign": P, "babinski_sign": P, "inverted_supinator": A, "gait_disturbance": A, "broad_based_gait": A},
        "primary_care",
        age=40,
    )
    result = posterior(model, patient, DCM)
    # arm group: inverted supinator absent (0.39/0.93) outweighs Hoffmann 2.2; leg: Babinski 0.33/0.01; gait: 0.5/0.85
    expected = from_odds(kb, DCM, 0.39 / 0.93, 0.33 / 0.01, 0.5 / 0.85)
    assert result.probability == pytest.approx(expected, rel=1e-12)
    assert result.probability == posterior(items_only, patient, DCM).probability
    line = next(c for c in result.contributions if c.evidence == "cook2010_dcm_cluster")
    assert not line.counted and line.weight == 0 and line.value == "2 of 5 positive"
    assert "no published likelihood ratio" in (line.note or "") and "one by one" in (line.note or "")


def test_an_unknown_item_leaves_the_items_as_before(model: CompiledModel, items_only: CompiledModel) -> None:
    patient = Patient(
        {"hoffmann_sign": P, "babinski_sign": P, "gait_disturbance": P, "broad_based_gait": P}, "primary_care", age=70
    )  # inverted supinator not examined: 4 or 5 of 5, but not every item is known
    result = posterior(model, patient, DCM)
    alone = posterior(items_only, patient, DCM)
    assert (result.probability, result.contributions) == (alone.probability, alone.contributions)
    assert result.cluster is not None and result.cluster.unknown == ("inverted_supinator_sign",)
    no_age = Patient(dict(RULE_IN.evidence), "primary_care")
    assert posterior(model, no_age, DCM).contributions == posterior(items_only, no_age, DCM).contributions


def test_cook2011_replaces_items_and_the_age_ratio(model: CompiledModel, kb: KnowledgeBase) -> None:
    patient = Patient(
        {
            "bilateral_leg_symptoms": P,
            "leg_pain_worse_than_back": P,
            "neurogenic_claudication": P,
            "relief_sitting_flexion": P,
            "pain_worse_sitting": A,
            "romberg_sign": P,
        },
        "primary_care",
        age=75,
    )
    result = posterior(model, patient, LSS)
    # 5 of 5 -> LR 4.6; Romberg (its own group for stenosis) 0.378/0.09; age > 70 (LR 2.0) is in the cluster
    assert result.probability == pytest.approx(from_odds(kb, LSS, 4.6, 0.378 / 0.09), rel=1e-12)
    by_id = {c.evidence: c for c in result.contributions}
    assert by_id["cook2011_lss_cluster"].counted and by_id["cook2011_lss_cluster"].likelihood_ratio == 4.6
    assert not by_id["age"].counted and "Cook 2011 cluster" in (by_id["age"].note or "")
    assert not by_id["pain_worse_sitting"].counted and by_id["romberg_sign"].counted


def test_cook2011_rule_out(model: CompiledModel, kb: KnowledgeBase) -> None:
    patient = Patient(
        {
            "bilateral_leg_symptoms": A,
            "leg_pain_worse_than_back": A,
            "neurogenic_claudication": A,
            "relief_sitting_flexion": A,
        },
        "primary_care",
        age=40,
    )
    assert posterior(model, patient, LSS).probability == pytest.approx(from_odds(kb, LSS, 0.19), rel=1e-12)


def test_the_cluster_does_not_touch_other_conditions(model: CompiledModel, items_only: CompiledModel) -> None:
    for with_cluster, alone in zip(infer(model, RULE_IN), infer(items_only, RULE_IN), strict=True):
        if with_cluster.condition != DCM:
            assert (with_cluster.probability, with_cluster.contributions) == (alone.probability, alone.contributions)


def test_completing_a_cluster_can_lower_the_probability(
    model: CompiledModel, items_only: CompiledModel, kb: KnowledgeBase
) -> None:
    """The documented exception to monotonicity: the published 30.9 for >= 3 of 5 can be
    below the product of the items it replaces."""
    others = {"hoffmann_sign": P, "inverted_supinator": P, "clonus": P, "babinski_sign": A, "broad_based_gait": A}
    before = posterior(model, Patient(others, "primary_care", age=40), DCM)  # gait unknown: items one by one
    after = posterior(model, Patient({**others, "gait_disturbance": P}, "primary_care", age=40), DCM)
    assert before.probability == posterior(items_only, Patient(others, "primary_care", age=40), DCM).probability
    assert after.probability == pytest.approx(from_odds(kb, DCM, 30.9), rel=1e-12)
    assert after.probability < before.probability


def test_a_single_positive_sign_no_longer_lowers_the_probability(model: CompiledModel) -> None:
    """With 0.18 for 0 of 5 only, completing the cluster with one positive Hoffmann sign raises DCM."""
    others = {"inverted_supinator": A, "babinski_sign": A, "gait_disturbance": A, "broad_based_gait": A}
    before = posterior(model, Patient(others, "primary_care", age=40), DCM)
    after = posterior(model, Patient({**others, "hoffmann_sign": P}, "primary_care", age=40), DCM)
    assert after.probability >= before.probability


@settings(max_examples=150)
@given(cluster_patients() | patients(), st.sampled_from(["cook2010_dcm_cluster", "cook2011_lss_cluster"]))
def test_engine_reads_clusters_as_the_instruments_do(model: CompiledModel, patient: Patient, name: str) -> None:
    cluster = next(c for c in model.clusters if c.instrument == name)
    ours = read_cluster(cluster, patient.evidence, patient.age)
    theirs = cluster_from_findings(name, {f: s.value for f, s in patient.evidence.items()}, patient.age)
    assert set(ours.unknown) == {i.item for i in theirs.items if i.status == "unknown"}
    assert set(ours.present) == {i.item for i in theirs.items if i.status == "present"}
    if ours.count is not None:
        assert ours.count == theirs.count_min == theirs.count_max
        assert theirs.likelihood_ratio is not None and ours.band is not None
        assert (ours.band.ratio, ours.applied) == (theirs.likelihood_ratio.value, theirs.likelihood_ratio.published)


@settings(max_examples=150)
@given(cluster_patients(), st.sampled_from(sorted({*LINKED, *CLUSTER_FINDINGS})), st.sampled_from([P, A]))
def test_what_if_shortcut_equals_full_recomputation_with_clusters(
    model: CompiledModel, patient: Patient, finding: str, status: Status
) -> None:
    assert_what_if_equals_full_recomputation(model, patient, finding, status)
