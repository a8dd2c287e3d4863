"""Strict schemas for the instrument data files in ``instruments/data/``.

An instrument file is parsed into :class:`Instrument`; unknown keys fail at load
(``extra="forbid"``) and :func:`check_instrument` then checks meaning: levels unique
and contiguous, bands that tile the score range without gaps or overlaps, likelihood
ratios positive, every reference used and every reference cited existing.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reference(_Strict):
    """A source for a number or a wording; ``seen`` says what was actually read."""

    id: str
    citation: str
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    seen: str


class Level(_Strict):
    """One published level of an ordinal item: its points and its wording.

    ``wording_seen`` is False when the level exists (the points are published) but
    no source printing its wording verbatim was read; ``note`` then says why.
    """

    points: int
    label: str
    wording_seen: bool = True
    note: str | None = None


class FindingLink(_Strict):
    """How a cluster item is read from the engine's findings (ids in findings.yaml)."""

    findings: tuple[str, ...] = ()
    age_above: int | None = None
    note: str | None = None


class Item(_Strict):
    """One question or sign of an instrument.

    kind ``levels``: the answer is one of ``levels[].points``.
    kind ``boolean``: yes scores 1, no scores 0; with ``age_above`` an integer age
    in years may be given instead (yes when age > age_above).
    kind ``count``: the answer is an integer in ``minimum..maximum`` and is the points.
    """

    id: str
    label: str
    prompt: str
    kind: Literal["levels", "boolean", "count"]
    levels: tuple[Level, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    unit: str | None = None
    age_above: int | None = None
    group: str | None = None
    link: FindingLink | None = None
    references: tuple[str, ...] = ()
    note: str | None = None


class LikelihoodRatioSpec(_Strict):
    """A likelihood ratio attached to a band; ``published`` False marks LR 1 by judgement."""

    value: float
    ci: tuple[float, float] | None = None
    published: bool
    basis: Literal["reported", "calculated", "judgement"]
    note: str
    references: tuple[str, ...] = ()


class Band(_Strict):
    """A closed range of totals (or counts) and what it means."""

    id: str
    minimum: int
    maximum: int
    label: str
    interpretation: str
    likelihood_ratio: LikelihoodRatioSpec | None = None
    references: tuple[str, ...] = ()


class GroupCondition(_Strict):
    """At least ``at_least`` yes answers among the items of ``group``."""

    group: str
    at_least: int = Field(ge=0)


class RuleBranch(_Strict):
    """One way to be positive: every condition must hold."""

    id: str
    description: str
    conditions: tuple[GroupCondition, ...]


class DecisionRule(_Strict):
    """Positive when any branch holds; the outcome replaces total-based bands."""

    positive_label: str
    positive_interpretation: str
    negative_label: str
    negative_interpretation: str
    branches: tuple[RuleBranch, ...]
    references: tuple[str, ...] = ()
    note: str | None = None


class Mcid(_Strict):
    points: int = Field(gt=0)
    note: str
    references: tuple[str, ...]


class Instrument(_Strict):
    """A whole instrument as stored in one YAML file."""

    schema_version: Literal[1]
    id: str
    name: str
    version: str
    purpose: str
    direction: Literal["higher_is_better", "higher_is_worse", "count_of_positives"]
    missing_items: Literal["error", "range"]
    target_condition: str | None = None
    items: tuple[Item, ...]
    bands: tuple[Band, ...] = ()
    decision_rule: DecisionRule | None = None
    mcid: Mcid | None = None
    notes: tuple[str, ...] = ()
    references: tuple[Reference, ...]


def item_points(item: Item) -> tuple[int, ...]:
    """Every points value an item can score, ascending."""
    if item.kind == "levels":
        return tuple(sorted(level.points for level in item.levels))
    if item.kind == "boolean":
        return (0, 1)
    assert item.minimum is not None and item.maximum is not None
    return tuple(range(item.minimum, item.maximum + 1))


def score_range(spec: Instrument) -> tuple[int, int]:
    """Lowest and highest possible total."""
    lows = sum(min(item_points(i)) for i in spec.items)
    highs = sum(max(item_points(i)) for i in spec.items)
    return lows, highs


def check_instrument(spec: Instrument) -> list[str]:
    """Every meaning problem in one instrument, each naming the identifier at fault."""
    problems: list[str] = []
    where = spec.id
    ref_ids = [r.id for r in spec.references]
    if len(set(ref_ids)) != len(ref_ids):
        problems.append(f"{where}: duplicate reference ids")
    cited: set[str] = set()

    item_ids = [i.id for i in spec.items]
    if len(set(item_ids)) != len(item_ids):
        problems.append(f"{where}: duplicate item ids")
    for item in spec.items:
        at = f"{where}.{item.id}"
        cited.update(item.references)
        if item.kind == "levels":
            points = [lv.points for lv in item.levels]
            if not points:
                problems.append(f"{at}: a levels item needs levels")
            elif sorted(points) != list(range(min(points), max(points) + 1)):
                problems.append(f"{at}: level points must be unique and contiguous, got {points}")
            for lv in item.levels:
                if not lv.wording_seen and not lv.note:
                    problems.append(f"{at} level {lv.points}: wording not seen needs a note saying why")
        elif item.levels:
            problems.append(f"{at}: only a levels item has levels")
        if item.kind == "count" and (item.minimum is None or item.maximum is None or item.minimum > item.maximum):
            problems.append(f"{at}: a count item needs minimum <= maximum")
        if item.kind != "count" and (item.minimum is not None or item.maximum is not None):
            problems.append(f"{at}: only a count item has minimum/maximum")
        if item.age_above is not None and item.kind != "boolean":
            problems.append(f"{at}: age_above needs a boolean item")
        if item.link is not None and item.link.age_above != item.age_above:
            problems.append(f"{at}: link.age_above must equal the item's age_above")

    if problems:
        return problems
    low, high = score_range(spec)
    if spec.bands:
        ordered = sorted(spec.bands, key=lambda b: b.minimum)
        if ordered[0].minimum != low or ordered[-1].maximum != high:
            problems.append(f"{where}: bands must cover {low}..{high}")
        for prev, nxt in pairwise(ordered):
            if nxt.minimum != prev.maximum + 1:
                problems.append(f"{where}: bands {prev.id} and {nxt.id} leave a gap or overlap")
        for band in spec.bands:
            cited.update(band.references)
            if band.minimum > band.maximum:
                problems.append(f"{where}.{band.id}: minimum > maximum")
            lr = band.likelihood_ratio
            if lr is not None:
                cited.update(lr.references)
                if lr.value <= 0:
                    problems.append(f"{where}.{band.id}: likelihood ratio must be positive")
                if lr.published and not lr.references:
                    problems.append(f"{where}.{band.id}: a published likelihood ratio needs a reference")
                if not lr.published and lr.value != 1.0:
                    problems.append(f"{where}.{band.id}: an unpublished likelihood ratio must be 1 (uninformative)")
                if lr.ci is not None and not lr.ci[0] <= lr.value <= lr.ci[1]:
                    problems.append(f"{where}.{band.id}: likelihood ratio outside its confidence interval")
    if spec.decision_rule is not None:
        rule = spec.decision_rule
        cited.update(rule.references)
        groups = {i.group for i in spec.items if i.group}
        for branch in rule.branches:
            for cond in branch.conditions:
                size = sum(1 for i in spec.items if i.group == cond.group)
                if cond.group not in groups:
                    problems.append(f"{where}.{branch.id}: unknown group {cond.group!r}")
                elif cond.at_least > size:
                    problems.append(f"{where}.{branch.id}: at_least {cond.at_least} > {size} items in {cond.group}")
        if any(i.kind != "boolean" for i in spec.items):
            problems.append(f"{where}: a decision rule counts yes answers, so every item must be boolean")
    if not spec.bands and spec.decision_rule is None and len(spec.items) != 1:
        problems.append(f"{where}: needs bands or a decision rule (only a one-item scale may omit both)")
    if spec.mcid is not None:
        cited.update(spec.mcid.references)
    if spec.missing_items == "range" and spec.decision_rule is not None:
        problems.append(f"{where}: a decision rule does not define missing items; use missing_items: error")
    for ref in sorted(cited - set(ref_ids)):
        problems.append(f"{where}: cites unknown reference {ref!r}")
    for ref in sorted(set(ref_ids) - cited):
        problems.append(f"{where}: reference {ref!r} is never cited")
    return problems
