"""Work-up and treatment directions: which guideline recommendations apply, and why."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.knowledge.schema import Indication, NotRecommended, Recommendation
from spinetriage.vocab import Status


def _why(kb: KnowledgeBase, ind: Indication, probabilities: Mapping[str, float]) -> str:
    if ind.red_flag is not None:
        return f"red flag: {kb.red_flags[ind.red_flag].label}"
    assert ind.condition is not None and ind.min_probability is not None
    label = kb.conditions[ind.condition].label
    return f"{label} {probabilities[ind.condition]:.0%} (threshold {ind.min_probability:.0%})"


def _first_indication(
    kb: KnowledgeBase,
    indications: Iterable[Indication],
    probabilities: Mapping[str, float],
    evidence: Mapping[str, Status],
    red_flags: set[str],
) -> Indication | None:
    for ind in indications:
        if any(f in evidence for f in ind.unless_known):
            continue
        if ind.red_flag is not None and ind.red_flag in red_flags:
            return ind
        if (
            ind.condition is not None
            and ind.min_probability is not None
            and probabilities[ind.condition] >= ind.min_probability
        ):
            return ind
    return None


def applicable(
    kb: KnowledgeBase,
    recommendations: Iterable[Recommendation],
    probabilities: Mapping[str, float],
    evidence: Mapping[str, Status],
    red_flags: set[str],
) -> list[tuple[Recommendation, str]]:
    """Recommendations whose indication holds, by priority, each with the reason."""
    chosen = []
    for rec in recommendations:
        ind = _first_indication(kb, rec.indications, probabilities, evidence, red_flags)
        if ind is not None:
            chosen.append((rec, _why(kb, ind, probabilities)))
    chosen.sort(key=lambda item: (item[0].priority, item[0].id))
    return chosen


def advised_against(
    kb: KnowledgeBase,
    probabilities: Mapping[str, float],
    evidence: Mapping[str, Status],
    red_flags: set[str],
    recommended: set[str],
) -> list[tuple[NotRecommended, str]]:
    """Steps the guidelines advise against here, unless something overrides them."""
    out = []
    for item in kb.not_recommended.values():
        if recommended & set(item.unless_recommended):
            continue
        ind = _first_indication(kb, item.indications, probabilities, evidence, red_flags)
        if ind is not None:
            out.append((item, _why(kb, ind, probabilities)))
    return out
