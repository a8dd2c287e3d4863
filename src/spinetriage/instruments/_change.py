"""Change in mJOA between two visits of the same patient, judged against the MCID.

>>> from spinetriage.instruments import mjoa_change
>>> c = mjoa_change(before=15, after=13)
>>> c.direction, c.clinically_important, c.urgent
('worse', True, True)
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from spinetriage.errors import InputError
from spinetriage.instruments._registry import get
from spinetriage.instruments._schema import Reference, score_range


class Change(BaseModel):
    """Two mJOA totals compared. ``urgent`` is True for a clinically important decline."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    instrument: str
    version: str
    before: int
    after: int
    difference: int
    direction: Literal["better", "worse", "unchanged"]
    mcid: int
    clinically_important: bool
    band_before: str
    band_after: str
    urgent: bool
    interpretation: str
    references: tuple[Reference, ...]


def _band(instrument_id: str, total: int) -> str:
    instrument = get(instrument_id)
    return next(b.id for b in instrument.bands if b.minimum <= total <= b.maximum)


def mjoa_change(before: int, after: int, instrument: str = "mjoa") -> Change:
    """Compare two totals of ``mjoa`` (or ``p_mjoa``); a fall of at least the MCID is urgent.

    The MCID (2 points, Tetreault 2015) is "met" when the absolute change is at least
    2 points. Smaller changes are within measurement error (SEM 1.21).
    """
    if instrument not in ("mjoa", "p_mjoa"):
        raise InputError("instrument", "has no change rule", "mjoa, p_mjoa")
    spec = get(instrument)
    assert spec.mcid is not None
    low, high = score_range(spec)
    for field, value in (("before", before), ("after", after)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(field, f"not a whole-number {instrument} total", f"{low}-{high}")
        if not low <= value <= high:
            raise InputError(field, "out of range", f"{low}-{high}")
    diff = after - before
    direction: Literal["better", "worse", "unchanged"] = "better" if diff > 0 else "worse" if diff < 0 else "unchanged"
    important = abs(diff) >= spec.mcid.points
    urgent = direction == "worse" and important
    band_before, band_after = _band(instrument, before), _band(instrument, after)
    if urgent:
        text = (
            f"mJOA fell {-diff} point(s), at least the MCID of {spec.mcid.points}: clinically important worsening "
            "of myelopathy, a reason for urgent spine surgical review (AO Spine/CSRS: surgery is recommended "
            "when a patient on non-operative care deteriorates)."
        )
    elif direction == "worse":
        text = (
            f"mJOA fell {-diff} point(s), less than the MCID of {spec.mcid.points}: within measurement error; "
            "re-examine and keep under review."
        )
    elif important:
        text = f"mJOA rose {diff} point(s), at least the MCID of {spec.mcid.points}: clinically important improvement."
    elif direction == "better":
        text = f"mJOA rose {diff} point(s), less than the MCID of {spec.mcid.points}: within measurement error."
    else:
        text = "mJOA unchanged."
    if band_before != band_after:
        text += f" Severity band moved from {band_before} to {band_after}."
    refs = {r.id: r for r in spec.references}
    wanted = [*spec.mcid.references, "fehlings2017"]
    return Change(
        instrument=instrument,
        version=spec.version,
        before=before,
        after=after,
        difference=diff,
        direction=direction,
        mcid=spec.mcid.points,
        clinically_important=important,
        band_before=band_before,
        band_after=band_after,
        urgent=urgent,
        interpretation=text,
        references=tuple(refs[r] for r in wanted if r in refs),
    )
