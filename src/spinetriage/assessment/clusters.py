"""Which validated cluster the engine used for which condition, and why (or why not)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from spinetriage.assessment.models import ClusterOut
from spinetriage.engine.posterior import Posterior
from spinetriage.knowledge.base import KnowledgeBase


def cluster_outputs(kb: KnowledgeBase, posteriors: Iterable[Posterior]) -> list[ClusterOut]:
    out = []
    for p in posteriors:
        reading = p.cluster
        if reading is None:
            continue
        cluster = reading.cluster
        n = len(cluster.items)
        label = kb.conditions[p.condition].label
        band = reading.band
        status: Literal["applied", "not_applied", "not_scored"]
        if reading.count is None or band is None:
            labels = {i.id: i.label for i in cluster.items}
            status = "not_scored"
            text = (
                f"Not scored: unknown item(s) {', '.join(labels[i].lower() for i in reading.unknown)}. "
                f"Every item must be known to use the cluster; the known items count one by one for {label}."
            )
        elif reading.applied:
            status = "applied"
            text = (
                f"{reading.count} of {n} positive, in the band '{band.label}': published likelihood ratio "
                f"{band.ratio:g} used for {label} instead of counting its {n} items one by one."
            )
        else:
            status = "not_applied"
            text = (
                f"{reading.count} of {n} positive has no published likelihood ratio, so the cluster is not "
                f"applied; its items count one by one for {label}."
            )
        out.append(
            ClusterOut(
                instrument=cluster.instrument,
                name=cluster.name,
                condition=p.condition,
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
