"""The engine agrees with an independent Bayesian network built and solved by pgmpy.

The network is built here from the knowledge base alone: one root per condition with
its prior, and one child per finding that counts for it, with the CPD
P(present | condition) = sensitivity, P(present | no condition) = 1 - specificity.
Which findings count is re-derived here from the documented rules (evidence groups,
the imaging rule, the cluster rule), not taken from the engine. Age and sex are
categorical children whose CPDs reproduce the published likelihood ratios. A
validated cluster is read with the instruments package's own reader
(``cluster_from_findings``, not the engine's) and, when every item is known and its
count has a published ratio, enters as one categorical child whose CPD reproduces the
cluster's band ratios; its evidence groups and (if age is an item) the age node then
drop out. pgmpy's exact variable elimination must give the engine's posteriors to 1e-9.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from pgmpy.factors.discrete import TabularCPD
from pgmpy.inference import VariableElimination
from pgmpy.models import DiscreteBayesianNetwork

from spinetriage.engine.model import CompiledModel
from spinetriage.engine.posterior import Patient, infer
from spinetriage.instruments import ClusterResult, cluster_from_findings, clusters, get
from spinetriage.knowledge import KnowledgeBase
from spinetriage.vocab import FindingKind, Status

from .strategies import cluster_patients, patients


def applied_cluster(kb: KnowledgeBase, condition: str, patient: Patient) -> ClusterResult | None:
    """The cluster that replaces its items for ``condition``, by the documented rule."""
    for name in clusters():
        if get(name).target_condition != condition:
            continue
        result = cluster_from_findings(name, {f: s.value for f, s in patient.evidence.items()}, patient.age)
        every_item_known = all(item.status != "unknown" for item in result.items)
        lr = result.likelihood_ratio
        if every_item_known and lr is not None and lr.published:
            return result
    return None


def counted_findings(
    kb: KnowledgeBase, condition: str, evidence: dict[str, Status], cluster: ClusterResult | None = None
) -> list[str]:
    """Re-derivation of the counting rules from the engine's documentation."""
    absorbed: set[str] = set()
    if cluster is not None:
        absorbed = {kb.group_of.get(f, f) for f in cluster.consumed_findings}
    links = {f: lk for (c, f), lk in kb.likelihoods.items() if c == condition and f in evidence}

    def ln(f: str) -> float:
        lk = links[f]
        return math.log(lk.ratio_present if evidence[f] is Status.PRESENT else lk.ratio_absent)

    def imaging(f: str) -> bool:
        return kb.findings[f].kind is FindingKind.IMAGING

    support = any(evidence[f] is Status.PRESENT and not imaging(f) and ln(f) > 0 for f in links)
    # A cluster's present items still support imaging (the gate reads every clinical finding).
    eligible = [
        f
        for f in links
        if (support or not (imaging(f) and evidence[f] is Status.PRESENT and ln(f) > 0))
        and kb.group_of.get(f, f) not in absorbed
    ]
    chosen: dict[str, str] = {}
    for f in eligible:
        group = kb.group_of.get(f, f)
        order = kb.groups[group].members if group in kb.groups else [f]
        current = chosen.get(group)
        if (
            current is None
            or abs(ln(f)) > abs(ln(current))
            or (abs(ln(f)) == abs(ln(current)) and order.index(f) < order.index(current))
        ):
            chosen[group] = f
    return list(chosen.values())


def categorical_cpd(name: str, parent: str, ratios: list[float]) -> TabularCPD:
    """A CPD whose ratio P(state | C) / P(state | not C) equals each given ratio."""
    k = len(ratios)
    lo = min(range(k), key=lambda i: ratios[i])
    hi = max(range(k), key=lambda i: ratios[i])
    eps = 0.01
    q = [eps] * k
    rest = sum(ratios[i] * eps for i in range(k) if i not in (lo, hi))
    mass = 1 - eps * (k - 2)
    if math.isclose(ratios[hi], ratios[lo]):
        q = [1 / k] * k
    else:
        q[hi] = (1 - rest - ratios[lo] * mass) / (ratios[hi] - ratios[lo])
        q[lo] = mass - q[hi]
    assert all(x > 0 for x in q) and math.isclose(sum(ratios[i] * q[i] for i in range(k)), 1.0)
    with_condition = [ratios[i] * q[i] for i in range(k)]
    return TabularCPD(name, k, [[q[i], with_condition[i]] for i in range(k)], evidence=[parent], evidence_card=[2])


def reference_posteriors(kb: KnowledgeBase, patient: Patient) -> dict[str, float]:
    network = DiscreteBayesianNetwork()
    cpds = []
    observed: dict[str, int] = {}
    evidence = dict(patient.evidence)
    for condition in kb.conditions:
        root = f"C_{condition}"
        prior = kb.prior(patient.setting, condition).probability
        network.add_node(root)
        cpds.append(TabularCPD(root, 2, [[1 - prior], [prior]]))
        cluster = applied_cluster(kb, condition, patient)
        for finding in counted_findings(kb, condition, evidence, cluster):
            lk = kb.likelihoods[(condition, finding)]
            node = f"F_{condition}_{finding}"
            network.add_edge(root, node)
            sens, fpr = lk.p_present_given_condition, lk.p_present_without_condition
            cpds.append(TabularCPD(node, 2, [[1 - fpr, 1 - sens], [fpr, sens]], evidence=[root], evidence_card=[2]))
            observed[node] = 1 if evidence[finding] is Status.PRESENT else 0
        if cluster is not None:
            node = f"K_{condition}"
            network.add_edge(root, node)
            bands = get(cluster.instrument).bands
            cpds.append(categorical_cpd(node, root, [b.likelihood_ratio.value for b in bands if b.likelihood_ratio]))
            observed[node] = next(i for i, b in enumerate(bands) if b.id == cluster.band)
        age = kb.age.get(condition)
        if age is not None and patient.age is not None and not (cluster is not None and cluster.uses_age):
            node = f"A_{condition}"
            network.add_edge(root, node)
            cpds.append(categorical_cpd(node, root, [b.lr for b in age.bands]))
            observed[node] = next(i for i, b in enumerate(age.bands) if b.min_age <= patient.age < b.max_age)
        sex = kb.sex.get(condition)
        if sex is not None and patient.sex is not None:
            node = f"S_{condition}"
            network.add_edge(root, node)
            keys = sorted(sex.lr)
            cpds.append(categorical_cpd(node, root, [sex.lr[s] for s in keys]))
            observed[node] = keys.index(patient.sex)
    network.add_cpds(*cpds)
    assert network.check_model()
    inference = VariableElimination(network)
    out = {}
    for condition in kb.conditions:
        root = f"C_{condition}"
        relevant = {n: v for n, v in observed.items() if n.split("_", 1)[1].startswith(condition)}
        factor = inference.query([root], evidence=relevant, show_progress=False)
        out[condition] = float(factor.values[1])
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patients(max_findings=25))
def test_engine_matches_pgmpy_exact_inference(kb: KnowledgeBase, model: CompiledModel, patient: Patient) -> None:
    expected = reference_posteriors(kb, patient)
    for result in infer(model, patient):
        assert result.probability == pytest.approx(expected[result.condition], abs=1e-9), result.condition


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cluster_patients())
def test_engine_matches_pgmpy_when_clusters_are_complete(
    kb: KnowledgeBase, model: CompiledModel, patient: Patient
) -> None:
    expected = reference_posteriors(kb, patient)
    for result in infer(model, patient):
        assert result.probability == pytest.approx(expected[result.condition], abs=1e-9), result.condition


def test_cluster_patients_do_exercise_the_cluster_rule(kb: KnowledgeBase) -> None:
    """The cluster strategy reaches both clusters, applied and not (so the test above bites)."""
    from hypothesis import find

    for condition in ("degenerative_cervical_myelopathy", "lumbar_spinal_stenosis"):
        find(cluster_patients(), lambda p, c=condition: applied_cluster(kb, c, p) is not None)  # type: ignore[misc]
        find(
            cluster_patients(),
            lambda p, c=condition: applied_cluster(kb, c, p) is None and p.age is not None,  # type: ignore[misc]
        )
