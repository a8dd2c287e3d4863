"""Origin distributions: their order, how their shares are named for reading, and how two are compared.

The origin itself is the engine's attribution of the presenting complaint to the sources that produced
it, and its verdict is :func:`spinetriage.engine.reasoner.verdict` (the one place that decides it).
"""

from __future__ import annotations

from collections.abc import Mapping

from spinetriage.engine.reasoner import ORIGINS, region_shares
from spinetriage.vocab import Origin

SHARE_NAMES = {Origin.UNDETERMINED.value: "unexplained"}
"""How to name an origin share for reading: the ``undetermined`` share is what nothing modelled explains,
not the verdict of that name (an ``other`` verdict can rest on it)."""
ASSUMED_NOTE = (
    "No complaint is recorded: every probability assumes back pain, as in the setting's population, and "
    "non-specific low back pain is that assumption's."
)
"""What a report says under the conditions when no complaint is recorded (``Assessment.complaint_assumed``)."""
OriginValues = tuple[float, float, float, float, float]
"""An origin distribution as plain floats in ``ORIGINS`` order."""


def values_of(origin: Mapping[Origin, float]) -> OriginValues:
    a, b, c, d, e = (origin[o] for o in ORIGINS)
    return (a, b, c, d, e)


def total_variation(a: Mapping[Origin, float], b: Mapping[Origin, float]) -> float:
    """How far apart two origin distributions are (0 = identical, 1 = disjoint)."""
    return 0.5 * sum(abs(a[k] - b[k]) for k in a)


def values_distance(a: OriginValues, b: OriginValues) -> float:
    """:func:`total_variation` of two value tuples."""
    return 0.5 * sum(abs(x - y) for x, y in zip(a, b, strict=True))


__all__ = [
    "ASSUMED_NOTE",
    "ORIGINS",
    "SHARE_NAMES",
    "OriginValues",
    "region_shares",
    "total_variation",
    "values_distance",
    "values_of",
]
