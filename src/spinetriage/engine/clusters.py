"""Validated clinical clusters read from a patient's findings, for the engine.

A cluster (Cook 2010 for cervical myelopathy, Cook 2011 for lumbar stenosis) is a
published count of positive items with a likelihood ratio per band of counts. The
engine uses that one ratio *instead of* the items one by one, because the items'
ratios were never meant to be multiplied together (the evidence brief warns they are
correlated). It does so only when

* every item is known (present or absent; the age item needs the age), and
* the observed count falls in a band with a *published* ratio.

Otherwise the items are counted one by one as before. An item is present when any
of its linked findings is present and absent only when all of them are absent (the
same reading as :func:`spinetriage.instruments.cluster_from_findings`).

The clusters come from the instrument data files (``instruments/data``), compiled
once with the model; reading one is a handful of dictionary look-ups.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from spinetriage.errors import KnowledgeError
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.vocab import Basis, Status

Override = tuple[str, Status] | None


@dataclass(frozen=True, slots=True)
class ClusterBand:
    """A band of counts and the likelihood ratio the source gives it (or LR 1 by judgement)."""

    minimum: int
    maximum: int
    label: str
    ratio: float
    published: bool
    basis: Basis
    note: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClusterItemModel:
    id: str
    label: str
    findings: tuple[str, ...]
    age_above: int | None


@dataclass(frozen=True, slots=True)
class ClusterModel:
    """One cluster compiled for the engine; ``references`` are (id, citation, seen)."""

    instrument: str
    name: str
    version: str
    condition: str
    items: tuple[ClusterItemModel, ...]
    bands: tuple[ClusterBand, ...]
    references: tuple[tuple[str, str, str], ...]
    findings: frozenset[str] = field(init=False)
    """Every finding an item reads."""
    uses_age: bool = field(init=False)
    items_of: dict[str, tuple[str, ...]] = field(init=False, hash=False)
    """Finding id -> the items that read it."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "findings", frozenset(f for item in self.items for f in item.findings))
        object.__setattr__(self, "uses_age", any(item.age_above is not None for item in self.items))
        items_of: dict[str, list[str]] = {}
        for item in self.items:
            for finding in item.findings:
                items_of.setdefault(finding, []).append(item.id)
        object.__setattr__(self, "items_of", {f: tuple(ids) for f, ids in items_of.items()})

    def band_for(self, count: int) -> ClusterBand:
        return next(b for b in self.bands if b.minimum <= count <= b.maximum)


@dataclass(frozen=True, slots=True)
class ClusterReading:
    """A cluster read from one patient: the count when every item is known."""

    cluster: ClusterModel
    count: int | None
    present: tuple[str, ...]
    unknown: tuple[str, ...]
    band: ClusterBand | None = field(init=False, repr=False, compare=False)
    """The band the count falls in (None when not scored), looked up once: the engine asks often."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "band", None if self.count is None else self.cluster.band_for(self.count))

    @property
    def applied(self) -> bool:
        """True when the published cluster ratio replaces the items."""
        band = self.band
        return band is not None and band.published


def _item_status(item: ClusterItemModel, evidence: Mapping[str, Status], age: int | None, override: Override) -> Status:
    if item.age_above is not None:
        if age is None:
            return Status.UNKNOWN
        return Status.PRESENT if age > item.age_above else Status.ABSENT
    all_absent = True
    for finding in item.findings:
        status = override[1] if override is not None and override[0] == finding else evidence.get(finding)
        if status == Status.PRESENT:
            return Status.PRESENT
        if status is not Status.ABSENT:
            all_absent = False
    return Status.ABSENT if all_absent else Status.UNKNOWN


def read_cluster(
    cluster: ClusterModel, evidence: Mapping[str, Status], age: int | None, override: Override = None
) -> ClusterReading:
    """Read ``cluster`` from known findings and age; ``override`` is a what-if answer."""
    present: list[str] = []
    unknown: list[str] = []
    for item in cluster.items:
        status = _item_status(item, evidence, age, override)
        if status is Status.PRESENT:
            present.append(item.id)
        elif status is Status.UNKNOWN:
            unknown.append(item.id)
    count = None if unknown else len(present)
    return ClusterReading(cluster, count, tuple(present), tuple(unknown))


def compile_clusters(kb: KnowledgeBase) -> tuple[ClusterModel, ...]:
    """Every shipped cluster whose target condition is in ``kb``; unknown findings fail loudly."""
    from spinetriage.instruments import clusters, get

    compiled: list[ClusterModel] = []
    problems: list[str] = []
    for name in clusters():
        spec = get(name)
        if spec.target_condition is None or spec.target_condition not in kb.conditions:
            continue
        items = []
        for item in spec.items:
            assert item.link is not None
            for finding in item.link.findings:
                if finding not in kb.findings:
                    problems.append(f"instrument {name}: item {item.id} reads unknown finding '{finding}'")
            items.append(ClusterItemModel(item.id, item.label, tuple(item.link.findings), item.link.age_above))
        bands = []
        for band in spec.bands:
            lr = band.likelihood_ratio
            if lr is None:
                problems.append(f"instrument {name}: band {band.id} has no likelihood ratio")
                continue
            bands.append(
                ClusterBand(
                    band.minimum,
                    band.maximum,
                    band.label,
                    lr.value,
                    lr.published,
                    Basis(lr.basis),
                    lr.note,
                    lr.references,
                )
            )
        refs = tuple((r.id, r.citation, r.seen) for r in spec.references)
        compiled.append(
            ClusterModel(spec.id, spec.name, spec.version, spec.target_condition, tuple(items), tuple(bands), refs)
        )
    per_condition = [c.condition for c in compiled]
    for condition in sorted(set(per_condition)):
        if per_condition.count(condition) > 1:
            problems.append(f"more than one cluster targets '{condition}'; the engine applies at most one")
    if problems:
        raise KnowledgeError(problems)
    return tuple(compiled)
