"""Work-up and treatment directions: which guideline recommendations apply, and why.

An indication holds when every criterion it gives holds (see
:class:`spinetriage.knowledge.schema.Indication`): a condition's probability (and
other conditions that must be likely too), a red flag or any red flag, the
myelopathy grade from an mJOA entered with the case, a clinically important fall of
the mJOA, findings that must or must not be present, and the exclusions (no red
flag raised, no serious condition likely) that keep self-management away from
serious disease.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.knowledge.schema import Indication, NotRecommended, Recommendation
from spinetriage.vocab import Status, Urgency


@dataclass(frozen=True, slots=True)
class Grading:
    """What the case's instruments say: the mJOA grade and whether the mJOA worsened."""

    grade: str | None = None
    score: int | None = None
    instrument: str = "mjoa"
    worsened: bool = False
    change: str | None = None


NO_GRADING = Grading()
_GRADED = frozenset({"mild", "moderate", "severe"})


def _why(
    kb: KnowledgeBase,
    ind: Indication,
    probabilities: Mapping[str, float],
    grading: Grading,
    evidence: Mapping[str, Status],
) -> str:
    parts = []
    if ind.red_flag is not None:
        parts.append(f"red flag: {kb.red_flags[ind.red_flag].label}")
    if ind.any_red_flag:
        parts.append("a red flag is raised")
    if ind.severity is not None:
        name = "P-mJOA" if grading.instrument == "p_mjoa" else "mJOA"
        grade = "no myelopathy on the scale" if ind.severity == "normal" else f"{ind.severity} myelopathy"
        parts.append(f"{name} {grading.score}: {grade}")
    if ind.mjoa_worsened:
        parts.append(grading.change or "mJOA worsened by at least the MCID")
    present = [*ind.all_present, *(f for f in ind.any_present if evidence.get(f) is Status.PRESENT)]
    if present:
        parts.append("present: " + ", ".join(present))
    if ind.condition is not None and ind.min_probability is not None:
        for condition in [ind.condition, *ind.also_likely]:
            label = kb.conditions[condition].label
            parts.append(f"{label} {probabilities[condition]:.0%} (threshold {ind.min_probability:.0%})")
    return "; ".join(parts)


def _holds(
    ind: Indication,
    probabilities: Mapping[str, float],
    evidence: Mapping[str, Status],
    red_flags: set[str],
    grading: Grading,
    emergency: bool = False,
) -> bool:
    # the lists are usually empty: test that before walking them (this runs ~35 times per assessment)
    if ind.unless_known and any(f in evidence for f in ind.unless_known):
        return False
    if ind.unless_graded and grading.grade in _GRADED:
        return False
    if ind.all_present and any(evidence.get(f) is not Status.PRESENT for f in ind.all_present):
        return False
    if ind.none_present and any(evidence.get(f) is Status.PRESENT for f in ind.none_present):
        return False
    if ind.all_absent and any(evidence.get(f) is not Status.ABSENT for f in ind.all_absent):
        return False
    if ind.any_present and not any(evidence.get(f) is Status.PRESENT for f in ind.any_present):
        return False
    if ind.red_flag is not None and ind.red_flag not in red_flags:
        return False
    if ind.any_red_flag and not red_flags:
        return False
    if ind.unless_any_red_flag and red_flags:
        return False
    if red_flags.intersection(ind.unless_red_flags):
        return False
    if ind.unless_emergency and emergency:
        return False
    if ind.unless_probability is not None and any(
        probabilities[c] >= ind.unless_probability for c in ind.unless_likely
    ):
        return False
    if (
        ind.also_likely
        and ind.min_probability is not None
        and any(probabilities[c] < ind.min_probability for c in ind.also_likely)
    ):
        return False
    if ind.severity is not None and ind.severity != grading.grade:
        return False
    if ind.mjoa_worsened and not grading.worsened:
        return False
    return not (
        ind.condition is not None
        and ind.min_probability is not None
        and probabilities[ind.condition] < ind.min_probability
    )


def _first_indication(
    indications: Iterable[Indication],
    probabilities: Mapping[str, float],
    evidence: Mapping[str, Status],
    red_flags: set[str],
    grading: Grading,
    emergency: bool = False,
) -> Indication | None:
    for indication in indications:
        if _holds(indication, probabilities, evidence, red_flags, grading, emergency):
            return indication
    return None


def _emergency(kb: KnowledgeBase, red_flags: set[str]) -> bool:
    """Whether a raised red flag is graded an emergency."""
    return any(kb.red_flags[f].urgency is Urgency.EMERGENCY for f in red_flags if f in kb.red_flags)


def applicable(
    kb: KnowledgeBase,
    recommendations: Iterable[Recommendation],
    probabilities: Mapping[str, float],
    evidence: Mapping[str, Status],
    red_flags: set[str],
    grading: Grading = NO_GRADING,
) -> list[tuple[Recommendation, str]]:
    """Recommendations whose indication holds, each with the reason, in the order :func:`_order` gives."""
    likely = kb.threshold("condition_likely")
    emergency = _emergency(kb, red_flags)
    chosen = []
    for rec in recommendations:
        ind = _first_indication(rec.indications, probabilities, evidence, red_flags, grading, emergency)
        if ind is not None:
            order = _order(rec, ind, probabilities, likely)
            chosen.append((order, rec, _why(kb, ind, probabilities, grading, evidence)))
    chosen.sort(key=lambda item: item[0])
    return [(rec, why) for _, rec, why in chosen]


SERIOUS_PRIORITY = 5
"""Priorities up to this one are the serious-pathology pathways (recommendations.yaml: emergencies,
infection, cancer, fracture, cord compression, a progressive deficit)."""


def _order(
    rec: Recommendation, ind: Indication, probabilities: Mapping[str, float], likely: float
) -> tuple[int, int, str]:
    """Serious pathways first; then the directions for a working diagnosis (a condition at least
    ``likely``, or a red flag or an instrument score); then those for a condition only suspected; by
    priority within each. By priority alone, gait physiotherapy for a myelopathy at 18% came before the
    shunt assessment for a hydrocephalus at 94% and the stenosis pathway for a stenosis at 69%; within the
    working diagnoses the designed order stands (in tandem stenosis, the neck first)."""
    if rec.priority <= SERIOUS_PRIORITY:
        return (0, rec.priority, rec.id)
    suspected_only = (
        ind.red_flag is None
        and ind.condition is not None
        and ind.min_probability is not None
        and probabilities[ind.condition] < likely
    )
    return (2 if suspected_only else 1, rec.priority, rec.id)


def advised_against(
    kb: KnowledgeBase,
    probabilities: Mapping[str, float],
    evidence: Mapping[str, Status],
    red_flags: set[str],
    recommended: set[str],
    grading: Grading = NO_GRADING,
) -> list[tuple[NotRecommended, str]]:
    """Steps the guidelines advise against here, unless something overrides them."""
    out = []
    emergency = _emergency(kb, red_flags)
    for item in kb.not_recommended.values():
        if recommended & set(item.unless_recommended):
            continue
        ind = _first_indication(item.indications, probabilities, evidence, red_flags, grading, emergency)
        if ind is not None:
            out.append((item, _why(kb, ind, probabilities, grading, evidence)))
    return out
