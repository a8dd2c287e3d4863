"""From condition probabilities to the origin verdict (cervical / lumbar / both / other).

The conditions are grouped into families by ``origin_family`` and each family's
probability is the chance that at least one of its conditions is present (treating
conditions as independent, as the engine does):

* C: a cervical cord source (degenerative cervical myelopathy);
* S: a specific lumbar source (radiculopathy, stenosis, cauda equina);
* N: non-specific low back pain;
* O: a non-spinal mimic (neuropathy, hydrocephalus, MS, MND, vascular, hip).

Back pain that myelopathy explains through gait compensation is cervical in origin,
so non-specific pain does not make a myelopathy case "both": only a specific lumbar
lesion does. The outcomes are

    both      = C and S
    cervical  = C and not S
    lumbar    = not C and (S, or N without O)
    other     = not C, not S, and O
    (undetermined mass: none of them)

The verdict is the most probable of the four if it reaches the ``verdict_confident``
threshold, otherwise ``undetermined``.
"""

from __future__ import annotations

from collections.abc import Mapping

from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.vocab import Origin, OriginFamily

VERDICTS = (Origin.CERVICAL, Origin.LUMBAR, Origin.BOTH, Origin.OTHER)
ORIGINS = (*VERDICTS, Origin.UNDETERMINED)
"""The order of :func:`origin_values` and of every origin dictionary."""
OriginValues = tuple[float, float, float, float, float]


def family_probabilities(kb: KnowledgeBase, probabilities: Mapping[str, float]) -> dict[OriginFamily, float]:
    absent = dict.fromkeys(OriginFamily, 1.0)
    for condition_id, condition in kb.conditions.items():
        absent[condition.origin_family] *= 1.0 - probabilities[condition_id]
    return {family: 1.0 - p_absent for family, p_absent in absent.items()}


def origin_probabilities(kb: KnowledgeBase, probabilities: Mapping[str, float]) -> dict[Origin, float]:
    return origin_from_families(family_probabilities(kb, probabilities))


def origin_from_families(fam: Mapping[OriginFamily, float]) -> dict[Origin, float]:
    values = origin_values(
        fam[OriginFamily.CERVICAL],
        fam[OriginFamily.LUMBAR_SPECIFIC],
        fam[OriginFamily.LUMBAR_NONSPECIFIC],
        fam[OriginFamily.OTHER],
    )
    return dict(zip(ORIGINS, values, strict=True))


def origin_values(c: float, s: float, n: float, o: float) -> OriginValues:
    """The outcomes above from the family probabilities C, S, N, O, as plain floats in ``ORIGINS`` order.

    The one place the formula lives: the ranking of questions evaluates it for every
    what-if answer, where building a dictionary each time would cost more than the sums.
    """
    return (
        c * (1 - s),
        (1 - c) * (s + (1 - s) * (1 - o) * n),
        c * s,
        (1 - c) * (1 - s) * o,
        (1 - c) * (1 - s) * (1 - o) * (1 - n),
    )


def verdict(origin: Mapping[Origin, float], confident: float) -> Origin:
    best = max(VERDICTS, key=lambda v: (origin[v], -VERDICTS.index(v)))
    return best if origin[best] >= confident else Origin.UNDETERMINED


def total_variation(a: Mapping[Origin, float], b: Mapping[Origin, float]) -> float:
    """How far apart two origin distributions are (0 = identical, 1 = disjoint)."""
    return 0.5 * sum(abs(a[k] - b[k]) for k in a)


def values_distance(a: OriginValues, b: OriginValues) -> float:
    """:func:`total_variation` of two :func:`origin_values` tuples (the same sums in the same order)."""
    a0, a1, a2, a3, a4 = a
    b0, b1, b2, b3, b4 = b
    return 0.5 * sum((abs(a0 - b0), abs(a1 - b1), abs(a2 - b2), abs(a3 - b3), abs(a4 - b4)))
