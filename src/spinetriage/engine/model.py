"""The knowledge base compiled for fast, repeated inference.

Each condition is its own diagnostic question (present in this patient or not), as
in the Rational Clinical Examination: prior odds times the likelihood ratio of each
finding. Conditions are therefore not mutually exclusive and their probabilities do
not sum to one.

Each condition's findings are arranged in *slots*: a lone finding is a slot of one;
findings of an evidence group (they measure the same thing) share one slot, and only
the member whose likelihood ratio moves the condition most counts. That keeps
correlated signs (hyperreflexia and clonus, canal stenosis and cord compression)
from being multiplied as if independent.

A condition may also have a validated cluster (:mod:`spinetriage.engine.clusters`).
When the cluster applies, it stands for every slot that holds one of its findings
(``cluster_slots``): those evidence groups measure what the cluster's items measure,
so counting them beside the cluster's published ratio would count the same evidence
twice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from spinetriage.engine.clusters import ClusterModel, compile_clusters
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.knowledge.schema import AgeEvidence, Likelihood, SexEvidence
from spinetriage.vocab import FindingKind, Sex

if TYPE_CHECKING:
    from spinetriage.engine.posterior import ConditionState, Contribution, Posterior

Uninformed = tuple[str, str, int | None, Sex | None]
"""Condition, setting, age (if the condition has age evidence), sex (if it has sex evidence)."""


@dataclass(frozen=True, slots=True)
class Link:
    """One finding's evidence for one condition, as natural-log likelihood ratios."""

    finding: str
    ln_present: float
    ln_absent: float
    imaging: bool
    likelihood: Likelihood


@dataclass(frozen=True, slots=True)
class ConditionModel:
    condition: str
    prior_log_odds: dict[str, float]
    links: dict[str, Link]
    slots: tuple[tuple[str, ...], ...]
    slot_group: tuple[str | None, ...]
    slot_of: dict[str, int]
    imaging_slots: tuple[int, ...]
    age: AgeEvidence | None
    sex: SexEvidence | None
    cluster: ClusterModel | None = None
    cluster_slots: frozenset[int] = frozenset()
    cluster_sensitive: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CompiledModel:
    knowledge: KnowledgeBase
    conditions: tuple[ConditionModel, ...]
    conditions_of_finding: dict[str, tuple[int, ...]]
    clusters: tuple[ClusterModel, ...] = ()
    bearing: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """The conditions each finding can change: its links, then the condition of any cluster that
    reads it (Cook 2011's "leg pain worse than back pain" has no link of its own). What-ifs,
    question ranking and the interview walk this."""
    uninformed: dict[Uninformed, tuple[Posterior, ConditionState]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """Posterior and state of each condition none of whose findings is known, by what they then
    depend on (see :func:`spinetriage.engine.posterior.explain`): most conditions of most cases."""
    lines: dict[tuple[str, str, str | int | None, bool], Contribution] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """Explanation lines that depend only on their key, built once: a finding that counts by
    (condition, finding, None, present); age by (condition, "age", age, counted); sex by
    (condition, "sex", sex, True)."""

    @property
    def version(self) -> str:
        return self.knowledge.version


def logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def compile_model(kb: KnowledgeBase, clusters: tuple[ClusterModel, ...] | None = None) -> CompiledModel:
    """Arrange the knowledge base into per-condition slots of log likelihood ratios.

    ``clusters`` defaults to the validated clusters shipped with the instruments;
    pass ``()`` for the item-by-item model alone.
    """
    if clusters is None:
        clusters = compile_clusters(kb)
    cluster_of = {c.condition: c for c in clusters}
    models = []
    conditions_of: dict[str, list[int]] = {}
    for index, condition in enumerate(kb.conditions):
        links: dict[str, Link] = {}
        for lk in kb.links_for(condition):
            links[lk.finding] = Link(
                finding=lk.finding,
                ln_present=math.log(lk.ratio_present),
                ln_absent=math.log(lk.ratio_absent),
                imaging=kb.findings[lk.finding].kind is FindingKind.IMAGING,
                likelihood=lk,
            )
            conditions_of.setdefault(lk.finding, []).append(index)
        slots: list[tuple[str, ...]] = []
        slot_group: list[str | None] = []
        placed: set[str] = set()
        for finding in links:
            if finding in placed:
                continue
            group = kb.group_of.get(finding)
            if group is None:
                members: tuple[str, ...] = (finding,)
            else:
                members = tuple(m for m in kb.groups[group].members if m in links)
            placed.update(members)
            slots.append(members)
            slot_group.append(group)
        slot_of = {m: i for i, members in enumerate(slots) for m in members}
        imaging_slots = tuple(i for i, members in enumerate(slots) if any(links[m].imaging for m in members))
        cluster = cluster_of.get(condition)
        cluster_slots: frozenset[int] = frozenset()
        sensitive: frozenset[str] = frozenset()
        if cluster is not None:
            cluster_slots = frozenset(slot_of[f] for f in cluster.findings if f in slot_of)
            sensitive = cluster.findings | {m for i in cluster_slots for m in slots[i]}
        models.append(
            ConditionModel(
                condition=condition,
                prior_log_odds={s: logit(kb.prior(s, condition).probability) for s in kb.settings},
                links=links,
                slots=tuple(slots),
                slot_group=tuple(slot_group),
                slot_of=slot_of,
                imaging_slots=imaging_slots,
                age=kb.age.get(condition),
                sex=kb.sex.get(condition),
                cluster=cluster,
                cluster_slots=cluster_slots,
                cluster_sensitive=sensitive,
            )
        )
    bearing = {f: list(ix) for f, ix in conditions_of.items()}
    for index, cm in enumerate(models):
        if cm.cluster is not None:
            for finding in sorted(cm.cluster.findings):
                if index not in bearing.setdefault(finding, []):
                    bearing[finding].append(index)
    return CompiledModel(
        knowledge=kb,
        conditions=tuple(models),
        conditions_of_finding={f: tuple(ix) for f, ix in conditions_of.items()},
        clusters=tuple(clusters),
        bearing={f: tuple(ix) for f, ix in bearing.items()},
    )
