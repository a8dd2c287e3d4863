"""Read a clinical cluster from the engine's findings, so the engine can use the
cluster's published likelihood ratio instead of counting its items one by one.

Each cluster item names the finding ids (``findings.yaml``) it is read from, or an age
threshold. An item is *present* if any linked finding is present, *absent* only if
every linked finding is absent, and otherwise unknown; an unknown age leaves the age
item unknown. Text-extraction statuses (possible, historical, family, hypothetical)
count as unknown: they are not evidence of the sign now.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict

from spinetriage.errors import InputError
from spinetriage.instruments._registry import get
from spinetriage.instruments._score import LikelihoodRatio, Score, score_instrument

ItemStatus = Literal["present", "absent", "unknown"]
_KNOWN_STATUSES = frozenset({"present", "absent", "unknown", "possible", "historical", "family", "hypothetical"})


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClusterItem(_Out):
    """One cluster item as read from the findings."""

    item: str
    status: ItemStatus
    findings: tuple[str, ...]
    age_above: int | None
    decided_by: tuple[str, ...]


class ClusterResult(_Out):
    """A cluster read from findings.

    ``likelihood_ratio`` is set only when the range of possible counts falls in one
    band; check ``likelihood_ratio.published`` (False for the LR 1 given to counts with
    no published figure). ``consumed_findings`` are every finding the cluster reads: the
    engine must not count them again for ``target_condition`` when it applies the LR;
    ``uses_age`` says the cluster also contains the age item.
    """

    instrument: str
    version: str
    target_condition: str | None
    count_min: int
    count_max: int
    likelihood_ratio: LikelihoodRatio | None
    band: str | None
    interpretation: str
    items: tuple[ClusterItem, ...]
    consumed_findings: tuple[str, ...]
    uses_age: bool
    score: Score


def clusters() -> tuple[str, ...]:
    """Ids of the instruments that can be read from findings (every item linked)."""
    from spinetriage.instruments._registry import registry

    return tuple(
        sorted(
            name
            for name, spec in registry().items()
            if spec.direction == "count_of_positives" and all(i.link is not None for i in spec.items)
        )
    )


def cluster_from_findings(name: str, findings: Mapping[str, str], age: int | None) -> ClusterResult:
    """Count cluster ``name`` from ``findings`` (finding id -> status) and ``age`` in years."""
    if name not in clusters():
        raise InputError("cluster", f"{name!r} cannot be read from findings", ", ".join(clusters()))
    spec = get(name)
    for fid, given in findings.items():
        if not isinstance(given, str) or given not in _KNOWN_STATUSES:
            raise InputError(f"findings.{fid}", f"unknown status {given!r}", ", ".join(sorted(_KNOWN_STATUSES)))
    if age is not None and (isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 120):
        raise InputError("age", f"{age!r} is not an age in whole years", "0-120, or None when unknown")

    items: list[ClusterItem] = []
    answers: dict[str, bool | None] = {}
    consumed: list[str] = []
    for item in spec.items:
        status: ItemStatus
        decided: tuple[str, ...]
        link = item.link
        assert link is not None
        if link.age_above is not None:
            status = "unknown" if age is None else ("present" if age > link.age_above else "absent")
            decided = () if age is None else ("age",)
        else:
            statuses = {f: findings.get(f, "unknown") for f in link.findings}
            present = tuple(f for f, s in statuses.items() if s == "present")
            if present:
                status, decided = "present", present
            elif all(s == "absent" for s in statuses.values()):
                status, decided = "absent", tuple(statuses)
            else:
                status, decided = "unknown", ()
            consumed.extend(f for f in link.findings if f not in consumed)
        items.append(
            ClusterItem(
                item=item.id, status=status, findings=link.findings, age_above=link.age_above, decided_by=decided
            )
        )
        answers[item.id] = None if status == "unknown" else status == "present"

    result = score_instrument(spec, answers)
    return ClusterResult(
        instrument=spec.id,
        version=spec.version,
        target_condition=spec.target_condition,
        count_min=result.total_min,
        count_max=result.total_max,
        likelihood_ratio=result.likelihood_ratio,
        band=result.band,
        interpretation=result.interpretation,
        items=tuple(items),
        consumed_findings=tuple(consumed),
        uses_age=any(i.age_above is not None for i in spec.items),
        score=result,
    )
