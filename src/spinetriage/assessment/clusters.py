"""Validated clusters (Cook 2010, Cook 2011) shown beside the network, as instruments.

The network counts each finding itself; a cluster is the published way of reading
the same items, with its band and likelihood ratio, so that a clinician can compare.
A cluster whose items are partly known is read as the range of counts it can still
reach.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from spinetriage.assessment.models import ClusterOut
from spinetriage.engine.clusters import ClusterModel, compile_clusters, read_cluster
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.vocab import Status

_COMPILED: dict[str, tuple[ClusterModel, ...]] = {}


def _clusters(kb: KnowledgeBase) -> tuple[ClusterModel, ...]:
    if kb.version not in _COMPILED:
        _COMPILED[kb.version] = compile_clusters(kb)
    return _COMPILED[kb.version]


def cluster_outputs(kb: KnowledgeBase, evidence: Mapping[str, Status], age: int | None) -> list[ClusterOut]:
    out = []
    for cluster in _clusters(kb):
        reading = read_cluster(cluster, evidence, age)
        n = len(cluster.items)
        label = kb.conditions[cluster.condition].label
        band = reading.band
        status: Literal["applied", "not_applied", "not_scored"]
        if reading.count is None or band is None:
            low, high = len(reading.present), len(reading.present) + len(reading.unknown)
            reachable = sorted({cluster.band_for(k).label for k in range(low, high + 1)})
            labels = {i.id: i.label for i in cluster.items}
            status = "not_scored"
            text = (
                f"{low} of {n} positive so far; unknown: {', '.join(labels[i].lower() for i in reading.unknown)}. "
                f"It can still reach {low}-{high} of {n} (bands: {'; '.join(reachable)}). Shown beside the "
                f"network, which counts each finding for {label} itself."
            )
        else:
            status = "not_applied"
            ratio = f"published likelihood ratio {band.ratio:g}" if band.published else "no published ratio"
            text = (
                f"{reading.count} of {n} positive, in the band '{band.label}' ({ratio}). Shown beside the "
                f"network, which counts each finding for {label} itself."
            )
        out.append(
            ClusterOut(
                instrument=cluster.instrument,
                name=cluster.name,
                condition=cluster.condition,
                status=status,
                count=reading.count,
                of=n,
                band=band.label if band else None,
                likelihood_ratio=band.ratio if band else None,
                published=band.published if band else None,
                unknown_items=list(reading.unknown),
                known_signs=sum(1 for i in cluster.items if i.age_above is None and i.id not in reading.unknown),
                explanation=text,
                sources=[r[0] for r in cluster.references],
            )
        )
    return out
