"""Score an instrument: a whole total with its band, or (where the instrument allows
unknown items) the range of possible totals; never a partial total passed off as whole.

    >>> from spinetriage.instruments import score
    >>> s = score("mjoa", {"upper_limb_motor": 4, "lower_limb_motor": 5,
    ...                    "upper_limb_sensation": 2, "micturition": 3})
    >>> s.total, s.band
    (14, 'moderate')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict

from spinetriage.instruments._answers import Answer, parse_answers
from spinetriage.instruments._registry import get
from spinetriage.instruments._schema import Band, Instrument, Item, Reference, item_points, score_range


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ItemTrace(_Out):
    """How one item was scored; ``points`` is None when the answer is unknown."""

    item: str
    label: str
    answer: int | str | bool | None
    points: int | None
    level: str | None
    wording_seen: bool = True


class LikelihoodRatio(_Out):
    """The likelihood ratio a result carries, and whether it is published."""

    value: float
    ci: tuple[float, float] | None
    kind: Literal["positive", "negative", "uninformative"]
    published: bool
    basis: Literal["reported", "calculated", "judgement"]
    note: str
    references: tuple[str, ...]


class Score(_Out):
    """An instrument result.

    ``total`` is set only when every item is known; otherwise ``total`` is None and
    ``total_min``..``total_max`` is the range of totals the unknown items allow
    (only for instruments whose data say ``missing_items: range``). ``band`` and
    ``likelihood_ratio`` are set only when that range determines them.
    """

    instrument: str
    name: str
    version: str
    total: int | None
    total_min: int
    total_max: int
    scale_min: int
    scale_max: int
    direction: str
    band: str | None
    band_label: str | None
    interpretation: str
    likelihood_ratio: LikelihoodRatio | None
    rule_branch: str | None
    subtotals: dict[str, int]
    items: tuple[ItemTrace, ...]
    missing: tuple[str, ...]
    notes: tuple[str, ...]
    references: tuple[Reference, ...]

    @property
    def complete(self) -> bool:
        return self.total is not None


def _level_label(item: Item, points: int) -> str:
    if item.kind == "levels":
        return next(lv.label for lv in item.levels if lv.points == points)
    if item.kind == "boolean":
        return "yes" if points else "no"
    return f"{points} {item.unit or ''}".strip()


def _wording_seen(item: Item, points: int | None) -> bool:
    if item.kind != "levels" or points is None:
        return True
    return next(lv.wording_seen for lv in item.levels if lv.points == points)


def _band_for(instrument: Instrument, low: int, high: int) -> Band | None:
    for band in instrument.bands:
        if band.minimum <= low and high <= band.maximum:
            return band
    return None


def _lr(band: Band) -> LikelihoodRatio | None:
    spec = band.likelihood_ratio
    if spec is None:
        return None
    kind: Literal["positive", "negative", "uninformative"]
    kind = "uninformative" if spec.value == 1.0 else ("positive" if spec.value > 1.0 else "negative")
    return LikelihoodRatio(
        value=spec.value,
        ci=spec.ci,
        kind=kind,
        published=spec.published,
        basis=spec.basis,
        note=spec.note,
        references=spec.references,
    )


def _rule(instrument: Instrument, points: Mapping[str, int | None]) -> tuple[str | None, dict[str, int]]:
    """The first branch of the decision rule that holds (None: negative), and group subtotals."""
    subtotals: dict[str, int] = {}
    for item in instrument.items:
        if item.group:
            subtotals[item.group] = subtotals.get(item.group, 0) + (points[item.id] or 0)
    rule = instrument.decision_rule
    assert rule is not None
    for branch in rule.branches:
        if all(subtotals.get(c.group, 0) >= c.at_least for c in branch.conditions):
            return branch.id, subtotals
    return None, subtotals


def score_instrument(instrument: Instrument, answers: Mapping[str, Answer]) -> Score:
    """Score an already loaded instrument (see :func:`score`)."""
    points = parse_answers(instrument, answers)
    traces = tuple(
        ItemTrace(
            item=item.id,
            label=item.label,
            answer=answers.get(item.id),
            points=points[item.id],
            level=None if points[item.id] is None else _level_label(item, points[item.id] or 0),
            wording_seen=_wording_seen(item, points[item.id]),
        )
        for item in instrument.items
    )
    missing = tuple(item.id for item in instrument.items if points[item.id] is None)
    known = sum(p for p in points.values() if p is not None)
    low = known + sum(min(item_points(i)) for i in instrument.items if points[i.id] is None)
    high = known + sum(max(item_points(i)) for i in instrument.items if points[i.id] is None)
    total = known if not missing else None
    scale_min, scale_max = score_range(instrument)

    band_id: str | None = None
    band_label: str | None = None
    lr: LikelihoodRatio | None = None
    branch: str | None = None
    subtotals: dict[str, int] = {}
    if instrument.decision_rule is not None:
        rule = instrument.decision_rule
        branch, subtotals = _rule(instrument, points)
        positive = branch is not None
        band_id = "positive" if positive else "negative"
        band_label = rule.positive_label if positive else rule.negative_label
        interpretation = rule.positive_interpretation if positive else rule.negative_interpretation
        if positive:
            described = next(b.description for b in rule.branches if b.id == branch)
            interpretation += f" Rule met by: {described}."
    elif instrument.bands:
        band = _band_for(instrument, low, high)
        if band is not None:
            band_id, band_label, interpretation, lr = band.id, band.label, band.interpretation, _lr(band)
        else:
            spanned = [b.id for b in instrument.bands if b.minimum <= high and low <= b.maximum]
            interpretation = (
                f"Not determined: unknown item(s) {', '.join(missing)} leave the total between {low} and {high}, "
                f"which spans bands {', '.join(spanned)}. Answer them to get a result."
            )
    else:
        only = instrument.items[0]
        assert total is not None
        band_id, band_label = str(total), _level_label(only, total)
        interpretation = f"{only.label} {total}: {band_label}."
    if band_id is not None and missing:
        interpretation += f" Determined despite unknown item(s) {', '.join(missing)} (total {low}-{high})."

    return Score(
        instrument=instrument.id,
        name=instrument.name,
        version=instrument.version,
        total=total,
        total_min=low,
        total_max=high,
        scale_min=scale_min,
        scale_max=scale_max,
        direction=instrument.direction,
        band=band_id,
        band_label=band_label,
        interpretation=interpretation,
        likelihood_ratio=lr,
        rule_branch=branch,
        subtotals=subtotals,
        items=traces,
        missing=missing,
        notes=instrument.notes,
        references=instrument.references,
    )


def score(name: str, answers: Mapping[str, Answer]) -> Score:
    """Score instrument ``name`` from ``answers`` (item id -> level, yes/no, count or age).

    Raises :class:`spinetriage.errors.InputError` naming the field and the allowed values
    for an unknown instrument or item, an out-of-range level, a level given as text, or
    missing items of an instrument that defines no range.
    """
    return score_instrument(get(name), answers)
